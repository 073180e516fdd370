package main

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/jobs"
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
	// maxWait bounds how long steady activity (an endorsement every second) can put a
	// recomputation off; zero means no bound.
	maxWait time.Duration
	// explain is handed each computation, so that trust pages need not compute it again.
	explain *explainer
	// queue, when set, hands the recomputation to the job engine (tiersJob) instead of doing it
	// in this loop.
	queue func(ctx context.Context) error
	// observe, when set, is told how long each recomputation took (the operator's metrics).
	observe func(took time.Duration)
}

// tiersJobKind is the job that recomputes the tiers.
const tiersJobKind = "tiers.compute"

// tiersJob is the job engine's handler for tiersJobKind.
func (w *tiersWorker) tiersJob(ctx context.Context, _ *jobs.Job) error {
	_, err := w.compute(ctx)
	if errors.Is(err, models.ErrTiersBusy) {
		// Another process is computing; the worker queues the job again if that leaves the
		// tiers behind.
		return nil
	}
	return err
}

// compute recomputes the tiers unless they are current, and hands the result to the pages.
func (w *tiersWorker) compute(ctx context.Context) (computed bool, err error) {
	start := time.Now()
	var run tierRun
	// Another process computing (the tiers command, another server on the same PostgreSQL) is
	// not waited for: the worker tries again at its next poll, and skips the work if that
	// computation left the tiers current.
	err = w.store.WithTierLock(ctx, false, func(ctx context.Context) error {
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
	}
	if err != nil || !computed {
		return false, err
	}
	if w.observe != nil {
		w.observe(time.Since(start))
	}
	if w.explain != nil {
		w.explain.publish(run.in, run.result, start, time.Now())
	}
	c := run.counts
	w.log.Info("tiers recomputed", "version", run.in.Version, "changed", run.changed, "signatory", c.Signatory, "advocate", c.Advocate, "ambassador", c.Ambassador,
		"took", time.Since(start).Round(time.Millisecond).String())
	return true, nil
}

func (w *tiersWorker) run(ctx context.Context) {
	// At start the pages get an explanation at once, whether the stored tiers are current or not
	// (they wait for a quiet moment to be recomputed, which constant activity can put off).
	if w.explain != nil {
		w.explainOnly(ctx)
	}
	t := time.NewTicker(w.poll)
	defer t.Stop()
	// A change heard of (on PostgreSQL, another server's write or computation) is looked at
	// at once rather than at the next poll: the trust pages follow another server's computation
	// within milliseconds.
	changed, unsubscribe := w.store.SubscribeChanges()
	defer unsubscribe()
	last := "\x00" // no version seen yet
	var stillSince, changedSince time.Time
	for {
		current, now, err := w.store.TiersCurrent(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				w.log.Error("tiers: reading the change counter", "err", err)
			}
		case current:
			last, changedSince = now, time.Time{}
			// Computed by another process (a CLI run, another server): the pages follow.
			if w.explain != nil {
				if v, ok := w.explain.Version(); !ok || v != now {
					w.explainOnly(ctx)
				}
			}
		case now != last && (changedSince.IsZero() || w.maxWait == 0 || time.Since(changedSince) < w.maxWait):
			last, stillSince = now, time.Now()
			if changedSince.IsZero() {
				changedSince = stillSince
			}
		case now != last || time.Since(stillSince) >= w.quiet:
			// Quiet for long enough, or busy for too long.
			if w.queue != nil {
				// The job engine computes: one open job across servers, retried if it fails.
				if err := w.queue(ctx); err != nil && ctx.Err() == nil {
					w.log.Error("tiers: queueing the recomputation", "err", err)
				}
				last, changedSince = "\x00", time.Time{}
				break
			}
			_, err := w.compute(ctx)
			if errors.Is(err, models.ErrTiersBusy) {
				break
			}
			if err != nil {
				if ctx.Err() == nil {
					w.log.Error("tiers: recomputing", "err", err)
				}
				break
			}
			last, changedSince = "\x00", time.Time{}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-changed:
			// A burst of writes is looked at once, not once per write.
			select {
			case <-ctx.Done():
				return
			case <-time.After(changeSettle):
			}
		}
	}
}

// changeSettle is how long the tier worker waits after hearing of a change before it looks.
const changeSettle = 50 * time.Millisecond

// explainOnly computes the tiers without writing anything and hands the result to the pages.
func (w *tiersWorker) explainOnly(ctx context.Context) {
	start := time.Now()
	in, err := w.store.LoadTrust(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error("tiers: reading the graph to explain it", "err", err)
		}
		return
	}
	w.explain.publish(in, trust.Compute(in.Members, in.Edges, inForce(w.cfg, in)), start, time.Now())
}

// inForce is the configuration that gives the tiers as the latest computation wrote them: the
// tables it recorded, where the operator set none.
func inForce(cfg trust.Config, in *models.TrustInput) trust.Config {
	cfg.Previous = in.Previous
	if s := in.Schedule; s != nil {
		if len(cfg.Advocate) == 0 {
			cfg.Advocate = s.Advocate
		}
		if len(cfg.Ambassador) == 0 {
			cfg.Ambassador = s.Ambassador
		}
	}
	return cfg
}

// explainer answers the trust pages from the latest finished computation, which the tier
// worker hands over. Readers never wait for a computation and never start one: they load one
// pointer. Until the first computation is handed over, pages say the tiers are being computed.
type explainer struct {
	latest atomic.Pointer[trustSnapshot]
}

// trustSnapshot is one finished computation, never changed once published.
type trustSnapshot struct {
	version    string    // the graph's version (Store.GraphVersion) it was computed from
	graphAt    time.Time // when that graph was read
	computedAt time.Time // when the computation finished
	index      map[string]int
	members    []trust.Member
	result     *trust.Result
}

// publish hands a computation over to the pages, replacing the previous one.
func (x *explainer) publish(in *models.TrustInput, r *trust.Result, graphAt, computedAt time.Time) {
	snap := &trustSnapshot{version: in.Version, graphAt: graphAt.UTC(), computedAt: computedAt.UTC(),
		index: make(map[string]int, len(in.Members)), members: in.Members, result: r}
	for i, m := range in.Members {
		snap.index[m.ID] = i
	}
	x.latest.Store(snap)
}

// Version is the graph version of the computation the pages show, "" before the first.
func (x *explainer) Version() (string, bool) {
	if snap := x.latest.Load(); snap != nil {
		return snap.version, true
	}
	return "", false
}

func (x *explainer) Explain(_ context.Context, publicID string) (*handlers.Explanation, error) {
	snap := x.latest.Load()
	if snap == nil {
		return nil, handlers.ErrTiersNotComputed
	}
	exp := &handlers.Explanation{Computation: handlers.Computation{Version: snap.version, GraphAt: snap.graphAt, ComputedAt: snap.computedAt}}
	i, ok := snap.index[publicID]
	if !ok {
		// Signed after this computation: the next one places them.
		exp.Missing = true
		return exp, nil
	}
	standing := func(r *trust.Run) handlers.Standing {
		s := r.Standing(i)
		out := handlers.Standing{Accepted: s.Accepted, Distance: s.Distance, Capacity: s.Capacity}
		for _, m := range s.Path {
			out.Path = append(out.Path, snap.members[m].ID)
		}
		return out
	}
	exp.Tier, exp.Seed = snap.result.Tiers[i].String(), snap.members[i].Seed && snap.members[i].Active
	exp.Advocate, exp.Ambassador = standing(&snap.result.Advocate), standing(&snap.result.Ambassador)
	return exp, nil
}
