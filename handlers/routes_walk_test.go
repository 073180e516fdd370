package handlers_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// paramValues are what the walker puts in each path parameter: unknown ids, garbage, and for
// parameters that choose an action, every action the handlers know (so that an unknown id meets
// each of them).
var paramValues = map[string][]string{
	"answer":   {"accept", "decline", "garbage"},
	"kind":     {"signatories", "accounts", "garbage"},
	"action":   {"verify", "hide", "restore", "place", "seed", "unseed", "block", "unblock", "garbage"},
	"provider": {"dev", "test", "github", "garbage"},
	"slug":     {"signatory", "advocate", "ambassador", "garbage"},
	"list":     {"1", "0", "999999999", "-1", "garbage"},
	"version":  {"1", "0", "-1", "999999", "99999999999999999999", "garbage"},
	"hash":     {"0123456789ab", "garbage"},
	"*":        {"app.css", "../../go.mod", "garbage"},
}

// unknownValues go into every other parameter (ids): a random UUID, the nil UUID, garbage.
func unknownValues() []string {
	return []string{uuid.NewString(), "00000000-0000-0000-0000-000000000000", "garbage", "%2e%2e", strings.Repeat("9", 40)}
}

// badQueries each carry one bad query parameter; the walker adds each to every readable route.
func badQueries() []string {
	cursor := func(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }
	huge := strconv.FormatInt(1<<62, 36) // far past year 9999
	return []string{
		"cursor=" + cursor("1."+huge+".1"),
		"cursor=" + cursor("1.-"+huge+".1"),
		"cursor=" + cursor("1.0.1"),
		"cursor=garbage",
		"limit=-1", "limit=abc", "limit=99999999999999999999",
		"place=-5", "place=abc", "place=99999999999999999999",
		"before=abc", "before=-1", "before=99999999999999999999",
		"signatory=" + uuid.NewString(), "signatory=garbage",
		"country=ZZ", "kind=garbage", "tier=garbage", "sort=garbage", "lang=zz",
		"q=" + strings.Repeat("x", 300), "return_to=//evil.example", "state=garbage", "error=garbage", "done=garbage",
	}
}

// garbageForm fills every form field the handlers read with a value no handler accepts; confirm
// stays out so that the walk does not delete its own accounts.
var garbageForm = url.Values{
	"attach": {"garbage"}, "body": {"garbage"}, "comment": {"garbage"}, "consent": {"garbage"}, "country": {"ZZ"},
	"email": {"garbage"}, "identity": {"999999999"}, "kind": {"garbage"}, "lang": {"zz"}, "level": {"garbage"},
	"name": {"garbage"}, "place": {"-1"}, "reason": {"garbage"}, "return_to": {"//evil.example"}, "version": {"-1"},
}

// expand lists the paths a route pattern stands for, with each parameter in turn given every
// value the walker has for it.
func expand(pattern string) []string {
	paths := []string{""}
	for _, seg := range strings.Split(strings.TrimPrefix(pattern, "/"), "/") {
		var vals []string
		switch {
		case seg == "*":
			vals = paramValues["*"]
		case strings.HasPrefix(seg, ":"):
			name := seg[1:]
			if v, ok := paramValues[name]; ok {
				vals = v
			} else {
				vals = unknownValues()
			}
		default:
			// A segment such as ":id.json" does not occur: echo parameters take whole segments.
			vals = []string{seg}
		}
		var next []string
		for _, p := range paths {
			for _, v := range vals {
				next = append(next, p+"/"+v)
			}
		}
		paths = next
	}
	return paths
}

