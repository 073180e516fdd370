package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// Every error page offers the way on: the home page and a search of the registry, and a login
// when a login is what was missing. The page for an unknown address talks about addresses, not
// about signatories.
func TestErrorPagesOfferTheWayOn(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	site := newSite(t, s, handlers.Config{DevLogin: true})
	visitor := site.newClient()
	member := site.devUser("Bea Member", "bea@example.org")

	for _, tc := range []struct {
		who    string
		c      *http.Client
		path   string
		status int
		login  bool
	}{
		{"a visitor", visitor, "/no-such-page", http.StatusNotFound, false},
		{"a visitor", visitor, "/no-such-page?lang=fr", http.StatusNotFound, false},
		{"a visitor", visitor, "/signatories/" + id("unv"), http.StatusNotFound, false},
		{"a visitor", visitor, "/signatories/" + id("gone"), http.StatusGone, false},
		{"a visitor", visitor, "/admin", http.StatusUnauthorized, true},
		{"a visitor", visitor, "/admin?lang=fr", http.StatusUnauthorized, true},
		{"a member", member.c, "/admin", http.StatusForbidden, false},
		{"a member", member.c, "/no-such-page", http.StatusNotFound, false},
	} {
		res, err := tc.c.Get(site.srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != tc.status {
			t.Errorf("%s at %s: %d, want %d", tc.who, tc.path, res.StatusCode, tc.status)
			continue
		}
		page := doc.Find("main .error-page")
		if page.Length() != 1 {
			t.Errorf("%s at %s: no error page", tc.who, tc.path)
			continue
		}
		if page.Find(`a[href="/"]`).Length() != 1 {
			t.Errorf("%s at %s: the error page has no way home", tc.who, tc.path)
		}
		search := page.Find(`form[action="/signatories"][method="get"]`)
		if search.Find(`input[name="q"]`).Length() != 1 || search.Find(`button[type="submit"]`).Length() != 1 {
			t.Errorf("%s at %s: the error page has no search", tc.who, tc.path)
		}
		if id, _ := search.Find(`input[name="q"]`).Attr("id"); id == "" || search.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("%s at %s: the search field has no label", tc.who, tc.path)
		}
		var login []string
		page.Find(`a[href^="/login"]`).Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			login = append(login, href)
		})
		switch {
		case tc.login && len(login) != 1:
			t.Errorf("%s at %s: the error page offers %d login links, want 1", tc.who, tc.path, len(login))
		case tc.login:
			u, _ := url.Parse(login[0])
			if back, _ := url.Parse(u.Query().Get("return_to")); back == nil || back.Path != "/admin" {
				t.Errorf("%s at %s: the login link %s does not come back to the page", tc.who, tc.path, login[0])
			}
		case len(login) != 0:
			t.Errorf("%s at %s: the error page offers a login (%v) that would not help", tc.who, tc.path, login)
		}
		if tc.status == http.StatusNotFound {
			if text := strings.ToLower(page.Text()); strings.Contains(text, "signator") || strings.Contains(text, "signatair") {
				t.Errorf("%s at %s: the page for an unknown address talks about signatories:\n%s", tc.who, tc.path, strings.TrimSpace(page.Text()))
			}
		}
	}
}
