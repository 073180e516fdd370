// A member's choice of which e-mail the registry sends them: one switch per category on
// /account, and the one-click unsubscribe link of every message. A row in mail_settings is a
// category turned off; no row means on, so that a new member hears from the registry.

package models

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MailSetting is one category of e-mail a member turned off.
type MailSetting struct {
	AccountID int64  `gorm:"primaryKey"`
	Category  string `gorm:"primaryKey"`
	OffAt     time.Time
}

func (MailSetting) TableName() string { return "mail_settings" }

// MailSettings says, for each category a member can turn off, whether their e-mail is on.
func (s *Store) MailSettings(ctx context.Context, accountID int64) (map[string]bool, error) {
	var off []string
	if err := s.DB.WithContext(ctx).Model(&MailSetting{}).Where("account_id = ?", accountID).Pluck("category", &off).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(MailCategories))
	for _, c := range MailCategories {
		out[c] = !slices.Contains(off, c)
	}
	return out, nil
}

// SetMailSettings turns each category on or off as on says; a category on leaves out stays as it
// is. The change is audited like the account's other changes; saving the same choice again
// writes nothing.
func (s *Store) SetMailSettings(ctx context.Context, accountID int64, on map[string]bool) error {
	for c, v := range on {
		if c == CategoryAccount && !v {
			return FieldError("category", "mail about the account itself cannot be turned off").Says("error.mail.account_category")
		}
		if c != CategoryAccount && !slices.Contains(MailCategories, c) {
			return FieldError("category", "%q is not a category of e-mail", c).Says("error.mail.category_unknown")
		}
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var acc Account
		if err := tx.Select("id", "public_id").Where("deleted_at IS NULL").Take(&acc, accountID).Error; err != nil {
			return fromDB(err)
		}
		return setMailCategories(tx, acc, on, s.now())
	})
}

// UnsubscribeMail turns one category off for the account with this public id: the one-click
// unsubscribe of a message (RFC 8058). Doing it twice is harmless.
func (s *Store) UnsubscribeMail(ctx context.Context, accountPublicID, category string) error {
	if category == CategoryAccount || !slices.Contains(MailCategories, category) {
		return FieldError("c", "%q is not a category of e-mail that can be turned off", category).Says("error.mail.category_unknown")
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var acc Account
		if err := tx.Select("id", "public_id").Where("public_id = ? AND deleted_at IS NULL", accountPublicID).Take(&acc).Error; err != nil {
			return fromDB(err)
		}
		return setMailCategories(tx, acc, map[string]bool{category: false}, s.now())
	})
}

// setMailCategories applies on to acc in tx and audits what changed, naming the categories now
// off and on.
func setMailCategories(tx *gorm.DB, acc Account, on map[string]bool, now time.Time) error {
	var turnedOff, turnedOn []string
	for c, v := range on {
		if c == CategoryAccount {
			continue
		}
		if v {
			res := tx.Where("account_id = ? AND category = ?", acc.ID, c).Delete(&MailSetting{})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				turnedOn = append(turnedOn, c)
			}
			continue
		}
		// Two saves at once both insert: the second does nothing rather than fail.
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&MailSetting{AccountID: acc.ID, Category: c, OffAt: now})
		if res.Error != nil {
			return fromDB(res.Error)
		}
		if res.RowsAffected > 0 {
			turnedOff = append(turnedOff, c)
		}
	}
	if len(turnedOff)+len(turnedOn) == 0 {
		return nil
	}
	sort.Strings(turnedOff)
	sort.Strings(turnedOn)
	var detail []string
	if len(turnedOff) > 0 {
		detail = append(detail, "off: "+strings.Join(turnedOff, ","))
	}
	if len(turnedOn) > 0 {
		detail = append(detail, "on: "+strings.Join(turnedOn, ","))
	}
	return audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "mail.settings",
		SubjectType: "account", SubjectID: acc.PublicID, Detail: strings.Join(detail, "; ")})
}

// MailWanted tells, in tx, whether a member wants e-mail of a category. Account mail (the
// deletion confirmation) is always wanted: it cannot be turned off.
func MailWanted(tx *gorm.DB, accountID int64, category string) (bool, error) {
	if category == CategoryAccount {
		return true, nil
	}
	var n int64
	err := tx.Model(&MailSetting{}).Where("account_id = ? AND category = ?", accountID, category).Count(&n).Error
	return n == 0, err
}

// DefaultLanguage is the language of an account that never chose one (the column's default):
// the interface's fallback.
const DefaultLanguage = "en"

// SetAccountLanguage records the interface language a member chose, which their e-mail is
// written in. Only a change writes.
func (s *Store) SetAccountLanguage(ctx context.Context, accountID int64, lang string) error {
	if lang == "" {
		return nil
	}
	return s.DB.WithContext(ctx).Model(&Account{}).Where("id = ? AND language <> ?", accountID, lang).Update("language", lang).Error
}

// LiveBadge returns the newest live badge credential of a kind held by the entry with this
// public id, or nil: what a badge.issued message links to.
func (s *Store) LiveBadge(ctx context.Context, signatoryPublicID, kind string) (*Credential, error) {
	var out []Credential
	err := s.DB.WithContext(ctx).Table("credentials c").Select("c.id", "c.signatory_id", "c.kind", "c.issued_at").
		Joins("JOIN signatories s ON s.id = c.signatory_id").
		Where("s.public_id = ? AND c.kind = ? AND c.revoked_at IS NULL AND c.erased_at IS NULL", signatoryPublicID, kind).
		Order("c.issued_at DESC").Limit(1).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}
