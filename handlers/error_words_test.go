package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// askIn sends a request as a browser reading lang would, and reads the answer's main text.
func askIn(t *testing.T, c *http.Client, method, addr, lang string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, addr, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", lang)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, strings.Join(strings.Fields(doc.Find("main").Text()), " ")
}

// englishSentences are the catalogue's English sentences that a page in lang must not show: every
// one whose translation differs, long enough to be a sentence rather than a name.
func englishSentences(cat *i18n.Catalog, lang string) []string {
	en, l := cat.For("en"), cat.For(lang)
	var out []string
	for _, k := range cat.Keys() {
		s := en.T(k)
		if len(s) < 24 || !strings.Contains(s, " ") || strings.Contains(s, "%") || s == l.T(k) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// A person reads an error in the page's language: a login that is missing, a form that expired,
// a page for administrators, a blocked account, a bad address, a login that cannot be removed,
// a signature withdrawn twice;
// the page names what went wrong and shows no English sentence of the catalogue. The API keeps
// answering in English.
func TestErrorPagesSpeakTheReadersLanguage(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	member := site.devUser("Bea Member", "bea@example.org")
	site.devUser("Cy Blocked", "cy@example.org")
	var cy models.Account
	if err := s.DB.Where("email = ?", "cy@example.org").Take(&cy).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.BlockAccount(context.Background(), models.Actor{Name: "cli"}, cy.PublicID, true); err != nil {
		t.Fatal(err)
	}
	var beaLogin models.Identity
	if err := s.DB.Joins("JOIN accounts ON accounts.id = identities.account_id").Where("accounts.email = ?", "bea@example.org").Take(&beaLogin).Error; err != nil {
		t.Fatal(err)
	}
	endorse := "/signatories/" + id("ada") + "/endorse"
	signer := site.devUser("Dan Signer", "dan@example.org")
	if res, _ := signer.form("/sign", "/sign", person(nil)); res.StatusCode != http.StatusOK {
		t.Fatalf("signing: %d", res.StatusCode)
	}
	if res, _ := signer.post("/account/withdraw", url.Values{"_csrf": {site.csrf(signer.c, "/account")}}); res.StatusCode != http.StatusOK {
		t.Fatalf("withdrawing: %d", res.StatusCode)
	}

	for _, lang := range []string{"fr", "de"} {
		l := cat.For(lang)
		english := englishSentences(cat, lang)
		for _, tc := range []struct {
			name   string
			do     func() (int, string)
			status int
			want   string // the catalogue's words the page must say
		}{
			{"a visitor's endorsement", func() (int, string) {
				c := site.newClient()
				return askIn(t, c, http.MethodPost, site.srv.URL+endorse, lang,
					url.Values{"_csrf": {site.csrf(c, "/login")}, "level": {"advocate"}})
			}, http.StatusUnauthorized, l.T("error.401.text")},
			{"a form with a stale token", func() (int, string) {
				site.csrf(member.c, "/account")
				return askIn(t, member.c, http.MethodPost, site.srv.URL+endorse, lang, url.Values{"_csrf": {"stale"}, "level": {"advocate"}})
			}, http.StatusForbidden, l.T("error.csrf")},
			{"a member at /admin", func() (int, string) {
				return askIn(t, member.c, http.MethodGet, site.srv.URL+"/admin", lang, nil)
			}, http.StatusForbidden, l.T("error.admin.only")},
			{"a blocked account's login", func() (int, string) {
				c := site.newClient()
				return askIn(t, c, http.MethodPost, site.srv.URL+"/auth/dev", lang,
					url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Cy"}, "email": {"cy@example.org"}})
			}, http.StatusForbidden, l.T("error.login.blocked")},
			{"an unknown order of the list", func() (int, string) {
				return askIn(t, site.newClient(), http.MethodGet, site.srv.URL+"/signatories?sort=bogus", lang, nil)
			}, http.StatusBadRequest, l.T("error.field", "sort")},
			{"removing the only login", func() (int, string) {
				return askIn(t, member.c, http.MethodPost, site.srv.URL+"/account/identities/detach", lang,
					url.Values{"_csrf": {site.csrf(member.c, "/account")}, "identity": {strconv.FormatInt(beaLogin.ID, 10)}})
			}, http.StatusConflict, l.T("error.login.only_way")},
			{"withdrawing twice", func() (int, string) {
				return askIn(t, signer.c, http.MethodPost, site.srv.URL+"/account/withdraw", lang,
					url.Values{"_csrf": {site.csrf(signer.c, "/account")}})
			}, http.StatusConflict, l.T("error.sign.unlisted_withdraw")},
		} {
			status, text := tc.do()
			if status != tc.status {
				t.Errorf("%s (%s): %d, want %d\n%.600s", tc.name, lang, status, tc.status, text)
				continue
			}
			if !strings.Contains(text, tc.want) {
				t.Errorf("%s (%s): the page does not say %q\n%.600s", tc.name, lang, tc.want, text)
			}
			for _, e := range english {
				if strings.Contains(text, e) {
					t.Errorf("%s (%s): the page says in English %q", tc.name, lang, e)
				}
			}
		}
	}

	// The JSON answers keep their contract: the message in English, whatever the reader's language.
	for _, addr := range []string{"/api/v1/signatories?tier=bogus", "/map.json?tier=bogus"} {
		req, _ := http.NewRequest(http.MethodGet, site.srv.URL+addr, nil)
		req.Header.Set("Accept-Language", "fr")
		res, err := site.newClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		err = json.NewDecoder(res.Body).Decode(&got)
		res.Body.Close()
		want := models.FieldError("tier", "must be one of signatory, advocate, ambassador")
		if err != nil || res.StatusCode != http.StatusBadRequest || got.Error.Code != models.EINVALID ||
			got.Error.Field != want.Field || got.Error.Message != want.Message {
			t.Errorf("%s: %d %+v (%v), want 400 with %q about %s", addr, res.StatusCode, got, err, want.Message, want.Field)
		}
	}
}

// The criteria page of a badge names it and says its criteria in the reader's language.
func TestCriteriaPageSpeaksTheReadersLanguage(t *testing.T) {
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{})
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "it", "es", "de"} {
		l := cat.For(lang)
		english := englishSentences(cat, lang)
		for _, slug := range []string{"advocate", "ambassador"} {
			status, text := askIn(t, site.newClient(), http.MethodGet, site.srv.URL+"/achievements/"+slug+"/criteria", lang, nil)
			if status != http.StatusOK {
				t.Fatalf("%s criteria (%s): %d", slug, lang, status)
			}
			for _, key := range []string{"badge." + slug + ".name", "badge." + slug + ".criteria"} {
				if !strings.Contains(text, l.T(key)) {
					t.Errorf("%s criteria (%s) does not say %s: %q\n%.800s", slug, lang, key, l.T(key), text)
				}
			}
			for _, e := range english {
				if strings.Contains(text, e) {
					t.Errorf("%s criteria (%s) says in English %q", slug, lang, e)
				}
			}
		}
	}
}

// Every catalogue key an error names exists, and says in every language as many things as in
// English: a missing key would show as itself, a missing %s would drop what it names.
func TestErrorKeysExistInEveryLanguage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`(?:\.Says\(|httpError\(http\.\w+, |entryOf\(tx, acc, )"([a-z0-9_.]+)"`)
	verb := regexp.MustCompile(`%[sdqv]`)
	found := 0
	for _, dir := range []string{".", "../models"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range named.FindAllStringSubmatch(string(b), -1) {
				found++
				key := m[1]
				en := cat.For("en").T(key)
				if en == key {
					t.Errorf("%s names %q, which the catalogue lacks", f, key)
					continue
				}
				for _, lang := range i18n.Languages {
					if n, want := len(verb.FindAllString(cat.For(lang).T(key), -1)), len(verb.FindAllString(en, -1)); n != want {
						t.Errorf("%s: %q has %d arguments, English %d", lang, key, n, want)
					}
				}
			}
		}
	}
	if found < 30 {
		t.Fatalf("only %d error keys found: the scan is broken", found)
	}
}
