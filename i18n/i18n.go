// Package i18n is the one translation layer every user-facing string goes through.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Languages the interface speaks; the first is the fallback.
var Languages = []string{"en", "fr", "it", "es", "de"}

// Catalog holds every message in every language.
type Catalog struct {
	messages map[string]map[string]string
	matcher  language.Matcher
}

// Load reads the embedded catalogs and checks that every language has every key, so that a
// missing translation fails at start-up and in tests rather than in front of a visitor.
func Load() (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}}
	tags := make([]language.Tag, len(Languages))
	for i, lang := range Languages {
		b, err := fs.ReadFile(locales, "locales/"+lang+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: locales/%s.json: %w", lang, err)
		}
		c.messages[lang] = m
		tags[i] = language.Make(lang)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Keys lists every message key, sorted.
func (c *Catalog) Keys() []string {
	var keys []string
	for k := range c.messages[Languages[0]] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Supported reports whether lang is an interface language.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Negotiate picks the interface language: an explicit choice (query or cookie) when it is
// supported, else the best match of the Accept-Language header.
func (c *Catalog) Negotiate(choice string, r *http.Request) string {
	if Supported(choice) {
		return choice
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return Languages[0]
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

// Localizer speaks one language.
type Localizer struct {
	Lang string
	m    map[string]string
}

// For returns the localizer of lang (the fallback language when lang is unknown).
func (c *Catalog) For(lang string) *Localizer {
	m, ok := c.messages[lang]
	if !ok {
		lang = Languages[0]
		m = c.messages[lang]
	}
	return &Localizer{Lang: lang, m: m}
}

// T returns the message for key, formatted with args when given. An unknown key shows as
// itself, which tests catch.
func (l *Localizer) T(key string, args ...any) string {
	msg, ok := l.m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether the catalog has a message for key. A label of a recorded value (an audit
// log's action) uses it to show the value as recorded when the catalog does not name it.
func (l *Localizer) Has(key string) bool {
	_, ok := l.m[key]
	return ok
}

// N chooses the plural form of key for the count n (key.one, key.many or key.other, by the
// language's rule) and inserts the formatted count.
func (l *Localizer) N(key string, n int64) string {
	return strings.Replace(l.T(l.Plural(key, n)), "%d", l.Number(n), 1)
}

// Plural returns the key of the plural form of key for the count n: key.one, key.many or
// key.other, by the language's rule. Load has checked that the catalog has every form the
// language uses.
func (l *Localizer) Plural(key string, n int64) string {
	return key + "." + PluralForm(l.Lang, n)
}

// Number formats an integer with the language's grouping (CLDR): 12,345 in English, 12 345
// in French (a narrow no-break space), 12.345 in Italian, Spanish and German. Spanish groups
// only numbers of five digits or more: 1234, 12.345.
func (l *Localizer) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	switch l.Lang {
	case "fr":
		sep = "\u202f"
	case "it", "es", "de":
		sep = "."
	}
	if l.Lang == "es" && len(s) < 5 {
		sep = ""
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Date formats a day as the language writes it in full: "1 May 2024", "1 mai 2024",
// "1 maggio 2024", "1 de mayo de 2024", "1. Mai 2024".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	month := l.T("month." + strconv.Itoa(int(t.Month())))
	switch l.Lang {
	case "es":
		return fmt.Sprintf("%d de %s de %d", t.Day(), month, t.Year())
	case "de":
		return fmt.Sprintf("%d. %s %d", t.Day(), month, t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
}