// TestEveryRouteAnswersUnknownIDsWithoutServerError walks the whole URL map of the real app,
// as a visitor, as a signed-in person without an entry, as a signatory and as an administrator,
// with unknown ids and garbage in every path parameter, bad query parameters and bad forms
// (with a valid form token): nothing may answer 5xx or show a database error.
func TestEveryRouteAnswersUnknownIDsWithoutServerError(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		srv, e := walkSite(t, s)
		site := &oidcSite{t: t, srv: srv, store: s}
		anon := &devUser{site: site, c: site.newClient()}
		noEntry := site.devUser("Nobody Yet", "nobody@example.org")
		signer := site.devUser("Ada Example", "ada@example.org")
		signer.form("/sign", "/sign", person(nil))
		admin := site.devUser("The Boss", "boss@example.org")
		users := []struct {
			name string
			u    *devUser
			tok  string
		}{{"visitor", anon, site.csrf(anon.c, "/login")}, {"no entry", noEntry, site.csrf(noEntry.c, "/account")},
			{"signatory", signer, site.csrf(signer.c, "/account")}, {"administrator", admin, site.csrf(admin.c, "/admin")}}

		routes := e.Routes()
		slices.SortFunc(routes, func(a, b *echo.Route) int { return strings.Compare(a.Method+a.Path, b.Method+b.Path) })
		failures := 0
		check := func(who, method, path string, res *http.Response, body string) {
			t.Helper()
			if res.StatusCode >= 500 || strings.Contains(body, "record not found") || strings.Contains(body, "out of range") {
				failures++
				if failures <= 100000 {
					t.Errorf("%s: %s %s = %d", who, method, path, res.StatusCode)
				}
			}
		}
		requests := 0
		for _, r := range routes {
			if r.Method != http.MethodGet && r.Method != http.MethodPost {
				continue // HEAD runs the GET handler
			}
			for _, user := range users {
				// Logging out or signing in again would change who the rest of the walk is.
				if user.u != anon && (r.Path == "/logout" || r.Path == "/auth/dev") {
					continue
				}
				paths := expand(r.Path)
				for i, p := range paths {
					switch r.Method {
					case http.MethodGet:
						queries := []string{""}
						if i == 0 {
							queries = append(queries, badQueries()...)
						}
						for _, q := range queries {
							target := p
							if q != "" {
								target += "?" + q
							}
							res, body := user.u.get(target)
							requests++
							check(user.name, r.Method, target, res, body)
						}
					case http.MethodPost:
						for _, form := range []url.Values{{"_csrf": {user.tok}}, withToken(garbageForm, user.tok)} {
							res, err := user.u.c.PostForm(srv.URL+p, form)
							if err != nil {
								t.Fatal(err)
							}
							b, _ := io.ReadAll(res.Body)
							res.Body.Close()
							requests++
							check(user.name, r.Method, p, res, string(b))
						}
					}
				}
			}
		}
		if failures > 0 {
			t.Errorf("%d of %d requests failed", failures, requests)
		}
		t.Logf("%d routes, %d requests", len(routes), requests)
	})
}

func withToken(v url.Values, tok string) url.Values {
	out := url.Values{"_csrf": {tok}}
	for k, vals := range v {
		out[k] = vals
	}
	return out
}

// walkSite serves the app as the server builds it: issuer keys, the credential worker, the
// development login and a configured administrator.
func walkSite(t *testing.T, s *models.Store) (*httptest.Server, *echo.Echo) {
	t.Helper()
	site, _, _, e := workerSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
	return site.srv, e
}

// The ordinary mistakes a person makes get the status that says what happened, and the
// parameter at fault is named.
func TestOrdinaryBadInputIsNotAServerError(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		srv, _ := walkSite(t, s)
		site := &oidcSite{t: t, srv: srv, store: s}
		someone := uuid.NewString()
		noEntry := site.devUser("Nobody Yet", "nobody@example.org")
		tok := site.csrf(noEntry.c, "/account")
		admin := site.devUser("The Boss", "boss@example.org")
		atok := site.csrf(admin.c, "/admin")
		cases := []struct {
			name   string
			u      *devUser
			path   string
			form   url.Values
			status int
		}{
			{"withdrawing an endorsement without an entry", noEntry, "/signatories/" + someone + "/endorse/withdraw", url.Values{"_csrf": {tok}}, http.StatusNotFound},
			{"accepting an endorsement without an entry", noEntry, "/account/endorsements/" + someone + "/accept", url.Values{"_csrf": {tok}}, http.StatusNotFound},
			{"declining an endorsement without an entry", noEntry, "/account/endorsements/" + someone + "/decline", url.Values{"_csrf": {tok}}, http.StatusNotFound},
			{"detaching an unknown login", noEntry, "/account/identities/detach", url.Values{"_csrf": {tok}, "identity": {"999999"}}, http.StatusNotFound},
			{"withdrawing without an entry", noEntry, "/account/withdraw", url.Values{"_csrf": {tok}}, http.StatusNotFound},
			{"blocking an unknown account", admin, "/admin/accounts/" + someone + "/block", url.Values{"_csrf": {atok}}, http.StatusNotFound},
			{"hiding an unknown signatory", admin, "/admin/signatories/" + someone + "/hide", url.Values{"_csrf": {atok}, "reason": {"spam"}}, http.StatusNotFound},
		}
		for _, c := range cases {
			res, doc := c.u.post(c.path, c.form)
			if res.StatusCode != c.status {
				t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.status)
			}
			if text := doc.Text(); strings.Contains(text, "record not found") || strings.Contains(text, "internal error") {
				t.Errorf("%s shows a database error", c.name)
			}
		}
		// A cursor carrying a time outside 1970–9999: 400 naming the cursor, on the page and in the API.
		cursor := base64.RawURLEncoding.EncodeToString([]byte("1." + strconv.FormatInt(1<<62, 36) + ".1"))
		anon := &devUser{site: site, c: site.newClient()}
		res, body := anon.get("/api/v1/signatories?cursor=" + cursor)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"field":"cursor"`) {
			t.Errorf("API with an out-of-range cursor: %d %s", res.StatusCode, body)
		}
		res, body = anon.get("/signatories?cursor=" + cursor)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "cursor") {
			t.Errorf("list with an out-of-range cursor: %d", res.StatusCode)
		}
	})
}
