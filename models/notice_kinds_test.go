package models_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// text is a declaration text of a version and language, ready to publish.
func text(version int, lang string) models.Declaration {
	body := fmt.Sprintf("# Declaration, version %d (%s)\n\nThe text.\n", version, lang)
	sum := sha256.Sum256([]byte(body))
	return models.Declaration{Version: version, Lang: lang, Title: "Declaration", Body: body, SHA256: hex.EncodeToString(sum[:])}
}

// sign records a signature of a published version.
func sign(t testing.TB, s *models.Store, sg models.Signatory, version int, lang string) {
	t.Helper()
	var d models.Declaration
	if err := s.DB.Where("version = ? AND lang = ?", version, lang).Take(&d).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Create(&models.Signature{SignatoryID: sg.ID, DeclarationVersion: version, Lang: lang, TextSHA256: d.SHA256, SignedAt: time.Now()}).Error; err != nil {
		t.Fatal(err)
	}
}

// Publishing a new version tells each listed member with an account whose newest signature is
// older, once, with the version and its e-mail due: not an entry without an account, one that
// left the registry, a deleted account, nor one who signed nothing; the same version in another
// language tells nobody; a refused publication tells nobody.
func TestNewVersionNotifiesEarlierSignatories(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		var current int
		s.DB.Model(&models.Declaration{}).Select("MAX(version)").Scan(&current)
		next := current + 1
		now := time.Now().UTC()
		member := func(ref string, account bool, change func(*models.Signatory, *models.Account)) models.Signatory {
			t.Helper()
			sg := person(ref)
			if account {
				acc := models.Account{PublicID: "acc-" + ref, Email: ref + "@example.org", EmailVerified: true, CreatedAt: now}
				if change != nil {
					change(&sg, &acc)
				}
				if err := s.DB.Create(&acc).Error; err != nil {
					t.Fatal(err)
				}
				sg.AccountID = &acc.ID
			} else if change != nil {
				change(&sg, nil)
			}
			if err := s.DB.Create(&sg).Error; err != nil {
				t.Fatal(err)
			}
			return sg
		}
		ada := member("ada", true, nil)
		sign(t, s, ada, current, "en")
		noAccount := member("bea", false, nil)
		sign(t, s, noAccount, current, "en")
		left := member("cy", true, func(sg *models.Signatory, _ *models.Account) { sg.Status, sg.Listed = "withdrawn", false })
		sign(t, s, left, current, "en")
		deleted := member("dee", true, func(_ *models.Signatory, a *models.Account) { a.DeletedAt = &now })
		sign(t, s, deleted, current, "en")
		member("eve", true, nil) // signed nothing (an entry imported without its signature)
		boss := models.Actor{Name: "cli"}

		count := func() int64 {
			var n int64
			s.DB.Model(&models.Notification{}).Where("kind = ?", models.KindDeclarationVersion).Count(&n)
			return n
		}
		if err := s.PublishVersion(ctx, boss, text(next+1, "en")); models.ErrorCode(err) != models.EINVALID || count() != 0 {
			t.Fatalf("a version skipped: %v, %d notifications", err, count())
		}
		if err := s.PublishVersion(ctx, boss, text(next, "en")); err != nil {
			t.Fatal(err)
		}
		var got []models.Notification
		s.DB.Where("kind = ?", models.KindDeclarationVersion).Find(&got)
		if len(got) != 1 || got[0].SignatoryID != ada.ID || got[0].Version == nil || *got[0].Version != next ||
			got[0].Mail == nil || *got[0].Mail != "due" || got[0].ReadAt != nil {
			t.Fatalf("notifications of version %d: %+v, want Ada's only", next, got)
		}

		// Ada signs the new version; its French text asks nobody again.
		sign(t, s, ada, next, "en")
		if err := s.PublishVersion(ctx, boss, text(next, "fr")); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Errorf("%d notifications after the second language, want 1", n)
		}
		// The version after: Ada, who signed the one before, is asked again.
		if err := s.PublishVersion(ctx, boss, text(next+1, "en")); err != nil {
			t.Fatal(err)
		}
		var again []models.Notification
		s.DB.Where("kind = ? AND version = ?", models.KindDeclarationVersion, next+1).Find(&again)
		if len(again) != 1 || again[0].SignatoryID != ada.ID {
			t.Errorf("notifications of version %d: %+v, want Ada's", next+1, again)
		}
	})
}

