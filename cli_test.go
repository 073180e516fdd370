package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// contractExample is the example of interfaces.md ("JSONL records"), verbatim.
const contractExample = `{"type":"signatory","ref":"s1","kind":"person","name":"Ada Example","email":"ada@example.org","country":"IT","city":"Bologna","affiliation":"University of Bologna","website":"https://ada.example","statement":"Markdown","visibility":{"city":"public","statement":"public"},"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"o1","kind":"organisation","name":"Example University","representative":"Jean Martin","role":"Rector","email":"rector@uni.example","country":"FR","city":"Caen","signed_at":"2024-05-02T09:00:00Z"}
{"type":"seed","ref":"s1"}
{"type":"endorsement","from":"s1","to":"o1","level":"advocate","status":"accepted","comment":"Markdown","created_at":"2024-06-01T12:00:00Z"}
`

// cliResult is what one run of the program left behind.
type cliResult struct {
	code           int
	stdout, stderr string
	err            error
}

// mapEnv gives run an environment of its own, so that the real one does not leak in.

// runCLI runs the program as main does, with env as its whole environment and stdin as input.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, mapEnv(env), strings.NewReader(stdin), &stdout, &stderr)
	code := exitCode(err, &stderr)
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustRun runs the program and fails the test unless it exits with status 0.
func mustRun(t *testing.T, args ...string) cliResult {
	t.Helper()
	r := runCLI(t, nil, "", args...)
	if r.code != 0 {
		t.Fatalf("registry %s: exit %d, want 0\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// wantExit fails the test unless the run exited with code.
func (r cliResult) wantExit(t *testing.T, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("registry %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
}

// place is a database and an issuer key folder of a test.
type place struct {
	dir, db, keys string
}

// newSQLite gives a test a SQLite file (not created yet) and a key folder in a temporary folder.
func newSQLite(t *testing.T) place {
	t.Helper()
	dir := t.TempDir()
	return place{dir: dir, db: filepath.Join(dir, "registry.db"), keys: filepath.Join(dir, "keys")}
}

// newPostgres gives a test a fresh PostgreSQL schema; it skips when no server is configured.
func newPostgres(t *testing.T) place {
	t.Helper()
	u := testutil.PostgresURL(t)
	dir := t.TempDir()
	return place{dir: dir, db: u, keys: filepath.Join(dir, "keys")}
}

// engines runs fn on a fresh SQLite file and, when REGISTRY_TEST_POSTGRES is set, on PostgreSQL.
func engines(t *testing.T, fn func(t *testing.T, p place)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, newSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newPostgres(t)) })
}

// flags are the flags that point a command at this place.
func (p place) flags() []string { return []string{"--db", p.db, "--keys", p.keys} }

// args puts the command first and this place's flags after it.
func (p place) args(args ...string) []string {
	return append(append([]string{}, args...), p.flags()...)
}

// run runs a command on this place and requires exit 0.
func (p place) run(t *testing.T, args ...string) cliResult {
	t.Helper()
	return mustRun(t, p.args(args...)...)
}

// store opens the place's database directly, for checks.
func (p place) store(t *testing.T) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), p.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// count returns the number of rows of a table, through a connection of its own.
func (p place) count(t *testing.T, table string) int64 {
	t.Helper()
	s, err := models.Open(context.Background(), p.db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int64
	if err := s.DB.Table(table).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// export runs export (public, or full) to stdout and returns its lines.
func (p place) export(t *testing.T, full bool) []string {
	t.Helper()
	args := []string{"export"}
	if full {
		args = append(args, "--full")
	}
	return jsonLines(t, p.run(t, args...).stdout)
}

// writeFile writes a file in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonLines splits JSONL output into lines, checking that each is a JSON object.
func jsonLines(t *testing.T, out string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("export line is not a JSON object: %v\n%s", err, l)
		}
		lines = append(lines, l)
	}
	return lines
}

