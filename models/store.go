// Package models holds the registry's data: its schema, its migrations and every query.
package models

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// sqliteParams are set in the DSN so that every pooled connection gets them (a PRAGMA would
// reach one connection only). Immediate transactions make concurrent read-then-write
// transactions wait instead of failing with SQLITE_BUSY; synchronous FULL makes an
// acknowledged write survive a power cut. Each connection keeps its most used statements
// prepared: parsing and planning a statement again costs more than running most of them. Its
// page cache holds 16 MB instead of 2: a batch of grouped writes (commit_group.go) dirties more
// than 2 MB of pages, which SQLite would otherwise spill to the log and read back before the
// commit. (The cache fills only as far as the database is used.)
const sqliteParams = "_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_foreign_keys=on&_txlock=immediate&_secure_delete=on&_stmt_cache_size=64&_cache_size=-16000"

// sqliteDriver is mattn's driver with the settings the DSN cannot carry.
const sqliteDriver = "sqlite3-registry"

func init() {
	sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// Statement journals and sorts stay in memory: a bulk import otherwise writes every
		// page it touches to a temporary file as well.
		_, err := c.Exec("PRAGMA temp_store = MEMORY", nil)
		return err
	}})
}

// sqlitePageSize is given to new databases. Pages larger than SQLite's 4 KiB default make the
// tree shallower and a commit fewer, larger writes: a bulk import commits a third faster.
const sqlitePageSize = 16384

// formatSQLite sets the page size of a new, empty database file. It must come before WAL mode,
// which fixes the page size for good.
func formatSQLite(ctx context.Context, path string) error {
	db, err := sql.Open(sqliteDriver, sqliteDSN(path, ""))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", sqlitePageSize))
	return err
}

// Store is the registry's database.
type Store struct {
	DB      *gorm.DB
	Dialect Dialect
	// Location is the database as the operator named it (a file path or a URL without password).
	Location string
	// Path is the SQLite file itself, symbolic links resolved; empty on PostgreSQL.
	Path string
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Log receives what the store does on its own (announcing changes); nothing when nil.
	Log *slog.Logger

	dsn       string      // the URL as given, password included (PostgreSQL)
	changes   *changeFeed // nil on SQLite
	present   atomic.Bool // Listen holds this server's lock (PostgreSQL)
	closeOnce sync.Once
	// replicas take public reads off a PostgreSQL primary (replicas.go); nil without any.
	replicas *replicaSet
	// gate queues this process's write transactions on SQLite (write_gate.go); nil on PostgreSQL.
	gate writeGate
	groupState
}

// Open connects to a SQLite file (created with its folder if missing) or, for a postgres:// URL,
// to PostgreSQL. It does not migrate.
func Open(ctx context.Context, location string) (*Store, error) {
	s := &Store{Now: func() time.Time { return time.Now().UTC() }}
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return s.now() },
	}
	var dial gorm.Dialector
	switch {
	case IsPostgres(location):
		s.Dialect = Postgres
		s.Location = redactURL(location)
		s.dsn = location
		dial = postgres.Open(location)
	default:
		s.Dialect = SQLite
		s.Location = location
		path, err := SQLiteFile(location)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("database folder: %w", err)
		}
		// The folder may only now exist, and with it a link to resolve.
		path = resolveLinks(path)
		s.Path = path
		// The database holds e-mail addresses: create it readable by its owner only (SQLite
		// gives its -wal and -shm files the same mode).
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
			f.Close()
			if err := formatSQLite(ctx, path); err != nil {
				os.Remove(path)
				return nil, fmt.Errorf("create database %s: %w", path, err)
			}
		}
		pool, err := sql.Open(sqliteDriver, sqliteDSN(path, sqliteParams))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", s.Location, err)
		}
		s.gate = newWriteGate()
		dial = sqlite.New(sqlite.Config{DriverName: sqliteDriver, Conn: &gatedPool{DB: pool, gate: s.gate}})
	}
	db, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", s.Location, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if s.Dialect == SQLite {
		// One writer at a time is SQLite's model; readers run in parallel under WAL.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	} else {
		sqlDB.SetMaxOpenConns(16)
		sqlDB.SetMaxIdleConns(16)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		return nil, fmt.Errorf("database %s does not answer: %w", s.Location, err)
	}
	s.DB = db
	if s.Dialect == Postgres {
		s.changes = newChangeFeed(uuid.NewString())
		if err := hookCommits(db, s.changes.committed, s.logger); err != nil {
			sqlDB.Close()
			return nil, err
		}
		s.changes.stop, s.changes.stopped = make(chan struct{}), make(chan struct{})
		go s.announcer()
	}
	return s, nil
}

// logger is Log, or a logger that drops everything.
func (s *Store) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// SQL returns the underlying connection pool.
func (s *Store) SQL() *sql.DB {
	db, _ := s.DB.DB()
	return db
}

// Close announces the last changes not announced yet and closes the connection pool.
func (s *Store) Close() error {
	s.closeGroup()
	if s.changes != nil {
		s.closeOnce.Do(func() {
			close(s.changes.stop)
			<-s.changes.stopped
		})
	}
	s.replicas.close()
	return s.SQL().Close()
}

// Ping tells whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.SQL().PingContext(ctx)
}

// now returns the store's clock in UTC, at the microsecond precision both engines keep.
func (s *Store) now() time.Time {
	return s.Now().UTC().Truncate(time.Microsecond)
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}
