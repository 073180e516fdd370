package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A visitor who opens /account is not left at a dead end: the browser goes to the login page,
// which sends it back to /account (and to the same part of it) once logged in.
func TestAccountLeadsAVisitorToLoginAndBack(t *testing.T) {
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)

	for _, asked := range []string{"/account", "/account?saved=1"} {
		c := site.newClient()
		noFollow := &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.Get(site.srv.URL + asked)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		want := "/login?return_to=" + url.QueryEscape(asked)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Fatalf("%s for a visitor: %d to %q, want 303 to %q", asked, res.StatusCode, res.Header.Get("Location"), want)
		}

		// The login page the browser lands on carries the way back in its form.
		res, err = c.Get(site.srv.URL + asked)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if res.Request.URL.Path != "/login" {
			t.Fatalf("%s for a visitor ends at %s, want the login page", asked, res.Request.URL)
		}
		back, _ := doc.Find(`form[action="/auth/dev"] input[name="return_to"]`).Attr("value")
		if back != asked {
			t.Fatalf("the login form returns to %q, want %q", back, asked)
		}
		res = site.post(c, "/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Ada Example"},
			"email": {"ada@example.org"}, "return_to": {back}})
		if res.StatusCode != http.StatusOK || res.Request.URL.RequestURI() != asked {
			t.Fatalf("after logging in: %d at %s, want 200 at %s", res.StatusCode, res.Request.URL.RequestURI(), asked)
		}
	}

	// A form posted without a session still answers 401: there is no page to come back to.
	c := site.newClient()
	res := site.post(c, "/account/entry", url.Values{"_csrf": {site.csrf(c, "/login")}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("saving an entry without a session: %d, want 401", res.StatusCode)
	}
}

// An endorsement waiting for an answer shows its comment as the profile will once accepted:
// Markdown rendered by the same sanitising renderer, never as raw text, and never raw HTML.
func TestPendingEndorsementCommentIsRenderedOnAccount(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		ada, adaEntry, bea, _ := site.twoSignatories()
		adaPage := "/signatories/" + adaEntry.PublicID
		comment := "Ada *opens* doors.\n\n- [her lab](https://lab.example.org)\n\n<script>alert(1)</script>"
		if res, _ := bea.form(adaPage, adaPage+"/endorse", url.Values{"level": {"advocate"}, "comment": {comment}}); res.StatusCode != http.StatusOK {
			t.Fatalf("endorse: %d", res.StatusCode)
		}
		res, body := ada.get("/account")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("account: %d", res.StatusCode)
		}
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		pending := doc.Find("#endorsements")
		if pending.Length() != 1 {
			t.Fatal("no endorsements to answer on /account")
		}
		if got := pending.Find("em").Text(); got != "opens" {
			t.Errorf("the comment's emphasis is not rendered (em %q):\n%s", got, pending.Text())
		}
		if href, _ := pending.Find(`a[href="https://lab.example.org"]`).Attr("href"); href == "" {
			t.Error("the comment's link is not rendered")
		}
		if strings.Contains(pending.Text(), "*opens*") {
			t.Error("the comment shows raw Markdown")
		}
		if pending.Find("script").Length() != 0 || strings.Contains(body, "<script>alert") {
			t.Error("raw HTML of the comment reached the page")
		}
	})
}
