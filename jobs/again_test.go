package jobs_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// clock makes a store's time a value the test moves.
func clock(s *models.Store, start time.Time) *atomic.Int64 {
	var now atomic.Int64
	now.Store(start.UnixNano())
	s.Now = func() time.Time { return time.Unix(0, now.Load()).UTC() }
	return &now
}

// A handler that says "not yet" has its job due again then, without using an attempt.
func TestAgainPostponesWithoutCountingAnAttempt(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		start0 := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
		now := clock(s, start0)
		var runs atomic.Int32
		enqueue(t, s, jobs.Job{Kind: "digest", MaxAttempts: 1})
		start(t, &jobs.Engine{Store: s, Poll: 10 * time.Millisecond, Handlers: map[string]jobs.Handler{"digest": func(context.Context, *jobs.Job) error {
			if runs.Add(1) == 1 {
				return jobs.Again(start0.Add(time.Hour))
			}
			return nil
		}}})
		waitFor(t, 10*time.Second, "the job postponed", func() bool { return runs.Load() == 1 && count(t, s, "leased_by IS NULL") == 1 })
		var j models.Job
		if err := s.DB.Take(&j).Error; err != nil {
			t.Fatal(err)
		}
		if !j.RunAt.Equal(start0.Add(time.Hour)) || j.Attempts != 0 || j.DoneAt != nil || j.FailedAt != nil || j.LastError != "" {
			t.Fatalf("postponed job: %+v", j)
		}
		time.Sleep(50 * time.Millisecond)
		if runs.Load() != 1 {
			t.Fatal("the job ran before its time")
		}
		now.Store(start0.Add(time.Hour).UnixNano())
		waitFor(t, 10*time.Second, "the job done an hour later", func() bool { return count(t, s, "done_at IS NOT NULL") == 1 })
		if runs.Load() != 2 {
			t.Fatalf("%d runs, want 2", runs.Load())
		}
	})
}

// The payload of a kind that asks is erased once its job is done, and once it is dead.
func TestForgetPayloadErasesItWhenTheJobCloses(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		enqueue(t, s, jobs.Job{Kind: "farewell", Payload: `{"email":"ada@example.org"}`})
		enqueue(t, s, jobs.Job{Kind: "farewell", Payload: `{"email":"bob@example.org"}`, MaxAttempts: 1})
		enqueue(t, s, jobs.Job{Kind: "keep", Payload: `{"n":1}`})
		e := &jobs.Engine{Store: s, Poll: 10 * time.Millisecond, Log: testLog(t), Handlers: map[string]jobs.Handler{
			"farewell": func(_ context.Context, j *jobs.Job) error {
				if j.Payload == `{"email":"bob@example.org"}` {
					return os.ErrDeadlineExceeded
				}
				return nil
			},
			"keep": func(context.Context, *jobs.Job) error { return nil },
		}}
		e.ForgetPayload("farewell")
		start(t, e)
		waitFor(t, 10*time.Second, "all three jobs closed", func() bool { return count(t, s, "done_at IS NOT NULL OR failed_at IS NOT NULL") == 3 })
		if n := count(t, s, "kind = 'farewell' AND payload = '{}'"); n != 2 {
			t.Fatalf("%d farewell jobs without their payload, want 2", n)
		}
		if n := count(t, s, "kind = 'keep' AND payload = ?", `{"n":1}`); n != 1 {
			t.Fatal("a kind that did not ask lost its payload")
		}
	})
}

// A job claimed by a process of this machine that was killed is taken over as soon as a new
// engine starts, not when the claim's lease (an hour here) runs out; a live process keeps its
// claim.
func TestAClaimOfAKilledProcessIsReleasedAtStart(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		host, _ := os.Hostname()
		gone := exec.Command("true")
		if err := gone.Run(); err != nil {
			t.Fatal(err)
		}
		alive := exec.Command("sleep", "60")
		if err := alive.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { alive.Process.Kill(); alive.Wait() })
		enqueue(t, s, jobs.Job{Kind: "badge", Payload: `{"n":1}`})
		enqueue(t, s, jobs.Job{Kind: "badge", Payload: `{"n":2}`})
		ctx := context.Background()
		for _, pid := range []int{gone.Process.Pid, alive.Process.Pid} {
			if j, err := s.ClaimJob(ctx, []string{"badge"}, host+":"+strconv.Itoa(pid)+"/token", time.Hour); err != nil || j == nil {
				t.Fatalf("claim: %v, %v", j, err)
			}
		}
		var runs atomic.Int32
		start(t, &jobs.Engine{Store: s, Poll: 10 * time.Millisecond, Handlers: map[string]jobs.Handler{
			"badge": func(context.Context, *jobs.Job) error { runs.Add(1); return nil }}})
		waitFor(t, 10*time.Second, "the killed process's job done", func() bool { return count(t, s, "done_at IS NOT NULL") == 1 })
		time.Sleep(100 * time.Millisecond)
		if runs.Load() != 1 || count(t, s, "done_at IS NULL AND leased_by = ?", host+":"+strconv.Itoa(alive.Process.Pid)+"/token") != 1 {
			t.Fatalf("%d runs; the live process's claim must stay", runs.Load())
		}
	})
}
