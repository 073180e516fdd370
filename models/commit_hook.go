// Knowing when this process's writes commit, on PostgreSQL: the moment to tell the other servers.

package models

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"gorm.io/gorm"
)

// hookedPool is the store's connection pool as GORM sees it on PostgreSQL: the same *sql.DB,
// whose transactions say when a write that bumped the change counter has committed. GORM begins
// transactions through BeginTx and commits through the transaction's Commit, so every
// Transaction(…) of the models passes here, without a change at the call sites.
type hookedPool struct {
	*sql.DB
	committed func()
	// logger is the store's: what fails after a commit is logged there.
	logger func() *slog.Logger
}

// BeginTx returns a transaction whose Commit calls the hook when the transaction bumped the
// change counter (see markChanged).
func (p *hookedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &hookedTx{Tx: tx, pool: p}, nil
}

// GetDBConn lets GORM's DB() find the *sql.DB beneath.
func (p *hookedPool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

type hookedTx struct {
	*sql.Tx
	pool    *hookedPool
	changed bool
	after   []func(ctx context.Context) error
}

func (t *hookedTx) Commit() error {
	err := t.Tx.Commit()
	if err != nil {
		return err
	}
	if t.changed {
		t.pool.committed()
	}
	for _, fn := range t.after {
		// The transaction is committed whatever happens here: a failure is logged, and the
		// engine's sweep finds what it left undone (see jobs.Engine.Rearm).
		ctx, cancel := context.WithTimeout(context.Background(), afterCommitTimeout)
		if err := fn(ctx); err != nil {
			t.pool.logger().Error("after a commit", "err", err)
		}
		cancel()
	}
	return nil
}

// afterCommitTimeout bounds the work done after a commit, before the caller hears of it.
const afterCommitTimeout = 5 * time.Second

// afterCommit runs fn after the transaction has committed, before its Commit returns; a
// transaction rolled back never runs it.
func (t *hookedTx) afterCommit(fn func(ctx context.Context) error) {
	t.after = append(t.after, fn)
}

// markChanged records, in a transaction of a hooked pool, that it changed the registry: its
// commit is announced. Elsewhere (SQLite, a pool of another kind) it does nothing.
func markChanged(tx *gorm.DB) {
	if h, ok := tx.Statement.ConnPool.(*hookedTx); ok {
		h.changed = true
	}
}

// hookCommits makes db's transactions announce their committed changes through committed.
func hookCommits(db *gorm.DB, committed func(), logger func() *slog.Logger) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	pool := &hookedPool{DB: sqlDB, committed: committed, logger: logger}
	db.ConnPool = pool
	db.Statement.ConnPool = pool
	return nil
}
