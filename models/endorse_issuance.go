// Endorsement credentials are issued by the credential worker from the outbox, in the
// transaction that accepts the endorsement (or at the end of an import), never when someone
// reads a page: a crawler following links must not sign anything.

package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Reasons recorded when an endorsement's credential stops being true.
const (
	ReasonEndorsementChanged   = "endorsement changed"
	ReasonEndorsementWithdrawn = "endorsement withdrawn"
	ReasonEndorsementDeclined  = "endorsement declined"
)

// queueEndorsementCredentials queues the issuance of a credential for every accepted
// endorsement matching where (over endorsements e) that has no live credential and no open job:
// one INSERT … SELECT, so that an import of 100,000 endorsements stays one statement. Both sides
// must be listed: a credential naming someone who left would vouch for an absent person.
func queueEndorsementCredentials(tx *gorm.DB, now time.Time, priority int, where string, args ...any) (int64, error) {
	q := `INSERT INTO issuance_outbox (signatory_id, kind, action, endorsement_id, reason, created_at, attempts, last_error, priority)
		SELECT e.to_id, 'endorsement', 'issue', e.id, '', ?, 0, '', ? FROM endorsements e
		JOIN signatories f ON f.id = e.from_id JOIN signatories t ON t.id = e.to_id
		WHERE e.status = 'accepted' AND f.listed AND t.listed
		  AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.endorsement_id = e.id AND c.kind = 'endorsement' AND c.revoked_at IS NULL)`
	if where != "" {
		q += " AND (" + where + ")"
	}
	q += " ON CONFLICT DO NOTHING"
	res := tx.Exec(q, append([]any{now, priority}, args...)...)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, fromDB(res.Error)
	}
	return res.RowsAffected, queueIssuance(tx, priority)
}

// revokeEndorsementCredential marks revoked the live credential of an endorsement, in the
// transaction that changes it: the endorser's status list says so from the next request.
func revokeEndorsementCredential(tx *gorm.DB, endorsementID int64, reason string, now time.Time) error {
	res := tx.Model(&Credential{}).Where("endorsement_id = ? AND kind = ? AND revoked_at IS NULL", endorsementID, "endorsement").
		Updates(map[string]any{"revoked_at": now, "revoked_reason": reason})
	if res.Error != nil {
		return res.Error
	}
	return queueStatusSigning(tx, res.RowsAffected)
}

// EndorsementToIssue is what the worker signs for an endorsement job: the endorsement as it is
// when read, and the next free entry of the endorser's status list.
type EndorsementToIssue struct {
	AcceptedEndorsement
	Status    string
	Listed    bool // both sides are in the registry
	UpdatedAt time.Time
	// Live says the endorsement has a live credential already.
	Live bool
	// NextIndex is the first entry of the endorser's status list no credential holds.
	NextIndex int
}

// endorsementsToIssue reads the endorsements of the given ids for the worker.
func endorsementsToIssue(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]*EndorsementToIssue, error) {
	out := map[int64]*EndorsementToIssue{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []EndorsementToIssue
	err := db.WithContext(ctx).Table("endorsements e").
		Select(`e.id, e.from_id, e.to_id, f.public_id AS from_public_id, t.public_id AS to_public_id, f.name AS from_name,
			f.vis_name AS from_name_vis, e.level, e.comment, e.status, e.updated_at, (f.listed AND t.listed) AS listed,
			EXISTS (SELECT 1 FROM credentials c WHERE c.endorsement_id = e.id AND c.kind = 'endorsement' AND c.revoked_at IS NULL) AS live,
			COALESCE((SELECT max(c.issuer_index) + 1 FROM credentials c WHERE c.status_issuer = e.from_id), 0) AS next_index`).
		Joins("JOIN signatories f ON f.id = e.from_id").Joins("JOIN signatories t ON t.id = e.to_id").
		Where("e.id IN ?", ids).Scan(&rows).Error
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, err
}

// endorsementStillSigned reports whether the endorsement is still in the accepted state a
// credential about to be stored was signed from: one changed or answered meanwhile is signed
// again from its new state (or not at all).
func endorsementStillSigned(tx *gorm.DB, c *Credential) (bool, error) {
	if c.Endorses == nil {
		return true, nil
	}
	var n int64
	err := tx.Model(&Endorsement{}).Where("id = ? AND status = ? AND level = ? AND comment = ?",
		*c.EndorsementID, "accepted", c.Endorses.Level, c.Endorses.Comment).Count(&n).Error
	return n > 0, err
}

// EndorsementState is the accepted state of an endorsement a credential was signed from.
type EndorsementState struct{ Level, Comment string }

// EndorsementJobOpen reports whether the credential of an endorsement is waiting in the outbox.
func (s *Store) EndorsementJobOpen(ctx context.Context, endorsementID int64) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&IssuanceJob{}).
		Where("endorsement_id = ? AND kind = ? AND action = ? AND done_at IS NULL", endorsementID, "endorsement", "issue").Count(&n).Error
	return n > 0, err
}
