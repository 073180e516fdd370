// Endorsing: a signatory vouches for another as Advocate or Ambassador; the endorsee accepts
// (the comment shows publicly) or declines (it counts for nothing). Every change is a change of
// the endorsement graph: the tiers are computed again.

package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// endorser returns the active, listed entry of an account: only signatories endorse.
func endorser(tx *gorm.DB, acc *Account) (Signatory, error) {
	var sg Signatory
	err := tx.Where("account_id = ?", acc.ID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !sg.Listed) {
		return sg, Errorf(EFORBIDDEN, "only signatories in the registry can endorse: sign the Declaration first").Says("error.endorse.not_signatory")
	}
	return sg, err
}

// entryOf returns the account's entry, whatever its state; ENOTFOUND with the message given
// (and its catalogue key) when the account never signed.
func entryOf(tx *gorm.DB, acc *Account, key, missing string) (Signatory, error) {
	var sg Signatory
	err := tx.Where("account_id = ?", acc.ID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sg, Errorf(ENOTFOUND, "%s", missing).Says(key)
	}
	return sg, err
}

// byPublicID returns a signatory whatever its state: withdrawing or answering an endorsement
// still works after the other side left.
func byPublicID(tx *gorm.DB, publicID string) (Signatory, error) {
	var sg Signatory
	err := tx.Where("public_id = ?", publicID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sg, Errorf(ENOTFOUND, "no signatory has the id %q", publicID).Says("error.signatory.unknown", publicID)
	}
	return sg, err
}

func listedByPublicID(tx *gorm.DB, publicID string) (Signatory, error) {
	var sg Signatory
	err := tx.Where("public_id = ?", publicID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && sg.Status == StatusHidden) || (err == nil && !sg.Verified) {
		return sg, Errorf(ENOTFOUND, "no such signatory").Says("error.signatory.none")
	}
	if err == nil && !sg.Listed {
		return sg, Errorf(EGONE, "this signatory has left the registry").Says("error.signatory.left")
	}
	return sg, err
}

// Endorse records (or changes) an endorsement of the signatory toPublicID by the account's
// entry. A changed endorsement waits for the endorsee's answer again.
func (s *Store) Endorse(ctx context.Context, acc *Account, toPublicID, level, comment string) (Endorsement, error) {
	comment = CleanText(comment)
	if !ValidLevel(level) {
		return Endorsement{}, FieldError("level", "%q is not advocate or ambassador", level).Says("error.endorse.level")
	}
	if err := maxLen("comment", comment, MaxComment); err != nil {
		return Endorsement{}, err
	}
	var out Endorsement
	// Grouped with other people's writes into one commit (commit_group.go).
	err := s.groupWrite(ctx, func(tx *gorm.DB) error {
		from, err := endorser(tx, acc)
		if err != nil {
			return err
		}
		to, err := listedByPublicID(tx, toPublicID)
		if err != nil {
			return err
		}
		if from.ID == to.ID {
			return FieldError("to", "you cannot endorse yourself").Says("error.endorse.self")
		}
		now := s.now()
		var e Endorsement
		err = tx.Where("from_id = ? AND to_id = ?", from.ID, to.ID).Take(&e).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if err == nil && e.Level == level && e.Comment == comment && (e.Status == "pending" || e.Status == "accepted") {
			// The same endorsement again (a second click, a form sent twice): nothing changes,
			// and an accepted one stays accepted.
			out = e
			return nil
		}
		if err == nil && e.Status == "accepted" {
			// The accepted state the credential vouches for is no longer what the endorser says.
			if err := revokeEndorsementCredential(tx, e.ID, ReasonEndorsementChanged, now); err != nil {
				return err
			}
		}
		// An upsert, not an insert: the same endorsement sent twice at once finds the pair
		// either free or taken by the other request, on both engines, and both answer alike.
		e = Endorsement{FromID: from.ID, ToID: to.ID, Level: level, Status: "pending", Comment: comment, CreatedAt: now, UpdatedAt: now}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "from_id"}, {Name: "to_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"level", "comment", "status", "updated_at"})}).Create(&e).Error; err != nil {
			return fromDB(err)
		}
		if err := tx.Where("from_id = ? AND to_id = ?", from.ID, to.ID).Take(&e).Error; err != nil {
			return err
		}
		if err := notifyEndorsement(tx, KindEndorsementReceived, to.ID, from.ID, level, now); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "endorsement.set",
			SubjectType: "signatory", SubjectID: to.PublicID, Detail: level}); err != nil {
			return err
		}
		out = e
		return oncePerBatch(tx, "graph", bumpGraph)
	})
	return out, err
}

