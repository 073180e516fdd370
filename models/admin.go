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
		return acc, Errorf(ENOTFOUND, "no account with the id or e-mail %q (the person must have logged in once)", who).Says("error.admin.no_account", who)
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
			return Errorf(ECONFLICT, "only an organisation needs verifying").Says("error.admin.verify_person")
		}
		if sg.Verified {
			return Errorf(ECONFLICT, "this organisation is already verified").Says("error.admin.verified_already")
		}
		if sg.RejectedAt != nil {
			if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).Updates(map[string]any{"rejected_at": nil, "rejection": ""}).Error; err != nil {
				return err
			}
		}
		if err := s.setState(tx, sg, sg.Status, true, ""); err != nil {
			return err
		}
		return Notify(tx, Notification{SignatoryID: sg.ID, Kind: KindOrganisationVerified, CreatedAt: s.now()})
	})
}

// MaxRejection is the longest reason for a rejection.
const MaxRejection = 500

// RejectOrganisation refuses to verify an organisation's signature, for a reason the
// organisation reads on its account page and the audit log keeps. The entry stays unlisted and
// leaves the verification queue until the organisation corrects it (or signs again).
func (s *Store) RejectOrganisation(ctx context.Context, by Actor, publicID, reason string) error {
	reason = CleanLine(reason)
	if reason == "" {
		return FieldError("reason", "please say why, for the organisation to read").Says("admin.reject.reason_required")
	}
	if err := maxLen("reason", reason, MaxRejection); err != nil {
		return err
	}
	return s.moderate(ctx, by, publicID, "signatory.reject", reason, func(tx *gorm.DB, sg *Signatory) error {
		switch {
		case sg.Kind != KindOrganisation:
			return Errorf(ECONFLICT, "only an organisation is verified or rejected").Says("error.admin.verify_person")
		case sg.Verified:
			return Errorf(ECONFLICT, "this organisation is verified already").Says("error.admin.verified_already")
		case sg.Status != StatusActive:
			return Errorf(ECONFLICT, "only an entry in the registry can be rejected (this one is %s)", sg.Status).Says("error.admin.reject_unlisted")
		}
		now := s.now()
		return tx.Model(&Signatory{}).Where("id = ?", sg.ID).Updates(map[string]any{"rejected_at": now, "rejection": reason, "updated_at": now}).Error
	})
}

// HideSignatory takes an entry off the registry by moderation; the reason goes to the audit log.
func (s *Store) HideSignatory(ctx context.Context, by Actor, publicID, reason string) error {
	reason = CleanLine(reason)
	return s.moderate(ctx, by, publicID, "signatory.hide", reason, func(tx *gorm.DB, sg *Signatory) error {
		if sg.Status != StatusActive {
			return Errorf(ECONFLICT, "only an entry in the registry can be hidden (this one is %s)", sg.Status).Says("error.admin.hide_unlisted")
		}
		return s.setState(tx, sg, StatusHidden, sg.Verified, ReasonHidden)
	})
}

