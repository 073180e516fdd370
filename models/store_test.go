package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func person(ref string) models.Signatory {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return models.Signatory{PublicID: models.SignatoryID("t", ref), Kind: "person", Name: "P " + ref, Country: "IT",
		Visibility: models.AllPublic(), Tier: "signatory", Status: "active", Verified: true, Listed: true,
		SignedAt: at, CreatedAt: at, UpdatedAt: at}
}

// The schema itself refuses what the rules forbid, whoever writes: each violation becomes a
// domain error, never a raw database error.
func TestSchemaConstraints(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		db := s.DB.WithContext(ctx)
		a, b := person("a"), person("b")
		if err := db.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		bad := map[string]func() error{
			"duplicate public id": func() error { c := person("a"); return db.Create(&c).Error },
			"unknown kind":        func() error { c := person("k"); c.Kind = "robot"; return db.Create(&c).Error },
			"lower-case country":  func() error { c := person("c"); c.Country = "it"; return db.Create(&c).Error },
			"unknown tier":        func() error { c := person("t"); c.Tier = "gold"; return db.Create(&c).Error },
			"bad visibility":      func() error { c := person("v"); c.Visibility.City = "friends"; return db.Create(&c).Error },
			"listed but withdrawn": func() error {
				c := person("w")
				c.Status = "withdrawn"
				return db.Create(&c).Error
			},
			"unverified person": func() error { c := person("u"); c.Verified, c.Listed = false, false; return db.Create(&c).Error },
			"self endorsement": func() error {
				return db.Create(&models.Endorsement{FromID: a.ID, ToID: a.ID, Level: "advocate", Status: "accepted", CreatedAt: now, UpdatedAt: now}).Error
			},
			"unknown level": func() error {
				return db.Create(&models.Endorsement{FromID: a.ID, ToID: b.ID, Level: "hero", Status: "accepted", CreatedAt: now, UpdatedAt: now}).Error
			},
			"dangling endorsement": func() error {
				return db.Create(&models.Endorsement{FromID: a.ID, ToID: 999999, Level: "advocate", Status: "accepted", CreatedAt: now, UpdatedAt: now}).Error
			},
		}
		for name, f := range bad {
			err := models.Check(f())
			if err == nil {
				t.Errorf("%s: accepted", name)
				continue
			}
			if code := models.ErrorCode(err); code != models.EINVALID && code != models.ECONFLICT {
				t.Errorf("%s: %v is not a domain error (%s)", name, err, code)
			}
		}
		ok := models.Endorsement{FromID: a.ID, ToID: b.ID, Level: "advocate", Status: "accepted", CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&ok).Error; err != nil {
			t.Fatal(err)
		}
		again := models.Endorsement{FromID: a.ID, ToID: b.ID, Level: "ambassador", Status: "pending", CreatedAt: now, UpdatedAt: now}
		if code := models.ErrorCode(models.Check(db.Create(&again).Error)); code != models.ECONFLICT {
			t.Fatalf("a second endorsement of the same pair: %s", code)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		db := s.DB.WithContext(context.Background())
		var n int64
		db.Model(&models.AuditEntry{}).Count(&n)
		if n == 0 {
			t.Fatal("publishing the declarations left no audit record")
		}
		if err := db.Exec("UPDATE audit_log SET action = 'x'").Error; err == nil {
			t.Fatal("audit log updated")
		}
		if err := db.Exec("DELETE FROM audit_log").Error; err == nil {
			t.Fatal("audit log deleted")
		}
	})
}

func TestBaseURLIsPinned(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.PinBaseURL(ctx, "https://registry.example.org", false); err != nil {
			t.Fatal(err)
		}
		if err := s.PinBaseURL(ctx, "https://registry.example.org", false); err != nil {
			t.Fatal(err)
		}
		err := s.PinBaseURL(ctx, "https://other.example.org", false)
		if models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(err.Error(), "--change-base-url") {
			t.Fatalf("a new base URL: %v", err)
		}
		if err := s.PinBaseURL(ctx, "https://other.example.org", true); err != nil {
			t.Fatal(err)
		}
		if v, _, _ := s.Setting(ctx, "base_url"); v != "https://other.example.org" {
			t.Fatalf("base_url = %q", v)
		}
	})
}

func TestPublishedDeclarationsNeverChange(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		d, err := s.CurrentDeclaration(ctx, "fr")
		if err != nil {
			t.Fatal(err)
		}
		changed := d
		changed.Body += "\nA change.\n"
		changed.SHA256 = strings.Repeat("0", 64)
		_, err = s.PublishDeclarations(ctx, []models.Declaration{changed})
		if models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("changing a published text: %v", err)
		}
		next := changed
		next.Version = 2
		if n, err := s.PublishDeclarations(ctx, []models.Declaration{next}); err != nil || n != 1 {
			t.Fatalf("publishing version 2: %d %v", n, err)
		}
		cur, _ := s.CurrentDeclaration(ctx, "fr")
		old, _ := s.DeclarationVersion(ctx, 1, "fr")
		if cur.Version != 2 || old.SHA256 != d.SHA256 {
			t.Fatalf("versions mixed up: current %d %s, old %d %s %s", cur.Version, cur.Lang, old.Version, old.Lang, old.SHA256)
		}
		if _, err := s.DeclarationVersion(ctx, 7, "fr"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("missing version: %v", err)
		}
	})
}

func TestCleanText(t *testing.T) {
	cases := map[string]string{
		"  plain  ":             "plain",
		"a\u0000b\u0001c\u007f": "abc",
		"keep\ttab\nnewline":    "keep\ttab\nnewline",
		"crlf\r\nline":          "crlf\nline",
		"bad \xff utf8":         "bad  utf8",
		"emoji 🎓 ünïcödé":       "emoji 🎓 ünïcödé",
		"sep\u2028arator":       "separator",
		"c1\u0085control":       "c1control",
	}
	for in, want := range cases {
		if got := models.CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := models.CleanLine(" a \n b\t\tc  "); got != "a b c" {
		t.Errorf("CleanLine = %q", got)
	}
}

func TestSearchTermsOnlyFromPublicFields(t *testing.T) {
	s := person("x")
	s.Name, s.City, s.Affiliation = "Zoé Müller-Lüdenscheidt", "Zürich", "Hidden Institute"
	s.Visibility.Affiliation = models.Members
	terms := strings.Join(models.SearchTerms(&s), " ")
	if terms != "zoe muller ludenscheidt zurich" {
		t.Fatalf("terms = %q", terms)
	}
}
