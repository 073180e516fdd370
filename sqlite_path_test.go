package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A database reached through a symbolic link is the same database: a second server through
// the link is refused while the first runs, and restore through the link replaces the file,
// not the link.
func TestSQLiteThroughALink(t *testing.T) {
	p, public := withData(t)
	backup := filepath.Join(t.TempDir(), "good.db")
	p.run(t, "backup", backup)
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(p.db, link); err != nil {
		t.Fatal(err)
	}
	viaLink := place{dir: p.dir, db: link, keys: p.keys}

	first := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if first.exited {
		t.Fatalf("serve: %v\n%s", first.err, first.stderr)
	}
	second := startServe(t, nil, viaLink.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if !second.exited || second.err == nil || !strings.Contains(second.err.Error(), "in use") {
		t.Fatalf("a second server through a link to a database in use: exited %v, %v", second.exited, second.err)
	}
	args := viaLink.args("restore", backup)
	runCLI(t, nil, "", args...).wantExit(t, 1, args...)
	if err := first.stop(t); err != nil {
		t.Fatal(err)
	}

	viaLink.run(t, "restore", backup)
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("restore through a link replaced the link itself (%v)", err)
	}
	sameLines(t, "public export through the link after restore", public, comparable(t, viaLink.export(t, false), false))
	sameLines(t, "public export of the file after restore", public, comparable(t, p.export(t, false), false))
}

// --db takes a SQLite URI as well as a path; URI parameters are refused by name, never
// silently dropped.
func TestSQLiteURI(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	for _, db := range []string{"file:" + filepath.Join(dir, "a.db"), "file://" + filepath.Join(dir, "b.db"), "file://localhost" + filepath.Join(dir, "c.db")} {
		mustRun(t, "migrate", "--db", db, "--keys", keys)
		mustRun(t, "export", "--db", db, "--keys", keys)
		if _, err := os.Stat(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(db, "file:"), "//"), "localhost")); err != nil {
			t.Errorf("--db %s: the database file was not created there: %v", db, err)
		}
	}
	s := startServe(t, nil, "serve", "--db", "file:"+filepath.Join(dir, "a.db"), "--keys", keys, "--addr", "127.0.0.1:0")
	if s.exited {
		t.Fatalf("serve with a SQLite URI: %v\n%s", s.err, s.stderr)
	}
	if res, _ := s.get(t, "/healthz"); res.StatusCode != 200 {
		t.Errorf("healthz: %d", res.StatusCode)
	}
	for _, db := range []string{"file:" + filepath.Join(dir, "d.db") + "?mode=ro", "file://elsewhere.example/registry.db"} {
		args := []string{"migrate", "--db", db, "--keys", keys}
		r := runCLI(t, nil, "", args...)
		r.wantExit(t, 2, args...)
		if !strings.Contains(r.stderr, "--db") {
			t.Errorf("%s: the message does not name --db: %q", db, r.stderr)
		}
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, "d.db*")); len(entries) != 0 {
		t.Errorf("a refused --db left %v behind", entries)
	}
}
