package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// devUser is a browser logged in through --dev-login.
type devUser struct {
	site *oidcSite
	c    *http.Client
}

func (s *oidcSite) devUser(name, email string) *devUser {
	s.t.Helper()
	c := s.newClient()
	res := s.post(c, "/auth/dev", url.Values{"_csrf": {s.csrf(c, "/login")}, "name": {name}, "email": {email}})
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("dev login: %d", res.StatusCode)
	}
	return &devUser{site: s, c: c}
}

// form posts a form of page (read first for its token and hidden fields) with values set.
func (u *devUser) form(page, action string, values url.Values) (*http.Response, *goquery.Document) {
	u.site.t.Helper()
	res, err := u.c.Get(u.site.srv.URL + page)
	if err != nil {
		u.site.t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	form := doc.Find(`form[action="` + action + `"]`).First()
	if form.Length() == 0 {
		u.site.t.Fatalf("%s has no form to %s", page, action)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		n, _ := in.Attr("name")
		val, _ := in.Attr("value")
		v.Set(n, val)
	})
	for k, vals := range values {
		v[k] = vals
	}
	return u.post(action, v)
}

func (u *devUser) post(action string, v url.Values) (*http.Response, *goquery.Document) {
	u.site.t.Helper()
	res, err := u.c.PostForm(u.site.srv.URL+action, v)
	if err != nil {
		u.site.t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	return res, doc
}

func (u *devUser) get(path string) (*http.Response, string) {
	res, err := u.c.Get(u.site.srv.URL + path)
	if err != nil {
		u.site.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func person(extra url.Values) url.Values {
	v := url.Values{"name": {"Ada Example"}, "country": {"IT"}, "city": {"Bologna"}, "affiliation": {"Open Lab"},
		"website": {"https://ada.example.net"}, "statement": {"Recognition *matters*."}, "consent": {"yes"}}
	for k, vals := range extra {
		v[k] = vals
	}
	return v
}

func counts(t *testing.T, s *models.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"signatories", "signatures", "issuance_outbox", "search_terms", "withdrawals", "audit_log"} {
		var n int64
		if err := s.DB.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameCounts(t *testing.T, what string, before, after map[string]int64) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %s went from %d to %d rows", what, k, v, after[k])
		}
	}
}

func TestSignBadInput(t *testing.T) {
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)
	u := site.devUser("Ada Example", "ada@example.org")
	before := counts(t, s)
	cases := []struct {
		name, field string
		values      url.Values
	}{
		{"missing consent", "consent", person(url.Values{"consent": {""}})},
		{"unknown country", "country", person(url.Values{"country": {"ZZ"}})},
		{"missing name", "name", person(url.Values{"name": {""}})},
		{"overlong statement", "statement", person(url.Values{"statement": {strings.Repeat("a", models.MaxStatement+1)}})},
		{"bad website", "website", person(url.Values{"website": {"javascript:alert(1)"}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, doc := u.form("/sign", "/sign", c.values)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", res.StatusCode)
			}
			if doc.Find("#e-"+c.field+"-error").Length() != 1 {
				t.Errorf("no message next to %s", c.field)
			}
			if v, _ := doc.Find("#e-city").Attr("value"); v != "Bologna" {
				t.Errorf("the city typed was not kept: %q", v)
			}
			sameCounts(t, c.name, before, counts(t, s))
		})
	}
	t.Run("forged form", func(t *testing.T) {
		v := person(nil)
		v.Set("_csrf", "forged")
		v.Set("version", "1")
		v.Set("lang", "en")
		res, _ := u.post("/sign", v)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", res.StatusCode)
		}
		sameCounts(t, "forged form", before, counts(t, s))
	})
	t.Run("not logged in", func(t *testing.T) {
		anon := &devUser{site: site, c: site.newClient()}
		res, _ := anon.get("/sign")
		if res.Request.URL.Path != "/login" {
			t.Errorf("GET /sign without login ends at %s, want /login", res.Request.URL.Path)
		}
	})
}

