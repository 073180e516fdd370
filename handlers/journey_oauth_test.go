package handlers_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// watchCSP records, on the page now open, every Content-Security-Policy violation, so that a
// navigation the browser refused can say why.
func (j *journey) watchCSP() {
	j.t.Helper()
	var ignored any
	j.run("watch the CSP", chromedp.Evaluate(`window.__csp = [];
		document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " blocked " + e.blockedURI));`, &ignored))
}

// clickUntil clicks and waits until the browser, after as many hops as it takes (our pages, the
// provider, redirects), rests on a loaded page at path want. When it never gets there it says
// where it stayed and which CSP violations the page it started from saw.
func (j *journey) clickUntil(what, selector, want string) {
	j.t.Helper()
	j.watchCSP()
	var ignored any
	j.run(what, chromedp.Evaluate(`window.__leaving = true`, &ignored), chromedp.Click(selector, chromedp.ByQuery))
	deadline := time.Now().Add(20 * time.Second)
	for {
		var state struct {
			Path     string   `json:"path"`
			Arrived  bool     `json:"arrived"`
			Blocked  []string `json:"blocked"`
			Location string   `json:"location"`
		}
		err := chromedp.Run(j.ctx, chromedp.Evaluate(`({path: location.pathname, location: location.href,
			arrived: window.__leaving === undefined && document.readyState === "complete",
			blocked: window.__csp || []})`, &state))
		if err == nil && state.Arrived && state.Path == want {
			j.settle(what)
			return
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("%s: the browser did not reach %s; it is at %s (%v), CSP violations: %q\n%.1500s",
				what, want, state.Location, err, state.Blocked, j.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// settle waits until chromedp's view of the DOM has caught up with the document now shown. After
// hops it did not start itself (a refresh, the provider's redirects) it learns of the new
// document a moment later than the page can be asked, and a query in between fails with "No
// node with given id found".
func (j *journey) settle(what string) {
	j.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(j.ctx, time.Second)
		var body string
		err := chromedp.Run(ctx, chromedp.Text("body", &body, chromedp.ByQuery))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("%s: the page never became readable: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A person logs in with an OpenID provider in a real browser, under the registry's real CSP:
// the login button, the provider (which approves at once), back signed in, signs, and finds
// their Signatory badge; then attaches a second provider from the account page.
func TestJourneyOAuthLogin(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	var worker *issuer.Worker
	site := newOIDCSiteWith(t, s, []string{"test", "other"}, func(base string, d *handlers.Deps) {
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		if worker, err = issuer.NewWorker(s, keys, base, discardLogger()); err != nil {
			t.Fatal(err)
		}
		d.Keys, d.Jobs = keys, credentialEngine(t, s, worker)
	})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	j.open("/login?return_to=" + url.QueryEscape("/sign"))
	j.expect("Log in with Test", "Log in with Other")
	j.clickUntil("log in with the OpenID provider", `form[action="/auth/test"] button[type=submit]`, "/sign")
	j.expect("Sign the Declaration", "Log out")
	var ident models.Identity
	if err := s.DB.Take(&ident).Error; err != nil || ident.Provider != "test" {
		t.Fatalf("after the login, identity %+v (%v), want one from the provider test", ident, err)
	}

	j.sign(map[string]string{"#e-name": "Jane Browser", "#e-country": "GB", "#e-city": "London"})
	j.expect("Thank you for signing")
	j.clickAndWait("see the entry", `a[href^="/signatories/"]`)
	entry := j.path()
	// The credential worker signs the badge in the background; the profile shows it once issued.
	for deadline := time.Now().Add(15 * time.Second); ; {
		body := j.text()
		if strings.Contains(body, "Badges") && strings.Contains(body, "Signatory") && strings.Contains(body, "Verify") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Signatory badge on %s:\n%.1500s", entry, body)
		}
		time.Sleep(200 * time.Millisecond)
		j.open(entry)
	}
	var cred models.Credential
	if err := s.DB.Take(&cred).Error; err != nil || cred.Kind != "signatory" {
		t.Fatalf("stored credential %+v (%v), want the Signatory badge", cred, err)
	}

	// A second login, attached from the account page, goes through the browser the same way.
	j.open("/account")
	j.clickUntil("attach the other provider", `form[action="/auth/other"] button[type=submit]`, "/account")
	var idents []models.Identity
	s.DB.Order("provider").Find(&idents)
	if len(idents) != 2 || idents[0].Provider != "other" || idents[1].Provider != "test" || idents[0].AccountID != idents[1].AccountID {
		t.Fatalf("identities after attaching: %+v, want other and test on one account", idents)
	}
	j.expect("other", "test")
}
