package main

import (
	"context"
	"log/slog"
	"time"

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
			changed, c, err := recomputeTiers(ctx, w.store, w.cfg)
			if err != nil {
				if ctx.Err() == nil {
					w.log.Error("tiers: recomputing", "err", err)
				}
				break
			}
			w.log.Info("tiers recomputed", "changed", changed, "signatory", c.Signatory, "advocate", c.Advocate, "ambassador", c.Ambassador,
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