// record decodes one JSONL line.
func record(t *testing.T, line string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(line), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// comparable drops what legitimately differs between two dumps of the same registry: the
// header's exported_at and, when dropAudit is set, the audit log.
func comparable(t *testing.T, lines []string, dropAudit bool) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		v := record(t, l)
		switch v["type"] {
		case "header":
			delete(v, "exported_at")
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			l = string(b)
		case "audit":
			if dropAudit {
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// sameLines fails the test when two exports differ, showing up to five differing lines by the
// fields that differ.
func sameLines(t *testing.T, what string, want, got []string) {
	t.Helper()
	var diffs []string
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w == g {
			continue
		}
		if len(diffs) == 5 {
			diffs = append(diffs, "…")
			break
		}
		diffs = append(diffs, fmt.Sprintf("line %d: %s", i+1, lineDiff(w, g)))
	}
	if len(diffs) > 0 {
		t.Fatalf("%s: %d lines vs %d, differences:\n%s", what, len(want), len(got), strings.Join(diffs, "\n"))
	}
}

// lineDiff names the fields in which two JSON lines differ.
func lineDiff(want, got string) string {
	var w, g map[string]any
	if json.Unmarshal([]byte(want), &w) != nil || json.Unmarshal([]byte(got), &g) != nil {
		return fmt.Sprintf("want %.200s\n   got  %.200s", want, got)
	}
	var parts []string
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	sorted := slices.Sorted(maps.Keys(keys))
	for _, k := range sorted {
		wv, _ := json.Marshal(w[k])
		gv, _ := json.Marshal(g[k])
		if string(wv) != string(gv) {
			parts = append(parts, fmt.Sprintf("%s: want %.120s, got %.120s", k, wv, gv))
		}
	}
	return fmt.Sprintf("type %v: %s", w["type"], strings.Join(parts, "; "))
}

// linesOfType keeps the lines of one record type.
func linesOfType(t *testing.T, lines []string, typ string) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		if record(t, l)["type"] == typ {
			out = append(out, l)
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}

// ---------------------------------------------------------------------------------------------

// Flags mean the same before or after the command and its argument, and in the --flag=value form.
func TestFlagPositionsMeanTheSame(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "members.jsonl", contractExample)
	variants := [][]string{
		{"import", file, "--db", filepath.Join(dir, "a.db")},
		{"--db", filepath.Join(dir, "b.db"), "import", file},
		{"--db=" + filepath.Join(dir, "c.db"), "import", file},
		{"import", "--db=" + filepath.Join(dir, "d.db"), file},
		{"import", file, "-db", filepath.Join(dir, "e.db")},
	}
	var first []string
	for i, args := range variants {
		args = append(args, "--keys", filepath.Join(dir, "keys"))
		r := mustRun(t, args...)
		if !strings.Contains(r.stdout, "imported 2 signatories") {
			t.Fatalf("%v: stdout = %q", args, r.stdout)
		}
		db := filepath.Join(dir, string(rune('a'+i))+".db")
		p := place{dir: dir, db: db, keys: filepath.Join(dir, "keys")}
		if n := p.count(t, "signatories"); n != 2 {
			t.Fatalf("%v: %d signatories in %s, want 2", args, n, db)
		}
		got := comparable(t, p.export(t, false), false)
		if first == nil {
			first = got
			continue
		}
		sameLines(t, strings.Join(args, " "), first, got)
	}
	// A flag of the command itself works on either side of its argument too.
	for _, args := range [][]string{
		{"import", "--source", "club", file, "--db", filepath.Join(dir, "f.db")},
		{"--source=club", "--db", filepath.Join(dir, "g.db"), "import", file},
	} {
		mustRun(t, append(args, "--keys", filepath.Join(dir, "keys"))...)
	}
	for _, db := range []string{"f.db", "g.db"} {
		p := place{dir: dir, db: filepath.Join(dir, db), keys: filepath.Join(dir, "keys")}
		lines := p.export(t, false)
		if !strings.Contains(strings.Join(lines, "\n"), models.SignatoryID("club", "s1")) {
			t.Fatalf("%s: --source club was not used for the ids:\n%s", db, strings.Join(lines, "\n"))
		}
	}
}

// Usage errors exit with status 2 and a usage line, and touch no database.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want []string // substrings of stderr
	}{
		{"unknown flag", nil, []string{"migrate", "--bogus"}, []string{"bogus", "usage: registry"}},
		{"unknown flag before the command", nil, []string{"--bogus", "migrate"}, []string{"bogus", "usage: registry"}},
		{"unknown flag with a value", nil, []string{"export", "--colour=red"}, []string{"colour", "usage: registry"}},
		{"flag of another command", nil, []string{"export", "--signatories", "3"}, []string{"signatories", "usage: registry"}},
		{"stray argument", nil, []string{"migrate", "extra"}, []string{"extra", "usage: registry"}},
		{"stray argument after flags", nil, []string{"export", "--full", "extra"}, []string{"extra", "usage: registry"}},
		{"second file", nil, []string{"import", "a.jsonl", "b.jsonl"}, []string{"b.jsonl", "usage: registry"}},
		{"missing file argument", nil, []string{"import"}, []string{"usage: registry"}},
		{"missing backup argument", nil, []string{"backup"}, []string{"usage: registry"}},
		{"unknown command", nil, []string{"frobnicate"}, []string{"frobnicate", "usage: registry"}},
		{"flag without its value", nil, []string{"migrate", "--addr"}, []string{"addr", "usage: registry"}},
		{"bad number", nil, []string{"demo", "--signatories", "many"}, []string{"signatories", "usage: registry"}},
		{"demo without --signatories", nil, []string{"demo"}, []string{"--signatories"}},
		{"demo with zero signatories", nil, []string{"demo", "--signatories", "0"}, []string{"--signatories"}},
		{"bad base URL", nil, []string{"migrate", "--base-url", "ftp://registry.example.org"}, []string{"--base-url"}},
		{"relative base URL", nil, []string{"migrate", "--base-url=registry.example.org"}, []string{"--base-url"}},
		{"base URL with a query", nil, []string{"migrate", "--base-url", "https://registry.example.org/?x=1"}, []string{"--base-url"}},
		{"bad rate limit", nil, []string{"migrate", "--rate-limit", "fast"}, []string{"--rate-limit"}},
		{"negative rate limit", nil, []string{"migrate", "--rate-limit=-5/s"}, []string{"--rate-limit"}},
		{"bad trusted proxy", nil, []string{"migrate", "--trusted-proxies", "10.0.0.0/8,not-a-cidr"}, []string{"--trusted-proxies"}},
		{"bad trusted proxy prefix", nil, []string{"migrate", "--trusted-proxies", "10.0.0.0/33"}, []string{"--trusted-proxies"}},
		{"bad base URL from the environment", map[string]string{"REGISTRY_BASE_URL": "localhost:8080"}, []string{"migrate"}, []string{"--base-url"}},
		{"bad rate limit from the environment", map[string]string{"REGISTRY_RATE_LIMIT": "lots"}, []string{"migrate"}, []string{"--rate-limit"}},
		{"bad proxies from the environment", map[string]string{"REGISTRY_TRUSTED_PROXIES": "300.1.1.1"}, []string{"serve"}, []string{"--trusted-proxies"}},
		{"bad issuer e-mail", nil, []string{"migrate", "--issuer-email", "registry"}, []string{"--issuer-email"}},
		{"issuer e-mail with a name", nil, []string{"serve", "--issuer-email", "Registry <badges@registry.example>"}, []string{"--issuer-email"}},
		{"bad issuer e-mail from the environment", map[string]string{"REGISTRY_ISSUER_EMAIL": "@registry.example"}, []string{"serve"}, []string{"--issuer-email"}},
		{"SMTP URL of another scheme", nil, []string{"serve", "--smtp-url", "https://mail.example.org"}, []string{"--smtp-url"}},
		{"SMTP URL without a host", map[string]string{"REGISTRY_SMTP_URL": "smtp://"}, []string{"serve"}, []string{"--smtp-url"}},
		{"bad mail sender", nil, []string{"serve", "--smtp-url", "smtp://127.0.0.1:25", "--mail-from", "registry"}, []string{"--mail-from"}},
		{"bad mail sender from the environment", map[string]string{"REGISTRY_SMTP_URL": "smtp://127.0.0.1:25", "REGISTRY_MAIL_FROM": "@x"}, []string{"serve"}, []string{"--mail-from"}},
		{"bad mail interval", nil, []string{"serve", "--mail-interval", "hourly"}, []string{"--mail-interval"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newSQLite(t)
			args := append(p.flags(), c.args...)
			r := runCLI(t, c.env, "", args...)
			r.wantExit(t, 2, args...)
			var ue *usageError
			if !errors.As(r.err, &ue) {
				t.Fatalf("error %T %v is not a usage error", r.err, r.err)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
			if !strings.Contains(r.stderr, "usage:") {
				t.Errorf("stderr has no usage line:\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if exists(p.db) {
				t.Errorf("a usage error created the database %s", p.db)
			}
		})
	}
}

// Every command explains itself with --help, wherever the flag is, and exits with status 0.
func TestHelpOnEveryCommand(t *testing.T) {
	own := map[string][]string{
		"import": {"-source"},
		"export": {"-full", "-output", "-o "},
		"demo":   {"-signatories", "-endorsements", "-random-seed"},
		"tiers":  {"-verify"},
	}
	global := []string{"-db", "-addr", "-base-url", "-keys", "-dev-login", "-declarations", "-trusted-proxies",
		"-rate-limit", "-tile-url", "-advocate-capacities", "-ambassador-capacities", "-change-base-url", "-issuer-email"}
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "--help"}, {"--help", c.name}, {c.name, "-h"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				p := newSQLite(t)
				all := append(args, p.flags()...)
				r := runCLI(t, nil, "", all...)
				r.wantExit(t, 0, all...)
				out := r.stdout + r.stderr
				if !strings.Contains(out, "usage: registry "+c.name) {
					t.Errorf("help does not show the usage of %s; it begins: %q", c.name, firstLine(out))
				}
				for _, f := range append(append([]string{}, global...), own[c.name]...) {
					if !strings.Contains(out, f) {
						t.Errorf("help of %s does not list %s; it begins: %q", c.name, f, firstLine(out))
					}
				}
				if exists(p.db) {
					t.Errorf("--help created the database")
				}
			})
		}
	}
	// Help lists only the command's own flags besides the global ones.
	r := runCLI(t, nil, "", "migrate", "--help")
	if strings.Contains(r.stderr, "-signatories") || strings.Contains(r.stderr, "-full") {
		t.Errorf("help of migrate lists flags of other commands:\n%s", r.stderr)
	}
	// With no command, --help is the help of serve, the default command.
	r = runCLI(t, nil, "", "--help")
	r.wantExit(t, 0, "--help")
	if !strings.Contains(r.stderr, "usage: registry serve") || !strings.Contains(r.stderr, "-addr") {
		t.Errorf("registry --help:\n%s", r.stderr)
	}
}

