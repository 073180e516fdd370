package issuer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/traffic"
)

// runEngine runs a job engine doing credentials.issue with w until the test ends.
func runEngine(t *testing.T, s *models.Store, w *Worker, name string, lease time.Duration, wrap func(jobs.Handler) jobs.Handler) *jobs.Engine {
	t.Helper()
	h := jobs.Handler(w.IssueJob)
	if wrap != nil {
		h = wrap(h)
	}
	e := &jobs.Engine{Store: s, Name: name, Poll: 20 * time.Millisecond, Lease: lease, Concurrency: 3,
		Handlers: map[string]jobs.Handler{models.IssuanceJobKind: h}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine %s: %v", name, err)
		}
	})
	return e
}

// drained waits until the outbox has no open row and no credentials.issue job is open.
func drained(t *testing.T, s *models.Store, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; {
		var rows, open int64
		s.DB.Model(&models.IssuanceJob{}).Where("done_at IS NULL").Count(&rows)
		s.DB.Model(&models.Job{}).Where("kind = ? AND done_at IS NULL AND failed_at IS NULL", models.IssuanceJobKind).Count(&open)
		if rows == 0 && open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d outbox rows and %d credentials.issue jobs still open", within, rows, open)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// oneBadgeEach checks that every listed signatory holds exactly one Signatory badge, and that
// there are want of them.
func oneBadgeEach(t *testing.T, s *models.Store, want int64) {
	t.Helper()
	var twice []int64
	s.DB.Raw(`SELECT signatory_id FROM credentials WHERE kind = 'signatory' GROUP BY signatory_id HAVING COUNT(*) > 1`).Scan(&twice)
	if len(twice) > 0 {
		t.Errorf("signatories %v hold more than one Signatory badge", twice)
	}
	var n, without int64
	s.DB.Model(&models.Credential{}).Where("kind = 'signatory'").Count(&n)
	s.DB.Raw(`SELECT COUNT(*) FROM signatories s WHERE s.listed AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.signatory_id = s.id AND c.kind = 'signatory')`).Scan(&without)
	if n != want || without != 0 {
		t.Errorf("%d Signatory badges, %d listed signatories without one; want %d and 0", n, without, want)
	}
}

// Two servers on one database, each with its own connection pool, signer and engine: every
// badge of an import's backlog and of people signing meanwhile is issued exactly once, and the
// two engines never run credentials.issue at the same time.
func TestTwoEnginesIssueEveryBadgeOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		other, err := models.Open(ctx, s.Location)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		w1, keys := testWorker(t, s)
		w2, err := NewWorker(other, keys, w1.BaseURL, w1.Log)
		if err != nil {
			t.Fatal(err)
		}
		var running, overlaps, runs atomic.Int32
		exclusive := func(h jobs.Handler) jobs.Handler {
			return func(ctx context.Context, j *jobs.Job) error {
				if running.Add(1) > 1 {
					overlaps.Add(1)
				}
				defer running.Add(-1)
				runs.Add(1)
				return h(ctx, j)
			}
		}
		importBacklog(t, s, 230)
		e1 := runEngine(t, s, w1, "one", 0, exclusive)
		e2 := runEngine(t, other, w2, "two", 0, exclusive)
		for i := range 12 {
			signUp(t, s, "p"+string(rune('a'+i))+"@example.org", "Person "+string(rune('A'+i)), models.Public)
			e1.Wake()
			e2.Wake()
			time.Sleep(15 * time.Millisecond)
		}
		drained(t, s, 90*time.Second)
		oneBadgeEach(t, s, 242)
		if overlaps.Load() > 0 {
			t.Errorf("credentials.issue ran on both engines at once %d times", overlaps.Load())
		}
		if runs.Load() < 3 {
			t.Errorf("%d runs of credentials.issue; a 230-badge backlog takes at least 3 batches", runs.Load())
		}
	})
}

// A process that claimed the credentials.issue job, signed and stored a batch, and died before
// closing the job: once its lease runs out another engine takes the job over and finishes the
// outbox, and nobody's badge is issued twice.
func TestIssueJobOfADeadProcessIsTakenOver(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		importBacklog(t, s, 150)
		w, keys := testWorker(t, s)
		j, err := s.ClaimJob(ctx, []string{models.IssuanceJobKind}, "dead-host:4242/claim", 300*time.Millisecond)
		if err != nil || j == nil {
			t.Fatalf("the import queued no credentials.issue job to claim: %v, %v", j, err)
		}
		// What the dead process did before it died: one batch stored, the job left held.
		if r, err := w.batch(ctx, 1); err != nil || r.closed != batchSize {
			t.Fatalf("dead process's batch: %+v, %v", r, err)
		}
		restarted, err := NewWorker(s, keys, w.BaseURL, w.Log)
		if err != nil {
			t.Fatal(err)
		}
		var took sync.Once
		var at time.Time
		runEngine(t, s, restarted, "restarted", time.Minute, func(h jobs.Handler) jobs.Handler {
			return func(ctx context.Context, j *jobs.Job) error {
				took.Do(func() { at = time.Now() })
				return h(ctx, j)
			}
		})
		drained(t, s, 60*time.Second)
		if at.Before(j.LeaseUntil.Add(-10 * time.Millisecond)) {
			t.Errorf("the job was taken over at %s, before the dead process's lease ran out at %s", at, j.LeaseUntil)
		}
		oneBadgeEach(t, s, 150)
	})
}