func TestSignJourney(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		u := site.devUser("Ada Example", "ada@example.org")

		res, doc := u.form("/sign", "/sign", person(nil))
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/sign/thanks" {
			t.Fatalf("sign: %d at %s", res.StatusCode, res.Request.URL.Path)
		}
		entry, _ := doc.Find(`a[href^="/signatories/"]`).First().Attr("href")
		if entry == "" {
			t.Fatal("the thanks page has no link to the entry")
		}
		var sg models.Signatory
		if err := s.DB.Where("name = ?", "Ada Example").Take(&sg).Error; err != nil {
			t.Fatal(err)
		}
		if !sg.Listed || sg.Email != "ada@example.org" || sg.AccountID == nil {
			t.Errorf("signatory %+v: want listed, with the account's e-mail", sg)
		}
		var sig models.Signature
		s.DB.Where("signatory_id = ?", sg.ID).Take(&sig)
		d, _ := s.CurrentDeclaration(t.Context(), "en")
		if sig.DeclarationVersion != d.Version || sig.Lang != "en" || sig.TextSHA256 != d.SHA256 {
			t.Errorf("signature %+v does not record the text signed (%d, en, %s)", sig, d.Version, d.SHA256)
		}
		var jobs int64
		s.DB.Model(&models.IssuanceJob{}).Where("signatory_id = ? AND kind = 'signatory' AND action = 'issue'", sg.ID).Count(&jobs)
		if jobs != 1 {
			t.Errorf("%d badge jobs queued, want 1", jobs)
		}
		var audits int64
		s.DB.Model(&models.AuditEntry{}).Where("action = 'signatory.sign' AND subject_id = ?", sg.PublicID).Count(&audits)
		if audits != 1 {
			t.Errorf("%d audit entries for the signature, want 1", audits)
		}
		// In the registry: listed, searchable, on its profile.
		if _, body := u.get("/signatories?q=bologna"); !strings.Contains(body, "Ada Example") {
			t.Error("the new signatory is not found by searching their city")
		}
		if res, body := u.get(entry); res.StatusCode != http.StatusOK || !strings.Contains(body, "Recognition <em>matters</em>") {
			t.Errorf("profile: %d, statement not rendered", res.StatusCode)
		}

		// A second signature of the same version is refused, nothing written.
		// (The form is not even offered again: the page says the person has signed.)
		before := counts(t, s)
		if _, body := u.get("/sign"); strings.Contains(body, `action="/sign"`) {
			t.Error("the signing form is offered to someone who has signed")
		}
		tok := site.csrf(u.c, "/account")
		v := person(nil)
		v.Set("version", "1")
		v.Set("lang", "en")
		v.Set("_csrf", tok)
		if res, _ := u.post("/sign", v); res.StatusCode != http.StatusConflict {
			t.Errorf("second signature posted directly: %d, want 409", res.StatusCode)
		}
		sameCounts(t, "second signature", before, counts(t, s))

		// Hide the name: the public sees an anonymous entry, the search no longer finds it.
		res, _ = u.form("/account", "/account/entry", person(url.Values{"vis_name": {"hidden"}, "consent": nil}))
		if res.StatusCode != http.StatusOK || res.Request.URL.RawQuery != "saved=1" {
			t.Fatalf("edit: %d at %s", res.StatusCode, res.Request.URL)
		}
		anon := &devUser{site: site, c: site.newClient()}
		if _, body := anon.get(entry); strings.Contains(body, "Ada Example") {
			t.Error("the hidden name is still on the public profile")
		}
		if _, body := anon.get("/signatories?q=ada"); strings.Contains(body, entry) {
			t.Error("the hidden name is still searchable")
		}

		// Withdraw: off the registry at once, 410 on its pages, the badge revoked.
		res, _ = u.form("/account", "/account/withdraw", url.Values{"reason": {"changed my mind"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		if res, _ := anon.get(entry); res.StatusCode != http.StatusGone {
			t.Errorf("withdrawn profile: %d, want 410", res.StatusCode)
		}
		if res, _ := anon.get("/api/v1" + entry); res.StatusCode != http.StatusGone {
			t.Errorf("withdrawn API entry: %d, want 410", res.StatusCode)
		}
		var revokes int64
		s.DB.Model(&models.IssuanceJob{}).Where("signatory_id = ? AND action = 'revoke'", sg.ID).Count(&revokes)
		if revokes != 1 {
			t.Errorf("%d revocations queued, want 1", revokes)
		}
		// Editing a withdrawn entry is refused.
		before = counts(t, s)
		v = person(nil)
		v.Set("_csrf", tok)
		if res, _ := u.post("/account/entry", v); res.StatusCode != http.StatusConflict {
			t.Errorf("editing a withdrawn entry: %d, want 409", res.StatusCode)
		}
		sameCounts(t, "editing a withdrawn entry", before, counts(t, s))

		// Sign again: the same entry comes back, counted once, its signature not repeated.
		res, _ = u.form("/sign", "/sign", person(nil))
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/sign/thanks" {
			t.Fatalf("sign again: %d at %s", res.StatusCode, res.Request.URL.Path)
		}
		if res, _ := anon.get(entry); res.StatusCode != http.StatusOK {
			t.Errorf("entry after signing again: %d, want 200", res.StatusCode)
		}
		after := counts(t, s)
		if after["signatories"] != 1 || after["signatures"] != 1 {
			t.Errorf("after signing again: %d signatories, %d signatures, want 1 and 1", after["signatories"], after["signatures"])
		}
		var w models.Withdrawal
		s.DB.Where("signatory_id = ?", sg.ID).Take(&w)
		if w.ResignedAt == nil {
			t.Error("the withdrawal does not record the return")
		}
	})
}

