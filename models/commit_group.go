// Group commit: on SQLite each commit is an fsync and a rewrite of every page the transaction
// touched, and only one transaction writes at a time. The frequent small writes that many
// people make at once (signing, endorsing) are therefore handed to one goroutine, which runs
// those waiting in one transaction, each inside a savepoint of its own, and commits them with one
// fsync; each caller is answered after that commit, so an acknowledged write is as durable as
// before. Writes arriving while a batch commits form the next batch: a lone write waits for
// nothing, and under load the batches grow by themselves.

package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"gorm.io/gorm"
)

// groupMax caps a batch, so that the first write of a long queue does not wait for the last.
const groupMax = 128

// errStoreClosed answers a write handed to a store being closed.
var errStoreClosed = errors.New("the database is closing")

// commitGroup is the goroutine that commits the grouped writes of one store.
type commitGroup struct {
	db *gorm.DB
	// gate is the store's write gate; conn the connection the batches run on (see pinned).
	gate  writeGate
	conn  *sql.Conn
	queue chan *groupedWrite
	stop  chan struct{}
	done  chan struct{}

	stopOnce sync.Once
}

// groupedWrite is one caller's transaction body and where its outcome goes.
type groupedWrite struct {
	ctx    context.Context
	fn     func(tx *gorm.DB) error
	result chan error
}

func newCommitGroup(db *gorm.DB, gate writeGate) *commitGroup {
	g := &commitGroup{db: db, gate: gate, queue: make(chan *groupedWrite, groupMax), stop: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

// close ends the goroutine after the batch it is committing; writes still queued are refused.
func (g *commitGroup) close() {
	g.stopOnce.Do(func() { close(g.stop) })
	<-g.done
}

// pinned is the batches' database handle, on one connection kept for them. SQLite empties a
// connection's page cache whenever another connection has written; a connection that does all
// the grouped writing keeps the pages it writes to in its cache from one batch to the next,
// where a connection taken from the pool would read them all again.
func (g *commitGroup) pinned(ctx context.Context) (*gorm.DB, error) {
	if g.conn == nil {
		sqlDB, err := g.db.DB()
		if err != nil {
			return nil, err
		}
		if g.conn, err = sqlDB.Conn(context.Background()); err != nil {
			return nil, err
		}
	}
	// A session with a context of its own has a statement of its own, whose pool can be set
	// without touching the store's.
	db := g.db.Session(&gorm.Session{NewDB: true, Context: ctx})
	db.Statement.ConnPool = &gatedConn{Conn: g.conn, gate: g.gate}
	return db, nil
}

// unpin gives the connection back to the pool (the store closes, or the connection failed).
func (g *commitGroup) unpin() {
	if g.conn != nil {
		g.conn.Close()
		g.conn = nil
	}
}

// write runs fn in the next batch's transaction and returns its error, or the commit's: nil
// means that what fn wrote is committed. fn must use only the transaction it is given (another
// transaction begun inside it would wait for the batch that runs it).
func (g *commitGroup) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	w := &groupedWrite{ctx: ctx, fn: fn, result: make(chan error, 1)}
	select {
	case g.queue <- w:
	case <-g.done:
		return errStoreClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the write is waited for even if ctx ends: the answer must say whether it was
	// committed. (A write whose ctx has ended before its turn is not run.)
	select {
	case err := <-w.result:
		return err
	case <-g.done:
		select {
		case err := <-w.result:
			return err
		default:
			return errStoreClosed
		}
	}
}

func (g *commitGroup) run() {
	defer close(g.done)
	defer g.unpin()
	for {
		var batch []*groupedWrite
		select {
		case w := <-g.queue:
			batch = append(batch, w)
		case <-g.stop:
			return
		}
	fill:
		for len(batch) < groupMax {
			select {
			case w := <-g.queue:
				batch = append(batch, w)
			default:
				break fill
			}
		}
		g.commit(batch)
	}
}

// commit runs a batch in one transaction. A write that fails is rolled back to its savepoint
// and answered with its error; the others go on. If the commit itself fails, nothing of the
// batch was written and every write is answered with that error.
func (g *commitGroup) commit(batch []*groupedWrite) {
	errs := make([]error, len(batch))
	// The batch's statements never run under a caller's context: a context ending in the middle
	// of a statement interrupts it, and SQLite may then roll back the whole transaction.
	effects := &batchEffects{}
	ctx := context.WithValue(context.Background(), batchKey{}, effects)
	db, err := g.pinned(ctx)
	if err == nil {
		err = db.Transaction(func(tx *gorm.DB) error {
			for i, w := range batch {
				if err := w.ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				var broken error
				if errs[i], broken = savepoint(tx, w.fn); broken != nil {
					// The transaction itself failed (SQLite rolls it back on an I/O error, a full
					// disk…): the batch is rolled back and every write of it answered with the error.
					return broken
				}
			}
			return effects.run(tx)
		})
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		g.unpin() // the next batch takes another connection
	}
	for i, w := range batch {
		if errs[i] == nil {
			errs[i] = err
		}
		w.result <- errs[i]
	}
}

// savepoint runs fn inside a savepoint of tx: on an error (or a panic) what fn wrote is undone
// and the transaction goes on. broken says the savepoint itself failed: the transaction can no
// longer be trusted.
func savepoint(tx *gorm.DB, fn func(tx *gorm.DB) error) (err, broken error) {
	if err := tx.Exec("SAVEPOINT grouped_write").Error; err != nil {
		return err, err
	}
	// What the write leaves for the batch's end goes with what it wrote.
	b, _ := tx.Statement.Context.Value(batchKey{}).(*batchEffects)
	mark := b.mark()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a grouped write: %v\n%s", p, debug.Stack())
		}
		if err != nil {
			b.undo(mark)
			if rerr := tx.Exec("ROLLBACK TO grouped_write").Error; rerr != nil {
				broken = rerr
			}
		}
		if rerr := tx.Exec("RELEASE grouped_write").Error; rerr != nil && broken == nil {
			broken = rerr
		}
		if broken != nil && err == nil {
			err = broken
		}
	}()
	return fn(tx.Session(&gorm.Session{NewDB: true})), nil
}

