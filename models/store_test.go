package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
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
		// Bidi overrides and invisible characters draw nothing and would sign what nobody saw.
		"Ada\u202eelpmaxE":                "AdaelpmaxE",
		"\ufeffAd\u200ba\u2060 Lovelace":  "Ada Lovelace",
		"soft\u00adhyphen\u180e\u3164":    "softhyphen",
		"\u2066isolate\u2069\u200e\u061c": "isolate",
		"tag\U000e0041s":                  "tags",
		// …except where they shape a visible character: Persian spelling, emoji, a flag.
		"می\u200cخواهم":    "می\u200cخواهم",
		"👩\u200d🔬 ❤\ufe0f": "👩\u200d🔬 ❤\ufe0f",
		"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f": "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
		"\u200dlonely\u200c \ufe0f":                                     "lonely",
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

// Search reads rare words from their few signatories and common ones through the list's
// index; both must give the same pages, newest first, and combine.
func TestSearchRareAndCommonWords(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 700; i++ {
		extra := ""
		if i%100 == 7 {
			extra = " Rarissime"
		}
		fmt.Fprintf(&b, `{"type":"signatory","ref":"p%d","kind":"person","name":"Common%s Person%d","country":"BE","signed_at":"2024-01-01T%02d:%02d:00Z"}`+"\n", i, extra, i, i/60, i%60)
	}
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		set, err := records.Parser{Source: "t"}.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, set, nil); err != nil {
			t.Fatal(err)
		}
		all := func(q string, limit int) []string {
			var names []string
			f := models.ListFilter{Q: q, Limit: limit}
			for {
				p, err := s.List(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range p.Rows {
					names = append(names, r.Name)
				}
				if p.NextCursor == "" {
					return names
				}
				f.Cursor = p.NextCursor
			}
		}
		if n := len(all("common", 200)); n != 700 {
			t.Fatalf("common: %d", n)
		}
		rare := all("raris", 2)
		if len(rare) != 7 || rare[0] != "Common Rarissime Person607" || rare[6] != "Common Rarissime Person7" {
			t.Fatalf("rare: %v", rare)
		}
		if got := all("common rarissime", 3); strings.Join(got, "|") != strings.Join(rare, "|") {
			t.Fatalf("common + rare: %v", got)
		}
		if got := all("person60", 50); len(got) != 11 || got[0] != "Common Person609" || got[2] != "Common Rarissime Person607" {
			t.Fatalf("person60: %v", got)
		}
		if got := all("nobodyhere", 50); len(got) != 0 {
			t.Fatalf("unknown word: %v", got)
		}
		if got := all("rarissime nobodyhere", 50); len(got) != 0 {
			t.Fatalf("rare + unknown: %v", got)
		}
	})
}
