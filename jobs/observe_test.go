package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/testutil"
)

// Observe hears of every run with its kind and outcome: a failure with its error, a success and
// a job that puts itself back to continue later without one.
func TestObserveHearsEveryRun(t *testing.T) {
	s := testutil.SQLite(t)
	var mu sync.Mutex
	runs := map[string][]error{}
	slices := 0
	e := &jobs.Engine{Store: s, Log: testLog(t), Poll: 10 * time.Millisecond,
		Backoff: func(int) time.Duration { return time.Millisecond },
		Handlers: map[string]jobs.Handler{
			"ok":   func(context.Context, *jobs.Job) error { return nil },
			"fail": func(context.Context, *jobs.Job) error { return errors.New("boom") },
			"slices": func(context.Context, *jobs.Job) error {
				mu.Lock()
				defer mu.Unlock()
				if slices++; slices < 3 {
					return &jobs.Continue{At: time.Now()}
				}
				return nil
			},
		},
		Observe: func(kind string, took time.Duration, err error) {
			mu.Lock()
			defer mu.Unlock()
			if took < 0 {
				t.Errorf("%s took %v", kind, took)
			}
			runs[kind] = append(runs[kind], err)
		},
	}
	if e.Running() {
		t.Fatal("Running before Run")
	}
	enqueue(t, s, jobs.Job{Kind: "ok"})
	enqueue(t, s, jobs.Job{Kind: "fail", MaxAttempts: 2})
	enqueue(t, s, jobs.Job{Kind: "slices"})
	start(t, e)
	waitFor(t, 10*time.Second, "every run observed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs["ok"]) == 1 && len(runs["fail"]) == 2 && len(runs["slices"]) == 3
	})
	if !e.Running() {
		t.Error("Running is false while the engine runs")
	}
	mu.Lock()
	defer mu.Unlock()
	if runs["ok"][0] != nil {
		t.Errorf("a successful run was observed with %v", runs["ok"][0])
	}
	for _, err := range runs["fail"] {
		if err == nil || err.Error() != "boom" {
			t.Errorf("a failed run was observed with %v, want boom", err)
		}
	}
	for _, err := range runs["slices"] {
		if err != nil {
			t.Errorf("a run that continues later was observed as failed: %v", err)
		}
	}
}
