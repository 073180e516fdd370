// What happens to a signatory's credentials when they leave the registry (withdrawal, hiding by
// the administrators, deletion of the account) and when they come back.

package models

import (
	"time"

	"gorm.io/gorm"
)

// Why a badge was revoked, as the credentials table records it and the verification page reads
// it back (in the reader's language).
const (
	ReasonWithdrawn   = "withdrawn"
	ReasonHidden      = "hidden by the registry's administrators"
	ReasonUnverified  = "no longer verified"
	ReasonTierChanged = "tier changed"
	ReasonSuperseded  = "superseded by the signature of a newer version"
)

// revokeAll queues, in the transaction that takes a signatory off the registry, the revocation
// of every badge they hold or are waiting for (Signatory, Advocate, Ambassador), and marks
// revoked the endorsement credentials they gave or received. A badge that stayed valid after its
// holder left would go on vouching for someone the registry no longer lists: verifiers read only
// the status list.
func revokeAll(tx *gorm.DB, signatoryID int64, reason string, now time.Time) error {
	var kinds []string
	if err := tx.Raw(`SELECT kind FROM credentials WHERE signatory_id = ? AND revoked_at IS NULL AND kind <> 'endorsement'
		UNION SELECT kind FROM issuance_outbox WHERE signatory_id = ? AND done_at IS NULL AND action = 'issue' AND kind <> 'endorsement'`,
		signatoryID, signatoryID).Scan(&kinds).Error; err != nil {
		return err
	}
	jobs := make([]IssuanceJob, len(kinds))
	for i, k := range kinds {
		jobs[i] = IssuanceJob{SignatoryID: signatoryID, Kind: k, Action: "revoke", Reason: reason, CreatedAt: now}
	}
	if err := queueJobs(tx, jobs, PriorityInteractive, now); err != nil {
		return err
	}
	// Endorsement credentials are marked revoked here, in the same transaction: their endorsers'
	// status lists say so at once (the worker skips any of their issuances still queued).
	res := tx.Exec(`UPDATE credentials SET revoked_at = ?, revoked_reason = ?
		WHERE revoked_at IS NULL AND kind = 'endorsement'
		  AND (signatory_id = ? OR endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ? OR to_id = ?))`,
		now, reason, signatoryID, signatoryID, signatoryID)
	if res.Error != nil {
		return res.Error
	}
	return queueStatusSigning(tx, res.RowsAffected)
}

// reissue queues, in the transaction that brings a signatory back (signing again after a
// withdrawal, restoring a hidden entry, verifying an organisation), the badges they then hold:
// the Signatory badge and the badge of the tier recorded for them. If the next tier computation
// finds another tier, it revokes and issues as for any change.
func reissue(tx *gorm.DB, sg *Signatory, now time.Time) error {
	jobs := []IssuanceJob{{SignatoryID: sg.ID, Kind: "signatory", Action: "issue", CreatedAt: now}}
	if sg.Tier == "advocate" || sg.Tier == "ambassador" {
		jobs = append(jobs, IssuanceJob{SignatoryID: sg.ID, Kind: sg.Tier, Action: "issue", CreatedAt: now})
	}
	if err := queueJobs(tx, jobs, PriorityInteractive, now); err != nil {
		return err
	}
	// The endorsements they gave or received and that are still accepted are vouched for again,
	// with new credentials (the earlier ones were revoked when they left).
	_, err := queueEndorsementCredentials(tx, now, PriorityInteractive, "e.from_id = ? OR e.to_id = ?", sg.ID, sg.ID)
	return err
}
