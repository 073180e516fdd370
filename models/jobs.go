// Background jobs: the table package jobs works from. Every query the engine runs is here; the
// engine (package jobs) decides when to run them.

package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Job priorities: work a person is waiting for goes before bulk work.
const (
	JobInteractive = 0
	JobBulk        = 1
)

// JobMaxAttempts is how many times a job is tried before it is dead, unless it says otherwise.
const JobMaxAttempts = 10

// Job is one piece of background work.
type Job struct {
	ID   int64
	Kind string
	// Payload is the job's JSON.
	Payload  string
	Priority int
	// UniqueKey, when set, keeps a second open job with the same key from being queued.
	UniqueKey   *string
	RunAt       time.Time
	Attempts    int
	MaxAttempts int
	LastError   string
	LeaseUntil  *time.Time
	// LeasedBy is the claim's own token: only the run that claimed a job closes it.
	LeasedBy  *string
	DoneAt    *time.Time
	FailedAt  *time.Time
	CreatedAt time.Time
	// Again says the job was asked for again (EnqueueAgain) since its claim: the run closing it
	// puts it back instead.
	Again bool
	// ForgetPayload, set by the engine for kinds that ask, erases the payload when the job is
	// done or dead. Not a column.
	ForgetPayload bool `gorm:"-"`
}

func (Job) TableName() string { return "jobs" }

// Dead tells whether the job failed for good.
func (j *Job) Dead() bool { return j.FailedAt != nil }

// EnqueueJob queues a job in tx, the caller's transaction, so that the job exists exactly when
// the change that asks for it is committed. It returns false, and queues nothing, when an open
// job already holds the same unique key. A job without a due time is due now.
func EnqueueJob(tx *gorm.DB, j *Job) (bool, error) {
	if j.Kind == "" {
		return false, errors.New("jobs: a job needs a kind")
	}
	if j.Payload == "" {
		j.Payload = "{}"
	}
	if j.MaxAttempts == 0 {
		j.MaxAttempts = JobMaxAttempts
	}
	if j.RunAt.IsZero() {
		j.RunAt = tx.NowFunc()
	}
	j.RunAt = j.RunAt.UTC().Truncate(time.Microsecond)
	j.ID, j.Attempts, j.LeaseUntil, j.LeasedBy, j.DoneAt, j.FailedAt = 0, 0, nil, nil, nil, nil
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(j)
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected > 0, nil
}

// EnqueueAgain queues j in tx, the caller's transaction, or, when an open job already holds
// j.UniqueKey, asks that job for again: it becomes due no later than j and at j's priority if that
// is more urgent, and if it is running, the run does not close it but puts it back (Job.Again).
// This is for one job that works off a queue of the domain's own rows (the credential outbox):
// the change that adds a row calls it in its transaction, so a row is never left without a job
// to do it, even when the job that was running had read the queue before the row was committed.
//
// On SQLite it is one INSERT … ON CONFLICT DO UPDATE in tx (writers take turns there anyway,
// and a batch of grouped writes shares it). On PostgreSQL that statement would lock the job's
// one row until the caller commits, so that every signature waited for the commit of the one
// before it; there the caller's transaction only inserts the job when none is open (which locks
// nothing that exists), and the asking for again is done after the commit (againAfterCommit).
func EnqueueAgain(tx *gorm.DB, j Job) error {
	if j.Kind == "" || j.UniqueKey == nil {
		return errors.New("jobs: a job asked for again needs a kind and a unique key")
	}
	if j.Payload == "" {
		j.Payload = "{}"
	}
	if j.MaxAttempts == 0 {
		j.MaxAttempts = JobMaxAttempts
	}
	now := tx.NowFunc().UTC().Truncate(time.Microsecond)
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	j.RunAt = j.RunAt.UTC().Truncate(time.Microsecond)
	if h, ok := tx.Statement.ConnPool.(*hookedTx); ok {
		res := tx.Exec(enqueueJob+` DO NOTHING`, j.Kind, j.Payload, j.Priority, *j.UniqueKey, j.RunAt, j.MaxAttempts, now)
		if res.Error != nil || res.RowsAffected > 0 {
			return res.Error // a new job: claimed only after this commit, it sees the caller's rows
		}
		h.afterCommit(func(ctx context.Context) error { return againAfterCommit(ctx, tx, h.pool, j, now) })
		return nil
	}
	return askAgain(tx, j, now)
}

