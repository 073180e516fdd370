// Administration: roles, moderation of entries, blocking accounts. Every change is audited in
// its own transaction, naming who did it.

package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RoleAdmin administers the registry.
const RoleAdmin = "admin"

// Actor is who makes a change: an account, or the system (command line, configuration).
type Actor struct {
	AccountID *int64
	Name      string // "account:<public id>", "cli", "config"
}

// ActorOf is the actor of a signed-in account.
func ActorOf(acc *Account) Actor { return Actor{AccountID: &acc.ID, Name: "account:" + acc.PublicID} }

// IsAdmin reports whether an account holds the administrator role.
func (s *Store) IsAdmin(ctx context.Context, accountID int64) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Role{}).Where("account_id = ? AND role = ?", accountID, RoleAdmin).Count(&n).Error
	return n > 0, err
}

// FindAccount finds an account by its public id or e-mail address.
func (s *Store) FindAccount(ctx context.Context, who string) (Account, error) {
	who = strings.TrimSpace(who)
	var acc Account
	q := s.DB.WithContext(ctx)
	if _, err := uuid.Parse(who); err == nil {
		q = q.Where("public_id = ?", strings.ToLower(who))
	} else {
		q = q.Where("email = ?", strings.ToLower(who)).Order("email_verified DESC, id")
	}
	err := q.Take(&acc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return acc, Errorf(ENOTFOUND, "no account with the id or e-mail %q (the person must have logged in once)", who)
	}
	return acc, err
}

// SetAdmin grants or revokes the administrator role.
func (s *Store) SetAdmin(ctx context.Context, by Actor, acc Account, admin bool) (changed bool, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var res *gorm.DB
		action := "role.grant"
		if admin {
			res = tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Role{AccountID: acc.ID, Role: RoleAdmin, GrantedAt: s.now(), GrantedBy: by.AccountID})
		} else {
			action = "role.revoke"
			res = tx.Where("account_id = ? AND role = ?", acc.ID, RoleAdmin).Delete(&Role{})
		}
		if res.Error != nil {
			return fromDB(res.Error)
		}
		if changed = res.RowsAffected > 0; !changed {
			return nil
		}
		return audit(tx, AuditEntry{At: s.now(), ActorAccountID: by.AccountID, Actor: by.Name, Action: action,
			SubjectType: "account", SubjectID: acc.PublicID, Detail: RoleAdmin})
	})
	return changed, err
}

// moderate changes one signatory inside a transaction and audits it.
func (s *Store) moderate(ctx context.Context, by Actor, publicID, action, detail string, change func(tx *gorm.DB, sg *Signatory) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sg Signatory
		if err := tx.Where("public_id = ?", publicID).Take(&sg).Error; err != nil {
			return fromDB(err)
		}
		if err := change(tx, &sg); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: s.now(), ActorAccountID: by.AccountID, Actor: by.Name, Action: action,
			SubjectType: "signatory", SubjectID: sg.PublicID, Detail: detail}); err != nil {
			return err
		}
		return bumpGraph(tx)
	})
}

// setState writes a signatory's status and verification, with what follows from them: its place
// in lists and search, and its badges issued (those it then holds) or all revoked.
func (s *Store) setState(tx *gorm.DB, sg *Signatory, status string, verified bool, reason string) error {
	was := sg.Listed
	sg.Status, sg.Verified = status, verified
	sg.Listed = Listable(status, verified)
	sg.UpdatedAt = s.now()
	if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).
		Updates(map[string]any{"status": status, "verified": verified, "listed": sg.Listed, "updated_at": sg.UpdatedAt}).Error; err != nil {
		return fromDB(err)
	}
	if err := writeSearchTerms(tx, sg); err != nil {
		return err
	}
	switch {
	case sg.Listed && !was:
		return reissue(tx, sg, s.now())
	case was && !sg.Listed:
		return revokeAll(tx, sg.ID, reason, s.now())
	}
	return nil
}

// VerifyOrganisation confirms an organisation's signature: it is listed and badged from now on.
func (s *Store) VerifyOrganisation(ctx context.Context, by Actor, publicID string) error {
	return s.moderate(ctx, by, publicID, "signatory.verify", "", func(tx *gorm.DB, sg *Signatory) error {
		if sg.Kind != KindOrganisation {
			return Errorf(ECONFLICT, "only an organisation needs verifying")
		}
		if sg.Verified {
			return Errorf(ECONFLICT, "this organisation is already verified")
		}
		return s.setState(tx, sg, sg.Status, true, "")
	})
}

// HideSignatory takes an entry off the registry by moderation; the reason goes to the audit log.
func (s *Store) HideSignatory(ctx context.Context, by Actor, publicID, reason string) error {
	reason = CleanLine(reason)
	return s.moderate(ctx, by, publicID, "signatory.hide", reason, func(tx *gorm.DB, sg *Signatory) error {
		if sg.Status != StatusActive {
			return Errorf(ECONFLICT, "only an entry in the registry can be hidden (this one is %s)", sg.Status)
		}
		return s.setState(tx, sg, StatusHidden, sg.Verified, "hidden by the registry's administrators")
	})
}

// RestoreSignatory brings a hidden entry back.
func (s *Store) RestoreSignatory(ctx context.Context, by Actor, publicID string) error {
	return s.moderate(ctx, by, publicID, "signatory.restore", "", func(tx *gorm.DB, sg *Signatory) error {
		if sg.Status != StatusHidden {
			return Errorf(ECONFLICT, "only a hidden entry can be restored")
		}
		return s.setState(tx, sg, StatusActive, sg.Verified, "")
	})
}

