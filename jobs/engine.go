// Package jobs runs the registry's background work from one table (models.Job): jobs queued in
// the transaction of the change that asks for them, claimed by any number of processes on one
// database, interactive work before bulk work, failures tried again with backoff and kept for
// administrators when they die, and periodic work as one row per kind that only one process
// runs at a time.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/models"
	"gorm.io/gorm"
)

// Job is one piece of background work, as stored.
type Job = models.Job

// Priorities.
const (
	Interactive = models.JobInteractive
	Bulk        = models.JobBulk
)

// Enqueue queues a job inside tx, the caller's transaction: if that transaction rolls back, the
// job never existed. It returns false when an open job already holds j.UniqueKey. Call the
// engine's Wake after the commit so that the job starts at once.
func Enqueue(tx *gorm.DB, j Job) (bool, error) {
	return models.EnqueueJob(tx, &j)
}

// Queue queues a job in a transaction of its own and wakes the engine: for work that no other
// change has to commit with.
func (e *Engine) Queue(ctx context.Context, j Job) (bool, error) {
	var queued bool
	err := e.Store.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) (err error) {
		queued, err = Enqueue(tx, j)
		return err
	})
	if err == nil && queued {
		e.Wake()
	}
	return queued, err
}

// EnqueueAgain queues j in tx, or asks the open job holding j.UniqueKey for again (see
// models.EnqueueAgain): for the one job that works off a queue of the domain's own rows.
func EnqueueAgain(tx *gorm.DB, j Job) error {
	return models.EnqueueAgain(tx, j)
}

// Continue, returned by a handler, puts its job back due at At with priority Priority instead of
// closing it: a job that works off a long queue does it a slice at a time, so that each slice
// is claimed by priority like any job, and rests between slices when the work should not take
// the whole machine. A job asked for again meanwhile is due at once.
type Continue struct {
	At       time.Time
	Priority int
	// keepPriority keeps the job's own priority (Again).
	keepPriority bool
}

func (c *Continue) Error() string { return "continues at " + c.At.UTC().Format(time.RFC3339Nano) }

// Handler does one job. An error makes the job due again after a backoff (or dead after its
// last attempt); a handler must therefore be safe to run again, since a process can also die
// after the work and before the job is closed.
type Handler func(ctx context.Context, j *Job) error

// Engine works off the jobs table.
type Engine struct {
	Store    *models.Store
	Handlers map[string]Handler
	Log      *slog.Logger
	// Name says which process holds a claim (host:pid by default); each claim adds a token of
	// its own.
	Name string
	// Poll is how often the table is read when nothing wakes the engine: jobs queued by another
	// process, retries coming due. 1 s by default.
	Poll time.Duration
	// Lease is how long a claim holds a job before another process may take it over; a running
	// job renews it. 5 minutes by default.
	Lease time.Duration
	// Concurrency is how many jobs run at once; 2 by default.
	Concurrency int
	// Backoff is how long a job waits after its nth failed attempt; Backoff by default.
	Backoff func(attempt int) time.Duration
	// KeepDone is how long finished jobs stay in the table; a week by default.
	KeepDone time.Duration
	// Observe, when set, is told of every run: its kind, how long it took and its error (nil
	// when it succeeded or put itself back to continue later). A run interrupted by the
	// shutdown is not reported: the next process does it again.
	Observe func(kind string, took time.Duration, err error)

	running atomic.Bool
	// Servers, when set, says which processes sharing the database run (PostgreSQL: each
	// server's session lock, see models.Store.Listen): every second the engine takes back the
	// jobs held by a process that stopped, on any machine, instead of waiting for their leases to
	// run out; and it claims nothing while it cannot show the others that it runs itself.
	Servers Servers
	// Rearm, when set, runs at each sweep: it queues the job of a domain's queue that holds work
	// no job holds (see models.Store.RearmCredentialJobs).
	Rearm func(ctx context.Context) error

	periodic map[string]time.Duration
	forget   map[string]bool
	wake     chan struct{}
	once     sync.Once
}

// ForgetPayload makes the payload of kind's jobs erased once they are done or dead: for jobs
// that carry personal data of someone who is gone (the address an account-deletion
// confirmation is sent to). Call it before Run.
func (e *Engine) ForgetPayload(kind string) {
	if e.forget == nil {
		e.forget = map[string]bool{}
	}
	e.forget[kind] = true
}

