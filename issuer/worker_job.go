package issuer

import (
	"context"
	"time"

	"github.com/open-recognition/registry/jobs"
)

// IssueJob is the credentials.issue job: one batch of the outbox per run, then the job goes back
// to the engine, due again by the outbox's first open row. Interactive work (a person waiting for
// their badge) comes back at once, at interactive priority, so a run never makes it wait behind a
// backlog. A full batch of a bulk backlog (a large import) comes back after a rest that gives way
// to visitors (see rest), so that pages stay fast while thousands of badges are signed; a
// signature queued meanwhile asks for the job again (models.EnqueueAgain), which ends the rest,
// and its badge goes into the next batch ahead of the backlog. A full batch of interactive work
// is a crowd signing at once (a campaign, a conference plenary): it is signed on every core but
// one while they visit and followed by the same rest, taken inside the job, since each new
// signature asks for the job again and would end a rest in the job table at once. Their
// signatures are stored first; their badges follow as the cores allow. An empty outbox closes
// the job.
func (w *Worker) IssueJob(ctx context.Context, _ *jobs.Job) error {
	start := time.Now()
	r, err := w.batch(ctx, w.bulkSigners())
	if err != nil {
		return err
	}
	open, priority, err := w.Store.IssuanceHead(ctx)
	if err != nil || !open {
		return err
	}
	at := w.Store.Now()
	rest := w.rest(time.Since(start), r.signers)
	switch {
	case r.bulk && r.taken == batchSize && priority != jobs.Interactive:
		at = at.Add(rest)
	case r.crowd:
		t := time.NewTimer(rest)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done(): // shutting down: the job goes back, due now
		}
		at = w.Store.Now()
	}
	return &jobs.Continue{At: at, Priority: priority}
}

// rest is how long the worker waits after a full batch of bulk work that took took with signers
// signing at once. While nobody visits, none: the backlog has the machine. With visitors, the
// signing takes at most half of one core, and less the more of the cores their requests took
// since the last batch: a tenth of a core at half load, a twentieth when requests take every
// core.
func (w *Worker) rest(took time.Duration, signers int) time.Duration {
	if w.Traffic.Idle() {
		return 0
	}
	load := min(w.Traffic.Load(), 1)
	return time.Duration(float64(took) * (float64(2*signers-1) + 18*load*float64(signers)))
}
