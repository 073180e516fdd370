package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/metrics"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A visitor's page is served from memory until the registry changes, and a change made by
// another process (a second server, the command line) is seen by the very next request: a
// moderator hides Zoé from another process, and neither her page nor the list nor the API shows
// her any more, however often they were asked before.
func TestVisitorPagesFollowEveryChange(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		warmUp(a)
		pages := []string{"/", "/signatories", "/signatories/" + id("zoe"), "/api/v1/signatories", "/api/v1/signatories/" + id("zoe"), "/signatories?q=zoe"}
		for _, p := range pages {
			first := a.get(p)
			if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), "Zo") {
				t.Fatalf("GET %s = %d before the change:\n%s", p, first.Code, first.Body.String())
			}
			again := a.get(p)
			if again.Header().Get("ETag") == "" || again.Header().Get("ETag") != first.Header().Get("ETag") {
				t.Errorf("GET %s twice: ETags %q and %q, want one page kept", p, first.Header().Get("ETag"), again.Header().Get("ETag"))
			}
			if again.Body.String() != first.Body.String() {
				t.Errorf("GET %s twice gave two bodies", p)
			}
			if nm := a.get(p, "If-None-Match", first.Header().Get("ETag")); nm.Code != http.StatusNotModified {
				t.Errorf("GET %s with its ETag = %d, want 304", p, nm.Code)
			}
		}

		// Another process on the same database: the moderator's command line, or a second server
		// (the test server's PostgreSQL needs no password, which the location leaves out).
		other, err := models.Open(context.Background(), s.Location)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if err := other.HideSignatory(context.Background(), models.Actor{Name: "cli"}, id("zoe"), "test"); err != nil {
			t.Fatal(err)
		}
		if rec := a.get("/signatories/" + id("zoe")); rec.Code == http.StatusOK {
			t.Errorf("Zoé's page after she was hidden elsewhere = 200:\n%s", rec.Body.String())
		}
		if rec := a.get("/api/v1/signatories/" + id("zoe")); rec.Code == http.StatusOK {
			t.Errorf("Zoé's API entry after she was hidden elsewhere = 200")
		}
		for _, p := range []string{"/signatories", "/api/v1/signatories", "/signatories?q=zoe"} {
			if rec := a.get(p); strings.Contains(rec.Body.String(), "Zoé") || strings.Contains(rec.Body.String(), `Zo\u00e9`) {
				t.Errorf("GET %s still shows Zoé after she was hidden elsewhere", p)
			}
		}
	})
}

// Pages are kept compressed and plain: a client that takes gzip gets gzip, one that does not
// gets the same page unpacked, both with the same ETag.
func TestVisitorPagesGzipAndPlain(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	a := newApp(t, s, handlers.Config{})
	warmUp(a)
	plain := a.get("/signatories")
	gz := a.get("/signatories", "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("Content-Encoding: gzip client %q, plain client %q", gz.Header().Get("Content-Encoding"), plain.Header().Get("Content-Encoding"))
	}
	if gz.Header().Get("ETag") != plain.Header().Get("ETag") {
		t.Errorf("ETags differ between encodings: %q and %q", gz.Header().Get("ETag"), plain.Header().Get("ETag"))
	}
	if !strings.Contains(plain.Body.String(), "Ada Lovelace") {
		t.Errorf("plain page lacks the list:\n%s", plain.Body.String())
	}
	if !strings.Contains(plain.Header().Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type %q", plain.Header().Get("Content-Type"))
	}
}

// Each language has its own page: a French visitor after an English one reads French.
func TestVisitorPagesPerLanguage(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	a := newApp(t, s, handlers.Config{})
	en := a.get("/signatories", "Accept-Language", "en")
	fr := a.get("/signatories", "Accept-Language", "fr")
	if en.Body.String() == fr.Body.String() {
		t.Fatal("the French visitor got the English page")
	}
	if !strings.Contains(fr.Body.String(), `lang="fr"`) {
		t.Errorf("French page without lang=\"fr\"")
	}
}

// warmUp asks for the home page once: a server keeps no page until its first summary of the
// registry is computed, which the home page does.
func warmUp(a *app) {
	a.t.Helper()
	if rec := a.get("/"); rec.Code != http.StatusOK {
		a.t.Fatalf("GET / = %d", rec.Code)
	}
}

// While a backlog of badges is signed, a profile is kept until its own badges change: the
// badge signed for a newcomer renders the newcomer's pages again (their badge shows at once)
// and nobody else's. Before, every badge signed anywhere rendered every profile again, and a
// backlog of 100,000 badges kept the profiles from ever being served from memory.
func TestProfilesKeptWhileOthersBadgesAreSigned(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		w, err := issuer.NewWorker(s, keys, "http://localhost:8080", discardLogger())
		if err != nil {
			t.Fatal(err)
		}
		drain(t, w)
		m := metrics.New(metrics.Sources{})
		e, _, err := handlers.New(handlers.Deps{Store: s, Logger: discardLogger(), Keys: keys, Metrics: m,
			Config: handlers.Config{BaseURL: "http://localhost:8080"}})
		if err != nil {
			t.Fatal(err)
		}
		scrape := httptest.NewServer(m.Handler())
		defer scrape.Close()
		renders := func() float64 { return testutil.Scrape(t, scrape.URL, "")["registry_page_cache_misses_total"] }
		a := &app{t: t, e: e, store: s}
		warmUp(a)

		// A newcomer signs: the registry changed, so every page is rendered again once.
		load(t, s, `{"type":"signatory","ref":"neo","kind":"person","name":"Neo Newcomer","country":"PT","signed_at":"2024-07-01T10:00:00Z"}`)
		zoe := []string{"/signatories/" + id("zoe"), "/api/v1/signatories/" + id("zoe")}
		neo := []string{"/signatories/" + id("neo"), "/api/v1/signatories/" + id("neo")}
		before := map[string]string{}
		for _, p := range append(zoe, neo...) {
			before[p] = a.get(p).Body.String()
		}
		if !strings.Contains(before[neo[1]], `"credentials":[]`) {
			t.Fatalf("the newcomer has a badge before it was signed:\n%s", before[neo[1]])
		}
		for _, p := range zoe {
			a.get(p)
		}
		kept := renders()

		drain(t, w) // the newcomer's Signatory badge, and nobody else's
		for _, p := range zoe {
			if rec := a.get(p); rec.Body.String() != before[p] {
				t.Errorf("GET %s changed with the newcomer's badge", p)
			}
		}
		if r := renders(); r != kept {
			t.Errorf("Zoé's pages were rendered %v more times after somebody else's badge was signed, want 0 (kept)", r-kept)
		}
		if page := a.get(neo[0]).Body.String(); page == before[neo[0]] || !strings.Contains(page, "/credentials/") {
			t.Errorf("the newcomer's profile does not show their new badge:\n%s", page)
		}
		if api := a.get(neo[1]).Body.String(); strings.Contains(api, `"credentials":[]`) {
			t.Errorf("the newcomer's API entry does not show their new badge:\n%s", api)
		}
	})
}
