package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

var mailSecret = []byte("the registry's mail secret, at least 32 bytes")

// Ada will log in and claim her entry; Bob, who keeps his name to members, endorsed her and
// waits for her answer.
const mailFixture = `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Example","email":"ada@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"bob","kind":"person","name":"Bob Secretname","email":"bob@example.org","country":"FR","visibility":{"name":"members"},"signed_at":"2024-05-02T10:00:00Z"}
{"type":"endorsement","from":"bob","to":"ada","level":"advocate","status":"pending","comment":"Ada *opens* doors.","created_at":"2024-06-01T12:00:00Z"}
`

// mailSite serves the registry over real HTTP, with the development login and the mail secret.
func mailSite(t *testing.T, mailOn bool) *oidcSite {
	t.Helper()
	s := testutil.SQLite(t)
	load(t, s, mailFixture)
	return newOIDCSiteWith(t, s, nil, func(base string, d *handlers.Deps) {
		d.Config.DevLogin, d.Config.MailOn, d.MailSecret = true, mailOn, mailSecret
	})
}

func (s *oidcSite) accountOf(email string) models.Account {
	s.t.Helper()
	var acc models.Account
	if err := s.store.DB.Where("email = ?", email).Take(&acc).Error; err != nil {
		s.t.Fatal(err)
	}
	return acc
}

func (s *oidcSite) mailWanted(accountID int64, category string) bool {
	s.t.Helper()
	ok, err := models.MailWanted(s.store.DB, accountID, category)
	if err != nil {
		s.t.Fatal(err)
	}
	return ok
}

func readAll(t *testing.T, res *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return string(b)
}

