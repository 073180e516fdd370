// Logging in: from what a provider says about a person to the registry's account.

package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// LoginIdentity is who a provider says has logged in.
type LoginIdentity struct {
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// Lang is the interface language of the login's request: the member's e-mail is written
	// in the language they last used the registry in.
	Lang string
}

// Login returns the account of an identity, creating it on a first login. Accounts are keyed by
// (provider, subject), never by e-mail alone. With attachTo (a signed-in account), a new
// identity joins that account instead. A first login with a verified e-mail claims the imported
// signatory with that address, if nobody has claimed it yet.
func (s *Store) Login(ctx context.Context, id LoginIdentity, attachTo *int64) (Account, error) {
	id.Email = strings.ToLower(CleanLine(id.Email))
	id.Name = CleanLine(id.Name)
	if id.Provider == "" || id.Subject == "" {
		return Account{}, Errorf(EINVALID, "the login provider did not say who you are").Says("error.login.no_user")
	}
	if ValidateEmail(id.Email) != nil {
		id.Email, id.EmailVerified = "", false
	}
	var acc Account
	// Grouped (commit_group.go): a crowd that signs logs in first.
	err := s.groupWrite(ctx, func(tx *gorm.DB) error {
		now := s.now()
		var ident Identity
		err := tx.Where("provider = ? AND subject = ?", id.Provider, id.Subject).Take(&ident).Error
		switch {
		case err == nil:
			if attachTo != nil && *attachTo != ident.AccountID {
				return Errorf(ECONFLICT, "this %s login already belongs to another account", id.Provider).Says("error.login.taken", id.Provider)
			}
			if err := tx.Take(&acc, ident.AccountID).Error; err != nil {
				return err
			}
			if ident.Email != id.Email || ident.EmailVerified != id.EmailVerified {
				if err := tx.Model(&ident).Updates(map[string]any{"email": id.Email, "email_verified": id.EmailVerified}).Error; err != nil {
					return err
				}
			}
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		case attachTo != nil:
			if err := tx.Take(&acc, *attachTo).Error; err != nil {
				return err
			}
			ident = Identity{AccountID: acc.ID, Provider: id.Provider, Subject: id.Subject, Email: id.Email, EmailVerified: id.EmailVerified, CreatedAt: now}
			if err := tx.Create(&ident).Error; err != nil {
				return fromDB(err)
			}
			if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "identity.attach",
				SubjectType: "account", SubjectID: acc.PublicID, Detail: id.Provider}); err != nil {
				return err
			}
		default:
			acc = Account{PublicID: uuid.NewString(), DisplayName: id.Name, Email: id.Email, EmailVerified: id.EmailVerified, Language: id.Lang, CreatedAt: now}
			if err := tx.Create(&acc).Error; err != nil {
				return fromDB(err)
			}
			ident = Identity{AccountID: acc.ID, Provider: id.Provider, Subject: id.Subject, Email: id.Email, EmailVerified: id.EmailVerified, CreatedAt: now}
			if err := tx.Create(&ident).Error; err != nil {
				return fromDB(err)
			}
			if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "account.create",
				SubjectType: "account", SubjectID: acc.PublicID, Detail: id.Provider}); err != nil {
				return err
			}
			if err := claim(tx, &acc, now); err != nil {
				return err
			}
		}
		if id.Lang != "" && acc.Language != id.Lang {
			if err := tx.Model(&Account{}).Where("id = ?", acc.ID).Update("language", id.Lang).Error; err != nil {
				return err
			}
			acc.Language = id.Lang
		}
		if acc.BlockedAt != nil || acc.DeletedAt != nil {
			return Errorf(EFORBIDDEN, "this account is blocked; write to the registry's administrators if you think this is a mistake").Says("error.login.blocked")
		}
		return bumpChanges(tx)
	})
	return acc, err
}

// claim attaches the unclaimed imported signatory whose e-mail is the account's verified one.
func claim(tx *gorm.DB, acc *Account, now time.Time) error {
	if !acc.EmailVerified || acc.Email == "" {
		return nil
	}
	var sg Signatory
	// "email <> ''" lets the e-mail index (of entries that have an address) serve the query:
	// without it, "the address ?" could be the empty one, and every signatory would be read.
	err := tx.Select("id", "public_id").Where("email = ? AND email <> '' AND account_id IS NULL AND status <> ?", acc.Email, StatusDeleted).
		Order("id").Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).Update("account_id", acc.ID).Error; err != nil {
		return fromDB(err)
	}
	return audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "signatory.claim",
		SubjectType: "signatory", SubjectID: sg.PublicID})
}

// Identities lists the logins attached to an account.
func (s *Store) Identities(ctx context.Context, accountID int64) ([]Identity, error) {
	var out []Identity
	err := s.DB.WithContext(ctx).Where("account_id = ?", accountID).Order("created_at, id").Find(&out).Error
	return out, err
}

// DetachIdentity removes one login from an account; the last one stays, or the account could
// never be reached again.
func (s *Store) DetachIdentity(ctx context.Context, acc *Account, identityID int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Identity{}).Where("account_id = ?", acc.ID).Count(&n).Error; err != nil {
			return err
		}
		var ident Identity
		if err := tx.Where("id = ? AND account_id = ?", identityID, acc.ID).Take(&ident).Error; err != nil {
			return fromDB(err)
		}
		if n <= 1 {
			return Errorf(ECONFLICT, "this is your only way to log in; attach another one before removing it").Says("error.login.only_way")
		}
		if err := tx.Delete(&ident).Error; err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: s.now(), ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "identity.detach",
			SubjectType: "account", SubjectID: acc.PublicID, Detail: ident.Provider}); err != nil {
			return err
		}
		return bumpChanges(tx)
	})
}
