package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/open-recognition/registry/handlers"
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
