// The job that works off the issuance outbox. The outbox stays the record of what to sign (each
// row a badge to issue or revoke, with the rules that keep one open row per badge); the jobs
// table holds one open "credentials.issue" job that says "the outbox has work", queued in the
// transaction of every change that adds rows, so that a crash never leaves rows without a job.

package models

import (
	"context"

	"gorm.io/gorm"
)

// IssuanceJobKind is the kind of the job that signs and revokes credentials from the outbox.
const IssuanceJobKind = "credentials.issue"

// issuanceJobKey keeps one credentials.issue job open across every process on the database: two
// runs never sign the same outbox rows at once.
var issuanceJobKey = IssuanceJobKind

// IssuanceJobPriority is the job priority of outbox work of the given outbox priority: a person
// waiting for their badge is interactive work, the rest (bulk work, rows whose signing failed)
// bulk.
func IssuanceJobPriority(outboxPriority int) int {
	if outboxPriority == PriorityInteractive {
		return JobInteractive
	}
	return JobBulk
}

// queueIssuance asks for the credentials.issue job in tx, the transaction that has just added
// outbox rows of the given outbox priority (see EnqueueAgain).
func queueIssuance(tx *gorm.DB, outboxPriority int) error {
	return EnqueueAgain(tx, Job{Kind: IssuanceJobKind, UniqueKey: &issuanceJobKey, Priority: IssuanceJobPriority(outboxPriority)})
}

// queueOpenIssuance asks for the credentials.issue job when the outbox holds open rows, at the
// priority of the first: for changes that write outbox rows in bulk (an import), and for a
// server starting on a database whose rows were queued before jobs existed or restored from a
// backup.
func queueOpenIssuance(tx *gorm.DB) error {
	var head []IssuanceJob
	if err := tx.Select("priority").Where("done_at IS NULL").Order("priority, id").Limit(1).Find(&head).Error; err != nil {
		return err
	}
	if len(head) == 0 {
		return nil
	}
	return queueIssuance(tx, head[0].Priority)
}

// QueueOpenIssuance asks for the credentials.issue job if the outbox holds open rows.
func (s *Store) QueueOpenIssuance(ctx context.Context) error {
	return s.DB.WithContext(ctx).Transaction(queueOpenIssuance)
}

// IssuanceHead says whether the outbox holds open rows, and the job priority of the first (the
// order the worker takes them in).
func (s *Store) IssuanceHead(ctx context.Context) (open bool, priority int, err error) {
	var head []IssuanceJob
	err = s.DB.WithContext(ctx).Select("priority").Where("done_at IS NULL").Order("priority, id").Limit(1).Find(&head).Error
	if err != nil || len(head) == 0 {
		return false, 0, err
	}
	return true, IssuanceJobPriority(head[0].Priority), nil
}

// RearmCredentialJobs queues the credential jobs whose queue holds work that no job holds (open,
// or dead and kept for an operator): on PostgreSQL a change asks for its job after its commit
// (EnqueueAgain), so a server stopped in between can leave a badge or a stale status list
// without one. The job engine runs this at each sweep; it only reads while all is well.
func (s *Store) RearmCredentialJobs(ctx context.Context) error {
	for _, q := range []struct {
		key   string
		work  func(context.Context) (bool, error)
		queue func(context.Context) error
	}{
		{issuanceJobKey, func(ctx context.Context) (bool, error) { open, _, err := s.IssuanceHead(ctx); return open, err }, s.QueueOpenIssuance},
		{statusJobKey, func(ctx context.Context) (bool, error) {
			n, err := staleStatusLists(s.DB.WithContext(ctx))
			return n > 0, err
		}, s.QueueStaleStatusLists},
	} {
		var held int64
		if err := s.DB.WithContext(ctx).Model(&Job{}).Where("unique_key = ? AND done_at IS NULL", q.key).Count(&held).Error; err != nil {
			return err
		}
		if held > 0 {
			continue
		}
		// Read before the write transaction that queues: on SQLite it takes the write lock.
		if work, err := q.work(ctx); err != nil || !work {
			return err
		}
		if err := q.queue(ctx); err != nil {
			return err
		}
	}
	return nil
}