// WithdrawEndorsement takes back the account's endorsement of toPublicID.
func (s *Store) WithdrawEndorsement(ctx context.Context, acc *Account, toPublicID string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		from, err := entryOf(tx, acc, "error.endorse.no_entry_withdraw", "you have no entry in the registry, so no endorsement to withdraw")
		if err != nil {
			return err
		}
		to, err := byPublicID(tx, toPublicID)
		if err != nil {
			return err
		}
		res := tx.Model(&Endorsement{}).Where("from_id = ? AND to_id = ? AND status <> ?", from.ID, to.ID, "withdrawn").
			Updates(map[string]any{"status": "withdrawn", "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ENOTFOUND, "you have not endorsed this signatory").Says("error.endorse.none")
		}
		// Its credential, if one was issued, is marked revoked: the verification page says so.
		revoked := tx.Exec(`UPDATE credentials SET revoked_at = ?, revoked_reason = ?
			WHERE revoked_at IS NULL AND endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ? AND to_id = ?)`,
			s.now(), ReasonEndorsementWithdrawn, from.ID, to.ID)
		if revoked.Error != nil {
			return revoked.Error
		}
		if err := queueStatusSigning(tx, revoked.RowsAffected); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: s.now(), ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "endorsement.withdraw",
			SubjectType: "signatory", SubjectID: to.PublicID}); err != nil {
			return err
		}
		return bumpGraph(tx)
	})
}

// AnswerEndorsement accepts or declines an endorsement the account's entry received. A pending
// endorsement can be accepted or declined; an accepted one can still be declined, which revokes
// its credential. Accepting queues the credential's issuance in the same transaction. Giving the
// answer the endorsement already has changes nothing and is no error.
func (s *Store) AnswerEndorsement(ctx context.Context, acc *Account, fromPublicID string, accept bool) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		me, err := entryOf(tx, acc, "error.endorse.no_entry_answer", "you have no entry in the registry, so no endorsement to answer")
		if err != nil {
			return err
		}
		from, err := byPublicID(tx, fromPublicID)
		if err != nil {
			return err
		}
		now := s.now()
		status, action, answerable := "declined", "endorsement.decline", []string{"pending", "accepted"}
		if accept {
			status, action, answerable = "accepted", "endorsement.accept", []string{"pending"}
		}
		var e Endorsement
		err = tx.Where("from_id = ? AND to_id = ? AND status IN ?", from.ID, me.ID, answerable).Take(&e).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			// The same answer again (a second click, or a retry after the connection dropped
			// before the first answer arrived) finds it given: it stands, and nothing is written.
			var given int64
			if err := tx.Model(&Endorsement{}).Where("from_id = ? AND to_id = ? AND status = ?", from.ID, me.ID, status).Count(&given).Error; err != nil {
				return err
			}
			if given > 0 {
				return nil
			}
			return Errorf(ENOTFOUND, "no endorsement from this signatory is waiting for your answer").Says("error.endorse.not_waiting")
		}
		if err != nil {
			return err
		}
		res := tx.Model(&Endorsement{}).Where("id = ? AND status = ?", e.ID, e.Status).
			Updates(map[string]any{"status": status, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ENOTFOUND, "no endorsement from this signatory is waiting for your answer").Says("error.endorse.not_waiting")
		}
		if accept {
			if _, err := queueEndorsementCredentials(tx, now, PriorityInteractive, "e.id = ?", e.ID); err != nil {
				return err
			}
		} else if err := revokeEndorsementCredential(tx, e.ID, ReasonEndorsementDeclined, now); err != nil {
			return err
		}
		// The endorser hears the answer while in the registry: one who left has no page to read it.
		if from.Listed {
			kind := KindEndorsementDeclined
			if accept {
				kind = KindEndorsementAccepted
			}
			if err := notifyEndorsement(tx, kind, from.ID, me.ID, e.Level, now); err != nil {
				return err
			}
		}
		if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: action,
			SubjectType: "signatory", SubjectID: from.PublicID}); err != nil {
			return err
		}
		return bumpGraph(tx)
	})
}

// PendingEndorsement is an endorsement waiting for its endorsee's answer.
type PendingEndorsement struct {
	FromPublicID string
	FromName     string
	FromNameVis  string
	Level        string
	Comment      string
}

// PendingEndorsements lists what an account's entry has to answer.
func (s *Store) PendingEndorsements(ctx context.Context, accountID int64) ([]PendingEndorsement, error) {
	var out []PendingEndorsement
	err := s.DB.WithContext(ctx).Table("endorsements e").
		Select("f.public_id AS from_public_id, f.name AS from_name, f.vis_name AS from_name_vis, e.level, e.comment").
		Joins("JOIN signatories t ON t.id = e.to_id").Joins("JOIN signatories f ON f.id = e.from_id").
		Where("t.account_id = ? AND e.status = ? AND f.listed", accountID, "pending").Order("e.created_at").Limit(100).Scan(&out).Error
	return out, err
}

