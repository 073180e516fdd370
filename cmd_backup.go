package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver for checking copies
	"github.com/open-recognition/registry/models"
)

// cmdBackup copies the live database with VACUUM INTO, which reads one consistent snapshot
// while the server keeps serving, then checks the copy and puts the issuer keys beside it.
func cmdBackup(ctx context.Context, env *environment, args []string) error {
	target := args[0]
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file name", target)
	}
	store, err := openExistingStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	if store.Dialect != models.SQLite {
		return fmt.Errorf("backup copies SQLite databases; for PostgreSQL use pg_dump, and copy %s yourself", env.opts.Keys)
	}
	// Create the file first, owner-only, so that the copy is never readable by others, even
	// for a moment; VACUUM INTO accepts an empty file.
	f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if err := store.DB.WithContext(ctx).Exec("VACUUM INTO ?", target).Error; err != nil {
		os.Remove(target)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Chmod(target, 0o600); err != nil {
		return err
	}
	if err := integrityCheck(ctx, target); err != nil {
		os.Remove(target)
		return fmt.Errorf("backup: the copy failed its integrity check: %w", err)
	}
	keys := "no issuer keys yet"
	if st, err := os.Stat(env.opts.Keys); err == nil && st.IsDir() {
		if err := copyDir(env.opts.Keys, target+".keys"); err != nil {
			return fmt.Errorf("backup: issuer keys: %w", err)
		}
		keys = "issuer keys in " + target + ".keys/"
	}
	fmt.Fprintf(env.stdout, "backup written to %s (integrity ok; %s)\n", target, keys)
	return nil
}

// cmdRestore replaces the database with a checked backup. The server must be stopped: the lock
// it holds while serving makes restore refuse otherwise.
func cmdRestore(ctx context.Context, env *environment, args []string) error {
	source := args[0]
	if _, err := os.Stat(source); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := integrityCheck(ctx, source); err != nil {
		return fmt.Errorf("restore: %s failed its integrity check, nothing was changed: %w", source, err)
	}
	if models.IsPostgres(env.opts.DB) {
		return errors.New("restore replaces SQLite files; for PostgreSQL use pg_restore")
	}
	dbPath, err := models.SQLiteFile(env.opts.DB)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return err
	}
	// A link to the database is replaced by its target: the file a server locks and opens.
	if dbPath, err = models.SQLiteFile(dbPath); err != nil {
		return err
	}
	unlock, err := lockFile(dbPath + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	tmp := dbPath + ".restore"
	if err := copyFile(source, tmp, 0o600); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: %w", err)
	}
	// The old database's write-ahead log must not be replayed onto the restored file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	keys := ""
	if st, err := os.Stat(source + ".keys"); err == nil && st.IsDir() {
		if _, err := os.Stat(env.opts.Keys); errors.Is(err, os.ErrNotExist) {
			if err := copyDir(source+".keys", env.opts.Keys); err != nil {
				return fmt.Errorf("restore: issuer keys: %w", err)
			}
			keys = "; issuer keys restored to " + env.opts.Keys
		} else {
			keys = "; the existing issuer keys in " + env.opts.Keys + " were kept (the backup's are in " + source + ".keys)"
		}
	}
	fmt.Fprintf(env.stdout, "restored %s from %s%s\n", dbPath, source, keys)
	return nil
}

func integrityCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return errors.New(result)
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'signatories'").Scan(&tables); err != nil || tables != 1 {
		return errors.New("not a registry database")
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyDir copies the files of a flat folder into a new 0700 folder, each file 0600.
func copyDir(src, dst string) error {
	if err := os.Mkdir(dst, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}
