package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// bulkInserter writes many rows of one table inside the importer's transaction, as fast as each
// engine allows. SQLite runs prepared statements of a group of rows each through its driver
// directly, so that a million values cost no million conversions and allocations;
// PostgreSQL takes multi-row statements to save round trips.
type bulkInserter struct {
	tx *gorm.DB
	// conn is the transaction's own connection (SQLite).
	conn    *sql.Conn
	dialect Dialect
	table   string
	columns []string
	// ignoreDuplicates adds ON CONFLICT DO NOTHING: rows already present are skipped.
	ignoreDuplicates bool
	// rowByRow makes SQLite take one row per statement. A statement of several rows that may
	// fail half-way keeps a journal of every page it changes, to undo itself; where the rows
	// land all over an index (a UUID key), that journal costs more than the statements saved.
	rowByRow bool
}

// rowValues fills dst with row i's values, one per column, so that no slice per row is needed.
type rowValues func(i int, dst []any)

// rowsPerStatement keeps PostgreSQL statements under its 65,535 parameters.
const rowsPerStatement = 1000

func (b *bulkInserter) sql(rows int) string {
	var s strings.Builder
	s.WriteString("INSERT INTO ")
	s.WriteString(b.table)
	s.WriteString(" (")
	s.WriteString(strings.Join(b.columns, ", "))
	s.WriteString(") VALUES ")
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for c := range b.columns {
			if c > 0 {
				s.WriteString(", ")
			}
			if b.dialect == Postgres {
				s.WriteString("$" + strconv.Itoa(n))
				n++
			} else {
				s.WriteByte('?')
			}
		}
		s.WriteByte(')')
	}
	if b.ignoreDuplicates {
		s.WriteString(" ON CONFLICT DO NOTHING")
	}
	return s.String()
}

// insert writes n rows and counts those written; on failure it returns the index of the row the
// database refused, or -1 when it cannot tell. When ids is given (SQLite, without
// ignoreDuplicates) it receives each row's id.
func (b *bulkInserter) insert(ctx context.Context, n int, row rowValues, ids []int64) (written int64, failed int, err error) {
	if b.dialect == SQLite {
		return b.insertSQLite(ctx, n, row, ids)
	}
	if ids != nil {
		return 0, -1, errors.New("bulk insert: ids are only reported on SQLite")
	}
	vals := make([]any, len(b.columns))
	for start := 0; start < n; start += rowsPerStatement {
		end := min(start+rowsPerStatement, n)
		args := make([]any, 0, (end-start)*len(b.columns))
		for i := start; i < end; i++ {
			row(i, vals)
			args = append(args, vals...)
		}
		// A failed statement aborts a PostgreSQL transaction; inside a savepoint it can be
		// rolled back, and the rows probed one by one to name the bad one.
		err := b.tx.Transaction(func(sp *gorm.DB) error {
			res, err := sp.Statement.ConnPool.ExecContext(ctx, b.sql(end-start), args...)
			if err == nil {
				n, _ := res.RowsAffected()
				written += n
			}
			return err
		})
		if err != nil {
			i, probeErr := b.blame(ctx, args, end-start)
			if probeErr != nil {
				err = probeErr
			}
			if i >= 0 {
				i += start
			}
			return written, i, err
		}
	}
	return written, -1, nil
}

// insertSQLite runs one prepared statement of a group of rows again and again, then the rest
// row by row: SQLite compiles once and Go crosses to C once per value. When a group is
// refused (SQLite undoes the whole statement), its rows are tried one by one to name the bad
// one.
func (b *bulkInserter) insertSQLite(ctx context.Context, n int, row rowValues, ids []int64) (written int64, failed int, err error) {
	if ids != nil && b.ignoreDuplicates {
		return 0, -1, errors.New("bulk insert: ids cannot be told when duplicates are skipped")
	}
	failed = -1
	err = b.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("bulk insert: the SQLite driver cannot prepare statements (%T)", dc)
		}
		cols := len(b.columns)
		group := max(1, min(64, 960/cols))
		if b.rowByRow {
			group = 1
		}
		one, err := conn.PrepareContext(ctx, b.sql(1))
		if err != nil {
			return err
		}
		defer one.Close()
		var many driver.Stmt
		if n >= group {
			if many, err = conn.PrepareContext(ctx, b.sql(group)); err != nil {
				return err
			}
			defer many.Close()
		}
		args := make([]driver.NamedValue, group*cols)
		for i := range args {
			args[i].Ordinal = i + 1
		}
		vals := make([]any, cols)
		exec := func(st driver.Stmt, from, count int) error {
			for k := range count {
				row(from+k, vals)
				for c, v := range vals {
					args[k*cols+c].Value = driverValue(v)
				}
			}
			res, err := st.(driver.StmtExecContext).ExecContext(ctx, args[:count*cols])
			if err != nil {
				return err
			}
			m, _ := res.RowsAffected()
			written += m
			if ids != nil {
				last, err := res.LastInsertId()
				if err != nil {
					return err
				}
				// Without AUTOINCREMENT, SQLite gives each new row the largest rowid plus one,
				// and this transaction holds the only write lock: a group's ids are consecutive.
				for k := range count {
					ids[from+k] = last - int64(count-1-k)
				}
			}
			return nil
		}
		start := 0
		for ; many != nil && start+group <= n; start += group {
			if exec(many, start, group) != nil {
				break // the rows are tried one by one below
			}
		}
		for ; start < n; start++ {
			if err := exec(one, start, 1); err != nil {
				failed = start
				return err
			}
		}
		return nil
	})
	return written, failed, err
}