// batchKey finds a batch's effects in the context of its transaction.
type batchKey struct{}

// batchEffects are the statements that every write of a batch asks for and that need running
// only once, at its end: a mark that something changed, a worker's job queued.
type batchEffects struct {
	names []string
	fns   map[string]func(tx *gorm.DB) error
	// memo holds what the writes of the batch read and none of them changes (see readOnce).
	memo map[string]any
	// tables holds the rows the writes insert at the batch's end, by table (see insertAtEnd),
	// in the order the tables were first asked for.
	tables []pendingRows
	byName map[string]pendingRows
}

func (b *batchEffects) run(tx *gorm.DB) error {
	for _, rows := range b.tables {
		if err := rows.insert(tx); err != nil {
			return err
		}
	}
	for _, name := range b.names {
		if err := b.fns[name](tx); err != nil {
			return err
		}
	}
	return nil
}

// oncePerBatch runs fn at the end of the batch tx belongs to, once for every write of the batch
// that asks for it under the same name; outside a batch it runs fn now. It is for idempotent
// marks only: a write rolled back after asking leaves the mark asked for, which costs a worker
// one look that finds nothing.
func oncePerBatch(tx *gorm.DB, name string, fn func(tx *gorm.DB) error) error {
	b, ok := tx.Statement.Context.Value(batchKey{}).(*batchEffects)
	if !ok {
		return fn(tx)
	}
	if b.fns == nil {
		b.fns = map[string]func(tx *gorm.DB) error{}
	}
	if _, asked := b.fns[name]; !asked {
		b.names = append(b.names, name)
		b.fns[name] = fn
	}
	return nil
}

