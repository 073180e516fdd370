// Withdrawing hosted credentials. A signed credential cannot be redacted, but the registry need
// not keep serving it: a withdrawn copy stays a revoked row, so that its status list entry keeps
// telling the wallets that hold it, while its stored document is overwritten and its addresses
// answer 410 Gone.

package models

import (
	"time"

	"gorm.io/gorm"
)

// ErasedDocument is what the document of a withdrawn credential holds (the schema checks it).
const ErasedDocument = "{}"

// Reasons a hosted copy is withdrawn, recorded as its revocation reason.
const (
	ReasonNameHidden     = "name hidden"
	ReasonNamePublic     = "name made public"
	ReasonNameChanged    = "name changed"
	ReasonAccountDeleted = "account deleted"
)

// withdrawCopies revokes the live credentials matched by where, with reason, and erases the
// documents of every one matched (a copy revoked earlier still carries what it carried).
func withdrawCopies(tx *gorm.DB, now time.Time, reason, where string, args ...any) error {
	res := tx.Model(&Credential{}).Where("revoked_at IS NULL").Where(where, args...).
		Updates(map[string]any{"revoked_at": now, "revoked_reason": reason})
	if res.Error != nil {
		return res.Error
	}
	if err := queueStatusSigning(tx, res.RowsAffected); err != nil {
		return err
	}
	return tx.Model(&Credential{}).Where("erased_at IS NULL").Where(where, args...).
		Updates(map[string]any{"document": ErasedDocument, "erased_at": now}).Error
}

// eraseCredentials is account deletion's part for credentials, in DeleteAccount's transaction:
// every credential the person received (badges and endorsements) and every endorsement
// credential they signed for someone else (it carries their name and comment) is withdrawn, and
// the comments of the endorsements they gave or received, which speak of them, are cleared.
func eraseCredentials(tx *gorm.DB, signatoryID int64, now time.Time) error {
	if err := withdrawCopies(tx, now, ReasonAccountDeleted,
		"(signatory_id = ? OR endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ?))", signatoryID, signatoryID); err != nil {
		return err
	}
	return tx.Model(&Endorsement{}).Where("(from_id = ? OR to_id = ?) AND comment <> ''", signatoryID, signatoryID).
		Update("comment", "").Error
}
