package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/open-recognition/registry/declaration"
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

// Translation tells whether the text translates the original: every version is written in
// English, and its texts in other languages are translations of it.
func (d Declaration) Translation() bool { return d.Lang != declaration.Original() }

// PublishDeclarations stores texts not yet published. A published version never changes, since
// signatures point at its hash: a text that differs from its published version is refused with
// the advice to publish it as a new version. A text's date comes with it (its front matter);
// one stored earlier without a date got the day the registry first started, and takes the
// text's own date when that is earlier.
func (s *Store) PublishDeclarations(ctx context.Context, texts []Declaration) (published int, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changed := false
		for _, t := range texts {
			var have Declaration
			err := tx.Where("version = ? AND lang = ?", t.Version, t.Lang).Take(&have).Error
			switch {
			case err == nil:
				if have.SHA256 != t.SHA256 {
					return Errorf(ECONFLICT, "declaration version %d (%s) differs from the text published on %s; publish a changed text as version %d",
						t.Version, t.Lang, have.PublishedAt.Format(time.DateOnly), t.Version+1)
				}
				if !t.PublishedAt.IsZero() && t.PublishedAt.Before(have.PublishedAt) {
					if err := tx.Model(&Declaration{}).Where("version = ? AND lang = ?", t.Version, t.Lang).
						Update("published_at", t.PublishedAt).Error; err != nil {
						return err
					}
					if err := audit(tx, AuditEntry{At: s.now(), Actor: "system", Action: "declaration.date",
						SubjectType: "declaration", SubjectID: fmt.Sprintf("%d/%s", t.Version, t.Lang),
						Detail: "published " + t.PublishedAt.UTC().Format(time.DateOnly) + ", as the text says, not " + have.PublishedAt.UTC().Format(time.DateOnly)}); err != nil {
						return err
					}
					changed = true
				}
			case errors.Is(err, gorm.ErrRecordNotFound):
				if t.PublishedAt.IsZero() {
					t.PublishedAt = s.now()
				}
				res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&t)
				if res.Error != nil {
					return fromDB(res.Error)
				}
				if res.RowsAffected == 0 {
					continue // published at this moment by another server starting at once
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
		if published > 0 || changed {
			return bumpChanges(tx)
		}
		return nil
	})
	return published, err
}

// CurrentDeclaration returns the newest version, in lang when it has that language, else in
// the original language (else in any): nobody reads an older version as the current one because
// its translation is not published yet.
func (s *Store) CurrentDeclaration(ctx context.Context, lang string) (Declaration, error) {
	d, err := currentDeclaration(s.DB.WithContext(ctx), lang, "*")
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ENOTFOUND, "no declaration has been published")
	}
	return d, err
}

// currentDeclaration reads the newest version in lang, or in the original language when that
// version lacks lang; columns names what to read ("*" for everything).
func currentDeclaration(tx *gorm.DB, lang, columns string) (Declaration, error) {
	var newest int
	if err := tx.Model(&Declaration{}).Select("COALESCE(MAX(version), 0)").Scan(&newest).Error; err != nil {
		return Declaration{}, err
	}
	return declarationIn(tx, newest, lang, columns)
}

// declarationIn reads one version in lang, else in the original language, else in any.
func declarationIn(tx *gorm.DB, version int, lang, columns string) (Declaration, error) {
	var d Declaration
	err := tx.Select(columns).Where("version = ?", version).
		Order(clause.OrderBy{Expression: clause.Expr{SQL: "CASE WHEN lang = ? THEN 0 WHEN lang = ? THEN 1 ELSE 2 END, lang", Vars: []any{lang, declaration.Original()}}}).
		Take(&d).Error
	return d, err
}

// DeclarationVersion returns one version in lang, falling back to the original language of it.
func (s *Store) DeclarationVersion(ctx context.Context, version int, lang string) (Declaration, error) {
	d, err := declarationIn(s.DB.WithContext(ctx), version, lang, "*")
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
		if err := s.checkPublished(tx, d); err != nil {
			return err
		}
		if d.PublishedAt.IsZero() {
			d.PublishedAt = s.now()
		}
		if err := tx.Create(&d).Error; err != nil {
			return fromDB(err)
		}
		if err := audit(tx, AuditEntry{At: s.now(), ActorAccountID: by.AccountID, Actor: by.Name, Action: "declaration.publish",
			SubjectType: "declaration", SubjectID: fmt.Sprintf("%d/%s", d.Version, d.Lang), Detail: d.SHA256}); err != nil {
			return err
		}
		if d.Version == current+1 {
			// The version's first text; its other languages (d.Version == current) are the same
			// version, which the members have already been asked to sign.
			if err := notifyNewVersion(tx, d.Version, s.now()); err != nil {
				return err
			}
		}
		return bumpChanges(tx)
	})
}

// checkPublished refuses a publication date in the future (people could not have read the text
// yet) or before the previous version was published.
func (s *Store) checkPublished(tx *gorm.DB, d Declaration) error {
	if d.PublishedAt.IsZero() {
		return nil
	}
	if d.PublishedAt.After(s.now()) {
		return &Error{Code: EINVALID, Field: "published", Message: fmt.Sprintf("the publication date %s is in the future", d.PublishedAt.UTC().Format(time.DateOnly))}
	}
	var previous Declaration
	err := tx.Select("version", "published_at").Where("version < ?", d.Version).Order("version DESC, published_at DESC").Take(&previous).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.PublishedAt.Before(previous.PublishedAt.UTC().Truncate(24 * time.Hour)) {
		return &Error{Code: EINVALID, Field: "published", Message: fmt.Sprintf("version %d cannot be published on %s, before version %d (%s)",
			d.Version, d.PublishedAt.UTC().Format(time.DateOnly), previous.Version, previous.PublishedAt.UTC().Format(time.DateOnly))}
	}
	return nil
}