// again is the error of Again.
// Again is what a handler returns when its job has nothing to do before at (a rule says "not
// yet", nothing failed): the job is due again then, at its priority, and the run counts as no
// failed attempt.
func Again(at time.Time) error { return &Continue{At: at, keepPriority: true} }

// Servers tells which processes are running on the database (models.Store).
type Servers interface {
	// Present tells whether this process is seen by the others as running.
	Present() bool
	// ServersAlive tells which of the named processes run; ok is false when the database cannot
	// say (SQLite: the engine then looks for stopped processes of this machine only).
	ServersAlive(ctx context.Context, names []string) (alive map[string]bool, ok bool, err error)
}

// Every makes kind a periodic job, run once per interval by one process among all that share
// the database, the first time as soon as the engine starts. Call it before Run.
func (e *Engine) Every(kind string, interval time.Duration) {
	if e.periodic == nil {
		e.periodic = map[string]time.Duration{}
	}
	e.periodic[kind] = interval
}

// Wake makes the engine look for due jobs now: a request has just queued one.
func (e *Engine) Wake() {
	e.init()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) init() {
	e.once.Do(func() {
		e.wake = make(chan struct{}, 1)
		if e.Name == "" {
			e.Name = ProcessName()
		}
		if e.Poll <= 0 {
			e.Poll = time.Second
		}
		if e.Lease <= 0 {
			e.Lease = 5 * time.Minute
		}
		if e.Concurrency <= 0 {
			e.Concurrency = 2
		}
		if e.Backoff == nil {
			e.Backoff = Backoff
		}
		if e.KeepDone <= 0 {
			e.KeepDone = 7 * 24 * time.Hour
		}
		if e.Log == nil {
			e.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// ProcessName names this process among all that share the database: host:pid.
func ProcessName() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}

// sweepEvery is how often dead claims are ended and old finished jobs deleted.
const sweepEvery = time.Minute

// Running tells whether Run is working off the table (for readiness checks).
func (e *Engine) Running() bool { return e.running.Load() }

// Run works until ctx ends, then waits for the jobs it started.
func (e *Engine) Run(ctx context.Context) error {
	e.init()
	kinds := make([]string, 0, len(e.Handlers))
	for k := range e.Handlers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for kind := range e.periodic {
		if e.Handlers[kind] == nil {
			return fmt.Errorf("jobs: periodic kind %q has no handler", kind)
		}
	}
	slots := make(chan struct{}, e.Concurrency)
	var running sync.WaitGroup
	defer running.Wait()
	e.running.Store(true)
	defer e.running.Store(false)
	if e.Servers != nil {
		running.Add(1)
		go func() {
			defer running.Done()
			e.watchServers(ctx)
		}()
	}
	tick := time.NewTicker(e.Poll)
	defer tick.Stop()
	var swept time.Time
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		if time.Since(swept) >= sweepEvery {
			swept = time.Now()
			e.sweep(ctx)
		}
		var j *Job
		var err error
		// Unseen by the others, this process could have its claims taken back while it works.
		if e.Servers == nil || e.Servers.Present() {
			j, err = e.Store.ClaimJob(ctx, kinds, e.Name+"/"+uuid.NewString(), e.Lease)
		}
		if err != nil && ctx.Err() == nil {
			e.Log.Error("jobs: claiming", "err", err)
		}
		if j == nil {
			<-slots
			select {
			case <-ctx.Done():
				return nil
			case <-e.wake:
			case <-tick.C:
			}
			continue
		}
		running.Add(1)
		go func() {
			defer running.Done()
			defer func() { <-slots }()
			e.run(ctx, j)
		}()
	}
}

// sweep schedules the periodic kinds (at start, and again should their row have gone), ends
// claims whose process died on their last attempt and deletes old finished jobs. A failure is
// logged and tried at the next sweep: the database may be busy or away for a moment.
func (e *Engine) sweep(ctx context.Context) {
	e.releaseDead(ctx)
	for kind, interval := range e.periodic {
		if err := e.Store.EnsurePeriodic(ctx, kind, interval); err != nil && ctx.Err() == nil {
			e.Log.Error("jobs: scheduling a periodic job", "kind", kind, "err", err)
		}
	}
	if err := e.Store.SweepJobs(ctx, e.KeepDone); err != nil && ctx.Err() == nil {
		e.Log.Error("jobs: sweeping", "err", err)
	}
	if e.Rearm != nil {
		if err := e.Rearm(ctx); err != nil && ctx.Err() == nil {
			e.Log.Error("jobs: queueing work left without a job", "err", err)
		}
	}
}

// run does one claimed job and records how it went.
func (e *Engine) run(ctx context.Context, j *Job) {
	start := time.Now()
	err := e.call(ctx, j)
	if e.Observe != nil && (err == nil || ctx.Err() == nil) {
		var more *Continue
		if errors.As(err, &more) {
			e.Observe(j.Kind, time.Since(start), nil)
		} else {
			e.Observe(j.Kind, time.Since(start), err)
		}
	}
	// The outcome is recorded even when ctx has just ended, and tried again for a few seconds
	// when the database is busy: otherwise the job would wait for its lease to run out.
	rec := context.WithoutCancel(ctx)
	record := func(store func() error) error {
		var err error
		for wait := 50 * time.Millisecond; wait <= 3*time.Second; wait *= 2 {
			if err = store(); err == nil {
				return nil
			}
			time.Sleep(wait)
		}
		return err
	}
	interval, periodic := e.periodic[j.Kind]
	now := e.Store.Now()
	j.ForgetPayload = e.forget[j.Kind]
	var more *Continue
	switch {
	case errors.As(err, &more) && !periodic:
		priority := more.Priority
		if more.keepPriority {
			priority = j.Priority
		}
		err = record(func() error { return e.Store.ContinueJob(rec, j, more.At, priority) })
		if more.At.After(now) {
			e.later(more.At.Sub(now))
		}
	case err != nil && ctx.Err() != nil:
		// Interrupted by a shutdown: the next process does it again, without counting an attempt.
		err = record(func() error { return e.Store.ReleaseJob(rec, j) })
	case periodic:
		failure := ""
		if err != nil {
			failure = err.Error()
			e.Log.Warn("jobs: periodic job failed", "kind", j.Kind, "err", err)
		}
		next := j.RunAt.Add(interval)
		if !next.After(now) {
			next = now.Add(interval) // late by more than a period: the missed periods are not made up
		}
		err = record(func() error { return e.Store.RescheduleJob(rec, j, failure, next) })
	case err != nil:
		next := now.Add(e.Backoff(j.Attempts))
		if j.Attempts >= j.MaxAttempts {
			e.Log.Error("jobs: job failed for good", "kind", j.Kind, "id", j.ID, "attempts", j.Attempts, "err", err)
		} else {
			e.Log.Warn("jobs: job failed; trying again", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts, "next", next, "err", err)
		}
		failure := err.Error()
		err = record(func() error { return e.Store.RetryJob(rec, j, failure, next) })
	default:
		e.Log.Debug("jobs: done", "kind", j.Kind, "id", j.ID, "took", time.Since(start).Round(time.Millisecond).String())
		err = record(func() error { return e.Store.FinishJob(rec, j) })
	}
	if err != nil {
		e.Log.Error("jobs: recording the outcome", "kind", j.Kind, "id", j.ID, "err", err)
	}
	// The job may have queued others (a tier change queues e-mail): look at once.
	e.Wake()
}

// later wakes the engine after d, so that a job that rests between slices comes back on time
// rather than at the next poll.
func (e *Engine) later(d time.Duration) {
	time.AfterFunc(d, e.Wake)
}

// call runs the job's handler, renewing its lease while it runs, and turns a panic into an error.
func (e *Engine) call(ctx context.Context, j *Job) (err error) {
	h := e.Handlers[j.Kind]
	if h == nil {
		return fmt.Errorf("no handler for kind %q", j.Kind)
	}
	renewed := make(chan struct{})
	defer close(renewed)
	go func() {
		t := time.NewTicker(e.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-renewed:
				return
			case <-t.C:
				if held, err := e.Store.ExtendJobLease(ctx, j, e.Lease); err != nil || !held {
					e.Log.Warn("jobs: could not renew a lease", "kind", j.Kind, "id", j.ID, "held", held, "err", err)
				}
			}
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// Backoff waits 2^(attempt-1) seconds after a failed attempt, at most an hour, give or take a
// fifth at random so that jobs that failed together do not all come back together.
func Backoff(attempt int) time.Duration {
	d := time.Hour
	if attempt < 13 {
		d = min(time.Hour, time.Second<<max(0, attempt-1))
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}
