package models

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The schema's history: one folder per engine, the same versions in both.
//
//go:embed migrations
var migrations embed.FS

func (s *Store) migrations() (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+string(s.Dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if s.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	opts := []goose.ProviderOption{goose.WithGoMigrations(s.nameKeyMigration())}
	if s.Dialect == Postgres {
		// Servers starting at once on one database migrate one after the other: the first
		// applies what is pending, the others find nothing left to do.
		locker, err := s.migrationLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.SQL(), dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// migrationLocker is a session advisory lock in the namespace of the store's schema (registries
// in different schemas of one database migrate independently), tried every second for up to five
// minutes.
func (s *Store) migrationLocker() (lock.SessionLocker, error) {
	var id int64
	if err := s.SQL().QueryRow("SELECT CAST(hashtext(current_schema() || '.registry.migrate') AS BIGINT)").Scan(&id); err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
}

// Migrate applies pending migrations, each in its own transaction, and returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrations()
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return len(results), nil
}

// nameKeyMigration (version 10) gives the entries stored before lists sorted by name their
// name key: folding a name is Go's work (package fold), not SQL's.
func (s *Store) nameKeyMigration() *goose.Migration {
	update := "UPDATE signatories SET name_key = ? WHERE id = ?"
	if s.Dialect == Postgres {
		update = "UPDATE signatories SET name_key = $1 WHERE id = $2"
	}
	up := func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, name, vis_name, status FROM signatories")
		if err != nil {
			return err
		}
		keys := map[int64]string{}
		for rows.Next() {
			var sg Signatory
			if err := rows.Scan(&sg.ID, &sg.Name, &sg.Visibility.Name, &sg.Status); err != nil {
				rows.Close()
				return err
			}
			keys[sg.ID] = NameKey(&sg)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, update)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for id, key := range keys {
			if _, err := stmt.ExecContext(ctx, key, id); err != nil {
				return err
			}
		}
		return nil
	}
	down := func(ctx context.Context, tx *sql.Tx) error { return nil }
	return goose.NewGoMigration(10, &goose.GoFunc{RunTx: up}, &goose.GoFunc{RunTx: down})
}
