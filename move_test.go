package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/testutil"
)

// trustComputedLine is the trust page's line saying when the tiers were computed.
var trustComputedLine = regexp.MustCompile(`(?s)<p class="hint" id="trust-computed">.*?</p>`)

// fetchAll reads paths from a running server, failing the test unless each answers 200.
func fetchAll(t *testing.T, s *server, paths []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range paths {
		res, body := s.get(t, p)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
		out[p] = body
	}
	return out
}

// The move README's "When to move to PostgreSQL" describes, command by command: a SQLite
// registry with its badges issued is exported whole, imported into PostgreSQL, and served from
// there with the same issuer keys; every page, the API and the credentials read the same, and a
// credential verifies with the key it was signed with before the move.
func TestMoveToPostgres(t *testing.T) {
	requirePostgres(t)
	from := newSQLite(t)
	from.run(t, "demo", "--signatories", "300", "--endorsements", "1500", "--random-seed", "7")
	drainBadges(t, from)

	serve := func(p place) *server {
		t.Helper()
		s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
		if s.exited {
			t.Fatalf("serve --db %s did not start: %v\n%s", p.db, s.err, s.stderr)
		}
		return s
	}
	before := serve(from)
	settle(t, from.store(t))

	// What to compare: the lists, an Ambassador's profile and trust page, their badges.
	var page struct {
		Items []struct{ ID, Name string }
	}
	_, list := before.get(t, "/api/v1/signatories?tier=ambassador&limit=5")
	if err := json.Unmarshal([]byte(list), &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("no Ambassador in the demo registry: %v %s", err, list)
	}
	id := page.Items[0].ID
	_, one := before.get(t, "/api/v1/signatories/"+id)
	var profile struct {
		Credentials []struct{ Type, URL string }
	}
	if err := json.Unmarshal([]byte(one), &profile); err != nil || len(profile.Credentials) == 0 {
		t.Fatalf("the Ambassador %s has no badge: %v %s", page.Items[0].Name, err, one)
	}
	var badge string
	for _, c := range profile.Credentials {
		if c.Type == "ambassador" {
			badge = strings.TrimPrefix(c.URL, "http://localhost:8080")
		}
	}
	if badge == "" {
		t.Fatalf("the Ambassador holds no Ambassador badge: %s", one)
	}
	paths := []string{"/", "/signatories", "/signatories?country=IT", "/signatories/" + id, "/signatories/" + id + "/trust",
		"/api/v1/signatories", "/api/v1/signatories?tier=advocate", "/api/v1/signatories/" + id, "/api/v1/stats", "/map.json",
		badge, badge + ".json", "/.well-known/did.json"}
	want := fetchAll(t, before, paths)
	if err := before.stop(t); err != nil {
		t.Fatal(err)
	}

	// The move: a full export, the keys copied, migrate and import on PostgreSQL, serve.
	dump := filepath.Join(from.dir, "registry-full.jsonl")
	from.run(t, "export", "--full", "--output", dump)
	to := newPostgres(t)
	if err := copyDir(from.keys, to.keys); err != nil {
		t.Fatal(err)
	}
	to.run(t, "migrate")
	if r := to.run(t, "import", dump); !strings.Contains(r.stdout, "imported 300 signatories") {
		t.Errorf("import of the dump: %q", r.stdout)
	}
	sameLines(t, "full export after the move", comparable(t, from.export(t, true), true), comparable(t, to.export(t, true), true))
	// The unsubscribe links of messages sent before the move keep working.
	oldKey, err := from.store(t).MailSecret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if newKey, err := to.store(t).MailSecret(t.Context()); err != nil || !bytes.Equal(oldKey, newKey) {
		t.Errorf("the key of the unsubscribe links did not move (%v)", err)
	}

	after := serve(to)
	settle(t, to.store(t))
	got := fetchAll(t, after, paths)
	// The new server computes the tiers again at its first start: the same tiers, a new time.
	for _, pages := range []map[string]string{want, got} {
		for p, body := range pages {
			pages[p] = trustComputedLine.ReplaceAllString(body, "")
		}
	}
	for _, p := range paths {
		if got[p] != want[p] {
			i := 0
			for i < len(want[p]) && i < len(got[p]) && want[p][i] == got[p][i] {
				i++
			}
			from := max(0, i-200)
			t.Errorf("GET %s differs after the move, at byte %d:\nSQLite:     …%.400s\nPostgreSQL: …%.400s", p, i, want[p][from:], got[p][from:])
		}
	}
	if a, b := from.scalar(t, "SELECT COUNT(*) FROM credentials"), to.scalar(t, "SELECT COUNT(*) FROM credentials"); a != b {
		t.Errorf("%d credentials on SQLite, %d once served from PostgreSQL: badges issued again", a, b)
	}

	// The badge as PostgreSQL serves it verifies with the key it was signed with on SQLite.
	var doc map[string]any
	if err := json.Unmarshal([]byte(got[badge+".json"]), &doc); err != nil {
		t.Fatal(err)
	}
	keys, err := issuer.OpenKeys(from.keys)
	if err != nil {
		t.Fatal(err)
	}
	did, err := issuer.DID("http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := issuer.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.Verify(doc, keys.All(), did); err != nil {
		t.Errorf("the moved badge does not verify with the registry's key: %v", err)
	}
	t.Run("independent verifier", func(t *testing.T) {
		verify := testutil.Verifier(t)
		var didDoc, status map[string]any
		json.Unmarshal([]byte(got["/.well-known/did.json"]), &didDoc)
		if st, ok := doc["credentialStatus"].(map[string]any); ok {
			u := strings.TrimPrefix(st["statusListCredential"].(string), "http://localhost:8080")
			res, body := after.get(t, u)
			if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &status) != nil {
				t.Fatalf("status list %s: %d", u, res.StatusCode)
			}
		}
		if v := verify(doc, didDoc, status); !v.Verified {
			t.Errorf("the moved badge does not verify: %+v", v)
		}
	})
}
