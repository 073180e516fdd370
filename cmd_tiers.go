package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trust"
)

// capacities reads a capacity table flag: positive integers, comma-separated; empty means the
// schedule that follows the size of the registry.
func capacities(flag, v string) ([]int, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--%s: %q is not a list of positive whole numbers such as 20000,5000,1250", flag, v)
		}
		out = append(out, n)
	}
	return out, nil
}

func trustConfig(o *options) (trust.Config, error) {
	adv, err := capacities("advocate-capacities", o.AdvocateCapacities)
	if err != nil {
		return trust.Config{}, err
	}
	amb, err := capacities("ambassador-capacities", o.AmbassadorCapacities)
	if err != nil {
		return trust.Config{}, err
	}
	return trust.Config{Advocate: adv, Ambassador: amb}, nil
}

// tierRun is one recomputation: the graph read, the computation, and what it changed.
type tierRun struct {
	in      *models.TrustInput
	result  *trust.Result
	changed int
	counts  models.TierCounts
}

// recomputeTiers computes the tiers holding the tier lock, waiting for a computation another
// process is running: that one finishes first, and this one reads what it wrote.
func recomputeTiers(ctx context.Context, store *models.Store, cfg trust.Config) (tierRun, error) {
	var run tierRun
	err := store.WithTierLock(ctx, true, func(ctx context.Context) error {
		var err error
		run, err = computeTiers(ctx, store, cfg)
		return err
	})
	return run, err
}

// computeTiers loads the graph, computes the tiers and writes those that changed; the caller
// holds the tier lock.
func computeTiers(ctx context.Context, store *models.Store, cfg trust.Config) (tierRun, error) {
	in, err := store.LoadTrust(ctx)
	if err != nil {
		return tierRun{}, err
	}
	cfg.Previous = in.Previous
	run := tierRun{in: in, result: trust.Compute(in.Members, in.Edges, cfg)}
	if run.changed, run.counts, err = store.ApplyComputation(ctx, in, run.result); err != nil {
		return run, err
	}
	return run, store.MarkTiersCurrent(ctx, in.Version)
}

// cmdTiers recomputes the tiers now and prints the exclusive counts. While a server (or another
// command) is computing them, it says so and waits for it to finish.
func cmdTiers(ctx context.Context, env *environment, _ []string) error {
	if env.opts.Verify != "" {
		return cmdTiersVerify(ctx, env, env.opts.Verify)
	}
	cfg, err := trustConfig(env.opts)
	if err != nil {
		return &usageError{msg: err.Error(), usage: "usage: registry tiers [flags]"}
	}
	store, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	var run tierRun
	compute := func(ctx context.Context) error {
		var err error
		run, err = computeTiers(ctx, store, cfg)
		return err
	}
	err = store.WithTierLock(ctx, false, compute)
	if errors.Is(err, models.ErrTiersBusy) {
		env.log.Info("another tier computation is running on this database; waiting for it to finish")
		err = store.WithTierLock(ctx, true, compute)
	}
	if err != nil {
		return err
	}
	c := run.counts
	env.log.Info("tiers recomputed", "changed", run.changed, "took", time.Since(start).Round(time.Millisecond).String())
	fmt.Fprintf(env.stdout, "signatory %d\nadvocate %d\nambassador %d\n", c.Signatory, c.Advocate, c.Ambassador)
	return nil
}
