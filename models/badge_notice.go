// The badge.issued notification: a member hears that a badge was issued to them the first time
// they receive that badge, not every time the registry signs it again.

package models

import (
	"time"

	"gorm.io/gorm"
)

// notifyBadgeIssued records, in the transaction that stored credential c for job, that the
// member received a badge, when that is news to them:
//   - only badges (signatory, advocate, ambassador), not endorsement credentials, which have
//     their own notifications (endorsement.accepted);
//   - only work a person is waiting for (PriorityInteractive): an import or a first tier
//     computation re-issuing thousands of badges as bulk work tells nobody. A job whose signing
//     failed moves to PriorityRetry and is no longer known to be a person's, so it tells nobody
//     either: a missed notice is better than thousands of them after a failed import;
//   - only the first credential of that badge for that entry: a copy signed again after a name
//     change, a return to the registry or a tier regained is not a new badge.
func notifyBadgeIssued(tx *gorm.DB, job IssuanceJob, c *Credential, now time.Time) error {
	if c.Kind == "endorsement" || c.EndorsementID != nil || job.Priority != PriorityInteractive {
		return nil
	}
	// Revoked and erased copies count: their rows stay (erasure keeps the status list entry).
	var earlier int64
	if err := tx.Model(&Credential{}).Where("signatory_id = ? AND kind = ? AND id <> ?", c.SignatoryID, c.Kind, c.ID).
		Limit(1).Count(&earlier).Error; err != nil {
		return err
	}
	if earlier > 0 {
		return nil
	}
	kind := c.Kind
	return Notify(tx, Notification{SignatoryID: c.SignatoryID, Kind: KindBadgeIssued, ToTier: &kind, CreatedAt: now})
}