// enqueueJob inserts a job with a unique key, unless an open job holds the key.
const enqueueJob = `INSERT INTO jobs (kind, payload, priority, unique_key, run_at, attempts, max_attempts, last_error, created_at, again)
VALUES (?, ?, ?, ?, ?, 0, ?, '', ?, FALSE)
ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND done_at IS NULL AND failed_at IS NULL`

// askAgain is EnqueueAgain's one statement: insert the job, or ask the open one for again.
func askAgain(db *gorm.DB, j Job, now time.Time) error {
	return db.Exec(enqueueJob+` DO UPDATE SET
	again = TRUE,
	run_at = CASE WHEN excluded.run_at < jobs.run_at THEN excluded.run_at ELSE jobs.run_at END,
	priority = CASE WHEN excluded.priority < jobs.priority THEN excluded.priority ELSE jobs.priority END`,
		j.Kind, j.Payload, j.Priority, *j.UniqueKey, j.RunAt, j.MaxAttempts, now).Error
}

// againAfterCommit runs once the transaction that found j's job open has committed: its rows are
// now visible to any run that reads the queue from here on. Nothing needs writing when the open
// job will surely do such a run, as urgently as j asks: it is waiting to be claimed, or it runs
// and has been asked for again already (its run then puts it back instead of closing it, and
// every change of its row waits for the lock this read does not take). Otherwise (a run that
// may have read the queue before the commit and was not asked for again, a job closed
// meanwhile, one less urgent than j) the job is asked for again in a statement of its own. Under
// a stream of changes the first of each run writes and the others only read.
func againAfterCommit(ctx context.Context, tx *gorm.DB, pool *hookedPool, j Job, now time.Time) error {
	db := tx.Session(&gorm.Session{NewDB: true, Context: ctx})
	db.Statement.ConnPool = pool
	var open []Job
	if err := db.Model(&Job{}).Select("priority, run_at, again, leased_by").
		Where("unique_key = ? AND done_at IS NULL AND failed_at IS NULL", *j.UniqueKey).Limit(1).Find(&open).Error; err != nil {
		return err
	}
	if len(open) == 1 {
		o := open[0]
		if o.Priority <= j.Priority && !o.RunAt.After(j.RunAt) && (o.LeasedBy == nil || o.Again) {
			return nil
		}
	}
	return askAgain(db, j, now)
}

// PeriodicKey is the unique key of a periodic kind's one row.
func PeriodicKey(kind string) string { return "periodic:" + kind }

// EnsurePeriodic makes sure a periodic kind has its one row, due now when it is new, and due
// within one interval at the latest (the interval may have been shortened since it was queued).
func (s *Store) EnsurePeriodic(ctx context.Context, kind string, interval time.Duration) error {
	key := PeriodicKey(kind)
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := EnqueueJob(tx, &Job{Kind: kind, UniqueKey: &key, RunAt: now, Priority: JobBulk}); err != nil {
			return err
		}
		return tx.Model(&Job{}).Where("unique_key = ? AND done_at IS NULL AND failed_at IS NULL AND run_at > ?", key, now.Add(interval)).
			Update("run_at", now.Add(interval)).Error
	})
}

// ClaimJob takes the most urgent due job of the given kinds that nobody holds: interactive
// before bulk, then the earliest due, then the oldest. It sets a lease until now+lease under a
// token of its own and counts the attempt; nil means no job is due. Several processes may claim
// at once on one database: on PostgreSQL the row is locked and skipped by the others (FOR
// UPDATE SKIP LOCKED); SQLite runs the claim as one immediate write transaction, so that one
// claim at a time reads and leases the row.
func (s *Store) ClaimJob(ctx context.Context, kinds []string, token string, lease time.Duration) (*Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	now := s.now()
	lock := ""
	if s.Dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE jobs SET attempts = attempts + 1, lease_until = ?, leased_by = ?, again = FALSE
WHERE id = (SELECT id FROM jobs
	WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= ? AND (lease_until IS NULL OR lease_until < ?)
		AND attempts < max_attempts AND kind IN ?
	ORDER BY priority, run_at, id LIMIT 1` + lock + `)
RETURNING *`
	// A read first: an idle server polls without taking SQLite's write lock each time.
	var due int64
	err := s.DB.WithContext(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM jobs
	WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= ? AND (lease_until IS NULL OR lease_until < ?)
		AND attempts < max_attempts AND kind IN ? LIMIT 1) due`, now, now, kinds).Scan(&due).Error
	if err != nil || due == 0 {
		return nil, err
	}
	var got []Job
	// Grouped with the other small writes of the moment (commit_group.go): one fsync for all.
	err = s.groupWrite(ctx, func(tx *gorm.DB) error {
		return tx.Raw(q, now.Add(lease), token, now, now, kinds).Scan(&got).Error
	})
	if err != nil || len(got) == 0 {
		return nil, err
	}
	return &got[0], nil
}

