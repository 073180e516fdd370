package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// visitorBrowser is someone who has not logged in, with cookies.
func visitorBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// requirePostgres fails under CI, where PostgreSQL must be there, and skips elsewhere.
func requirePostgres(t *testing.T) {
	t.Helper()
	if os.Getenv(testutil.PostgresEnv) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", testutil.PostgresEnv)
		}
		t.Skipf("%s not set: skipping the PostgreSQL test", testutil.PostgresEnv)
	}
}

// changeCount reads a database's change counter.
// changeCount is the count a replica's lag is measured by: every change a page can show.
func changeCount(t *testing.T, s *models.Store) int64 {
	t.Helper()
	n, err := s.PageCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// settle waits until nothing has changed in the database for a while: the server's background
// work after a signature (badge, tiers, places) is done.
func settle(t *testing.T, s *models.Store) {
	t.Helper()
	last, since := changeCount(t, s), time.Now()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if n := changeCount(t, s); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) > 3*time.Second {
			return
		}
	}
	t.Fatal("the primary kept changing for a minute")
}

// A second PostgreSQL schema stands in for the replica: a signatory only it holds shows where
// a read went.
func TestReadReplicas(t *testing.T) {
	requirePostgres(t)
	primary, replica := newPostgres(t), newPostgres(t)
	primary.run(t, "migrate")
	replica.run(t, "migrate")
	primary.run(t, "import", writeFile(t, primary.dir, "primary.jsonl",
		`{"type":"signatory","ref":"p","kind":"person","name":"Paula Primary","email":"paula@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`+"\n"))
	replica.run(t, "import", writeFile(t, replica.dir, "replica.jsonl",
		`{"type":"signatory","ref":"r","kind":"person","name":"Rita Replica","email":"rita@example.org","country":"FR","signed_at":"2024-05-01T10:00:00Z"}`+"\n"))
	ps, rs := primary.store(t), replica.store(t)
	rita := publicID(t, rs, "Rita Replica")

	srv := startServe(t, nil, "serve", "--db", primary.db, "--db-replica", replica.db, "--keys", primary.keys,
		"--addr", "127.0.0.1:0", "--dev-login", "--rate-limit", "off", "--metrics-token", "replica-test-token-0123")
	if srv.exited {
		t.Fatalf("serve with a replica did not start: %v\n%s", srv.err, srv.stderr)
	}
	base := "http://" + srv.addr
	readsFrom := func(who string, b *browser, path, want, not string) {
		t.Helper()
		res, body := b.get(path)
		if code := res.StatusCode; code != http.StatusOK || !strings.Contains(body, want) || strings.Contains(body, not) {
			t.Errorf("%s GET %s: %d; want %q in it and not %q (read from the wrong database)", who, path, code, want, not)
		}
	}

	// The operator sees the replica's pool beside the primary's.
	m := testutil.Scrape(t, base+"/metrics", "Bearer replica-test-token-0123")
	for _, pool := range []string{"primary", "replica1"} {
		if m[testutil.Series("registry_db_connections_max_open", "pool", pool)] == 0 {
			t.Errorf("no pool %s in the metrics", pool)
		}
	}

	// A visitor reads the replica.
	visitor := visitorBrowser(t, base)
	for _, path := range []string{"/api/v1/signatories", "/signatories", "/signatories?q=rita", "/api/v1/signatories/" + rita} {
		readsFrom("a visitor", visitor, path, "Rita Replica", "Paula Primary")
	}
	readsFrom("a visitor", visitor, "/signatories/"+rita, "Rita Replica", "Paula Primary")

	// A signed-in person reads the primary, and what they write lands there.
	mona := devBrowser(t, base, "Mona Member", "mona@example.org")
	readsFrom("a signed-in person", mona, "/signatories", "Paula Primary", "Rita Replica")
	readsFrom("a signed-in person", mona, "/api/v1/signatories", "Paula Primary", "Rita Replica")
	signAs(mona, "Mona Member")
	monaID := publicID(t, ps, "Mona Member")
	var onReplica int64
	rs.DB.Raw("SELECT count(*) FROM signatories WHERE name = 'Mona Member'").Scan(&onReplica)
	if onReplica != 0 {
		t.Error("the signature reached the replica")
	}
	readsFrom("the person who just signed", mona, "/signatories/"+monaID, "Mona Member", "Rita Replica")

	// Signed out, the browser that just wrote still reads the primary for a few seconds: its
	// own change shows at once.
	if res := mona.submit("/account", "/logout", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res, _ := mona.get("/account"); res.Request.URL.Path == "/account" && res.StatusCode == http.StatusOK {
		t.Fatal("still signed in after logging out")
	}
	readsFrom("the browser that just wrote, signed out", mona, "/signatories", "Mona Member", "Rita Replica")
	readsFrom("the browser that just wrote, signed out", mona, "/api/v1/signatories/"+monaID, "Mona Member", "Rita Replica")
	// Anyone else still reads the replica, which does not have it (a page the browser above
	// had rendered from the primary is served to visitors from memory: it is the current one).
	readsFrom("a visitor", visitorBrowser(t, base), "/signatories?limit=20", "Rita Replica", "Mona Member")

	// A page read from a replica behind the primary is never kept as the current page: the
	// replica's next state shows at once although the primary has not changed.
	settle(t, ps)
	if p, r := changeCount(t, ps), changeCount(t, rs); r >= p {
		t.Fatalf("the replica's change counter %d is not behind the primary's %d", r, p)
	}
	profile := "/signatories/" + rita
	visitor.get(profile)
	time.Sleep(1200 * time.Millisecond) // the summary catches up with the primary
	visitor.get(profile)
	rename := func(name string) {
		t.Helper()
		// Behind the counter's back: only a page rendered again can show it.
		if err := rs.DB.Exec("UPDATE signatories SET name = ? WHERE public_id = ?", name, rita).Error; err != nil {
			t.Fatal(err)
		}
	}
	rename("Rita Renamed")
	readsFrom("a visitor, the replica behind", visitor, profile, "Rita Renamed", "Rita Replica")

	// Once the replica has caught up, its pages are kept like the primary's.
	for i := 0; changeCount(t, rs) <= changeCount(t, ps); i++ {
		if i > 500 {
			t.Fatal("the replica's change counter does not move")
		}
		testutil.Load(t, rs, fmt.Sprintf(`{"type":"signatory","ref":"f%d","kind":"person","name":"Filler %d","email":"f%d@example.org","country":"DE","signed_at":"2020-01-01T10:00:00Z"}`+"\n", i, i, i))
	}
	readsFrom("a visitor, the replica caught up", visitor, profile, "Rita Renamed", "Rita Replica")
	rename("Rita Twice")
	readsFrom("a visitor, the page kept", visitor, profile, "Rita Renamed", "Rita Twice")
	if p := changeCount(t, ps); p >= changeCount(t, rs) {
		t.Fatalf("the primary changed meanwhile (%d): the check above proves nothing", p)
	}

	// A replica that fails leaves visitors on the primary.
	u, err := url.Parse(replica.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.DB.Exec("DROP SCHEMA " + u.Query().Get("search_path") + " CASCADE").Error; err != nil {
		t.Fatal(err)
	}
	readsFrom("a visitor, the replica gone", visitorBrowser(t, base), "/api/v1/signatories?limit=7", "Paula Primary", "Rita")
	if !strings.Contains(srv.stderr.String(), "read replica does not answer") {
		t.Error("no warning in the log about the replica that failed")
	}
}

// Replicas are PostgreSQL databases of a PostgreSQL primary: anything else is a usage error.
func TestReadReplicaFlags(t *testing.T) {
	dir := t.TempDir()
	sqlite := filepath.Join(dir, "registry.db")
	pg := "postgres://registry:secret@db.invalid:5432/registry"
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"serve", "--db", sqlite, "--db-replica", pg}, "--db-replica needs a PostgreSQL primary"},
		{map[string]string{"REGISTRY_DB_REPLICAS": pg}, []string{"serve", "--db", sqlite}, "--db-replica needs a PostgreSQL primary"},
		{nil, []string{"--db", pg, "--db-replica", pg, "--db-replica", filepath.Join(dir, "replica.db")}, "--db-replica: "},
		{map[string]string{"REGISTRY_DB_REPLICAS": pg + ",mysql://x"}, []string{"serve", "--db", pg}, `"mysql://x" is not a postgres:// URL`},
	}
	for _, c := range cases {
		r := runCLI(t, c.env, "", append(c.args, "--keys", filepath.Join(dir, "keys"))...)
		r.wantExit(t, 2, c.args...)
		if !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "secret") {
			t.Errorf("registry %s: stderr %q, want %q and no password", strings.Join(c.args, " "), r.stderr, c.want)
		}
	}
	if _, err := os.Stat(sqlite); err == nil {
		t.Error("a refused serve created the database")
	}
}
