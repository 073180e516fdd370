// The declaration.version notification: a new version of the Declaration asks every listed
// member who signed an earlier one to sign it.

package models

import (
	"time"

	"gorm.io/gorm"
)

// notifyNewVersion records, in the publication's transaction, one notification of version for
// every listed signatory with an account whose newest signature is of an earlier version. A
// registry may hold a hundred thousand signatories: one INSERT … SELECT, never a row at a time
// in Go, which is why it does not go through Notify. Their e-mail is marked due (every one of
// them has an account); the mail sweep queues it and skips those without a verified address or
// who turned the category off. Signatories without an account have nowhere to read a
// notification and get none; a deleted account's entry is a tombstone, not listed.
func notifyNewVersion(tx *gorm.DB, version int, now time.Time) error {
	return tx.Exec(`INSERT INTO notifications (signatory_id, kind, version, mail, created_at)
		SELECT s.id, ?, ?, 'due', ? FROM signatories s JOIN accounts a ON a.id = s.account_id
		WHERE s.listed AND a.deleted_at IS NULL
		  AND EXISTS (SELECT 1 FROM signatures g WHERE g.signatory_id = s.id)
		  AND NOT EXISTS (SELECT 1 FROM signatures g WHERE g.signatory_id = s.id AND g.declaration_version >= ?)`,
		KindDeclarationVersion, version, now, version).Error
}