// groupWrite runs fn as a write transaction: grouped with others on SQLite (see above), on its
// own on PostgreSQL, whose writers do not wait for one another.
func (s *Store) groupWrite(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.Dialect != SQLite {
		return s.DB.WithContext(ctx).Transaction(fn)
	}
	s.groupOnce.Do(func() { s.group = newCommitGroup(s.DB, s.gate) })
	return s.group.write(ctx, fn)
}

// groupState is the store's commit group, made on first use.
type groupState struct {
	groupOnce sync.Once
	group     *commitGroup
}

// closeGroup stops the commit group, if there is one.
func (s *Store) closeGroup() {
	s.groupOnce.Do(func() {})
	if s.group != nil {
		s.group.close()
	}
}

// readOnce returns what read gives for key, read once per batch: for rows that every write of a
// batch reads and that no grouped write changes (the current declaration). Outside a batch it
// reads every time.
func readOnce[T any](tx *gorm.DB, key string, read func(tx *gorm.DB) (T, error)) (T, error) {
	b, ok := tx.Statement.Context.Value(batchKey{}).(*batchEffects)
	if !ok {
		return read(tx)
	}
	if v, ok := b.memo[key].(T); ok {
		return v, nil
	}
	v, err := read(tx)
	if err == nil {
		if b.memo == nil {
			b.memo = map[string]any{}
		}
		b.memo[key] = v
	}
	return v, err
}

// pendingRows are the rows of one table that a batch inserts at its end.
type pendingRows interface {
	insert(tx *gorm.DB) error
	len() int
	cut(n int)
}

// rowsOf holds a batch's rows of type T and the statement that inserts them.
type rowsOf[T any] struct {
	rows     []T
	insertFn func(tx *gorm.DB, rows []T) error
}

func (r *rowsOf[T]) insert(tx *gorm.DB) error {
	if len(r.rows) == 0 {
		return nil
	}
	return r.insertFn(tx, r.rows)
}
func (r *rowsOf[T]) len() int { return len(r.rows) }
func (r *rowsOf[T]) cut(n int) {
	clear(r.rows[n:])
	r.rows = r.rows[:n]
}

// mark is how many rows each table held before a write ran; undo takes the write's rows back.
func (b *batchEffects) mark() []int {
	if b == nil {
		return nil
	}
	m := make([]int, len(b.tables))
	for i, rows := range b.tables {
		m[i] = rows.len()
	}
	return m
}

func (b *batchEffects) undo(mark []int) {
	if b == nil {
		return
	}
	for i, rows := range b.tables {
		n := 0 // a table first asked for by the write being undone
		if i < len(mark) {
			n = mark[i]
		}
		rows.cut(n)
	}
}

// insertAtEnd inserts rows with insert at the end of the batch tx belongs to, in one call with
// the rows the batch's other writes gave under the same name; outside a batch it inserts now.
// It is for rows that nothing reads back before the commit and that no constraint can refuse
// (audit entries, the first badge job and search words of a new entry): a statement per table
// and batch instead of one per write, in the goroutine every grouped write waits for. The rows
// of a write that fails are taken back with it.
func insertAtEnd[T any](tx *gorm.DB, name string, insert func(tx *gorm.DB, rows []T) error, rows ...T) error {
	if len(rows) == 0 {
		return nil
	}
	b, ok := tx.Statement.Context.Value(batchKey{}).(*batchEffects)
	if !ok {
		return insert(tx, rows)
	}
	r, _ := b.byName[name].(*rowsOf[T])
	if r == nil {
		if b.byName == nil {
			b.byName = map[string]pendingRows{}
		}
		r = &rowsOf[T]{insertFn: insert}
		b.byName[name] = r
		b.tables = append(b.tables, r)
	}
	r.rows = append(r.rows, rows...)
	return nil
}
