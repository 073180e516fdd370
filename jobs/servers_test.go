package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
)

// Servers on one PostgreSQL: the job of a server that stops is taken over within a second or two,
// long before its lease runs out, and not while that server still runs.
func TestAJobOfAStoppedServerIsTakenOverWithinSeconds(t *testing.T) {
	stores := processes(t, "postgres", 2)
	gone, survivor := stores[0], stores[1]
	ctx := context.Background()
	enqueue(t, gone, jobs.Job{Kind: "badge"})

	// The first server shows it runs, and claims the job for five minutes.
	running, stop := context.WithCancel(ctx)
	listened := make(chan struct{})
	go func() { gone.Listen(running, "gone:1", testLog(t)); close(listened) }()
	defer func() { stop(); <-listened }()
	waitFor(t, 5*time.Second, "the first server shows it runs", gone.Present)
	j, err := gone.ClaimJob(ctx, []string{"badge"}, "gone:1/x", 5*time.Minute)
	if err != nil || j == nil {
		t.Fatalf("claim: %v, %v", j, err)
	}

	var runs atomic.Int32
	survive, stopSurvivor := context.WithCancel(ctx)
	defer stopSurvivor()
	go survivor.Listen(survive, "survivor:2", testLog(t))
	start(t, &jobs.Engine{Store: survivor, Name: "survivor:2", Servers: survivor, Poll: 50 * time.Millisecond, Log: testLog(t),
		Handlers: map[string]jobs.Handler{"badge": func(context.Context, *jobs.Job) error { runs.Add(1); return nil }}})
	time.Sleep(2500 * time.Millisecond)
	if runs.Load() != 0 {
		t.Fatal("the job of a server still running was taken over")
	}

	// The first server stops: PostgreSQL ends its session, and with it its lock.
	stop()
	<-listened
	stopped := time.Now()
	waitFor(t, 5*time.Second, "the job done by the other server", func() bool { return count(t, survivor, "done_at IS NOT NULL") == 1 })
	t.Logf("taken over %s after the first server stopped (its lease had %s to run)", time.Since(stopped).Round(time.Millisecond), time.Until(*j.LeaseUntil).Round(time.Second))
	if runs.Load() != 1 {
		t.Errorf("the job ran %d times", runs.Load())
	}
}
