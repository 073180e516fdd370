package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

// start runs an engine until the test ends.
func start(t *testing.T, e *jobs.Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine: %v", err)
		}
	})
}

// testLog writes an engine's log into the test's.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func enqueue(t *testing.T, s *models.Store, j jobs.Job) {
	t.Helper()
	err := s.DB.Transaction(func(tx *gorm.DB) error {
		_, err := jobs.Enqueue(tx, j)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, s *models.Store, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB.Model(&models.Job{}).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInteractiveWorkGoesBeforeBulkWork(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		var mu sync.Mutex
		var order []string
		record := func(_ context.Context, j *jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, j.Payload)
			return nil
		}
		now := s.Now()
		// Queued first, due first, but bulk.
		enqueue(t, s, jobs.Job{Kind: "work", Payload: `"bulk-1"`, Priority: jobs.Bulk, RunAt: now.Add(-time.Minute)})
		enqueue(t, s, jobs.Job{Kind: "work", Payload: `"bulk-2"`, Priority: jobs.Bulk, RunAt: now.Add(-time.Minute)})
		enqueue(t, s, jobs.Job{Kind: "work", Payload: `"interactive-later"`, Priority: jobs.Interactive, RunAt: now.Add(-time.Second)})
		enqueue(t, s, jobs.Job{Kind: "work", Payload: `"interactive-earlier"`, Priority: jobs.Interactive, RunAt: now.Add(-2 * time.Second)})
		// Not due yet: never run in this test.
		enqueue(t, s, jobs.Job{Kind: "work", Payload: `"tomorrow"`, Priority: jobs.Interactive, RunAt: now.Add(24 * time.Hour)})
		start(t, &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{"work": record}, Concurrency: 1, Poll: 10 * time.Millisecond})
		waitFor(t, 10*time.Second, "four jobs done", func() bool { return count(t, s, "done_at IS NOT NULL") == 4 })
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		want := []string{`"interactive-earlier"`, `"interactive-later"`, `"bulk-1"`, `"bulk-2"`}
		if fmt.Sprint(order) != fmt.Sprint(want) {
			t.Fatalf("ran %v, want %v", order, want)
		}
	})
}

func TestAFailingJobBacksOffThenDies(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		var mu sync.Mutex
		var tries []time.Time
		fail := func(_ context.Context, j *jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			tries = append(tries, time.Now())
			return fmt.Errorf("the mail server said no (attempt %d)", j.Attempts)
		}
		var backoffs []int
		backoff := func(attempt int) time.Duration {
			mu.Lock()
			defer mu.Unlock()
			backoffs = append(backoffs, attempt)
			return 150 * time.Millisecond
		}
		enqueue(t, s, jobs.Job{Kind: "mail", MaxAttempts: 3})
		enqueue(t, s, jobs.Job{Kind: "fine"})
		start(t, &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{"mail": fail, "fine": func(context.Context, *jobs.Job) error { return nil }},
			Backoff: backoff, Poll: 10 * time.Millisecond})
		waitFor(t, 10*time.Second, "the failing job dead", func() bool { return count(t, s, "failed_at IS NOT NULL") == 1 })
		mu.Lock()
		defer mu.Unlock()
		if len(tries) != 3 {
			t.Fatalf("tried %d times, want 3 (max_attempts)", len(tries))
		}
		for i := 1; i < len(tries); i++ {
			if gap := tries[i].Sub(tries[i-1]); gap < 140*time.Millisecond {
				t.Errorf("attempt %d came %s after the previous one, before its backoff", i+1, gap)
			}
		}
		if fmt.Sprint(backoffs) != "[1 2 3]" {
			t.Errorf("backoff asked for attempts %v, want [1 2 3]", backoffs)
		}
		v, err := s.JobsTrouble(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if v.Dead != 1 || len(v.Trouble) != 1 || !v.Trouble[0].Dead() || v.Trouble[0].Attempts != 3 ||
			v.Trouble[0].LastError != "the mail server said no (attempt 3)" || v.Trouble[0].LeasedBy != nil {
			t.Fatalf("administrators see %+v", v)
		}
		if n := count(t, s, "kind = 'fine' AND done_at IS NOT NULL"); n != 1 {
			t.Fatalf("the job that works was done %d times", n)
		}
	})
}