// A full batch of a bulk backlog, while visitors are being served, sends the job back to rest
// (the pacing that keeps pages fast during a large import), at bulk priority; a person who signs meanwhile asks for the job again,
// which makes it due at once and interactive, and the next run signs their badge alone, ahead of
// the backlog.
func TestIssueJobRestsOnABacklogUntilSomeoneSigns(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		importBacklog(t, s, 250)
		w, _ := testWorker(t, s)
		w.Traffic = &traffic.Meter{}
		defer w.Traffic.Begin()() // a visitor's request in flight throughout
		j, err := s.ClaimJob(ctx, []string{models.IssuanceJobKind}, "test", time.Minute)
		if err != nil || j == nil || j.Priority != jobs.Bulk {
			t.Fatalf("claim: %+v, %v; want the import's bulk job", j, err)
		}
		var more *jobs.Continue
		if err := w.IssueJob(ctx, j); !errors.As(err, &more) {
			t.Fatalf("after a full batch of a backlog: %v, want the job to continue", err)
		}
		if more.Priority != jobs.Bulk || !more.At.After(s.Now()) {
			t.Fatalf("continue at %s (now %s), priority %d: want a rest, at bulk priority", more.At, s.Now(), more.Priority)
		}
		if err := s.ContinueJob(ctx, j, more.At, more.Priority); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.ClaimJob(ctx, []string{models.IssuanceJobKind}, "test", time.Minute); again != nil {
			t.Fatal("the job is due again before its rest is over")
		}
		_, ada := signUp(t, s, "ada@example.org", "Ada Example", models.Public)
		j, err = s.ClaimJob(ctx, []string{models.IssuanceJobKind}, "test", time.Minute)
		if err != nil || j == nil || j.Priority != jobs.Interactive {
			t.Fatalf("after a signature: %+v, %v; want the job due now, interactive", j, err)
		}
		if err := w.IssueJob(ctx, j); !errors.As(err, &more) || more.Priority != jobs.Bulk || more.At.After(s.Now()) {
			t.Fatalf("after Ada's badge: %v; want the backlog to go on at once, as bulk work", err)
		}
		var stored []models.Credential
		s.DB.Order("issued_at").Find(&stored)
		if len(stored) != batchSize+1 {
			t.Fatalf("%d credentials after two runs, want a full batch and Ada's alone", len(stored))
		}
		var adas int64
		s.DB.Model(&models.Credential{}).Where("signatory_id = ?", ada.ID).Count(&adas)
		if adas != 1 {
			t.Errorf("Ada holds %d badges after the run her signature started", adas)
		}
	})
}

// With nobody visiting, a backlog has the machine: the job goes on at once after a full batch,
// and the busier the visitors keep the server, the longer it rests.
func TestIssueJobGivesWayToVisitors(t *testing.T) {
	s := testutil.SQLite(t)
	ctx := context.Background()
	importBacklog(t, s, 250)
	w, _ := testWorker(t, s)
	w.Traffic = &traffic.Meter{}
	j, err := s.ClaimJob(ctx, []string{models.IssuanceJobKind}, "test", time.Minute)
	if err != nil || j == nil {
		t.Fatalf("claim: %+v, %v", j, err)
	}
	var more *jobs.Continue
	if err := w.IssueJob(ctx, j); !errors.As(err, &more) || more.At.After(s.Now()) {
		t.Fatalf("an idle server after a full batch: %v; want the backlog to go on at once", err)
	}
	end := w.Traffic.Begin()
	defer end()
	w.Traffic.Load()
	light := w.rest(100*time.Millisecond, 1)
	clock := time.Now()
	w.Traffic.Now = func() time.Time { return clock }
	w.Traffic.Load()
	busy := w.Traffic.Begin()
	clock = clock.Add(time.Second)
	busy()
	heavy := w.rest(100*time.Millisecond, 1)
	if light < 100*time.Millisecond || heavy <= light {
		t.Errorf("rest after a 100 ms batch: %s with a visitor, %s with a busy second; want at least the batch, and longer when busier", light, heavy)
	}
}
