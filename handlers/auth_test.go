package handlers_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/oauth2-proxy/mockoidc"
	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// oidcSite is the registry served over real HTTP with an in-process OpenID provider switched on
// as "test", and a browser-like client with a cookie jar.
type oidcSite struct {
	t    *testing.T
	srv  *httptest.Server
	oidc *mockoidc.MockOIDC
	// providers are the in-process OpenID providers by name.
	providers map[string]*mockoidc.MockOIDC
	store     *models.Store
	client    *http.Client
	// hops are the URLs the client was redirected to, in order.
	hops []*url.URL
}

func newOIDCSite(t *testing.T, s *models.Store) *oidcSite {
	t.Helper()
	return newOIDCSiteWith(t, s, []string{"test"}, nil)
}

// newOIDCSiteWith serves the registry with one in-process OpenID provider per name (the first is
// site.oidc; all are in site.providers); deps, when given, adds to the handler's dependencies
// (keys and a credential worker, say) once the server's URL is known.
func newOIDCSiteWith(t *testing.T, s *models.Store, names []string, deps func(base string, d *handlers.Deps)) *oidcSite {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	env := map[string]string{}
	var vars []string
	site := &oidcSite{t: t, srv: srv, store: s, providers: map[string]*mockoidc.MockOIDC{}}
	for _, name := range names {
		m, err := mockoidc.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Shutdown() })
		if site.oidc == nil {
			site.oidc = m
		}
		site.providers[name] = m
		cfg := m.Config()
		prefix := "OIDC_" + strings.ToUpper(name)
		env[prefix+"_ISSUER"], env[prefix+"_KEY"], env[prefix+"_SECRET"] = m.Issuer(), cfg.ClientID, cfg.ClientSecret
		vars = append(vars, prefix+"_ISSUER", prefix+"_KEY", prefix+"_SECRET")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	providers, err := auth.Load(ctx, auth.Config{BaseURL: srv.URL, Getenv: func(k string) string { return env[k] },
		Names: vars, Log: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		for deadline := time.Now().Add(10 * time.Second); ; {
			if _, err := providers.Get(name); err == nil {
				break
			} else if !errors.Is(err, auth.ErrNotReady) || time.Now().After(deadline) {
				t.Fatalf("provider %s not ready: %v", name, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	d := handlers.Deps{Store: s, Logger: discardLogger(), Providers: providers,
		SessionSecret: "a test secret of more than thirty-two characters", Config: handlers.Config{BaseURL: srv.URL}}
	if deps != nil {
		deps(srv.URL, &d)
	}
	e, _, err := handlers.New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	site.client = site.newClient()
	return site
}

func (s *oidcSite) newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		s.hops = append(s.hops, r.URL)
		return nil
	}}
}

// csrf reads the form token of a page.
func (s *oidcSite) csrf(c *http.Client, path string) string {
	s.t.Helper()
	res, err := c.Get(s.srv.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || tok == "" {
		s.t.Fatalf("%s has no form token", path)
	}
	return tok
}

func (s *oidcSite) post(c *http.Client, path string, form url.Values) *http.Response {
	s.t.Helper()
	res, err := c.PostForm(s.srv.URL+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (s *oidcSite) get(c *http.Client, path string) (*http.Response, string) {
	s.t.Helper()
	res, err := c.Get(path)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// login runs the whole round trip: our form, the provider, our callback.
func (s *oidcSite) login(c *http.Client, returnTo string) *http.Response {
	s.t.Helper()
	return s.authRoundTrip(c, "/auth/test", url.Values{"_csrf": {s.csrf(c, "/login")}, "return_to": {returnTo}})
}

// authRoundTrip posts a login form and goes on as a browser does: to the provider named by the
// page it answers with, which approves at once, and back through our callback.
func (s *oidcSite) authRoundTrip(c *http.Client, path string, form url.Values) *http.Response {
	s.t.Helper()
	to := s.beginLogin(c, path, form)
	res, err := c.Get(to.String())
	if err != nil {
		s.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// beginLogin posts a login form and returns the provider URL the answer moves on to. The answer
// is a page, not a redirect (a redirect after a form post is held to the page's CSP form-action):
// it refreshes at once to the provider and links there too, both to the same address.
func (s *oidcSite) beginLogin(c *http.Client, path string, form url.Values) *url.URL {
	s.t.Helper()
	res, err := c.PostForm(s.srv.URL+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || len(s.hopsSince(res)) != 0 {
		s.t.Fatalf("POST %s: %d at %s, want 200 with a page moving on to the provider", path, res.StatusCode, res.Request.URL)
	}
	refresh := res.Header.Get("Refresh")
	target, ok := strings.CutPrefix(refresh, "0; url=")
	if !ok {
		s.t.Fatalf("POST %s: Refresh %q, want 0; url=the provider", path, refresh)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if href, _ := doc.Find(`main a[href^="http"]`).First().Attr("href"); href != target {
		s.t.Fatalf("POST %s: the page links to %q, the refresh goes to %q", path, href, target)
	}
	to, err := url.Parse(target)
	if err != nil || to.Host != s.oidcHost(to.Host) {
		s.t.Fatalf("POST %s: moves on to %q, not to an in-process provider", path, target)
	}
	return to
}

// hopsSince is the redirects the client followed to reach res.
func (s *oidcSite) hopsSince(res *http.Response) []*http.Request {
	var via []*http.Request
	for r := res.Request; r.Response != nil; r = r.Response.Request {
		via = append(via, r)
	}
	return via
}

// oidcHost returns host if one of the site's providers serves there, else "".
func (s *oidcSite) oidcHost(host string) string {
	for _, m := range s.providers {
		if u, err := url.Parse(m.Issuer()); err == nil && u.Host == host {
			return host
		}
	}
	return ""
}

func sessionCookie(c *http.Client, base string) *http.Cookie {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "registry_session" {
			return ck
		}
	}
	return nil
}

func TestOIDCLogin(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newOIDCSite(t, s)
		res := site.login(site.client, "/signatories?country=IT")
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/signatories" || res.Request.URL.Query().Get("country") != "IT" {
			t.Fatalf("after login: %d at %s, want 200 back at /signatories?country=IT", res.StatusCode, res.Request.URL)
		}
		if sessionCookie(site.client, site.srv.URL) == nil {
			t.Fatal("no session cookie after login")
		}
		_, body := site.get(site.client, site.srv.URL+"/account")
		if !strings.Contains(body, "jane.doe@example.com") {
			t.Errorf("account page does not show the provider's e-mail")
		}
		var acc models.Account
		if err := s.DB.Take(&acc).Error; err != nil {
			t.Fatal(err)
		}
		if acc.Email != "jane.doe@example.com" || !acc.EmailVerified {
			t.Errorf("account %+v, want the verified e-mail of the provider", acc)
		}
		var ident models.Identity
		s.DB.Take(&ident)
		if ident.Provider != "test" || ident.Subject != mockoidc.DefaultUser().Subject {
			t.Errorf("identity %s/%s, want test/%s", ident.Provider, ident.Subject, mockoidc.DefaultUser().Subject)
		}
		// The session id is stored hashed, never as sent.
		ck := sessionCookie(site.client, site.srv.URL)
		var n int64
		s.DB.Model(&models.Session{}).Where("token_hash = ?", ck.Value).Count(&n)
		if n != 0 {
			t.Error("the session token is stored as it is")
		}
		// A second login by the same subject reaches the same account.
		other := site.newClient()
		site.login(other, "/")
		var accounts int64
		s.DB.Model(&models.Account{}).Count(&accounts)
		if accounts != 1 {
			t.Errorf("%d accounts after two logins of one subject, want 1", accounts)
		}
	})
}

// startLogin posts the login form and returns the provider URL it moves on to, without going
// there.
func (s *oidcSite) startLogin(c *http.Client, path string) *url.URL {
	s.t.Helper()
	return s.beginLogin(c, path, url.Values{"_csrf": {s.csrf(c, "/login")}})
}

// providerAnswer starts a login and lets the provider answer, without going to our callback: it
// returns the callback URL with the provider's code and state.
func (s *oidcSite) providerAnswer(c *http.Client) *url.URL {
	s.t.Helper()
	to := s.startLogin(c, "/auth/test")
	saved := c.CheckRedirect
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	defer func() { c.CheckRedirect = saved }()
	res, err := c.Get(to.String())
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	answer, err := url.Parse(res.Header.Get("Location"))
	if err != nil || answer.Query().Get("code") == "" {
		s.t.Fatalf("the provider did not answer with a code: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return answer
}

func TestOIDCLoginRefusals(t *testing.T) {
	s := testutil.SQLite(t)
	site := newOIDCSite(t, s)
	loggedIn := func(c *http.Client) bool {
		res, _ := site.get(c, site.srv.URL+"/account")
		return res.StatusCode == http.StatusOK && res.Request.URL.Path == "/account"
	}

	t.Run("caller-supplied state is ignored", func(t *testing.T) {
		c := site.newClient()
		to := site.startLogin(c, "/auth/test?state=chosen-by-attacker")
		if st := to.Query().Get("state"); st == "" || st == "chosen-by-attacker" || len(st) < 43 {
			t.Errorf("state sent to the provider = %q, want our own 256-bit state", st)
		}
	})

	t.Run("forged state", func(t *testing.T) {
		// The attacker gets a real answer from the provider for their own login, and has the
		// victim's browser (in the middle of its own login) open it.
		attacker := site.newClient()
		answer := site.providerAnswer(attacker)
		victim := site.newClient()
		site.startLogin(victim, "/auth/test")
		res, _ := site.get(victim, answer.String())
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("forged state: %d, want 401", res.StatusCode)
		}
		if sessionCookie(victim, site.srv.URL) != nil || loggedIn(victim) {
			t.Error("a forged state signed someone in")
		}
	})

	t.Run("callback without a login session", func(t *testing.T) {
		starter := site.newClient()
		to := site.startLogin(starter, "/auth/test")
		c := site.newClient() // another browser, without the login cookie
		res, _ := site.get(c, site.srv.URL+"/auth/test/callback?code=x&state="+url.QueryEscape(to.Query().Get("state")))
		if res.StatusCode != http.StatusUnauthorized || loggedIn(c) {
			t.Errorf("callback without session: %d, want 401 and nobody signed in", res.StatusCode)
		}
	})

	t.Run("replayed state", func(t *testing.T) {
		c := site.newClient()
		site.hops = nil
		site.login(c, "/")
		var callback *url.URL
		for _, h := range site.hops {
			if strings.HasSuffix(h.Path, "/auth/test/callback") {
				callback = h
			}
		}
		if callback == nil {
			t.Fatal("the login never reached the callback")
		}
		// A second browser replays the callback with a copy of the login cookie.
		thief := site.newClient()
		u, _ := url.Parse(site.srv.URL + "/auth/")
		thief.Jar.SetCookies(u, []*http.Cookie{{Name: "registry_login", Value: callback.Query().Get("state"), Path: "/auth/"}})
		res, _ := site.get(thief, callback.String())
		if res.StatusCode != http.StatusUnauthorized || loggedIn(thief) {
			t.Errorf("replayed callback: %d, want 401 and nobody signed in", res.StatusCode)
		}
	})

	t.Run("session cookie replayed after logout", func(t *testing.T) {
		c := site.newClient()
		site.login(c, "/")
		ck := sessionCookie(c, site.srv.URL)
		if ck == nil || !loggedIn(c) {
			t.Fatal("not logged in")
		}
		res := site.post(c, "/logout", url.Values{"_csrf": {site.csrf(c, "/account")}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		replay := site.newClient()
		u, _ := url.Parse(site.srv.URL)
		replay.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
		res, _ = site.get(replay, site.srv.URL+"/account")
		if res.Request.URL.Path != "/login" {
			t.Errorf("cookie replayed after logout: %d at %s, want the login page", res.StatusCode, res.Request.URL)
		}
	})

	t.Run("logout from another site", func(t *testing.T) {
		c := site.newClient()
		site.login(c, "/")
		res := site.post(c, "/logout", url.Values{"_csrf": {"forged"}})
		if res.StatusCode != http.StatusForbidden || !loggedIn(c) {
			t.Errorf("cross-site logout: %d, want 403 and still signed in", res.StatusCode)
		}
	})

	t.Run("unknown provider", func(t *testing.T) {
		c := site.newClient()
		res := site.post(c, "/auth/nope", url.Values{"_csrf": {site.csrf(c, "/login")}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown provider: %d, want 404", res.StatusCode)
		}
	})
}

// newDevSite serves the registry with --dev-login and no provider.
func newDevSite(t *testing.T, s *models.Store, devLogin bool) *oidcSite {
	return newSite(t, s, handlers.Config{DevLogin: devLogin})
}

// newSite serves the registry over real HTTP with a configuration (its base URL is the server's).
func newSite(t *testing.T, s *models.Store, cfg handlers.Config) *oidcSite {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	e, _, err := handlers.New(handlers.Deps{Store: s, Logger: discardLogger(), Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	site := &oidcSite{t: t, srv: srv, store: s}
	site.client = site.newClient()
	return site
}

func TestDevLogin(t *testing.T) {
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)
	c := site.client

	// Bad input comes back with the person's input kept and the problem next to the field.
	res, err := c.PostForm(site.srv.URL+"/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Ada"}, "email": {"not-an-address"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad e-mail: %d, want 400", res.StatusCode)
	}
	if v, _ := doc.Find(`#dev-name`).Attr("value"); v != "Ada" {
		t.Errorf("the name typed was not kept: %q", v)
	}
	if doc.Find(`#dev-email-error`).Length() != 1 || doc.Find(`#dev-name-error`).Length() != 0 {
		t.Error("the error is not shown next to the e-mail field alone")
	}
	var accounts int64
	s.DB.Model(&models.Account{}).Count(&accounts)
	if accounts != 0 {
		t.Errorf("%d accounts after a refused login", accounts)
	}

	res = site.post(c, "/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Ada Example"}, "email": {"Ada@Example.org"}, "return_to": {"/declaration"}})
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/declaration" {
		t.Fatalf("dev login: %d at %s, want 200 at /declaration", res.StatusCode, res.Request.URL)
	}
	_, body := site.get(c, site.srv.URL+"/account")
	if !strings.Contains(body, "Ada Example") || !strings.Contains(body, "ada@example.org") {
		t.Error("account page does not show the dev login's name and e-mail")
	}
	// An off-site return address is not followed.
	res = site.post(site.newClient(), "/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Eve"}, "email": {"eve@example.org"}, "return_to": {"//evil.example/"}})
	if res.Request.URL.Host != strings.TrimPrefix(site.srv.URL, "http://") {
		t.Errorf("return_to led off-site to %s", res.Request.URL)
	}

	// Without --dev-login there is no such form.
	plain := newDevSite(t, s, false)
	plain.get(plain.client, plain.srv.URL+"/login")
	u, _ := url.Parse(plain.srv.URL)
	var token string
	for _, ck := range plain.client.Jar.Cookies(u) {
		if ck.Name == "registry_csrf" {
			token = ck.Value
		}
	}
	res = plain.post(plain.client, "/auth/dev", url.Values{"_csrf": {token}, "name": {"Eve"}, "email": {"eve@example.org"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("dev login without --dev-login: %d, want 404", res.StatusCode)
	}
}

// Logging in and signing are limited far below the general rate limit.
func TestLoginRateLimit(t *testing.T) {
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true, RateLimit: 1000, RateBurst: 2000})
	c := site.newClient()
	tok := site.csrf(c, "/login")
	var last int
	for i := range 11 {
		res := site.post(c, "/auth/dev", url.Values{"_csrf": {tok}, "name": {"X"}, "email": {"x@example.org"}})
		last = res.StatusCode
		if i < 10 && res.StatusCode != http.StatusOK {
			t.Fatalf("login %d: %d", i+1, res.StatusCode)
		}
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("11th login within a minute: %d, want 429", last)
	}
	// Reading pages is not affected.
	if res, _ := site.get(c, site.srv.URL+"/signatories"); res.StatusCode != http.StatusOK {
		t.Errorf("GET /signatories after the login limit: %d", res.StatusCode)
	}
}

// A person attaches a second login to their account and removes the first; the last one stays.
func TestAttachAndDetachLogins(t *testing.T) {
	s := testutil.SQLite(t)
	site := newOIDCSite(t, s)
	// oidcSite has no --dev-login; log in with the provider first, then attach… the provider
	// again from another account to see the refusal, and detach.
	c := site.newClient()
	site.login(c, "/")
	var acc models.Account
	s.DB.Take(&acc)
	// A second identity, created through the store as a development login would.
	if _, err := s.Login(t.Context(), models.LoginIdentity{Provider: "dev", Subject: "jane@example.org", Email: "jane@example.org"}, &acc.ID); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.Identities(t.Context(), acc.ID)
	if len(ids) != 2 {
		t.Fatalf("%d identities after attaching, want 2", len(ids))
	}
	// Attaching a login that belongs to another account is refused.
	other, err := s.Login(t.Context(), models.LoginIdentity{Provider: "dev", Subject: "someone@example.org"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(t.Context(), models.LoginIdentity{Provider: "dev", Subject: "jane@example.org"}, &other.ID); models.ErrorCode(err) != models.ECONFLICT {
		t.Errorf("attaching another account's login: %v, want a conflict", err)
	}
	// Through the account page: remove the development login, then refuse to remove the last.
	var dev models.Identity
	s.DB.Where("account_id = ? AND provider = 'dev'", acc.ID).Take(&dev)
	res := site.post(c, "/account/identities/detach", url.Values{"_csrf": {site.csrf(c, "/account")}, "identity": {strconv.FormatInt(dev.ID, 10)}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("detach: %d", res.StatusCode)
	}
	ids, _ = s.Identities(t.Context(), acc.ID)
	if len(ids) != 1 || ids[0].Provider != "test" {
		t.Fatalf("identities after detaching: %+v", ids)
	}
	res = site.post(c, "/account/identities/detach", url.Values{"_csrf": {site.csrf(c, "/account")}, "identity": {strconv.FormatInt(ids[0].ID, 10)}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("detaching the last login: %d, want 409", res.StatusCode)
	}
	// The attach flow itself: a signed-in person starts a login with attach=1; the provider's
	// identity is already this account's, so it simply comes back to /account.
	res = site.authRoundTrip(c, "/auth/test", url.Values{"_csrf": {site.csrf(c, "/account")}, "attach": {"1"}, "return_to": {"/account"}})
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/account" {
		t.Errorf("attach round trip: %d at %s", res.StatusCode, res.Request.URL)
	}
	// Signed-in pages are never stored by caches.
	resp, _ := site.get(c, site.srv.URL+"/account")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control on a signed-in page: %q", resp.Header.Get("Cache-Control"))
	}
}

// An imported signatory is claimed by the first login with a verified matching e-mail.
func TestImportedSignatoryIsClaimed(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, `{"type":"signatory","ref":"jane","kind":"person","name":"Jane Doe","email":"Jane.Doe@example.com","country":"GB","signed_at":"2024-05-01T10:00:00Z"}`+"\n")
	site := newOIDCSite(t, s) // the provider's default user has the verified e-mail jane.doe@example.com
	c := site.newClient()
	site.login(c, "/")
	_, body := site.get(c, site.srv.URL+"/account")
	if !strings.Contains(body, "You are in the registry.") {
		t.Error("the imported entry was not claimed by the matching verified login")
	}
	_, body = site.get(c, site.srv.URL+"/sign")
	if !strings.Contains(body, "You have signed the current version") {
		t.Error("the claimed entry is asked to sign again")
	}
}

// A login starts only from this site's form, and the page that sends the browser on to the
// provider keeps the same CSP as every other page: nothing is loosened for it.
func TestLoginStartsOnlyFromOurForm(t *testing.T) {
	s := testutil.SQLite(t)
	site := newOIDCSite(t, s)
	c := site.newClient()
	states := func() int64 {
		var n int64
		s.DB.Model(&models.LoginState{}).Count(&n)
		return n
	}

	// Neither a link nor a forged form can start one.
	res, _ := site.get(c, site.srv.URL+"/auth/test")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /auth/test: %d, want 405", res.StatusCode)
	}
	if res := site.post(c, "/auth/test", url.Values{"_csrf": {"forged"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("login form from another site: %d, want 403", res.StatusCode)
	}
	if n := states(); n != 0 {
		t.Errorf("%d logins started without our form", n)
	}

	login, _ := site.get(c, site.srv.URL+"/login")
	res, err := c.PostForm(site.srv.URL+"/auth/test", url.Values{"_csrf": {site.csrf(c, "/login")}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	want := login.Header.Get("Content-Security-Policy")
	if got := res.Header.Get("Content-Security-Policy"); got != want || !strings.Contains(got, "form-action 'self'") || strings.Contains(got, site.oidc.Addr()) {
		t.Errorf("CSP on the way to the provider %q, want the site's own %q", got, want)
	}
	if !strings.Contains(want, "form-action 'self'") || strings.Contains(want, site.oidc.Addr()) {
		t.Errorf("the login page's CSP lets forms go elsewhere: %q", want)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the page holding the login's state: Cache-Control %q, Referrer-Policy %q", res.Header.Get("Cache-Control"), res.Header.Get("Referrer-Policy"))
	}
	if n := states(); n != 1 {
		t.Errorf("%d login states after one login form, want 1", n)
	}
}

// browserTarget is where a browser goes with a Location header on this site, read the way the
// WHATWG URL parser does: C0 controls and spaces trimmed at both ends, tab and newlines dropped
// anywhere, backslashes taken as slashes. It returns the host it lands on ("" for this site).
func browserTarget(location string) string {
	l := strings.TrimFunc(location, func(r rune) bool { return r <= ' ' })
	l = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(l)
	if strings.HasPrefix(l, "//") {
		host, _, _ := strings.Cut(strings.TrimLeft(l, "/"), "/")
		return host
	}
	if u, err := url.Parse(l); err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(l, "/") {
		return "elsewhere: " + location
	}
	return ""
}

// A return address after login never leads off the site, however it is written; one of the
// site's own pages survives as given.
func TestReturnToStaysOnSite(t *testing.T) {
	s := testutil.SQLite(t)
	site := newOIDCSiteWith(t, s, []string{"test"}, func(_ string, d *handlers.Deps) { d.Config.DevLogin = true })
	hostile := []string{"/\t/evil.example/x", "/\\evil.example", "//evil.example", "/\n/evil.example", "/\r/evil.example",
		"/\v/evil.example", "/\f/evil.example", "/\x00/evil.example", "https://evil.example", "/\\\t/evil.example",
		"%2F%2Fevil.example", "/%2F/evil.example", " //evil.example", "\t//evil.example", "/ /evil.example", "\\\\evil.example",
		"javascript:alert(1)", "/\u3000/evil.example", "http:/evil.example", "/.//evil.example", "/signatories/\t/evil"}
	// once sends one request with the client's cookies and does not follow its answer: Go's
	// client refuses to parse some of the Location headers a browser follows.
	once := func(t *testing.T, c *http.Client, method, u string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, u, strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, ck := range c.Jar.Cookies(req.URL) {
			req.AddCookie(ck)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		c.Jar.SetCookies(req.URL, res.Cookies())
		return res
	}
	check := func(t *testing.T, what, returnTo string, res *http.Response, want string) {
		t.Helper()
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s with return_to %q: %d, want 303", what, returnTo, res.StatusCode)
		}
		if host := browserTarget(loc); host != "" || loc != want {
			t.Errorf("%s with return_to %q: Location %q (lands on %q), want %q", what, returnTo, loc, host, want)
		}
	}
	devLogin := func(t *testing.T, returnTo, want string) {
		c := site.newClient()
		res := once(t, c, http.MethodPost, site.srv.URL+"/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Ada"},
			"email": {"ada@example.org"}, "return_to": {returnTo}})
		check(t, "dev login", returnTo, res, want)
	}
	oauthLogin := func(t *testing.T, returnTo, want string) {
		c := site.newClient()
		to := site.beginLogin(c, "/auth/test", url.Values{"_csrf": {site.csrf(c, "/login")}, "return_to": {returnTo}})
		answer := once(t, c, http.MethodGet, to.String(), nil)
		answer.Body.Close()
		callback := answer.Header.Get("Location")
		if !strings.HasPrefix(callback, site.srv.URL+"/auth/test/callback?") {
			t.Fatalf("the provider answered %d %q, want our callback", answer.StatusCode, callback)
		}
		check(t, "OAuth login", returnTo, once(t, c, http.MethodGet, callback, nil), want)
	}
	for _, r := range hostile {
		devLogin(t, r, "/")
		oauthLogin(t, r, "/")
	}
	for _, good := range []string{"/signatories/abc?x=1", "/", "/signatories?country=IT&q=Ada+Lovelace", "/sign"} {
		devLogin(t, good, good)
		oauthLogin(t, good, good)
	}
	// The login page does not pass a hostile address on to its forms either.
	for _, r := range hostile {
		_, body := site.get(site.client, site.srv.URL+"/login?return_to="+url.QueryEscape(r))
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		doc.Find(`input[name="return_to"]`).Each(func(_ int, in *goquery.Selection) {
			if v, _ := in.Attr("value"); v != "/" {
				t.Errorf("/login?return_to=%q: the form carries %q, want /", r, v)
			}
		})
	}
}

// The development login answers only a browser on this machine: the connection's own address
// decides, never a header a client or a proxy writes.
func TestDevLoginOnlyFromThisMachine(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{DevLogin: true})
	login := func(remote string, header ...string) int {
		t.Helper()
		req := newRequest(http.MethodGet, "/login", nil)
		req.RemoteAddr = remote
		rec := serve(a, req)
		doc, _ := goquery.NewDocumentFromReader(rec.Body)
		tok, _ := doc.Find(`input[name="_csrf"]`).First().Attr("value")
		form := url.Values{"_csrf": {tok}, "name": {"Eve"}, "email": {"eve@example.org"}}
		req = newRequest(http.MethodPost, "/auth/dev", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = remote
		for _, ck := range rec.Result().Cookies() {
			req.AddCookie(ck)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return serve(a, req).Code
	}
	sessions := func() int64 {
		var n int64
		s.DB.Model(&models.Session{}).Count(&n)
		return n
	}
	for _, refused := range []struct {
		remote string
		header []string
	}{
		{"192.0.2.10:5555", nil},
		{"[2001:db8::1]:5555", nil},
		{"192.0.2.10:5555", []string{"X-Forwarded-For", "127.0.0.1"}},
		{"127.0.0.1:5555", []string{"X-Forwarded-For", "192.0.2.10"}},
		{"127.0.0.1:5555", []string{"Forwarded", "for=192.0.2.10"}},
	} {
		if code := login(refused.remote, refused.header...); code != http.StatusForbidden {
			t.Errorf("dev login from %s %v: %d, want 403", refused.remote, refused.header, code)
		}
	}
	if n := sessions(); n != 0 {
		t.Fatalf("%d sessions after refused development logins", n)
	}
	for _, remote := range []string{"127.0.0.1:5555", "[::1]:5555", "127.0.0.2:5555"} {
		if code := login(remote); code != http.StatusSeeOther {
			t.Errorf("dev login from %s: %d, want 303", remote, code)
		}
	}
	if n := sessions(); n != 3 {
		t.Errorf("%d sessions after three development logins on this machine, want 3", n)
	}
}

// A page answering a form has no address of its own: its language links lead to a page that
// exists in the other language, never to the form's POST-only address.
func TestLanguageLinksOnAFormAnswer(t *testing.T) {
	site := newDevSite(t, testutil.SQLite(t), true)
	c := site.newClient()
	res, err := c.PostForm(site.srv.URL+"/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {""}, "email": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusBadRequest {
		t.Fatalf("refused development login: %d, %v", res.StatusCode, err)
	}
	href, ok := doc.Find(`header a[hreflang="fr"]`).Attr("href")
	if !ok || !strings.HasPrefix(href, "/login?") {
		t.Fatalf("French link on the answer to /auth/dev: %q", href)
	}
	if res, body := site.get(c, site.srv.URL+href); res.StatusCode != http.StatusOK || !strings.Contains(body, `lang="fr"`) {
		t.Errorf("GET %s: %d", href, res.StatusCode)
	}
}