// MyEndorsementOf returns the account's endorsement of a signatory, or nil.
func (s *Store) MyEndorsementOf(ctx context.Context, accountID, toID int64) (*Endorsement, error) {
	var e Endorsement
	err := s.DB.WithContext(ctx).Table("endorsements").Select("endorsements.*").
		Joins("JOIN signatories f ON f.id = endorsements.from_id").
		Where("f.account_id = ? AND endorsements.to_id = ? AND endorsements.status <> ?", accountID, toID, "withdrawn").Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &e, err
}

// SignatoriesByPublicID returns the signatories with these public ids.
func (s *Store) SignatoriesByPublicID(ctx context.Context, ids []string) (map[string]Signatory, error) {
	var rows []Signatory
	if err := s.DB.WithContext(ctx).Where("public_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]Signatory, len(rows))
	for _, r := range rows {
		out[r.PublicID] = r
	}
	return out, nil
}

// AcceptedEndorsement is an accepted endorsement between two listed signatories, with what its
// credential says.
type AcceptedEndorsement struct {
	ID                       int64
	FromID, ToID             int64
	FromPublicID, ToPublicID string
	FromName, FromNameVis    string
	Level, Comment           string
	CredentialID             *string
	// AcceptedAt is when the endorsee accepted it: the credential's validFrom.
	AcceptedAt time.Time
}

// AcceptedEndorsementBetween finds the accepted endorsement from one signatory to another, with
// its credential if one was issued.
func (s *Store) AcceptedEndorsementBetween(ctx context.Context, fromPublicID, toPublicID string) (*AcceptedEndorsement, error) {
	var out []AcceptedEndorsement
	err := s.DB.WithContext(ctx).Table("endorsements e").
		Select(`e.id, e.from_id, e.to_id, f.public_id AS from_public_id, t.public_id AS to_public_id, f.name AS from_name,
			f.vis_name AS from_name_vis, e.level, e.comment, e.updated_at AS accepted_at,
			(SELECT c.id FROM credentials c WHERE c.endorsement_id = e.id AND c.revoked_at IS NULL LIMIT 1) AS credential_id`).
		Joins("JOIN signatories f ON f.id = e.from_id").Joins("JOIN signatories t ON t.id = e.to_id").
		Where("f.public_id = ? AND t.public_id = ? AND e.status = ? AND f.listed AND t.listed", fromPublicID, toPublicID, "accepted").
		Limit(1).Scan(&out).Error
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, Errorf(ENOTFOUND, "no accepted endorsement between these signatories").Says("error.endorse.none_between")
	}
	return &out[0], nil
}

// EndorsementStatuses returns the status of every endorsement between the signatories with these
// public ids, keyed by (endorser, endorsee): a path of trust asks which of its links it may show.
func (s *Store) EndorsementStatuses(ctx context.Context, publicIDs []string) (map[[2]string]string, error) {
	out := map[[2]string]string{}
	if len(publicIDs) < 2 {
		return out, nil
	}
	var rows []struct{ FromPublicID, ToPublicID, Status string }
	err := s.DB.WithContext(ctx).Table("endorsements e").
		Select("f.public_id AS from_public_id, t.public_id AS to_public_id, e.status").
		Joins("JOIN signatories f ON f.id = e.from_id").Joins("JOIN signatories t ON t.id = e.to_id").
		Where("f.public_id IN ? AND t.public_id IN ?", publicIDs, publicIDs).Scan(&rows).Error
	for _, r := range rows {
		out[[2]string{r.FromPublicID, r.ToPublicID}] = r.Status
	}
	return out, err
}

// PendingReceived lists the endorsements a signatory received and has not answered yet, newest
// first: shown to that signatory alone.
func (s *Store) PendingReceived(ctx context.Context, signatoryID int64, limit int) ([]EndorsementRow, error) {
	var rows []EndorsementRow
	err := s.DB.WithContext(ctx).Table("endorsements e").Joins("JOIN signatories o ON o.id = e.from_id").
		Where("e.to_id = ? AND e.status = ? AND o.listed = ?", signatoryID, "pending", true).
		Select("e.level, e.comment, e.created_at, o.public_id, o.name, o.vis_name, o.kind, o.country, o.tier").
		Order("e.created_at DESC, e.id DESC").Limit(limit).Scan(&rows).Error
	return rows, err
}