func TestBackoffGrowsAndStaysBounded(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second, 12: 2048 * time.Second, 13: time.Hour, 40: time.Hour} {
		for range 50 {
			if got := jobs.Backoff(attempt); got < want*8/10 || got > want*12/10 {
				t.Fatalf("Backoff(%d) = %s, want %s ± 20%%", attempt, got, want)
			}
		}
	}
}

func TestWakeStartsAQueuedJobAtOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ran := make(chan time.Time, 1)
		e := &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{"badge": func(context.Context, *jobs.Job) error {
			ran <- time.Now()
			return nil
		}}, Poll: time.Hour}
		start(t, e)
		time.Sleep(100 * time.Millisecond) // the engine has found nothing and waits for its hourly poll
		queued := time.Now()
		enqueue(t, s, jobs.Job{Kind: "badge"})
		e.Wake()
		select {
		case at := <-ran:
			if d := at.Sub(queued); d > 500*time.Millisecond {
				t.Fatalf("the job started %s after it was queued", d)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a woken engine did not start the job")
		}
	})
}

func TestAJobQueuedInARolledBackTransactionNeverRuns(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		var ran sync.Map
		e := &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{"badge": func(_ context.Context, j *jobs.Job) error {
			ran.Store(j.Payload, true)
			return nil
		}}, Poll: 10 * time.Millisecond}
		refused := errors.New("the signature was refused")
		err := s.DB.Transaction(func(tx *gorm.DB) error {
			if _, err := jobs.Enqueue(tx, jobs.Job{Kind: "badge", Payload: `"rolled back"`}); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatal(err)
		}
		enqueue(t, s, jobs.Job{Kind: "badge", Payload: `"committed"`})
		start(t, e)
		waitFor(t, 10*time.Second, "the committed job done", func() bool { _, ok := ran.Load(`"committed"`); return ok })
		if _, ok := ran.Load(`"rolled back"`); ok {
			t.Fatal("the job of a rolled-back transaction ran")
		}
		if n := count(t, s, "1 = 1"); n != 1 {
			t.Fatalf("%d jobs stored, want the committed one", n)
		}
	})
}

func TestAUniqueKeyHoldsOneOpenJob(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		key := "status-list:7"
		queue := func() bool {
			var queued bool
			err := s.DB.Transaction(func(tx *gorm.DB) (err error) {
				queued, err = jobs.Enqueue(tx, jobs.Job{Kind: "publish", UniqueKey: &key})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return queued
		}
		if !queue() || queue() {
			t.Fatal("a second open job with the same key was queued")
		}
		start(t, &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{"publish": func(context.Context, *jobs.Job) error { return nil }}, Poll: 10 * time.Millisecond})
		waitFor(t, 10*time.Second, "the job done", func() bool { return count(t, s, "done_at IS NOT NULL") == 1 })
		if !queue() {
			t.Fatal("once the job is done, the key is free again")
		}
	})
}

func TestAJobHeldByADeadProcessIsTakenOver(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		enqueue(t, s, jobs.Job{Kind: "badge"})
		// A process claims the job and dies before finishing it.
		j, err := s.ClaimJob(context.Background(), []string{"badge"}, "dead:1/x", 200*time.Millisecond)
		if err != nil || j == nil {
			t.Fatalf("claim: %v, %v", j, err)
		}
		if again, err := s.ClaimJob(context.Background(), []string{"badge"}, "other:2/y", time.Minute); err != nil || again != nil {
			t.Fatalf("a held job was claimed again: %v, %v", again, err)
		}
		var runs atomic.Int32
		start(t, &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{"badge": func(context.Context, *jobs.Job) error { runs.Add(1); return nil }},
			Poll: 10 * time.Millisecond})
		waitFor(t, 10*time.Second, "the job done by another process", func() bool { return count(t, s, "done_at IS NOT NULL") == 1 })
		// The dead process's claim can no longer close it.
		if err := s.RetryJob(context.Background(), j, "late", time.Now()); err != nil {
			t.Fatal(err)
		}
		var got models.Job
		if err := s.DB.First(&got, j.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got.DoneAt == nil || got.LastError != "" || got.Attempts != 2 || runs.Load() != 1 {
			t.Fatalf("after the takeover the job is %+v, run %d times", got, runs.Load())
		}
	})
}

