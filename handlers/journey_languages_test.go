package handlers_test

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// englishLeft lists the English messages of the catalog that a page in lang must not show: every
// message whose English differs from lang's, cut at its placeholders into fragments a reader
// would notice. A fragment that lang's own catalog uses too (a proper name such as
// "Open Badges", a word both languages share) cannot tell, and is left out.
func englishLeft(t *testing.T, lang string) map[string]*regexp.Regexp {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, tr := c.For("en"), c.For(lang)
	var own strings.Builder
	for _, k := range c.Keys() {
		own.WriteString(tr.T(k) + "\n")
		if base, ok := strings.CutSuffix(k, ".one"); ok {
			own.WriteString(tr.T(tr.Plural(base, 1_000_000)) + "\n")
		}
	}
	placeholder := regexp.MustCompile(`%[sd]`)
	out := map[string]*regexp.Regexp{}
	for _, k := range c.Keys() {
		if en.T(k) == tr.T(k) {
			continue
		}
		for _, frag := range placeholder.Split(en.T(k), -1) {
			frag = strings.Trim(frag, " .,:;()·")
			if len([]rune(frag)) < 4 || !regexp.MustCompile(`\pL{3}`).MatchString(frag) {
				continue
			}
			word := regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(frag) + `($|[^\pL])`)
			if word.MatchString(own.String()) {
				continue
			}
			out[frag] = word
		}
	}
	if len(out) < 200 {
		t.Fatalf("%s: only %d English fragments to look for: the list is broken", lang, len(out))
	}
	return out
}

// pageWords is what a reader meets on the page in its language: its title, its visible text,
// and the labels, placeholders and alternative texts that assistive technology reads out. Text
// marked as written in another language (the language switch, an audit log kept in English) is
// not the page's to translate, and is left out.
func (j *journey) pageWords() string {
	j.t.Helper()
	var words string
	j.run("read the page", chromedp.Evaluate(`[document.title, (function () {
		const page = document.documentElement.lang;
		const other = Array.from(document.body.querySelectorAll("[lang]")).filter(function (e) { return e.lang !== page; });
		const shown = other.map(function (e) { return e.style.display; });
		other.forEach(function (e) { e.style.display = "none"; });
		const text = document.body.innerText;
		other.forEach(function (e, i) { e.style.display = shown[i]; });
		return text;
	})()].concat(
		Array.from(document.querySelectorAll("[aria-label],[placeholder],[alt],[title]")).map(function (e) {
			return [e.getAttribute("aria-label"), e.getAttribute("placeholder"), e.getAttribute("alt"), e.getAttribute("title")].filter(Boolean).join("\n");
		})).join("\n")`, &words))
	return words
}

// untranslated names the English fragments the page shows.
func (j *journey) untranslated(english map[string]*regexp.Regexp) []string {
	j.t.Helper()
	words := j.pageWords()
	var found []string
	for frag, re := range english {
		if re.MatchString(words) {
			found = append(found, frag)
		}
	}
	sort.Strings(found)
	return found
}

// Every public page, in Italian, Spanish and German, says nothing in English that the catalog
// translates: home, the Declaration, signing, the list, a profile and its path of trust, the
// map, a badge's verification page, the criteria of the badges, logging in, the account, an
// error page (a 404, and a 403 for a member on the administrators' page) and the administrators'
// desk.
func TestJourneyEveryPageInItalianSpanishAndGerman(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	site, w, _, _ := workerSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"admin@example.org"}})

	// Ana signs and receives her Signatory badge; what she wrote is in her own words.
	ana := site.devUser("Ana Beispiel", "ana@example.org")
	ana.form("/sign?lang=es", "/sign", person(map[string][]string{"name": {"Ana Beispiel"}, "country": {"ES"}, "city": {"Sevilla"},
		"affiliation": {"Universidad Abierta"}, "website": {"https://ana.example.net"}, "statement": {"¡Reconocimiento *abierto*!"}}))
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var entry models.Signatory
	s.DB.Take(&entry)
	var cred models.Credential
	if err := s.DB.Where("signatory_id = ?", entry.ID).Take(&cred).Error; err != nil {
		t.Fatalf("no badge issued: %v", err)
	}
	public := []string{"/", "/declaration", "/signatories", "/signatories/" + entry.PublicID, "/signatories/" + entry.PublicID + "/trust",
		"/map", "/credentials/" + cred.ID, "/login", "/nowhere", "/signatories?q=Beispiel&sort=name", "/declaration/1",
		"/achievements/advocate/criteria", "/achievements/ambassador/criteria"}
	member := []string{"/sign", "/account", "/admin"}

	for _, lang := range []string{"it", "es", "de"} {
		t.Run(lang, func(t *testing.T) {
			english := englishLeft(t, lang)
			j := &journey{t: t, ctx: ctx, base: site.srv.URL}
			j.open("/?lang=" + lang)
			visit := func(path string) {
				j.open(path)
				var htmlLang string
				j.run("read the language", chromedp.AttributeValue("html", "lang", &htmlLang, nil, chromedp.ByQuery))
				if htmlLang != lang {
					t.Errorf("%s is in %q, want %s", path, htmlLang, lang)
				}
				if found := j.untranslated(english); len(found) > 0 {
					t.Errorf("%s in %s shows English: %q", path, lang, found)
				}
			}
			for _, path := range public {
				visit(path)
			}
			j.login("Luca Rossi", "luca."+lang+"@example.org")
			for _, path := range member {
				visit(path)
			}
			j.logout()
			// The administrators' desk.
			j.login("Registry Admin", "admin@example.org")
			visit("/admin")
			j.logout()
		})
	}
}
