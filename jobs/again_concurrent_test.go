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

// Two changes that ask for the same job at once do not wait for each other's commit. On
// PostgreSQL, asking an open job for again inside the change's transaction locked the job's row
// until that commit, so that every signature of a crowd waited for the commit (the fsync) of the
// one before it: about 260 signatures a second, with readers starved of connections.
func TestChangesAskingForTheSameJobDoNotWaitForEachOther(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		if s.Dialect != models.Postgres {
			t.Skip("SQLite has one writer at a time: its changes take turns anyway")
		}
		ctx := context.Background()
		key := "outbox"
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key})
		for _, claimed := range []bool{false, true} {
			if claimed {
				if j, err := s.ClaimJob(ctx, []string{"q"}, "runner", time.Minute); err != nil || j == nil {
					t.Fatalf("claim: %v, %v", j, err)
				}
			}
			first := s.DB.Begin()
			if err := jobs.EnqueueAgain(first, jobs.Job{Kind: "q", UniqueKey: &key}); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				done <- s.DB.Transaction(func(tx *gorm.DB) error { return jobs.EnqueueAgain(tx, jobs.Job{Kind: "q", UniqueKey: &key}) })
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(3 * time.Second):
				first.Rollback()
				<-done
				t.Fatalf("claimed=%v: a change asking for the job waited for another change's commit", claimed)
			}
			if err := first.Commit().Error; err != nil {
				t.Fatal(err)
			}
		}
	})
}

// A change committed while the job runs asks it for again after the commit: the run, which may
// have read its queue before the change was visible, puts the job back instead of closing it.
// Once asked, later changes find it asked and write nothing; a job closed meanwhile is queued anew.
func TestAChangeDuringARunAsksForItAgainAfterItsCommit(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		key := "outbox"
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key, Priority: jobs.Bulk})
		j, err := s.ClaimJob(ctx, []string{"q"}, "runner", time.Minute)
		if err != nil || j == nil {
			t.Fatalf("claim: %v, %v", j, err)
		}
		var row models.Job
		tx := s.DB.Begin()
		if err := jobs.EnqueueAgain(tx, jobs.Job{Kind: "q", UniqueKey: &key, Priority: jobs.Interactive}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit().Error; err != nil {
			t.Fatal(err)
		}
		s.DB.Take(&row, j.ID)
		if !row.Again || row.Priority != jobs.Interactive {
			t.Fatalf("after a change committed during the run: %+v; want it asked for again, interactive", row)
		}
		// A change rolled back asks for nothing.
		rolled := s.DB.Begin()
		if err := jobs.EnqueueAgain(rolled, jobs.Job{Kind: "q", UniqueKey: &key}); err != nil {
			t.Fatal(err)
		}
		rolled.Rollback()
		if err := s.FinishJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		s.DB.Take(&row, j.ID)
		if row.DoneAt != nil || row.Again || row.LeasedBy != nil {
			t.Fatalf("the run closed a job asked for again: %+v", row)
		}
		j, _ = s.ClaimJob(ctx, []string{"q"}, "runner", time.Minute)
		if j == nil {
			t.Fatal("the job put back is not due")
		}
		if err := s.FinishJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		enqueueAgain(t, s, jobs.Job{Kind: "q", UniqueKey: &key})
		if n := count(t, s, "kind = 'q' AND done_at IS NULL"); n != 1 {
			t.Errorf("%d open jobs after a change that followed the closing, want 1", n)
		}
	})
}
