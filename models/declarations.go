package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Declaration is a published text of one version in one language.
type Declaration struct {
	Version     int    `gorm:"primaryKey;autoIncrement:false"`
	Lang        string `gorm:"primaryKey"`
	Title       string
	Body        string
	SHA256      string `gorm:"column:sha256"`
	PublishedAt time.Time
}

func (Declaration) TableName() string { return "declarations" }

// PublishDeclarations stores texts not yet published. A published version never changes, since
// signatures point at its hash: a text that differs from its published version is refused with
// the advice to publish it as a new version.
func (s *Store) PublishDeclarations(ctx context.Context, texts []Declaration) (published int, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, t := range texts {
			var have Declaration
			err := tx.Where("version = ? AND lang = ?", t.Version, t.Lang).Take(&have).Error
			switch {
			case err == nil:
				if have.SHA256 != t.SHA256 {
					return Errorf(ECONFLICT, "declaration version %d (%s) differs from the text published on %s; publish a changed text as version %d",
						t.Version, t.Lang, have.PublishedAt.Format(time.DateOnly), t.Version+1)
				}
			case errors.Is(err, gorm.ErrRecordNotFound):
				if t.PublishedAt.IsZero() {
					t.PublishedAt = s.now()
				}
				if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&t).Error; err != nil {
					return fromDB(err)
				}
				if err := audit(tx, AuditEntry{At: s.now(), Actor: "system", Action: "declaration.publish",
					SubjectType: "declaration", SubjectID: fmt.Sprintf("%d/%s", t.Version, t.Lang), Detail: t.SHA256}); err != nil {
					return err
				}
				published++
			default:
				return err
			}
		}
		if published > 0 {
			return bumpChanges(tx)
		}
		return nil
	})
	return published, err
}

// CurrentDeclaration returns the newest version in lang, falling back to any language.
func (s *Store) CurrentDeclaration(ctx context.Context, lang string) (Declaration, error) {
	var d Declaration
	err := s.DB.WithContext(ctx).Where("lang = ?", lang).Order("version DESC").Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = s.DB.WithContext(ctx).Order("version DESC, lang").Take(&d).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ENOTFOUND, "no declaration has been published")
	}
	return d, err
}

// DeclarationVersion returns one version in lang, falling back to another language of it.
func (s *Store) DeclarationVersion(ctx context.Context, version int, lang string) (Declaration, error) {
	var d Declaration
	err := s.DB.WithContext(ctx).Where("version = ? AND lang = ?", version, lang).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = s.DB.WithContext(ctx).Where("version = ?", version).Order("lang").Take(&d).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ENOTFOUND, "declaration version %d does not exist", version)
	}
	return d, err
}

// DeclarationVersions lists every published version in one language, newest first.
func (s *Store) DeclarationVersions(ctx context.Context) ([]Declaration, error) {
	var ds []Declaration
	err := s.DB.WithContext(ctx).Select("version", "lang", "title", "sha256", "published_at").
		Order("version DESC, lang").Find(&ds).Error
	return ds, err
}

// PublishVersion publishes a declaration text from the admin page: the next version, or the
// current version in a language it lacks. Everyone who signed an earlier version is invited to
// sign the new one; nobody is counted twice.
func (s *Store) PublishVersion(ctx context.Context, by Actor, d Declaration) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var current int
		if err := tx.Model(&Declaration{}).Select("COALESCE(MAX(version), 0)").Scan(&current).Error; err != nil {
			return err
		}
		var have int64
		if err := tx.Model(&Declaration{}).Where("version = ? AND lang = ?", d.Version, d.Lang).Count(&have).Error; err != nil {
			return err
		}
		switch {
		case have > 0:
			return &Error{Code: ECONFLICT, Field: "version", Message: fmt.Sprintf("version %d in %s is already published and never changes; publish a changed text as version %d", d.Version, d.Lang, current+1)}
		case d.Version != current+1 && d.Version != current:
			return &Error{Code: EINVALID, Field: "version", Message: fmt.Sprintf("the next version is %d (or %d, to add a language to the current one)", current+1, current)}
		}
		d.PublishedAt = s.now()
		if err := tx.Create(&d).Error; err != nil {
			return fromDB(err)
		}
		if err := audit(tx, AuditEntry{At: d.PublishedAt, ActorAccountID: by.AccountID, Actor: by.Name, Action: "declaration.publish",
			SubjectType: "declaration", SubjectID: fmt.Sprintf("%d/%s", d.Version, d.Lang), Detail: d.SHA256}); err != nil {
			return err
		}
		return bumpChanges(tx)
	})
}