// ExtendJobLease keeps a long job held: false means the lease was lost (it ran out and another
// process claimed the job).
func (s *Store) ExtendJobLease(ctx context.Context, j *Job, lease time.Duration) (bool, error) {
	res := s.DB.WithContext(ctx).Model(&Job{}).Where("id = ? AND leased_by = ? AND done_at IS NULL", j.ID, j.LeasedBy).
		Update("lease_until", s.now().Add(lease))
	return res.RowsAffected > 0, res.Error
}

// held selects the job only while this claim holds it.
func held(tx *gorm.DB, j *Job) *gorm.DB {
	return tx.Model(&Job{}).Where("id = ? AND leased_by = ?", j.ID, j.LeasedBy)
}

// FinishJob closes a job that ran, unless it was asked for again meanwhile (EnqueueAgain): then
// it is put back, due as that asked, for a run that sees what the change queued.
func (s *Store) FinishJob(ctx context.Context, j *Job) error {
	return s.groupWrite(ctx, func(db *gorm.DB) error {
		set := map[string]any{"done_at": s.now(), "lease_until": nil, "leased_by": nil}
		if j.ForgetPayload {
			set["payload"] = "{}"
		}
		res := held(db, j).Where("NOT again").Updates(set)
		if res.Error != nil || res.RowsAffected > 0 {
			return res.Error
		}
		return held(db, j).Where("again").
			Updates(map[string]any{"attempts": 0, "last_error": "", "again": false, "lease_until": nil, "leased_by": nil}).Error
	})
}

// ContinueJob puts back a job whose run did part of its work and asks to go on at the given time
// and priority. A job asked for again meanwhile is due at once, at the more urgent priority of
// the two. The run made progress, so the attempts start again from zero.
func (s *Store) ContinueJob(ctx context.Context, j *Job, at time.Time, priority int) error {
	at = at.UTC().Truncate(time.Microsecond)
	// Asked for again, run_at already holds a due time: the earlier of its due time at the
	// claim and the time of the change.
	return s.groupWrite(ctx, func(tx *gorm.DB) error {
		return held(tx, j).Updates(map[string]any{
			"run_at":   gorm.Expr("CASE WHEN again THEN run_at ELSE ? END", at),
			"priority": gorm.Expr("CASE WHEN again AND priority < ? THEN priority ELSE ? END", priority, priority),
			"attempts": 0, "last_error": "", "again": false, "lease_until": nil, "leased_by": nil,
		}).Error
	})
}

// JobClaim is an open job's claim: which process holds it.
type JobClaim struct {
	ID       int64
	LeasedBy string
}

// JobClaims lists the claims in force (their lease has not run out) on open jobs whose holder's
// name starts with prefix (a host; "" for all). A _ in the prefix matches any character: callers
// check the names they get.
func (s *Store) JobClaims(ctx context.Context, prefix string) ([]JobClaim, error) {
	var out []JobClaim
	err := s.DB.WithContext(ctx).Model(&Job{}).Select("id, leased_by").
		Where("done_at IS NULL AND failed_at IS NULL AND leased_by IS NOT NULL AND lease_until >= ? AND leased_by LIKE ?",
			s.now(), strings.ReplaceAll(prefix, "%", "_")+"%").Scan(&out).Error
	return out, err
}