// Environment variables give the defaults; flags override them.
func TestEnvironmentDefaultsAndFlagOverrides(t *testing.T) {
	dir := t.TempDir()
	envDB := filepath.Join(dir, "env", "registry.db")
	flagDB := filepath.Join(dir, "flag", "registry.db")
	env := map[string]string{"REGISTRY_DB": envDB, "REGISTRY_KEYS": filepath.Join(dir, "keys"), "REGISTRY_BASE_URL": "https://env.example.org"}

	r := runCLI(t, env, "", "migrate")
	r.wantExit(t, 0, "migrate")
	if !exists(envDB) {
		t.Fatalf("REGISTRY_DB=%s was not used: no database there", envDB)
	}
	r = runCLI(t, env, "", "migrate", "--db", flagDB)
	r.wantExit(t, 0, "migrate --db")
	if !exists(flagDB) {
		t.Fatalf("--db %s did not override REGISTRY_DB", flagDB)
	}

	// The base URL names the registry in the export's header.
	header := func(r cliResult) map[string]any {
		t.Helper()
		lines := jsonLines(t, r.stdout)
		if len(lines) == 0 {
			t.Fatalf("empty export; stderr: %s", r.stderr)
		}
		return record(t, lines[0])
	}
	r = runCLI(t, env, "", "export")
	r.wantExit(t, 0, "export")
	if h := header(r); h["source"] != "https://env.example.org" {
		t.Errorf("REGISTRY_BASE_URL not used: header %v", h)
	}
	r = runCLI(t, env, "", "export", "--base-url", "https://flag.example.org")
	r.wantExit(t, 0, "export --base-url")
	if h := header(r); h["source"] != "https://flag.example.org" {
		t.Errorf("--base-url did not override REGISTRY_BASE_URL: header %v", h)
	}

	// A valid flag overrides a bad environment value, which is then never looked at.
	bad := map[string]string{"REGISTRY_DB": envDB, "REGISTRY_BASE_URL": "nonsense", "REGISTRY_RATE_LIMIT": "lots"}
	r = runCLI(t, bad, "", "migrate", "--base-url", "http://localhost:8080", "--rate-limit", "off")
	r.wantExit(t, 0, "migrate with overriding flags")
}