// An unsubscribe link's GET shows a button and changes nothing (link scanners follow GETs); the
// one-click POST of RFC 8058, with no session and no form token, turns its category off and
// only it; a changed token or the account category is refused with 400 naming the problem; and
// every other form still needs its token.
func TestUnsubscribeOneClick(t *testing.T) {
	site := mailSite(t, true)
	site.devUser("Ada Example", "ada@example.org")
	acc := site.accountOf("ada@example.org")
	link := mail.UnsubscribeURL(site.srv.URL, mailSecret, acc.PublicID, models.CategoryTiers)
	stranger := site.newClient()

	res, err := stranger.Get(link)
	body := readAll(t, res, err)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", link, res.StatusCode, body)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	action, _ := doc.Find(`form[method="post"]`).Attr("action")
	if action != strings.TrimPrefix(link, site.srv.URL) || doc.Find(`input[name="List-Unsubscribe"][value="One-Click"]`).Length() != 1 {
		t.Errorf("the page's button posts to %q, want the link itself with List-Unsubscribe=One-Click", action)
	}
	if !site.mailWanted(acc.ID, models.CategoryTiers) || testutil.Count(t, site.store, "mail_settings") != 0 {
		t.Fatal("a GET unsubscribed")
	}

	// A mail program's one-click POST: no cookie, no token.
	res, err = stranger.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	body = readAll(t, res, err)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "no longer sends you e-mail about: Tiers") {
		t.Fatalf("one-click POST: %d\n%.1500s", res.StatusCode, body)
	}
	if site.mailWanted(acc.ID, models.CategoryTiers) || !site.mailWanted(acc.ID, models.CategoryEndorsements) {
		t.Error("the one-click POST did not turn off exactly its category")
	}

	u, _ := url.Parse(mail.UnsubscribeURL(site.srv.URL, mailSecret, acc.PublicID, models.CategoryEndorsements))
	q := u.Query()
	q.Set("t", strings.ToUpper(q.Get("t")[:1])+q.Get("t")[1:]+"x")
	u.RawQuery = q.Encode()
	accountLink := mail.UnsubscribeURL(site.srv.URL, mailSecret, acc.PublicID, models.CategoryAccount)
	forged := mail.UnsubscribeURL(site.srv.URL, []byte("not the registry's secret at all, 32+"), acc.PublicID, models.CategoryEndorsements)
	for _, c := range []struct{ what, link, says string }{
		{"a changed token", u.String(), "unsubscribe link is not valid"},
		{"another secret's token", forged, "unsubscribe link is not valid"},
		{"the account category", accountLink, "cannot be turned off"},
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			req, _ := http.NewRequest(method, c.link, strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := stranger.Do(req)
			body := readAll(t, res, err)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.says) {
				t.Errorf("%s %s: %d, want 400 saying %q:\n%.800s", method, c.what, res.StatusCode, c.says, body)
			}
		}
	}
	if !site.mailWanted(acc.ID, models.CategoryEndorsements) {
		t.Error("a refused link turned e-mail off")
	}
	// The POST must say One-Click: a form posted without it is refused, naming the field.
	res, err = stranger.Post(mail.UnsubscribeURL(site.srv.URL, mailSecret, acc.PublicID, models.CategoryBadges), "application/x-www-form-urlencoded", strings.NewReader(""))
	if body := readAll(t, res, err); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "List-Unsubscribe") || !site.mailWanted(acc.ID, models.CategoryBadges) {
		t.Errorf("POST without One-Click: %d\n%.800s", res.StatusCode, body)
	}
	// Only this route is exempt from the form token.
	ada := site.devUser("Ada Example", "ada@example.org")
	if res, _ := ada.post("/account/mail", url.Values{"on": {"tiers"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /account/mail without a token: %d, want 403", res.StatusCode)
	}
}

// Without a mail secret no unsubscribe link verifies: an empty key would let anyone make one.
func TestUnsubscribeWithoutSecretRefusesEveryLink(t *testing.T) {
	s := testutil.SQLite(t)
	site := newOIDCSiteWith(t, s, nil, func(base string, d *handlers.Deps) { d.Config.DevLogin = true })
	site.devUser("Ada Example", "ada@example.org")
	acc := site.accountOf("ada@example.org")
	res, err := site.newClient().Post(mail.UnsubscribeURL(site.srv.URL, nil, acc.PublicID, models.CategoryTiers), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	readAll(t, res, err)
	if res.StatusCode != http.StatusBadRequest || !site.mailWanted(acc.ID, models.CategoryTiers) {
		t.Errorf("%d", res.StatusCode)
	}
}

// The E-mail section of /account says where the registry writes, whether the address is
// verified and whether this server sends mail; its form saves the categories and comes back.
func TestAccountMailSectionSaves(t *testing.T) {
	for _, mailOn := range []bool{false, true} {
		site := mailSite(t, mailOn)
		ada := site.devUser("Ada Example", "ada@example.org")
		_, body := ada.get("/account")
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		sec := doc.Find("section#mail")
		text := sec.Text()
		server := map[bool]string{false: "does not send e-mail at the moment", true: "This registry sends e-mail."}[mailOn]
		if !strings.Contains(text, "We write to ada@example.org.") || !strings.Contains(text, "This address is verified.") || !strings.Contains(text, server) {
			t.Errorf("mail on %v: the section says:\n%s", mailOn, text)
		}
		boxes := sec.Find(`form[action="/account/mail"] input[type="checkbox"][name="on"]`)
		if boxes.Length() != len(models.MailCategories) || boxes.Filter("[checked]").Length() != len(models.MailCategories) {
			t.Fatalf("%d boxes, %d checked, want all %d", boxes.Length(), boxes.Filter("[checked]").Length(), len(models.MailCategories))
		}
		boxes.Each(func(_ int, b *goquery.Selection) {
			hint, _ := b.Attr("aria-describedby")
			if sec.Find("#"+hint).Text() == "" {
				t.Errorf("box %v has no description", b.AttrOr("value", ""))
			}
		})
	}
	site := mailSite(t, true)
	ada := site.devUser("Ada Example", "ada@example.org")
	acc := site.accountOf("ada@example.org")
	res, _ := ada.form("/account", "/account/mail", url.Values{"on": {models.CategoryEndorsements, models.CategoryBadges}})
	if res.Request.URL.Path != "/account" || res.Request.URL.Query().Get("mail") != "saved" {
		t.Errorf("saving lands on %s", res.Request.URL)
	}
	_, body := ada.get("/account?mail=saved")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if !strings.Contains(doc.Find("section#mail").Text(), "Your e-mail choices are saved.") {
		t.Error("no word that the choices were saved")
	}
	for _, c := range models.MailCategories {
		want := c == models.CategoryEndorsements || c == models.CategoryBadges
		if got := doc.Find(`section#mail input[value="` + c + `"]`).Is("[checked]"); got != want || site.mailWanted(acc.ID, c) != want {
			t.Errorf("%s: box checked %v, wanted %v, want %v", c, got, site.mailWanted(acc.ID, c), want)
		}
	}
	if res, _ := ada.form("/account", "/account/mail", url.Values{"on": {"weather"}}); res.StatusCode != http.StatusBadRequest || !site.mailWanted(acc.ID, models.CategoryEndorsements) {
		t.Errorf("an unknown category: %d, or it changed the settings", res.StatusCode)
	}
	// An unverified address is said to receive nothing.
	site.store.DB.Model(&models.Account{}).Where("id = ?", acc.ID).Update("email_verified", false)
	if _, body := ada.get("/account"); !strings.Contains(body, "This address is not verified") {
		t.Error("an unverified address is not said to be unverified")
	}
}

// An e-mail's accept link lands a visitor on the login, and a signed-in member on a page that
// shows the endorsement (without a private name) and the one button that answers; the link
// alone answers nothing.
func TestAnswerLinkLandsOnItsForm(t *testing.T) {
	site := mailSite(t, true)
	path := "/account/endorsements/" + id("bob") + "/accept"
	res, err := site.newClient().Get(site.srv.URL + path)
	readAll(t, res, err)
	if res.Request.URL.Path != "/login" || res.Request.URL.Query().Get("return_to") != path {
		t.Errorf("a visitor lands on %s, want the login coming back to %s", res.Request.URL, path)
	}
	ada := site.devUser("Ada Example", "ada@example.org")
	status := func() string {
		var st string
		site.store.DB.Table("endorsements").Select("status").Scan(&st)
		return st
	}
	for _, answer := range []string{"accept", "decline"} {
		res, body := ada.get("/account/endorsements/" + id("bob") + "/" + answer)
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		form := doc.Find(`form[action="/account/endorsements/` + id("bob") + `/` + answer + `"]`)
		if res.StatusCode != http.StatusOK || form.Length() != 1 || form.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
			t.Errorf("%s: %d, %d forms with a token", answer, res.StatusCode, form.Length())
		}
		if strings.Contains(body, "Secretname") || !strings.Contains(doc.Find("#answer").Text(), "A signatory endorsed you as Advocate.") {
			t.Errorf("%s: the page names the endorser wrongly:\n%s", answer, doc.Find("main").Text())
		}
		if status() != "pending" {
			t.Fatalf("opening the %s link answered", answer)
		}
	}
	ada.form(path, path, nil)
	if status() != "accepted" {
		t.Errorf("after the button: %s", status())
	}
	if _, body := ada.get(path); !strings.Contains(body, "no longer waits for your answer") {
		t.Error("a link of an answered endorsement does not say so")
	}
	if res, _ := ada.get("/account/endorsements/" + id("bob") + "/maybe"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown answer: %d", res.StatusCode)
	}
}

// The language of the login, and the one a member picks with ?lang=, is what their e-mail is
// written in.
func TestLanguageRememberedForMail(t *testing.T) {
	site := mailSite(t, true)
	c := site.newClient()
	res, err := c.Get(site.srv.URL + "/login?lang=de")
	readAll(t, res, err)
	if res := site.post(c, "/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Ada Example"}, "email": {"ada@example.org"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", res.StatusCode)
	}
	if got := site.accountOf("ada@example.org").Language; got != "de" {
		t.Errorf("after a login in German: %q", got)
	}
	res, err = c.Get(site.srv.URL + "/signatories?lang=fr")
	readAll(t, res, err)
	if got := site.accountOf("ada@example.org").Language; got != "fr" {
		t.Errorf("after choosing French: %q", got)
	}
	// A visitor's choice touches no account.
	res, err = site.newClient().Get(site.srv.URL + "/?lang=it")
	readAll(t, res, err)
	if got := site.accountOf("ada@example.org").Language; got != "fr" {
		t.Errorf("a visitor's choice changed the member's language to %q", got)
	}
}

// /account with its E-mail section, the unsubscribe page and the page an answer link lands on
// pass axe-core's automatic checks.
func TestAccessibilityMailPages(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	site := mailSite(t, true)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.login("Ada Example", "ada@example.org")
	acc := site.accountOf("ada@example.org")
	for _, path := range []string{"/account", "/account/endorsements/" + id("bob") + "/decline",
		strings.TrimPrefix(mail.UnsubscribeURL(site.srv.URL, mailSecret, acc.PublicID, models.CategoryTiers), site.srv.URL)} {
		j.open(path)
		if v := j.seriousAxeViolations(axe); len(v) > 0 {
			t.Errorf("%s: %s", path, strings.Join(v, "\n"))
		}
	}
}
