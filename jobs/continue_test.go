package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

func enqueueAgain(t *testing.T, s *models.Store, j jobs.Job) {
	t.Helper()
	if err := s.DB.Transaction(func(tx *gorm.DB) error { return jobs.EnqueueAgain(tx, j) }); err != nil {
		t.Fatal(err)
	}
}

// A job asked for again while it runs is not closed by that run but put back due at once, at the
// more urgent priority; asked for again while it waits, it stays one job, pulled forward. Without
// the flag, a change committed after the run read its queue would be left with no job.
func TestJobAskedForAgainWhileRunningRunsOnceMore(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		key := "queue"
		later := time.Now().Add(time.Hour)
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key, Priority: jobs.Bulk, RunAt: later})
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key, Priority: jobs.Bulk})
		if n := count(t, s, "kind = 'q'"); n != 1 {
			t.Fatalf("%d jobs, want one for the key", n)
		}
		j, err := s.ClaimJob(ctx, []string{"q"}, "me", time.Minute)
		if err != nil || j == nil {
			t.Fatalf("claim: %v, %v: asking again did not pull the job forward", j, err)
		}
		// A change during the run.
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key, Priority: jobs.Interactive})
		if err := s.FinishJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		var row models.Job
		s.DB.Take(&row, j.ID)
		if row.DoneAt != nil || row.Again || row.LeasedBy != nil || row.Priority != jobs.Interactive || row.RunAt.After(time.Now()) {
			t.Fatalf("after a run asked for again: %+v; want it open, due, interactive, unleased", row)
		}
		j, err = s.ClaimJob(ctx, []string{"q"}, "me", time.Minute)
		if err != nil || j == nil {
			t.Fatalf("second claim: %v, %v", j, err)
		}
		if err := s.FinishJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "kind = 'q' AND done_at IS NOT NULL"); n != 1 {
			t.Errorf("a run not asked for again left the job open")
		}
		// Closed: the next change queues a new job.
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key})
		if n := count(t, s, "kind = 'q' AND done_at IS NULL"); n != 1 {
			t.Errorf("%d open jobs after a change, want 1", n)
		}
	})
}

// A handler that returns Continue has its job put back at the time and priority it asks; a job
// asked for again during that run is due at once instead.
func TestContinuePutsTheJobBack(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		key := "slices"
		enqueueAgain(t, s, jobs.Job{Kind: "slice", UniqueKey: &key, Priority: jobs.Interactive})
		j, _ := s.ClaimJob(ctx, []string{"slice"}, "me", time.Minute)
		rest := time.Now().Add(time.Hour)
		if err := s.ContinueJob(ctx, j, rest, jobs.Bulk); err != nil {
			t.Fatal(err)
		}
		var row models.Job
		s.DB.Take(&row, j.ID)
		if row.DoneAt != nil || row.Priority != jobs.Bulk || row.RunAt.Before(rest.Add(-time.Second)) || row.Attempts != 0 {
			t.Fatalf("continued job %+v; want it due in an hour, bulk, attempts reset", row)
		}
		// Asked for again while resting: due now, interactive.
		enqueueAgain(t, s, jobs.Job{Kind: "slice", UniqueKey: &key, Priority: jobs.Interactive})
		j, _ = s.ClaimJob(ctx, []string{"slice"}, "me", time.Minute)
		if j == nil {
			t.Fatal("a resting job asked for again is not due")
		}
		enqueueAgain(t, s, jobs.Job{Kind: "slice", UniqueKey: &key, Priority: jobs.Interactive})
		if err := s.ContinueJob(ctx, j, rest, jobs.Bulk); err != nil {
			t.Fatal(err)
		}
		s.DB.Take(&row, j.ID)
		if row.RunAt.After(time.Now()) || row.Priority != jobs.Interactive {
			t.Errorf("a job asked for again during its run rests anyway: %+v", row)
		}
	})
}