// BlockAccount stops an account from logging in and ends its sessions; unblocking lets it back.
func (s *Store) BlockAccount(ctx context.Context, by Actor, accountPublicID string, block bool) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var acc Account
		if err := tx.Where("public_id = ?", accountPublicID).Take(&acc).Error; err != nil {
			return fromDB(err)
		}
		if by.AccountID != nil && *by.AccountID == acc.ID {
			return Errorf(ECONFLICT, "you cannot block your own account")
		}
		action := "account.block"
		var at any = s.now()
		if !block {
			action, at = "account.unblock", nil
		}
		if err := tx.Model(&Account{}).Where("id = ?", acc.ID).Update("blocked_at", at).Error; err != nil {
			return err
		}
		if block {
			if err := endSessions(tx, acc.ID); err != nil {
				return err
			}
		}
		if err := audit(tx, AuditEntry{At: s.now(), ActorAccountID: by.AccountID, Actor: by.Name, Action: action,
			SubjectType: "account", SubjectID: acc.PublicID}); err != nil {
			return err
		}
		return bumpChanges(tx)
	})
}

// AdminSignatory is a signatory as the admin page lists it.
type AdminSignatory struct {
	Signatory
	AccountPublicID string
	AccountBlocked  bool
}

// Moderation lists what needs an administrator: organisations awaiting verification and hidden
// entries.
func (s *Store) Moderation(ctx context.Context) (pending, hidden []AdminSignatory, err error) {
	q := func(where string, args ...any) ([]AdminSignatory, error) {
		var out []AdminSignatory
		err := s.DB.WithContext(ctx).Table("signatories").
			Select("signatories.*, accounts.public_id AS account_public_id, accounts.blocked_at IS NOT NULL AS account_blocked").
			Joins("LEFT JOIN accounts ON accounts.id = signatories.account_id").
			Where(where, args...).Order("signatories.signed_at DESC").Limit(200).Scan(&out).Error
		return out, err
	}
	if pending, err = q("signatories.kind = ? AND NOT signatories.verified AND signatories.status = ?", KindOrganisation, StatusActive); err != nil {
		return
	}
	hidden, err = q("signatories.status = ?", StatusHidden)
	return
}

// AdminLookup finds a signatory by public id, whatever its state, with its account.
func (s *Store) AdminLookup(ctx context.Context, publicID string) (*AdminSignatory, error) {
	var out []AdminSignatory
	err := s.DB.WithContext(ctx).Table("signatories").
		Select("signatories.*, accounts.public_id AS account_public_id, accounts.blocked_at IS NOT NULL AS account_blocked").
		Joins("LEFT JOIN accounts ON accounts.id = signatories.account_id").
		Where("signatories.public_id = ?", publicID).Limit(1).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

// BlockedAccounts lists the blocked accounts.
func (s *Store) BlockedAccounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := s.DB.WithContext(ctx).Where("blocked_at IS NOT NULL").Order("blocked_at DESC").Limit(200).Find(&out).Error
	return out, err
}

// AuditLog returns entries newest first, before the given id (0: from the newest).
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	q := s.DB.WithContext(ctx).Order("id DESC").Limit(limit)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	err := q.Find(&out).Error
	return out, err
}

// SetSeed appoints a signatory as a founding Ambassador, or removes them: the roots of trust.
func (s *Store) SetSeed(ctx context.Context, by Actor, publicID string, seed bool) error {
	action := "seed.appoint"
	if !seed {
		action = "seed.remove"
	}
	return s.moderate(ctx, by, publicID, action, "", func(tx *gorm.DB, sg *Signatory) error {
		if !seed {
			res := tx.Where("signatory_id = ?", sg.ID).Delete(&Seed{})
			if res.Error == nil && res.RowsAffected == 0 {
				return Errorf(ECONFLICT, "this signatory is not a founding Ambassador")
			}
			return res.Error
		}
		if !sg.Listed {
			return Errorf(ECONFLICT, "only a signatory in the registry can be a founding Ambassador")
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Seed{SignatoryID: sg.ID, AppointedAt: s.now(), AppointedBy: by.AccountID})
		if res.Error == nil && res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "this signatory is already a founding Ambassador")
		}
		if res.Error != nil {
			return res.Error
		}
		return appointAmbassador(tx, sg, s.now())
	})
}

// appointAmbassador makes a newly appointed founding Ambassador an Ambassador at once, as an
// import does, with the badge the person is waiting for queued ahead of bulk work (and the
// Advocate badge they held revoked); the next tier computation finds nothing to change.
func appointAmbassador(tx *gorm.DB, sg *Signatory, now time.Time) error {
	if sg.Tier == "ambassador" {
		return nil
	}
	if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).Updates(map[string]any{"tier": "ambassador", "tier_since": now}).Error; err != nil {
		return fromDB(err)
	}
	jobs := []IssuanceJob{{SignatoryID: sg.ID, Kind: "ambassador", Action: "issue", CreatedAt: now}}
	if sg.Tier != "signatory" {
		jobs = append(jobs, IssuanceJob{SignatoryID: sg.ID, Kind: sg.Tier, Action: "revoke", Reason: "tier changed", CreatedAt: now})
	}
	sg.Tier = "ambassador"
	return queueJobs(tx, jobs, PriorityInteractive, now)
}
