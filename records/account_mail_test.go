package records_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
	"github.com/open-recognition/registry/testutil"
)

// fresh opens an empty store on the same engine as s.
func fresh(t *testing.T, s *models.Store) *models.Store {
	t.Helper()
	if s.Dialect == models.Postgres {
		return testutil.Postgres(t)
	}
	return testutil.SQLite(t)
}

// fullDump exports s with --full and returns its lines but the audit log (a copy logs its own
// start and import), the header's export time left out.
func fullDump(t *testing.T, s *models.Store) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := (records.Exporter{Store: s, Full: true, Source: "https://registry.example"}).Export(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		switch {
		case rec["type"] == "header":
			delete(rec, "exported_at")
			b, _ := json.Marshal(rec)
			line = string(b)
		case rec["type"] == "audit":
			continue
		}
		out = append(out, line)
	}
	return out
}

func accountLine(t *testing.T, lines []string, publicID string) map[string]any {
	t.Helper()
	for _, l := range lines {
		var rec map[string]any
		json.Unmarshal([]byte(l), &rec)
		if rec["type"] == "account" && rec["id"] == publicID {
			return rec
		}
	}
	t.Fatalf("no account line for %s", publicID)
	return nil
}

// A member's language and e-mail choices survive a backup: the full dump carries them (the
// language only when it is not the default), an import into an empty registry restores them,
// and the copy's full dump is the original's, line for line.
func TestFullDumpKeepsLanguageAndMailChoices(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		at := time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)
		s.Now = func() time.Time { return at }
		ada := models.Account{PublicID: "0b6f3c3e-8d5c-4f2e-9a57-2f4c1d2e3a40", DisplayName: "Ada", Email: "ada@example.org",
			EmailVerified: true, CreatedAt: at}
		bob := models.Account{PublicID: "1c7a4d4f-9e6d-4a3f-8b68-3a5d2e3f4b51", DisplayName: "Bob", Email: "bob@example.org", CreatedAt: at}
		for _, a := range []*models.Account{&ada, &bob} {
			if err := s.DB.Create(a).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetAccountLanguage(ctx, ada.ID, "fr"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMailSettings(ctx, ada.ID, map[string]bool{models.CategoryTiers: false, models.CategoryBadges: false}); err != nil {
			t.Fatal(err)
		}
		first := fullDump(t, s)
		a := accountLine(t, first, ada.PublicID)
		wantOff := []any{
			map[string]any{"category": "badges", "off_at": "2025-03-04T05:06:07.123456Z"},
			map[string]any{"category": "tiers", "off_at": "2025-03-04T05:06:07.123456Z"},
		}
		if a["language"] != "fr" || !equalJSON(a["mail_off"], wantOff) {
			t.Errorf("Ada's account line: %v", a)
		}
		if b := accountLine(t, first, bob.PublicID); b["language"] != nil || b["mail_off"] != nil {
			t.Errorf("Bob chose nothing, his line says %v", b)
		}

		copied := fresh(t, s)
		if _, err := importString(t, copied, "backup.jsonl", strings.Join(first, "\n")); err != nil {
			t.Fatal(err)
		}
		second := fullDump(t, copied)
		if strings.Join(first, "\n") != strings.Join(second, "\n") {
			t.Errorf("the copy's full dump differs:\n%s\n---\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
		}
		var restored models.Account
		copied.DB.Where("public_id = ?", ada.PublicID).Take(&restored)
		on, err := copied.MailSettings(ctx, restored.ID)
		if err != nil || restored.Language != "fr" || on[models.CategoryTiers] || on[models.CategoryBadges] || !on[models.CategoryEndorsements] {
			t.Errorf("the copy holds Ada as %q with %v (%v)", restored.Language, on, err)
		}
		var bobCopy models.Account
		copied.DB.Where("public_id = ?", bob.PublicID).Take(&bobCopy)
		if bobCopy.Language != "en" {
			t.Errorf("Bob's language in the copy: %q, want en", bobCopy.Language)
		}

		// An account already present keeps its own choices: Ada turned tiers back on in the copy.
		if err := copied.SetMailSettings(ctx, restored.ID, map[string]bool{models.CategoryTiers: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := importString(t, copied, "backup.jsonl", strings.Join(first, "\n")); err != nil {
			t.Fatal(err)
		}
		if on, _ := copied.MailSettings(ctx, restored.ID); !on[models.CategoryTiers] || on[models.CategoryBadges] {
			t.Errorf("importing the dump again changed Ada's choices: %v", on)
		}
	})
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// An account line with a language the interface does not speak, or a mail choice that is not a
// category one can turn off, is refused naming the line and the field, and nothing is written.
func TestImportRefusesBadMailChoices(t *testing.T) {
	account := func(extra string) string {
		return `{"type":"header","format":"registry-jsonl","version":1,"full":true}` + "\n" +
			`{"type":"account","id":"0b6f3c3e-8d5c-4f2e-9a57-2f4c1d2e3a40","email":"ada@example.org","created_at":"2025-01-01T00:00:00Z"` + extra + "}\n"
	}
	off := func(category, at string) string {
		return `{"category":"` + category + `","off_at":"` + at + `"}`
	}
	const when = "2025-02-01T00:00:00Z"
	cases := []struct{ name, extra, want string }{
		{"unknown language", `,"language":"xx"`, `language: "xx" is not a language`},
		{"empty language", `,"language":"  "`, `language: "  "`},
		{"unknown category", `,"mail_off":[` + off("weather", when) + `]`, `mail_off[0].category: "weather"`},
		{"account mail", `,"mail_off":[` + off("badges", when) + `,` + off("account", when) + `]`, `mail_off[1].category: "account"`},
		{"twice", `,"mail_off":[` + off("tiers", when) + `,` + off("tiers", when) + `]`, `mail_off[1].category: "tiers" is listed twice`},
		{"no date", `,"mail_off":[` + off("tiers", "") + `]`, `mail_off[0].off_at: is required`},
		{"bad date", `,"mail_off":[` + off("tiers", "soon") + `]`, `mail_off[0].off_at: "soon"`},
		{"unknown field", `,"mail_off":[{"category":"tiers","off_at":"` + when + `","why":"x"}]`, `unknown field "why"`},
	}
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		for _, c := range cases {
			_, err := importString(t, s, "bad.jsonl", account(c.extra))
			var ie *models.ImportError
			if !errors.As(err, &ie) || ie.Line != 2 || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want line 2 saying %q", c.name, err, c.want)
			}
			if n := count(t, s, "accounts") + count(t, s, "mail_settings"); n != 0 {
				t.Fatalf("%s: %d rows written", c.name, n)
			}
		}
		// The same line with good choices goes in.
		if _, err := importString(t, s, "good.jsonl", account(`,"language":"de","mail_off":[`+off("declaration", when)+`]`)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "mail_settings"); n != 1 {
			t.Errorf("%d mail choices imported, want 1", n)
		}
	})
}
