package handlers_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// browser starts headless Chromium (Debian's package; never a downloaded browser). Without it
// the journeys are skipped with a message, except in CI, where they must run.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 90*time.Second)
}

// browserFor is browser for a journey that may take up to limit.
func browserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is not installed: CI must run the browser journeys (.ci/run installs Debian's chromium)")
		}
		t.Skip("SKIPPED: browser journeys need Debian's chromium (apt-get install chromium); they run in CI")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("lang", "en"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// journey drives one browser through the registry.
type journey struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (j *journey) run(what string, actions ...chromedp.Action) {
	j.t.Helper()
	if err := chromedp.Run(j.ctx, actions...); err != nil {
		var url, body string
		chromedp.Run(j.ctx, chromedp.Location(&url), chromedp.Text("body", &body, chromedp.ByQuery))
		j.t.Fatalf("%s: %v\nat %s:\n%.2000s", what, err, url, body)
	}
}

func (j *journey) open(path string) {
	j.t.Helper()
	j.run("open "+path, chromedp.Navigate(j.base+path), chromedp.WaitReady("body", chromedp.ByQuery))
}

// submit clicks a form's submit button and waits for the next page.
func (j *journey) submit(form string) {
	j.t.Helper()
	j.clickAndWait("submit "+form, `form[action="`+form+`"] button[type=submit]`)
}

// clickAndWait clicks and waits until another document has fully loaded: the old page is marked
// first, so that reading cannot catch it on its way out.
func (j *journey) clickAndWait(what, selector string) {
	j.t.Helper()
	var ignored any
	j.run(what, chromedp.Evaluate(`window.__leaving = true`, &ignored), chromedp.Click(selector, chromedp.ByQuery))
	j.awaitNextPage(what)
}

// awaitNextPage waits until the document marked with window.__leaving is replaced by the next
// one, fully loaded. While the old document goes away, asking it anything can fail: it asks
// again until the new one answers.
func (j *journey) awaitNextPage(what string) {
	j.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var arrived bool
		err := chromedp.Run(j.ctx, chromedp.Evaluate(`window.__leaving === undefined && document.readyState === "complete"`, &arrived))
		if err == nil && arrived {
			return
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("%s: the next page did not load (%v)", what, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (j *journey) path() string {
	j.t.Helper()
	var u string
	j.run("location", chromedp.Location(&u))
	return strings.TrimPrefix(u, j.base)
}

func (j *journey) text() string {
	j.t.Helper()
	var body string
	j.run("read the page", chromedp.Text("body", &body, chromedp.ByQuery))
	return body
}

func (j *journey) expect(want ...string) {
	j.t.Helper()
	body := j.text()
	for _, w := range want {
		if !strings.Contains(body, w) {
			j.t.Fatalf("at %s the page does not say %q:\n%.1500s", j.path(), w, body)
		}
	}
}

func (j *journey) login(name, email string) {
	j.t.Helper()
	j.open("/login")
	j.run("fill the login form", chromedp.SetValue("#dev-name", name, chromedp.ByID), chromedp.SetValue("#dev-email", email, chromedp.ByID))
	j.submit("/auth/dev")
}

func (j *journey) logout() {
	j.t.Helper()
	j.open("/account")
	j.submit("/logout")
}

// sign fills the signing form already open and submits it with consent.
func (j *journey) sign(fields map[string]string) {
	j.t.Helper()
	for sel, v := range fields {
		j.run("fill "+sel, chromedp.SetValue(sel, v, chromedp.ByQuery))
	}
	j.run("consent", chromedp.Click(`input[name="consent"]`, chromedp.ByQuery))
	j.submit("/sign")
}

func publicStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String()
}

// The whole journey of a person: log in, sign, find oneself, hide one's name, withdraw, sign again.
func TestJourneyPerson(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	j.login("Ada Browser", "ada@browser.example")
	j.open("/sign")
	j.expect("Sign the Declaration", "Bologna")
	j.sign(map[string]string{"#e-country": "IT", "#e-city": "Bologna", "#e-statement": "Recognition is for **everyone**."})
	if p := j.path(); p != "/sign/thanks" {
		t.Fatalf("after signing at %s, want /sign/thanks:\n%s", p, j.text())
	}
	j.expect("Thank you for signing")
	j.clickAndWait("see the entry", `a[href^="/signatories/"]`)
	entry := j.path()
	j.expect("Ada Browser", "Recognition is for everyone.")
	j.open("/signatories")
	j.expect("Ada Browser")

	// Hide the name from everyone.
	j.open("/account")
	j.run("hide the name", chromedp.SetValue("#vis-name", "hidden", chromedp.ByID))
	j.submit("/account/entry")
	j.expect("Your changes are saved.")
	if _, body := publicStatus(t, site.srv.URL+entry); strings.Contains(body, "Ada Browser") {
		t.Error("the hidden name is still on the public profile")
	}

	// Withdraw.
	j.open("/account")
	j.run("open the withdrawal", chromedp.Click("details.withdraw summary", chromedp.ByQuery),
		chromedp.SetValue("#w-reason", "testing", chromedp.ByID))
	j.submit("/account/withdraw")
	j.expect("You withdrew your signature")
	if status, _ := publicStatus(t, site.srv.URL+entry); status != http.StatusGone {
		t.Errorf("withdrawn profile: %d, want 410", status)
	}

	// Sign again.
	j.open("/sign")
	j.expect("You withdrew your signature. You can sign again")
	j.sign(nil)
	j.expect("Thank you for signing")
	if status, _ := publicStatus(t, site.srv.URL+entry); status != http.StatusOK {
		t.Errorf("profile after signing again: %d, want 200", status)
	}
}

// An organisation signs; an administrator verifies it; it appears in the registry.
func TestJourneyOrganisationVerified(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"admin@registry.example"}})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	j.login("Giulia Rossi", "giulia@uni.example")
	j.open("/sign?kind=organisation")
	j.sign(map[string]string{"#e-name": "Università Browser", "#e-representative": "Giulia Rossi", "#e-role": "Rettrice", "#e-country": "IT"})
	j.expect("as soon as an administrator has verified it")
	var org models.Signatory
	s.DB.Where("name = ?", "Università Browser").Take(&org)
	if status, _ := publicStatus(t, site.srv.URL+"/signatories/"+org.PublicID); status != http.StatusNotFound {
		t.Errorf("unverified organisation: %d, want 404", status)
	}
	j.logout()

	j.login("Registry Admin", "admin@registry.example")
	j.open("/admin")
	j.expect("Organisations awaiting verification", "Università Browser")
	j.submit("/admin/signatories/" + org.PublicID + "/verify")
	j.expect("The organisation is verified and listed.")
	j.open("/signatories?kind=organisation")
	j.expect("Università Browser")
}

// The person's journey in French, from the language switch on.
func TestJourneyInFrench(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	j.open("/?lang=fr")
	j.login("Léa Martin", "lea@exemple.fr")
	j.open("/sign")
	j.expect("Signer la Déclaration", "Pourquoi je signe")
	// Without consent nothing is recorded, and the form says why, in French.
	j.run("fill", chromedp.SetValue("#e-country", "FR", chromedp.ByID), chromedp.SetValue("#e-city", "Lyon", chromedp.ByID))
	j.submit("/sign")
	j.expect("Veuillez cocher cette case")
	var city string
	j.run("read the city kept", chromedp.Value("#e-city", &city, chromedp.ByID))
	if city != "Lyon" {
		t.Errorf("the city typed was not kept: %q", city)
	}
	j.sign(nil)
	j.expect("Merci d’avoir signé")
	var sig models.Signature
	s.DB.Take(&sig)
	if sig.Lang != "fr" {
		t.Errorf("signature language %q, want fr", sig.Lang)
	}
	j.open("/account")
	j.run("withdraw", chromedp.Click("details.withdraw summary", chromedp.ByQuery))
	j.submit("/account/withdraw")
	j.expect("Vous avez retiré votre signature")
}
