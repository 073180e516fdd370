package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sqliteIntegrity runs PRAGMA integrity_check on a file and counts its signatories.
func sqliteIntegrity(t *testing.T, path string) (string, int64) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil {
		t.Fatalf("integrity_check of %s: %v", path, err)
	}
	var n int64
	if err := db.QueryRow("SELECT COUNT(*) FROM signatories").Scan(&n); err != nil {
		t.Fatalf("signatories of %s: %v", path, err)
	}
	return result, n
}

// fileState fingerprints a database file and tells whether its write-ahead log exists.
func fileState(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return string(sum[:]) + "|wal=" + map[bool]string{true: "yes", false: "no"}[exists(path+"-wal")]
}

// withData is a SQLite registry holding the contract's example, and its public export.
func withData(t *testing.T) (place, []string) {
	t.Helper()
	p := newSQLite(t)
	p.run(t, "import", writeFile(t, p.dir, "members.jsonl", privacyExample))
	return p, comparable(t, p.export(t, false), false)
}

func TestBackup(t *testing.T) {
	p, public := withData(t)
	if err := os.Mkdir(p.keys, 0o700); err != nil {
		t.Fatal(err)
	}
	key := []byte("-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n")
	if err := os.WriteFile(filepath.Join(p.keys, "issuer-1.pem"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	backupDir := t.TempDir()
	file := filepath.Join(backupDir, "registry-backup.db")
	r := p.run(t, "backup", file)
	if !strings.Contains(r.stdout, file) {
		t.Errorf("stdout does not name the backup: %q", r.stdout)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", st.Mode().Perm())
	}
	if result, n := sqliteIntegrity(t, file); result != "ok" || n != 4 {
		t.Errorf("backup: integrity %q, %d signatories; want ok, 4", result, n)
	}
	// The issuer keys are beside it, in a 0700 folder.
	st, err = os.Stat(file + ".keys")
	if err != nil {
		t.Fatalf("no %s.keys folder: %v", file, err)
	}
	if !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Errorf("%s.keys: %v, want a 0700 folder", file, st.Mode())
	}
	copied := filepath.Join(file+".keys", "issuer-1.pem")
	b, err := os.ReadFile(copied)
	if err != nil || !bytes.Equal(b, key) {
		t.Errorf("key copy: %q, %v", b, err)
	}
	if st, err := os.Stat(copied); err == nil && st.Mode().Perm() != 0o600 {
		t.Errorf("key copy mode %v, want 0600", st.Mode().Perm())
	}

	// A backup never overwrites a file.
	precious := writeFile(t, backupDir, "precious.db", "precious")
	args := p.args("backup", precious)
	runCLI(t, nil, "", args...).wantExit(t, 1, args...)
	if b, _ := os.ReadFile(precious); string(b) != "precious" {
		t.Errorf("backup overwrote an existing file: %q", b)
	}
	args = p.args("backup", file)
	runCLI(t, nil, "", args...).wantExit(t, 1, args...)
	if result, n := sqliteIntegrity(t, file); result != "ok" || n != 4 {
		t.Errorf("second backup to the same name spoilt the first: %q, %d", result, n)
	}

	// Restore into a new place gives the same registry.
	q := newSQLite(t)
	q.run(t, "restore", file)
	sameLines(t, "public export of the restored database", public, comparable(t, q.export(t, false), false))

	// Restore over an existing database replaces it.
	o := newSQLite(t)
	o.run(t, "import", writeFile(t, o.dir, "other.jsonl", contractExample))
	o.run(t, "restore", file)
	sameLines(t, "public export after restoring over another registry", public, comparable(t, o.export(t, false), false))
}

// Without a keys folder there is nothing to copy, and the backup still works.
func TestBackupWithoutKeys(t *testing.T) {
	p, _ := withData(t)
	file := filepath.Join(t.TempDir(), "b.db")
	p.run(t, "backup", file)
	if exists(file + ".keys") {
		t.Errorf("a keys folder was made from nothing")
	}
	if result, _ := sqliteIntegrity(t, file); result != "ok" {
		t.Errorf("integrity %q", result)
	}
}

// A backup is a consistent online copy: it works while the server runs.
func TestBackupWhileServing(t *testing.T) {
	p, public := withData(t)
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("serve: %v\n%s", s.err, s.stderr)
	}
	file := filepath.Join(t.TempDir(), "live.db")
	p.run(t, "backup", file)
	if result, n := sqliteIntegrity(t, file); result != "ok" || n != 4 {
		t.Errorf("backup while serving: %q, %d signatories", result, n)
	}
	// Restoring over the database of a running server is refused.
	before := fileState(t, p.db)
	args := p.args("restore", file)
	runCLI(t, nil, "", args...).wantExit(t, 1, args...)
	if after := fileState(t, p.db); after != before {
		t.Errorf("restore changed the database of a running server")
	}
	if resp, _ := s.get(t, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("GET /healthz after the refused restore: %d", resp.StatusCode)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	q := newSQLite(t)
	q.run(t, "restore", file)
	sameLines(t, "restored live backup", public, comparable(t, q.export(t, false), false))
}

func TestRestoreRefusals(t *testing.T) {
	p, public := withData(t)
	good := filepath.Join(t.TempDir(), "good.db")
	p.run(t, "backup", good)
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.db")
	if err := os.WriteFile(truncated, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	// Pages 2 and 3 scribbled over: b-tree pages in use, whatever the schema's size (free space
	// inside the first page, which holds the schema, is not checked by anyone).
	scribbled := bytes.Clone(raw)
	pageSize := int(binary.BigEndian.Uint16(raw[16:18]))
	for i := pageSize; i < len(scribbled) && i < 3*pageSize; i++ {
		scribbled[i] = 0xA5
	}
	corrupt := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(corrupt, scribbled, 0o600); err != nil {
		t.Fatal(err)
	}
	// A valid SQLite file that is not a registry.
	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite3", "file:"+foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello')"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	cases := map[string]string{
		"text file":   writeFile(t, dir, "notes.txt", "this is not a database\n"),
		"empty file":  writeFile(t, dir, "empty.db", ""),
		"truncated":   truncated,
		"corrupt":     corrupt,
		"not ours":    foreign,
		"no such one": filepath.Join(dir, "missing.db"),
	}
	for name, file := range cases {
		t.Run(name, func(t *testing.T) {
			before := fileState(t, p.db)
			args := p.args("restore", file)
			r := runCLI(t, nil, "", args...)
			r.wantExit(t, 1, args...)
			if after := fileState(t, p.db); after != before {
				t.Errorf("a refused restore changed the database file")
			}
			if exists(p.db + ".restore") {
				t.Errorf("a refused restore left %s.restore behind", p.db)
			}
			sameLines(t, "public export after a refused restore", public, comparable(t, p.export(t, false), false))
		})
	}

	// While a server holds the lock beside the database, restore refuses and changes nothing.
	t.Run("locked", func(t *testing.T) {
		unlock, err := lockFile(p.db + ".lock")
		if err != nil {
			t.Fatal(err)
		}
		before := fileState(t, p.db)
		args := p.args("restore", good)
		r := runCLI(t, nil, "", args...)
		unlock()
		r.wantExit(t, 1, args...)
		if after := fileState(t, p.db); after != before {
			t.Errorf("restore changed a database in use")
		}
		// Once the lock is released, the same restore works.
		p.run(t, "restore", good)
		sameLines(t, "public export after restore", public, comparable(t, p.export(t, false), false))
	})

	// Restore replaces SQLite files only.
	t.Run("postgres", func(t *testing.T) {
		q := newPostgres(t)
		args := q.args("restore", good)
		runCLI(t, nil, "", args...).wantExit(t, 1, args...)
	})
}
