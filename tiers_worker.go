package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trust"
)

// tiersWorker keeps the tiers current in a running server: it polls the graph's version, which
// every write to the graph bumps (this server's, a CLI import's, another server's on the same
// PostgreSQL), waits for a quiet moment, and recomputes once: a burst of endorsements costs one
// computation, and issuing badges or editing profiles costs none.
type tiersWorker struct {
	store *models.Store
	cfg   trust.Config
	log   *slog.Logger
	poll  time.Duration // how often the counter is read
	quiet time.Duration // how long it must stay still before a recomputation
	// explain is handed each computation, so that trust pages need not compute it again.
	explain *explainer
}

func (w *tiersWorker) run(ctx context.Context) {
	t := time.NewTicker(w.poll)
	defer t.Stop()
	last := "\x00" // no version seen yet
	var stillSince time.Time
	for {
		current, now, err := w.store.TiersCurrent(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				w.log.Error("tiers: reading the change counter", "err", err)
			}
		case current:
			last = now
		case now != last:
			last, stillSince = now, time.Now()
		case time.Since(stillSince) >= w.quiet:
			start := time.Now()
			var run tierRun
			computed := false
			// Another process computing (the tiers command, another server on the same
			// PostgreSQL) is not waited for: this worker tries again at its next poll, and
			// skips the work if that computation left the tiers current.
			err := w.store.WithTierLock(ctx, false, func(ctx context.Context) error {
				current, _, err := w.store.TiersCurrent(ctx)
				if err != nil || current {
					return err
				}
				computed = true
				run, err = computeTiers(ctx, w.store, w.cfg)
				return err
			})
			if errors.Is(err, models.ErrTiersBusy) {
				w.log.Debug("tiers: another process is computing them; trying again shortly")
				break
			}
			if err != nil {
				if ctx.Err() == nil {
					w.log.Error("tiers: recomputing", "err", err)
				}
				break
			}
			if !computed {
				last = "\x00"
				break
			}
			if w.explain != nil {
				w.explain.remember(run.in, run.result)
			}
			c := run.counts
			w.log.Info("tiers recomputed", "changed", run.changed, "signatory", c.Signatory, "advocate", c.Advocate, "ambassador", c.Ambassador,
				"took", time.Since(start).Round(time.Millisecond).String())
			last = "\x00"
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// explainer answers the trust pages from the latest computation, computing again (without
// writing anything) when the graph changed since: the first page after a change waits for one
// computation, the next ones are immediate.
type explainer struct {
	store *models.Store
	cfg   trust.Config

	mu      sync.Mutex
	version string
	ready   bool
	index   map[string]int
	members []trust.Member
	result  *trust.Result
}

// remember keeps a computation the tier worker made.
func (x *explainer) remember(in *models.TrustInput, r *trust.Result) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.set(in, r)
}

func (x *explainer) set(in *models.TrustInput, r *trust.Result) {
	x.result, x.members, x.version, x.ready = r, in.Members, in.Version, true
	x.index = make(map[string]int, len(in.Members))
	for i, m := range in.Members {
		x.index[m.ID] = i
	}
}

func (x *explainer) Explain(ctx context.Context, publicID string) (*handlers.Explanation, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, version, err := x.store.TiersCurrent(ctx)
	if err != nil {
		return nil, err
	}
	if !x.ready || version != x.version {
		in, err := x.store.LoadTrust(ctx)
		if err != nil {
			return nil, err
		}
		x.set(in, trust.Compute(in.Members, in.Edges, x.cfg))
	}
	i, ok := x.index[publicID]
	if !ok {
		return nil, models.Errorf(models.ENOTFOUND, "no such signatory")
	}
	standing := func(r *trust.Run) handlers.Standing {
		s := r.Standing(i)
		out := handlers.Standing{Accepted: s.Accepted, Distance: s.Distance, Capacity: s.Capacity}
		for _, m := range s.Path {
			out.Path = append(out.Path, x.members[m].ID)
		}
		return out
	}
	return &handlers.Explanation{Tier: x.result.Tiers[i].String(), Seed: x.members[i].Seed && x.members[i].Active,
		Advocate: standing(&x.result.Advocate), Ambassador: standing(&x.result.Ambassador)}, nil
}
