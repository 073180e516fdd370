package main

import (
	"context"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
)

// placesJobKind is the periodic job that gives a place on the map to entries stored without one.
const placesJobKind = "places.locate"

// placesEvery is how often it looks: entries without a place come only from an older registry or
// an older backup, so once an hour is plenty; a server also runs it as soon as it starts.
const placesEvery = time.Hour

// background is the job engine of a server: the kinds it runs and how often the periodic ones
// come round. Credentials are signed by the credentials.issue job, which the changes that fill
// the issuance outbox queue in their own transaction (one open at a time across every server,
// so two runs never overlap); status lists by the credentials.status job, which every revocation
// queues the same way, and which signs each changed list once for every server; e-mail by the
// mail outbox's jobs.
func background(env *environment, store *models.Store, tw *tiersWorker, credentials *issuer.Worker, outbox *mail.Outbox) *jobs.Engine {
	e := &jobs.Engine{Store: store, Log: env.log, Name: jobs.ProcessName(), Handlers: map[string]jobs.Handler{
		placesJobKind:          func(ctx context.Context, _ *jobs.Job) error { return locateMissing(ctx, env, store) },
		tiersJobKind:           tw.tiersJob,
		models.IssuanceJobKind: credentials.IssueJob,
		models.StatusJobKind:   credentials.StatusLists().Job,
	}}
	e.Every(placesJobKind, placesEvery)
	e.Rearm = store.RearmCredentialJobs
	if store.Dialect == models.Postgres {
		// Servers sharing the database take over the jobs of one that stops within a second or two
		// (the tier computation and the place backfill included), wherever it ran.
		e.Servers = store
	}
	// E-mail: the notifications' outbox, the sweep, the deletion confirmation. Registered even
	// when mail is off, so that due notifications are marked skipped instead of waiting.
	outbox.Register(e)
	// The tier worker watches the graph and queues one recomputation after a quiet moment; the
	// unique key keeps one open at a time across every server on the database.
	key := tiersJobKind
	tw.queue = func(ctx context.Context) error {
		_, err := e.Queue(ctx, jobs.Job{Kind: tiersJobKind, UniqueKey: &key, Priority: jobs.Interactive})
		return err
	}
	return e
}