// RestoreSignatory brings a hidden entry back.
func (s *Store) RestoreSignatory(ctx context.Context, by Actor, publicID string) error {
	return s.moderate(ctx, by, publicID, "signatory.restore", "", func(tx *gorm.DB, sg *Signatory) error {
		if sg.Status != StatusHidden {
			return Errorf(ECONFLICT, "only a hidden entry can be restored").Says("error.admin.restore_shown")
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
			return Errorf(ECONFLICT, "you cannot block your own account").Says("error.admin.block_self")
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
	// Seed says whether the signatory is a founding Ambassador.
	Seed bool
}

// adminSignatories selects signatories with what the admin page shows beside them.
func (s *Store) adminSignatories(ctx context.Context) *gorm.DB {
	return s.DB.WithContext(ctx).Table("signatories").
		Select("signatories.*, accounts.public_id AS account_public_id, accounts.blocked_at IS NOT NULL AS account_blocked, " +
			"EXISTS (SELECT 1 FROM seeds WHERE seeds.signatory_id = signatories.id) AS seed").
		Joins("LEFT JOIN accounts ON accounts.id = signatories.account_id")
}

// Moderation lists what needs an administrator: organisations awaiting verification (not those
// rejected, until they correct their entry) and hidden entries.
func (s *Store) Moderation(ctx context.Context) (pending, hidden []AdminSignatory, err error) {
	q := func(where string, args ...any) ([]AdminSignatory, error) {
		var out []AdminSignatory
		err := s.adminSignatories(ctx).Where(where, args...).Order("signatories.signed_at DESC").Limit(200).Scan(&out).Error
		return out, err
	}
	if pending, err = q("signatories.kind = ? AND NOT signatories.verified AND signatories.status = ? AND signatories.rejected_at IS NULL",
		KindOrganisation, StatusActive); err != nil {
		return
	}
	hidden, err = q("signatories.status = ?", StatusHidden)
	return
}

// AdminLookup finds a signatory by public id, whatever its state, with its account.
func (s *Store) AdminLookup(ctx context.Context, publicID string) (*AdminSignatory, error) {
	var out []AdminSignatory
	err := s.adminSignatories(ctx).Where("signatories.public_id = ?", publicID).Limit(1).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

// AdminFindLimit is how many entries a search on the admin page lists.
const AdminFindLimit = 20

// AdminFind finds entries, whatever their state, by what an administrator has at hand: a
// public id (of the entry or of its account) or a profile address, an e-mail address (of the
// entry or of its account's login), or part of a name (of the entry or of who signed for an
// organisation), without case.
func (s *Store) AdminFind(ctx context.Context, what string) ([]AdminSignatory, error) {
	what = CleanLine(what)
	if i := strings.LastIndex(what, "/signatories/"); i >= 0 {
		what = strings.Trim(what[i+len("/signatories/"):], "/")
	}
	q := s.adminSignatories(ctx)
	switch {
	case what == "":
		return nil, nil
	case uuid.Validate(what) == nil:
		id := strings.ToLower(what)
		q = q.Where("signatories.public_id = ? OR accounts.public_id = ?", id, id)
	case strings.Contains(what, "@"):
		email := strings.ToLower(what)
		q = q.Where("signatories.email = ? OR accounts.email = ?", email, email)
	default:
		// LOWER folds ASCII on SQLite and every letter on PostgreSQL; the pattern is lowered in
		// Go, so a name written with capitals is found by its lower-case spelling.
		like := "%" + likeEscaper.Replace(strings.ToLower(what)) + "%"
		q = q.Where("LOWER(signatories.name) LIKE ? ESCAPE '!' OR LOWER(signatories.representative) LIKE ? ESCAPE '!'", like, like)
	}
	var out []AdminSignatory
	err := q.Order("signatories.signed_at DESC, signatories.id DESC").Limit(AdminFindLimit).Scan(&out).Error
	return out, err
}

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '!'.
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// BlockedAccounts lists the blocked accounts.
func (s *Store) BlockedAccounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := s.DB.WithContext(ctx).Where("blocked_at IS NOT NULL").Order("blocked_at DESC").Limit(200).Find(&out).Error
	return out, err
}

// AuditRow is an audit entry as the admin page shows it: with the names, as they are now, of
// the account that acted and of the entry or account acted on (the log itself keeps only ids,
// so that erasing a person erases their name from it too).
type AuditRow struct {
	AuditEntry
	ActorName   string
	SubjectName string
}

// DetailIsID tells a detail that is an identifier or a hash (one long word, no sentence), which
// the page may break anywhere, from words, which it must not break.
func (r AuditRow) DetailIsID() bool {
	return len(r.Detail) >= 24 && !strings.ContainsAny(r.Detail, " \t\n")
}

// AuditLog returns entries newest first, before the given id (0: from the newest).
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]AuditRow, error) {
	var out []AuditRow
	q := s.DB.WithContext(ctx).Table("audit_log").
		Select("audit_log.*, COALESCE(actor.display_name, '') AS actor_name, " +
			"COALESCE(sg.name, subject_account.display_name, '') AS subject_name").
		Joins("LEFT JOIN accounts actor ON actor.id = audit_log.actor_account_id").
		Joins("LEFT JOIN signatories sg ON audit_log.subject_type = 'signatory' AND sg.public_id = audit_log.subject_id").
		Joins("LEFT JOIN accounts subject_account ON audit_log.subject_type = 'account' AND subject_account.public_id = audit_log.subject_id").
		Order("audit_log.id DESC").Limit(limit)
	if before > 0 {
		q = q.Where("audit_log.id < ?", before)
	}
	err := q.Scan(&out).Error
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
				return Errorf(ECONFLICT, "this signatory is not a founding Ambassador").Says("error.admin.not_seed")
			}
			return res.Error
		}
		if !sg.Listed {
			return Errorf(ECONFLICT, "only a signatory in the registry can be a founding Ambassador").Says("error.admin.seed_unlisted")
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Seed{SignatoryID: sg.ID, AppointedAt: s.now(), AppointedBy: by.AccountID})
		if res.Error == nil && res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "this signatory is already a founding Ambassador").Says("error.admin.seed_already")
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
		jobs = append(jobs, IssuanceJob{SignatoryID: sg.ID, Kind: sg.Tier, Action: "revoke", Reason: ReasonTierChanged, CreatedAt: now})
	}
	sg.Tier = "ambassador"
	return queueJobs(tx, jobs, PriorityInteractive, now)
}