// driverValue turns the Go values the importer writes into the few types the SQLite driver
// binds.
func driverValue(v any) driver.Value {
	switch x := v.(type) {
	case nil, string, int64, float64, bool, time.Time, []byte:
		return x
	case int:
		return int64(x)
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	}
	if dv, err := driver.DefaultParameterConverter.ConvertValue(v); err == nil {
		return dv
	}
	return v
}

// blame replays a refused PostgreSQL batch (rows values each) row by row inside savepoints to
// find the bad row and its own error.
func (b *bulkInserter) blame(ctx context.Context, args []any, rows int) (int, error) {
	cols := len(b.columns)
	for i := range rows {
		err := b.tx.Transaction(func(sp *gorm.DB) error {
			if _, err := sp.Statement.ConnPool.ExecContext(ctx, b.sql(1), args[i*cols:(i+1)*cols]...); err != nil {
				return err
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			return i, err
		}
	}
	return -1, nil
}

var errRollback = errors.New("rollback")

// deferIndexes drops the secondary, non-unique indexes of a SQLite table inside the import's
// transaction and returns a function that builds them again from their own stored definitions.
// Building an index once over sorted keys is far cheaper than updating it row by row; unique
// indexes stay, so every constraint is still checked on insert. The whole dance is
// transactional: a failed import leaves the indexes as they were.
func deferIndexes(tx *gorm.DB, table string) (rebuild func() error, err error) {
	var defs []struct {
		Name string
		SQL  string `gorm:"column:sql"`
	}
	if err := tx.Raw(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL
		AND sql NOT LIKE 'CREATE UNIQUE%'`, table).Scan(&defs).Error; err != nil {
		return nil, err
	}
	for _, d := range defs {
		if err := tx.Exec(`DROP INDEX "` + d.Name + `"`).Error; err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, d := range defs {
			if err := tx.Exec(d.SQL).Error; err != nil {
				return fmt.Errorf("rebuilding index %s: %w", d.Name, err)
			}
		}
		return nil
	}, nil
}

// bulkTransaction runs fn in one transaction, on SQLite on a connection of its own. There a large
// write gets a page cache big enough to hold it (otherwise the 2 MB default spills to the WAL
// again and again) and runs without foreign-key enforcement: every reference an import writes
// is a row id it has just inserted or looked up in the same transaction, and checking them all
// again costs a B-tree search per row. The settings are put back before the connection returns
// to the pool, or the connection is discarded.
func (s *Store) bulkTransaction(ctx context.Context, large bool, fn func(tx *gorm.DB, conn *sql.Conn) error) error {
	if s.Dialect != SQLite {
		return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, nil) })
	}
	// A connection of its own begins its transactions outside the write gate: pass it here.
	leave, err := s.gate.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	return s.DB.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		pinned := conn.Statement.ConnPool.(*sql.Conn)
		run := func() error {
			return conn.Transaction(func(tx *gorm.DB) error { return fn(tx, pinned) })
		}
		if !large {
			return run()
		}
		restore := func() error {
			// PRAGMA foreign_keys is a no-op inside a transaction: it is set around it.
			_, err := pinned.ExecContext(context.Background(), "PRAGMA foreign_keys = ON; PRAGMA cache_size = -2000")
			return err
		}
		if _, err := pinned.ExecContext(ctx, "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144"); err != nil {
			restore()
			return err
		}
		defer func() {
			if restore() != nil {
				// A connection without foreign keys must never serve another request.
				pinned.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
		return run()
	})
}
