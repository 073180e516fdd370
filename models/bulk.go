package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// bulkInserter writes many rows of one table inside the importer's transaction, as fast as each
// engine allows: SQLite runs one prepared single-row statement per row (a multi-row VALUES
// statement costs SQLite more to compile than to run), PostgreSQL takes multi-row statements
// to save round trips.
type bulkInserter struct {
	tx      *gorm.DB
	dialect Dialect
	table   string
	columns []string
	// ignoreDuplicates adds ON CONFLICT DO NOTHING: rows already present are skipped.
	ignoreDuplicates bool
}

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

// insert writes rows (each with one value per column) and counts those written; on failure it
// returns the index of the row the database refused, or -1 when it cannot tell.
func (b *bulkInserter) insert(ctx context.Context, rows [][]any) (written int64, failed int, err error) {
	if b.dialect == SQLite {
		return b.insertSQLite(ctx, rows)
	}
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		args := make([]any, 0, len(chunk)*len(b.columns))
		for _, r := range chunk {
			args = append(args, r...)
		}
		// A failed statement aborts a PostgreSQL transaction; inside a savepoint it can be
		// rolled back, and the rows probed one by one to name the bad one.
		err := b.tx.Transaction(func(sp *gorm.DB) error {
			res, err := sp.Statement.ConnPool.ExecContext(ctx, b.sql(len(chunk)), args...)
			if err == nil {
				n, _ := res.RowsAffected()
				written += n
			}
			return err
		})
		if err != nil {
			i, probeErr := b.blame(ctx, chunk)
			if probeErr != nil {
				err = probeErr
			}
			return written, start + i, err
		}
	}
	return written, -1, nil
}

// insertSQLite prepares one statement of several rows and runs it again and again, then the
// rest row by row: SQLite compiles once and crosses from Go to C once per group of rows. When a
// group fails, its rows are retried one by one to name the bad one.
func (b *bulkInserter) insertSQLite(ctx context.Context, rows [][]any) (written int64, failed int, err error) {
	pool := b.tx.Statement.ConnPool
	count := func(res sql.Result) {
		n, _ := res.RowsAffected()
		written += n
	}
	group := max(1, min(64, 960/len(b.columns)))
	one, err := pool.PrepareContext(ctx, b.sql(1))
	if err != nil {
		return 0, -1, err
	}
	defer one.Close()
	start := 0
	if len(rows) >= group {
		many, err := pool.PrepareContext(ctx, b.sql(group))
		if err != nil {
			return 0, -1, err
		}
		defer many.Close()
		args := make([]any, 0, group*len(b.columns))
		for ; start+group <= len(rows); start += group {
			args = args[:0]
			for _, r := range rows[start : start+group] {
				args = append(args, r...)
			}
			res, err := many.ExecContext(ctx, args...)
			if err != nil {
				for i, r := range rows[start : start+group] {
					if _, err := one.ExecContext(ctx, r...); err != nil {
						return written, start + i, err
					}
				}
				return written, -1, err
			}
			count(res)
		}
	}
	for i, r := range rows[start:] {
		res, err := one.ExecContext(ctx, r...)
		if err != nil {
			return written, start + i, err
		}
		count(res)
	}
	return written, -1, nil
}

// blame replays a refused PostgreSQL batch row by row inside savepoints to find the bad row
// and its own error.
func (b *bulkInserter) blame(ctx context.Context, chunk [][]any) (int, error) {
	for i, r := range chunk {
		err := b.tx.Transaction(func(sp *gorm.DB) error {
			if _, err := sp.Statement.ConnPool.ExecContext(ctx, b.sql(1), r...); err != nil {
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