// A badge is news the first time a member receives it, for work a person waits for: not for
// bulk work, not for endorsement credentials, not for a badge signed again after it was
// revoked (a name change, a tier regained).
func TestBadgeNotifiedOnItsFirstIssuance(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		db := s.DB.WithContext(ctx)
		a, b := person("a"), person("b")
		db.Create(&a)
		db.Create(&b)
		now := time.Now().UTC().Truncate(time.Second)
		index := 0
		complete := func(sg models.Signatory, kind string, priority int, endorsement *int64) models.Credential {
			t.Helper()
			job := models.IssuanceJob{SignatoryID: sg.ID, Kind: kind, Action: "issue", EndorsementID: endorsement, CreatedAt: now, Priority: priority}
			if err := db.Create(&job).Error; err != nil {
				t.Fatal(err)
			}
			index++
			c := credential(sg, kind, now, index)
			c.EndorsementID = endorsement
			if retry, err := s.CompleteBatch(ctx, []models.Completion{{Job: job, Credential: &c}}); err != nil || len(retry) != 0 {
				t.Fatalf("complete %s: retry %v, %v", kind, retry, err)
			}
			return c
		}
		told := func(sg models.Signatory) []string {
			var kinds []string
			db.Model(&models.Notification{}).Where("signatory_id = ? AND kind = ?", sg.ID, models.KindBadgeIssued).Order("id").Pluck("to_tier", &kinds)
			return kinds
		}

		first := complete(a, "advocate", models.PriorityInteractive, nil)
		complete(b, "advocate", models.PriorityBulk, nil)
		if got := told(a); len(got) != 1 || got[0] != "advocate" {
			t.Errorf("A's first Advocate badge: told %v", got)
		}
		if got := told(b); len(got) != 0 {
			t.Errorf("B's badge issued as bulk work: told %v", got)
		}
		// Revoked, then issued again for a person: the same badge, no news.
		db.Model(&models.Credential{}).Where("id = ?", first.ID).Update("revoked_at", now)
		complete(a, "advocate", models.PriorityInteractive, nil)
		// A job that failed once is no longer known to be a person's.
		complete(a, "ambassador", models.PriorityRetry, nil)
		// An endorsement credential has notifications of its own.
		e := models.Endorsement{FromID: b.ID, ToID: a.ID, Level: "advocate", Status: "accepted", CreatedAt: now, UpdatedAt: now}
		db.Create(&e)
		complete(a, "endorsement", models.PriorityInteractive, &e.ID)
		complete(a, "signatory", models.PriorityInteractive, nil)
		if got := told(a); len(got) != 2 || got[1] != "signatory" {
			t.Errorf("A told of %v, want advocate then signatory", got)
		}
	})
}

// BenchmarkNewVersionFor100kSignatories times the publication of a version that asks a hundred
// thousand members with accounts to sign it: one INSERT … SELECT in the publication's
// transaction (SQLite file: 0.36 s a publication on the development machine).
func BenchmarkNewVersionFor100kSignatories(b *testing.B) {
	ctx := context.Background()
	s, err := models.Open(ctx, filepath.Join(b.TempDir(), "registry.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := testutil.Publish(s); err != nil {
		b.Fatal(err)
	}
	var v1 models.Declaration
	s.DB.Where("lang = 'en'").Order("version DESC").Take(&v1)
	const n = 100000
	now := time.Now().UTC()
	people := `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) `
	if err := s.DB.Exec(`INSERT INTO accounts (id, public_id, email, email_verified, created_at) `+people+
		`SELECT i, 'acc-' || i, 'm' || i || '@example.org', TRUE, ? FROM k`, n, now).Error; err != nil {
		b.Fatal(err)
	}
	if err := s.DB.Exec(`INSERT INTO signatories (id, public_id, kind, name, country, tier, status, verified, listed, account_id, signed_at, created_at, updated_at) `+
		people+`SELECT i, printf('00000000-0000-4000-8000-%012d', i), 'person', 'M ' || i, 'FR', 'signatory', 'active', TRUE, TRUE, i, ?, ?, ? FROM k`, n, now, now, now).Error; err != nil {
		b.Fatal(err)
	}
	if err := s.DB.Exec(`INSERT INTO signatures (signatory_id, declaration_version, lang, text_sha256, signed_at) SELECT id, ?, 'en', ?, ? FROM signatories`,
		v1.Version, v1.SHA256, now).Error; err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.PublishVersion(ctx, models.Actor{Name: "cli"}, text(v1.Version+1+i, "en")); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var got int64
	s.DB.Model(&models.Notification{}).Where("version = ?", v1.Version+1).Count(&got)
	if got != n {
		b.Fatalf("%d notifications of the new version, want %d", got, n)
	}
}