// processes opens n stores on one new database, each with its own connection pool, as n
// servers would.
func processes(t *testing.T, engine string, n int) []*models.Store {
	t.Helper()
	var location string
	if engine == "sqlite" {
		location = filepath.Join(t.TempDir(), "registry.db")
	} else {
		location = testutil.PostgresURL(t)
	}
	stores := make([]*models.Store, n)
	for i := range stores {
		s, err := models.Open(context.Background(), location)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	return stores
}

// eachEngine runs fn on SQLite and, when the test server is set, on PostgreSQL.
func eachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) { fn(t, string(s.Dialect)) })
}

func TestEveryJobRunsExactlyOnceAcrossProcesses(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		stores := processes(t, engine, 3)
		const total = 1000
		if err := stores[0].DB.Exec("CREATE TABLE job_runs (job_id BIGINT PRIMARY KEY, process INTEGER NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		err := stores[0].DB.Transaction(func(tx *gorm.DB) error {
			for i := range total {
				if _, err := jobs.Enqueue(tx, jobs.Job{Kind: "badge", Priority: i % 2, Payload: fmt.Sprint(i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var twice atomic.Int32
		var ran [3]atomic.Int32
		for i, s := range stores {
			start(t, &jobs.Engine{Store: s, Name: fmt.Sprint("process-", i), Concurrency: 3, Poll: 20 * time.Millisecond, Log: testLog(t),
				Handlers: map[string]jobs.Handler{"badge": func(ctx context.Context, j *jobs.Job) error {
					ran[i].Add(1)
					err := s.DB.WithContext(ctx).Exec("INSERT INTO job_runs (job_id, process) VALUES (?, ?)", j.ID, i).Error
					if models.ErrorCode(err) == models.ECONFLICT {
						twice.Add(1) // this job had already run
					} else if err != nil {
						t.Logf("job %d: %v", j.ID, err)
					}
					// Any other error (a database too busy on a loaded machine) leaves the run
					// unrecorded, and the job is rightly tried again.
					return err
				}}})
		}
		waitFor(t, 2*time.Minute, "every job done", func() bool {
			return twice.Load() > 0 || count(t, stores[0], "done_at IS NOT NULL") == total
		})
		var runs int64
		if err := stores[0].DB.Raw("SELECT COUNT(*) FROM job_runs").Scan(&runs).Error; err != nil {
			t.Fatal(err)
		}
		if runs != total || twice.Load() != 0 {
			t.Fatalf("%d distinct jobs ran, %d runs of a job already run; want %d and 0", runs, twice.Load(), total)
		}
		if n := count(t, stores[0], "done_at IS NULL OR leased_by IS NOT NULL"); n != 0 {
			t.Fatalf("%d jobs not closed", n)
		}
		if n := count(t, stores[0], "attempts <> 1"); n != 0 {
			t.Logf("%d jobs needed more than one attempt (their run failed, it did not run twice)", n)
		}
		t.Logf("runs per process: %d %d %d", ran[0].Load(), ran[1].Load(), ran[2].Load())
	})
}

func TestAPeriodicJobRunsOncePerPeriodAcrossProcesses(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		stores := processes(t, engine, 3)
		if err := stores[0].DB.Exec("CREATE TABLE ticks (slot TEXT PRIMARY KEY, process INTEGER NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		var twice, ticks atomic.Int32
		const period = 200 * time.Millisecond
		began := time.Now()
		for i, s := range stores {
			e := &jobs.Engine{Store: s, Name: fmt.Sprint("process-", i), Poll: 10 * time.Millisecond,
				Handlers: map[string]jobs.Handler{"tiers": func(ctx context.Context, j *jobs.Job) error {
					ticks.Add(1)
					// The period a run belongs to is the due time of the row it claimed.
					slot := j.RunAt.UTC().Format(time.RFC3339Nano)
					if err := s.DB.WithContext(ctx).Exec("INSERT INTO ticks (slot, process) VALUES (?, ?)", slot, i).Error; err != nil {
						twice.Add(1)
					}
					return nil
				}}}
			e.Every("tiers", period)
			start(t, e)
		}
		time.Sleep(2 * time.Second)
		elapsed := time.Since(began)
		n := ticks.Load()
		if twice.Load() != 0 {
			t.Fatalf("%d periods ran in two processes", twice.Load())
		}
		if most := int32(elapsed/period) + 1; n < 5 || n > most {
			t.Fatalf("ran %d times in %s with a period of %s (at most %d)", n, elapsed, period, most)
		}
		if rows := count(t, stores[0], "kind = 'tiers'"); rows != 1 {
			t.Fatalf("%d rows for the periodic kind, want one", rows)
		}
	})
}
