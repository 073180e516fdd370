package i18n

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCatalogsAreComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		for _, k := range c.Keys() {
			if strings.TrimSpace(c.For(lang).T(k)) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}
}

// Every key the templates and handlers name must exist: a missing one would show as its key.
func TestEveryKeyInUseExists(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, k := range c.Keys() {
		known[k] = true
	}
	literal := regexp.MustCompile(`\.(?:T|Plural) "([a-z0-9_.]*[a-z0-9_])"|l\.(?:[TN]|Plural)\("([a-z0-9_.]*[a-z0-9_])"`)
	used := 0
	for _, dir := range []string{"../views", "../handlers"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".go")) {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				key := m[1] + m[2]
				used++
				if !known[key] && !known[key+".one"] {
					t.Errorf("%s uses %q, which the catalog lacks", p, key)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if used < 50 {
		t.Fatalf("only %d keys found in use: the scan is broken", used)
	}
	// Keys built at run time from a prefix.
	for _, prefix := range []string{"tier.signatory", "tier.advocate", "tier.ambassador", "kind.person", "kind.organisation",
		"anon.person", "anon.organisation", "level.advocate", "level.ambassador", "lang.en", "lang.fr", "lang.it", "lang.es", "lang.de", "month.12", "error.404.title", "error.429.text"} {
		if !known[prefix] {
			t.Errorf("catalog lacks %q", prefix)
		}
	}
}

func TestNegotiate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ choice, header, want string }{
		{"", "fr-CA,fr;q=0.9", "fr"},
		{"", "de,en-GB;q=0.8", "de"},
		{"", "it", "it"},
		{"", "es-MX,es;q=0.9", "es"},
		{"", "de-AT", "de"},
		{"", "pt-BR,pt;q=0.9", "en"},
		{"", "", "en"},
		{"fr", "en", "fr"},
		{"xx", "fr", "fr"},
		{"", "garbage;;;q=x", "en"},
	}
	for _, cs := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", cs.header)
		if got := c.Negotiate(cs.choice, r); got != cs.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", cs.choice, cs.header, got, cs.want)
		}
	}
}

func TestEnglishAndFrenchNumbersDatesAndPlurals(t *testing.T) {
	c, _ := Load()
	en, fr := c.For("en"), c.For("fr")
	if en.Number(1234567) != "1,234,567" || fr.Number(1234567) != "1\u202f234\u202f567" || en.Number(12) != "12" || en.Number(-1000) != "-1,000" {
		t.Fatalf("numbers: %q %q", en.Number(1234567), fr.Number(1234567))
	}
	d := time.Date(2024, 5, 1, 23, 0, 0, 0, time.UTC)
	if en.Date(d) != "1 May 2024" || fr.Date(d) != "1 mai 2024" {
		t.Fatalf("dates: %q %q", en.Date(d), fr.Date(d))
	}
	if en.N("list.count.total", 1) != "1 signatory." || en.N("list.count.total", 2000) != "2,000 signatories." {
		t.Fatalf("plural: %q / %q", en.N("list.count.total", 1), en.N("list.count.total", 2000))
	}
}
