package models

import (
	"context"
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

// insert writes rows (each with one value per column); on failure it returns the index of the
// row the database refused, or -1 when it cannot tell.
func (b *bulkInserter) insert(ctx context.Context, rows [][]any) (failed int, err error) {
	pool := b.tx.Statement.ConnPool
	if b.dialect == SQLite {
		stmt, err := pool.PrepareContext(ctx, b.sql(1))
		if err != nil {
			return -1, err
		}
		defer stmt.Close()
		for i, r := range rows {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				return i, err
			}
		}
		return -1, nil
	}
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		args := make([]any, 0, len(chunk)*len(b.columns))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := pool.ExecContext(ctx, b.sql(len(chunk)), args...); err != nil {
			return start + b.blame(ctx, chunk), err
		}
	}
	return -1, nil
}

// blame replays a refused PostgreSQL batch row by row inside savepoints to find the bad row.
func (b *bulkInserter) blame(ctx context.Context, chunk [][]any) int {
	for i, r := range chunk {
		err := b.tx.Transaction(func(sp *gorm.DB) error {
			if _, err := sp.Statement.ConnPool.ExecContext(ctx, b.sql(1), r...); err != nil {
				return err
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			return i
		}
	}
	return 0
}

var errRollback = errors.New("rollback")

func (b *bulkInserter) String() string { return fmt.Sprintf("bulk insert into %s", b.table) }
