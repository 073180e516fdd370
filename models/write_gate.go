// The write gate: SQLite lets one transaction write at a time, and makes the others wait by
// sleeping and trying again (1, 2, 5 … up to 100 ms between tries, until the busy timeout). Under
// load that is unfair and slow: a writer can sleep 100 ms while the lock was free for most of it,
// another can starve until "database is locked", and every sleeping writer holds one of the
// pool's connections, which the readers then wait for. The registry's own transactions therefore
// queue in Go, first come first served, for a gate that one of them holds at a time; SQLite's
// lock is then almost always free when a transaction begins, and the busy timeout is left for
// the other processes on the file (the command line's tiers, import, backup).

package models

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"gorm.io/gorm"
)

// gateWait is how long a transaction waits for the gate before it goes to SQLite's own lock
// anyway. A process whose transactions all finish never waits that long; the limit only keeps a
// transaction that begins another one while it holds the gate (a bug, which SQLite would answer
// with "database is locked" after its busy timeout) from waiting forever.
const gateWait = 10 * time.Second

// writeGate is a lock that waiting goroutines take in the order they came.
type writeGate chan struct{}

func newWriteGate() writeGate { return make(writeGate, 1) }

// enter waits for the gate and returns the function that leaves it (safe to call twice). After
// gateWait it returns without the gate, and a function that does nothing.
func (g writeGate) enter(ctx context.Context) (leave func(), err error) {
	timer := time.NewTimer(gateWait)
	defer timer.Stop()
	select {
	case g <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-g }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return func() {}, nil
	}
}

// gatedPool is the connection pool of a SQLite store as GORM sees it: transactions and writes
// made outside a transaction pass the gate; reads go straight to the pool.
type gatedPool struct {
	*sql.DB
	gate writeGate
}

// GetDBConn gives GORM the pool itself (gorm.DB.DB).
func (p *gatedPool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

// BeginTx begins a transaction once the gate is passed; the gate is left at its commit or
// rollback.
func (p *gatedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		leave()
		return nil, err
	}
	return &gatedTx{Tx: tx, leave: leave}, nil
}

// ExecContext runs a statement outside a transaction (a write, as a rule) behind the gate.
func (p *gatedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return p.DB.ExecContext(ctx, query, args...)
}

// QueryContext runs a query outside a transaction. An INSERT … RETURNING (how GORM creates a
// row) commits only when its rows are closed, after this returns: it is left to SQLite's lock.
func (p *gatedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.DB.QueryContext(ctx, query, args...)
}

// gatedTx is a transaction holding the gate.
type gatedTx struct {
	*sql.Tx
	leave func()
}

func (t *gatedTx) Commit() error {
	defer t.leave()
	return t.Tx.Commit()
}

func (t *gatedTx) Rollback() error {
	defer t.leave()
	return t.Tx.Rollback()
}

// gatedConn is one connection of the pool, kept by its user (the commit group), whose
// transactions pass the gate like the pool's.
type gatedConn struct {
	*sql.Conn
	gate writeGate
}

func (c *gatedConn) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	leave, err := c.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := c.Conn.BeginTx(ctx, opts)
	if err != nil {
		leave()
		return nil, err
	}
	return &gatedTx{Tx: tx, leave: leave}, nil
}
