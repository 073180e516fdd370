package i18n

import (
	"strings"
	"testing"
	"time"
)

// The CLDR cardinal rules for whole numbers, checked on the numbers where languages differ.
func TestPluralFormsFollowCLDR(t *testing.T) {
	cases := map[string]map[int64]string{
		"en": {0: "other", 1: "one", 2: "other", 11: "other", 21: "other", 1_000_000: "other"},
		"de": {0: "other", 1: "one", 2: "other", 1_000_000: "other"},
		"fr": {0: "one", 1: "one", 2: "other", 1_000: "other", 1_000_000: "many", 2_000_000: "many", 1_000_001: "other", 1_500_000: "other"},
		"it": {0: "other", 1: "one", 2: "other", 1_000_000: "many", 3_000_000: "many", 1_000_001: "other"},
		"es": {0: "other", 1: "one", 2: "other", 1_000_000: "many", 1_000_010: "other"},
	}
	for lang, want := range cases {
		for n, form := range want {
			if got := PluralForm(lang, n); got != form {
				t.Errorf("PluralForm(%s, %d) = %s, want %s", lang, n, got, form)
			}
		}
	}
}

// Counts read right in every language: the singular where the language uses it, the plural
// elsewhere, and "de"/"di" before a round million in French, Italian and Spanish.
func TestCountsReadRightInEveryLanguage(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 0, "0 signatories."},
		{"en", 1, "1 signatory."},
		{"en", 2000, "2,000 signatories."},
		{"fr", 0, "0 signataire."},
		{"fr", 1, "1 signataire."},
		{"fr", 2, "2 signataires."},
		{"fr", 1_000_000, "1\u202f000\u202f000 de signataires."},
		{"it", 0, "0 firmatari."},
		{"it", 1, "1 firmatario."},
		{"it", 2_000_000, "2.000.000 di firmatari."},
		{"es", 0, "0 firmantes."},
		{"es", 1, "1 firmante."},
		{"es", 1234, "1234 firmantes."},
		{"es", 1_000_000, "1.000.000 de firmantes."},
		{"de", 0, "0 Unterzeichnende."},
		{"de", 1, "1 Eintrag."},
		{"de", 1_000_000, "1.000.000 Unterzeichnende."},
	}
	for _, cs := range cases {
		if got := c.For(cs.lang).N("list.count.total", cs.n); got != cs.want {
			t.Errorf("%s N(%d) = %q, want %q", cs.lang, cs.n, got, cs.want)
		}
	}
	// Every plural message has the form each language's rule asks for.
	for _, lang := range Languages {
		l := c.For(lang)
		for _, n := range []int64{0, 1, 2, 5, 1_000_000} {
			for _, k := range c.Keys() {
				base, ok := strings.CutSuffix(k, ".one")
				if !ok {
					continue
				}
				key := l.Plural(base, n)
				if got := l.T(key); got == key {
					t.Errorf("%s: %s for %d has no message", lang, key, n)
				}
			}
		}
	}
}

func TestNumbersAndDatesInEveryLanguage(t *testing.T) {
	c, _ := Load()
	d := time.Date(2016, 10, 26, 23, 0, 0, 0, time.UTC)
	want := map[string][3]string{
		"en": {"1,234,567", "1,234", "26 October 2016"},
		"fr": {"1\u202f234\u202f567", "1\u202f234", "26 octobre 2016"},
		"it": {"1.234.567", "1.234", "26 ottobre 2016"},
		"es": {"1.234.567", "1234", "26 de octubre de 2016"},
		"de": {"1.234.567", "1.234", "26. Oktober 2016"},
	}
	for _, lang := range Languages {
		l := c.For(lang)
		got := [3]string{l.Number(1234567), l.Number(1234), l.Date(d)}
		if got != want[lang] {
			t.Errorf("%s: %q, want %q", lang, got, want[lang])
		}
	}
}

// A key one catalog has and another lacks is refused, whichever catalog has it; so is a
// missing or superfluous "many" form.
func TestCatalogCheckIsSymmetric(t *testing.T) {
	full := func() map[string]map[string]string {
		m := map[string]map[string]string{}
		for _, lang := range Languages {
			m[lang] = map[string]string{"a": "x", "n.one": "x", "n.other": "x"}
			if hasMany(lang) {
				m[lang]["n.many"] = "x"
			}
		}
		return m
	}
	if err := (&Catalog{messages: full()}).check(); err != nil {
		t.Fatalf("complete catalogs refused: %v", err)
	}
	for _, tc := range []struct {
		name, want string
		change     func(map[string]map[string]string)
	}{
		{"a key only German has", `fr lacks "b" (which de has)`, func(m map[string]map[string]string) { m["de"]["b"] = "x" }},
		{"a key English lacks", `en lacks "a" (which fr has)`, func(m map[string]map[string]string) { delete(m["en"], "a") }},
		{"a missing many form", `it lacks "n.many"`, func(m map[string]map[string]string) { delete(m["it"], "n.many") }},
		{"a many form German does not use", `de has "n.many", a plural form its rule does not use`, func(m map[string]map[string]string) { m["de"]["n.many"] = "x" }},
	} {
		m := full()
		tc.change(m)
		err := (&Catalog{messages: m}).check()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
}