// migrate creates the schema and the declaration texts, and running it again changes nothing.
func TestMigrate(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		r := p.run(t, "migrate")
		if !strings.Contains(r.stdout, "up to date") {
			t.Errorf("stdout = %q", r.stdout)
		}
		if n := p.count(t, "declarations"); n == 0 {
			t.Fatal("migrate published no declaration text")
		}
		if n := p.count(t, "signatories"); n != 0 {
			t.Fatalf("%d signatories in a new registry", n)
		}
		before := comparable(t, p.export(t, true), false)
		r = p.run(t, "migrate")
		if strings.Contains(r.stderr, "migrations applied") {
			t.Errorf("second migrate applied migrations again:\n%s", r.stderr)
		}
		after := comparable(t, p.export(t, true), false)
		sameLines(t, "full export after a second migrate", before, after)
		// The default command, serve, is not what a stray word runs.
		if r := runCLI(t, nil, "", p.args("migrate", "now")...); r.code != 2 {
			t.Errorf("migrate now: exit %d, want 2", r.code)
		}
	})
}

var lineMessage = regexp.MustCompile(`^line (\d+): \S`)

func TestNewDatabaseIsOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sub", "registry.db")
	if err := run(context.Background(), []string{"migrate", "--db", db}, mapEnv(nil), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("new database mode %v, want 0600", st.Mode().Perm())
	}
}

func TestBackupAndExportRefuseAMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "typo", "registry.db")
	for _, args := range [][]string{{"export", "--db", db}, {"backup", filepath.Join(dir, "b.db"), "--db", db}} {
		var stderr bytes.Buffer
		err := run(context.Background(), args, mapEnv(nil), nil, io.Discard, &stderr)
		if code := exitCode(err, &stderr); code != 1 || !strings.Contains(stderr.String(), "does not exist") {
			t.Fatalf("%v: exit %d, %q", args, code, stderr.String())
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("%v created the database", args)
		}
	}
}

func TestAdminCommand(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "migrate")
		s := p.store(t)
		acc, err := s.Login(t.Context(), models.LoginIdentity{Provider: "dev", Subject: "ada@example.org", Email: "ada@example.org", EmailVerified: true, Name: "Ada"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := p.run(t, "admin", "grant", "Ada@Example.org")
		if !strings.Contains(r.stdout, "now an administrator") {
			t.Errorf("grant: %q", r.stdout)
		}
		if ok, _ := s.IsAdmin(t.Context(), acc.ID); !ok {
			t.Error("admin grant by e-mail did not grant the role")
		}
		if r := p.run(t, "admin", "grant", acc.PublicID); !strings.Contains(r.stdout, "already") {
			t.Errorf("second grant: %q", r.stdout)
		}
		p.run(t, "admin", "revoke", acc.PublicID)
		if ok, _ := s.IsAdmin(t.Context(), acc.ID); ok {
			t.Error("admin revoke by id did not revoke the role")
		}
		args := p.args("admin", "grant", "nobody@example.org")
		r = runCLI(t, nil, "", args...)
		r.wantExit(t, 1, args...)
		if !strings.Contains(r.stderr, "nobody@example.org") {
			t.Errorf("unknown account: %q", r.stderr)
		}
		args = p.args("admin", "promote", "ada@example.org")
		runCLI(t, nil, "", args...).wantExit(t, 2, args...)
	})
}
