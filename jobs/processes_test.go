package jobs_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

// childDB, set in the environment, makes the test binary a worker process on that SQLite file
// instead of running the tests (TestJobsRunOnceAcrossOSProcesses starts several).
const childDB = "JOBS_TEST_CHILD_DB"

func TestMain(m *testing.M) {
	if db := os.Getenv(childDB); db != "" {
		if err := child(db); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child works off the "badge" jobs of db, recording each run in job_runs, until none is open.
func child(db string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := models.Open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	var ran, twice atomic.Int32
	e := &jobs.Engine{Store: s, Name: fmt.Sprint("pid-", os.Getpid()), Concurrency: 3, Poll: 20 * time.Millisecond,
		Handlers: map[string]jobs.Handler{"badge": func(ctx context.Context, j *jobs.Job) error {
			err := s.DB.WithContext(ctx).Exec("INSERT INTO job_runs (job_id, process) VALUES (?, ?)", j.ID, os.Getpid()).Error
			switch {
			case models.ErrorCode(err) == models.ECONFLICT:
				twice.Add(1) // this job had already run
			case err == nil:
				ran.Add(1)
			}
			// Any other error (a busy database) leaves the run unrecorded: tried again.
			return err
		}}}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.Run(runCtx) }()
	for {
		var open int64
		if err := s.DB.Model(&models.Job{}).Where("done_at IS NULL AND failed_at IS NULL").Count(&open).Error; err != nil {
			stop()
			return err
		}
		if open == 0 || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		return err
	}
	fmt.Println("ran", ran.Load(), "twice", twice.Load())
	return ctx.Err()
}

// Three operating-system processes share one SQLite file: each job runs exactly once.
func TestJobsRunOnceAcrossOSProcesses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "registry.db")
	s := testutil.SQLiteAt(t, db)
	if err := s.DB.Exec("CREATE TABLE job_runs (job_id BIGINT PRIMARY KEY, process INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	const total = 1000
	err := s.DB.Transaction(func(tx *gorm.DB) error {
		for i := range total {
			if _, err := jobs.Enqueue(tx, jobs.Job{Kind: "badge", Priority: i % 2}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var procs []*exec.Cmd
	var outs []*strings.Builder
	for range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childDB+"="+db)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, outs = append(procs, cmd), append(outs, out)
	}
	for i, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
		out := strings.TrimSpace(outs[i].String())
		t.Logf("process %d: %s", i, out)
		if !strings.HasSuffix(out, "twice 0") {
			t.Errorf("process %d ran a job that had already run: %s", i, out)
		}
	}
	var runs int64
	if err := s.DB.Raw("SELECT COUNT(*) FROM job_runs").Scan(&runs).Error; err != nil {
		t.Fatal(err)
	}
	if runs != total {
		t.Fatalf("%d jobs ran, want %d", runs, total)
	}
	if n := count(t, s, "done_at IS NULL OR leased_by IS NOT NULL"); n != 0 {
		t.Fatalf("%d jobs not closed", n)
	}
}