func TestSignAsOrganisation(t *testing.T) {
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)
	u := site.devUser("Giulia Rossi", "rettrice@uni.example.org")
	v := person(url.Values{"name": {"Università Aperta"}, "representative": {"Giulia Rossi"}, "role": {"Rettrice"}})
	res, doc := u.form("/sign?kind=organisation", "/sign", v)
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/sign/thanks" {
		t.Fatalf("sign as organisation: %d at %s", res.StatusCode, res.Request.URL.Path)
	}
	if doc.Find(`a[href^="/signatories/"]`).Length() != 0 {
		t.Error("an unverified organisation is offered a link to a public entry")
	}
	var sg models.Signatory
	s.DB.Take(&sg)
	if sg.Kind != "organisation" || sg.Verified || sg.Listed || sg.Representative != "Giulia Rossi" {
		t.Errorf("organisation %+v: want unverified and unlisted, with its representative", sg)
	}
	var jobs int64
	s.DB.Model(&models.IssuanceJob{}).Count(&jobs)
	if jobs != 0 {
		t.Errorf("%d badge jobs for an unverified organisation, want 0", jobs)
	}
	if res, _ := u.get("/signatories/" + sg.PublicID); res.StatusCode != http.StatusNotFound {
		t.Errorf("unverified organisation's profile: %d, want 404", res.StatusCode)
	}
	// Signing with a verified e-mail at the organisation's own domain proves it at once.
	proven := site.devUser("Jean Martin", "recteur@univ.example.fr")
	res, _ = proven.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {"Université Exemple"},
		"representative": {"Jean Martin"}, "website": {"https://www.univ.example.fr/"}}))
	if res.Request.URL.Path != "/sign/thanks" {
		t.Fatalf("sign with a matching e-mail: at %s", res.Request.URL.Path)
	}
	var org models.Signatory
	s.DB.Where("name = ?", "Université Exemple").Take(&org)
	if !org.Verified || !org.Listed {
		t.Errorf("an organisation signed from its own domain is not verified: %+v", org)
	}
	// An organisation needs the name of who signs for it.
	other := site.devUser("Someone", "someone@example.org")
	res, doc = other.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {"Org"}, "representative": {""}}))
	if res.StatusCode != http.StatusBadRequest || doc.Find("#e-representative-error").Length() != 1 {
		t.Errorf("organisation without representative: %d", res.StatusCode)
	}
}

func TestSignInFrench(t *testing.T) {
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)
	u := site.devUser("Léa Martin", "lea@example.fr")
	u.get("/sign?lang=fr")
	res, doc := u.form("/sign", "/sign", person(url.Values{"consent": {""}}))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find("#e-consent-error").Text(), "Veuillez cocher") {
		t.Errorf("French form: %d, consent message %q", res.StatusCode, doc.Find("#e-consent-error").Text())
	}
	res, _ = u.form("/sign", "/sign", person(url.Values{"name": {"Léa Martin"}}))
	if res.Request.URL.Path != "/sign/thanks" {
		t.Fatalf("sign in French: at %s", res.Request.URL.Path)
	}
	var sig models.Signature
	s.DB.Take(&sig)
	if sig.Lang != "fr" {
		t.Errorf("signature language %q, want fr (the text read)", sig.Lang)
	}
}
