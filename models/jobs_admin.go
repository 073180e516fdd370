// What administrators do with dead jobs: try one again once its cause is fixed, or discard it.

package models

import (
	"context"
	"strconv"

	"gorm.io/gorm"
)

// RetryDeadJob makes a dead job due now with its attempts reset, as if it were new. It is
// ENOTFOUND for an unknown id and ECONFLICT for a job that is not dead, or whose unique key a
// newer open job holds (that job does the same work). The audit log records who did it.
func (s *Store) RetryDeadJob(ctx context.Context, by Actor, id int64) error {
	return s.deadJob(ctx, by, id, "job.retry", func(tx *gorm.DB, j *Job) error {
		if j.UniqueKey != nil {
			var open int64
			if err := tx.Model(&Job{}).Where("unique_key = ? AND done_at IS NULL AND failed_at IS NULL", *j.UniqueKey).
				Count(&open).Error; err != nil {
				return err
			}
			if open > 0 {
				return Errorf(ECONFLICT, "a newer job of the same kind is waiting and does this one's work").Says("error.admin.job_superseded")
			}
		}
		return tx.Model(&Job{}).Where("id = ? AND failed_at IS NOT NULL", j.ID).Updates(map[string]any{
			"failed_at": nil, "attempts": 0, "run_at": s.now(), "again": false, "lease_until": nil, "leased_by": nil}).Error
	})
}

// DiscardDeadJob closes a dead job for good: it is marked done, its last error kept with a note
// of who discarded it, and pruned with the other finished jobs. ENOTFOUND for an unknown id,
// ECONFLICT for a job that is not dead.
func (s *Store) DiscardDeadJob(ctx context.Context, by Actor, id int64) error {
	return s.deadJob(ctx, by, id, "job.discard", func(tx *gorm.DB, j *Job) error {
		return tx.Model(&Job{}).Where("id = ? AND failed_at IS NOT NULL", j.ID).Updates(map[string]any{
			"failed_at": nil, "done_at": s.now(), "last_error": cutError("discarded by " + by.Name + "; last error: " + j.LastError)}).Error
	})
}

// deadJob runs an administrator's action on one dead job and records it in the audit log, in one
// transaction.
func (s *Store) deadJob(ctx context.Context, by Actor, id int64, action string, act func(tx *gorm.DB, j *Job) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var j Job
		if err := tx.Where("id = ?", id).Take(&j).Error; err != nil {
			if err == gorm.ErrRecordNotFound {
				return Errorf(ENOTFOUND, "no job #%d", id).Says("error.admin.job_unknown", id)
			}
			return err
		}
		if !j.Dead() {
			return Errorf(ECONFLICT, "job #%d is not dead: the engine still runs it or has finished it", id).Says("error.admin.job_not_dead", id)
		}
		if err := act(tx, &j); err != nil {
			return err
		}
		return audit(tx, AuditEntry{At: s.now(), ActorAccountID: by.AccountID, Actor: by.Name, Action: action,
			SubjectType: "job", SubjectID: strconv.FormatInt(id, 10), Detail: j.Kind})
	})
}