// ExpireJobLease ends a claim whose process is known to be gone: its job is claimed again at
// once (or ended by the sweep, when that was its last attempt) instead of after the lease.
func (s *Store) ExpireJobLease(ctx context.Context, c JobClaim) error {
	return s.DB.WithContext(ctx).Model(&Job{}).Where("id = ? AND leased_by = ? AND done_at IS NULL", c.ID, c.LeasedBy).
		Update("lease_until", s.now().Add(-time.Second)).Error
}

// RetryJob records a failed run: the job is due again at next, or dead when it has used its
// attempts.
func (s *Store) RetryJob(ctx context.Context, j *Job, failure string, next time.Time) error {
	set := map[string]any{"last_error": cutError(failure), "lease_until": nil, "leased_by": nil}
	if j.Attempts >= j.MaxAttempts {
		set["failed_at"] = s.now()
		if j.ForgetPayload {
			set["payload"] = "{}"
		}
	} else {
		set["run_at"] = next.UTC().Truncate(time.Microsecond)
	}
	return held(s.DB.WithContext(ctx), j).Updates(set).Error
}

// RescheduleJob puts a periodic job's row back, due at next. A run that succeeded clears the
// failures; one that failed keeps counting them, for administrators to see, but a periodic job
// never dies: the next period tries again.
func (s *Store) RescheduleJob(ctx context.Context, j *Job, failure string, next time.Time) error {
	set := map[string]any{"run_at": next.UTC().Truncate(time.Microsecond), "lease_until": nil, "leased_by": nil}
	if failure == "" {
		set["attempts"], set["last_error"] = 0, ""
	} else {
		set["last_error"] = cutError(failure)
		// Below max_attempts, or the claim would no longer take it.
		set["attempts"] = min(j.Attempts, j.MaxAttempts-1)
	}
	return held(s.DB.WithContext(ctx), j).Updates(set).Error
}

// ReleaseJob gives back a job whose run was interrupted by a shutdown: the attempt does not
// count, and the job is due as it was.
func (s *Store) ReleaseJob(ctx context.Context, j *Job) error {
	return held(s.DB.WithContext(ctx), j).
		Updates(map[string]any{"attempts": gorm.Expr("attempts - 1"), "lease_until": nil, "leased_by": nil}).Error
}

// SweepJobs ends jobs whose last attempt was claimed by a process that died (their lease ran
// out with no attempt left) and deletes jobs finished before keepDone ago.
func (s *Store) SweepJobs(ctx context.Context, keepDone time.Duration) error {
	now := s.now()
	db := s.DB.WithContext(ctx)
	err := db.Model(&Job{}).
		Where("done_at IS NULL AND failed_at IS NULL AND lease_until < ? AND attempts >= max_attempts", now).
		Updates(map[string]any{"failed_at": now, "lease_until": nil, "leased_by": nil,
			"last_error": "its process stopped during the last attempt (the lease ran out)"}).Error
	if err != nil {
		return err
	}
	return db.Where("done_at < ?", now.Add(-keepDone)).Delete(&Job{}).Error
}

// JobsView is what administrators see of the background work.
type JobsView struct {
	// Open counts the jobs not done yet (due, running or waiting to be tried again); Dead the
	// jobs that failed for good.
	Open, Dead int64
	// Trouble lists dead jobs and open jobs that have failed at least once, newest first.
	Trouble []Job
}

// JobsTrouble reads the administrators' view, with at most limit jobs listed.
func (s *Store) JobsTrouble(ctx context.Context, limit int) (JobsView, error) {
	var v JobsView
	db := s.DB.WithContext(ctx)
	if err := db.Model(&Job{}).Where("done_at IS NULL AND failed_at IS NULL").Count(&v.Open).Error; err != nil {
		return v, err
	}
	if err := db.Model(&Job{}).Where("failed_at IS NOT NULL").Count(&v.Dead).Error; err != nil {
		return v, err
	}
	err := db.Where("failed_at IS NOT NULL OR (done_at IS NULL AND last_error <> '')").Order("id DESC").Limit(limit).Find(&v.Trouble).Error
	return v, err
}

// cutError keeps a failure's first 2,000 bytes, on a character boundary.
func cutError(s string) string {
	const most = 2000
	if len(s) <= most {
		return s
	}
	// A character cut in two is dropped.
	return strings.ToValidUTF8(s[:most], "") + "…"
}
