package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

// Logging in, the session lookup that every signed-in request makes and signing find their rows through
// indexes, whatever the size of the registry: on PostgreSQL with the plan a prepared statement
// falls back to (generic, for any e-mail address or token) and before the tables have statistics
// (a registry just imported, or filling up fast). Two did not: the look for an imported entry to
// claim read every signatory (the e-mail index only holds entries that have an address, which a
// query asking for "the address ?" does not imply), and the session lookup on PostgreSQL read
// every account to find the session's (3 ms per request with 6,000 accounts).
func TestLoginAndSessionLookupReadByIndex(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := testutil.Publish(s); err != nil {
			t.Fatal(err)
		}
		for i := range 300 {
			acc, _ := signUp(t, s, fmt.Sprintf("p%d", i), models.Signatory{Kind: "person", Name: fmt.Sprintf("Person %d", i), Country: "IT", City: "Bologna"})
			if err := s.StartSession(ctx, acc.ID, fmt.Sprintf("token-%d", i), "", time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		var seen []capturedQuery
		capture := func(db *gorm.DB) {
			if sql := db.Statement.SQL.String(); strings.HasPrefix(strings.TrimSpace(strings.ToUpper(sql)), "SELECT") {
				seen = append(seen, capturedQuery{sql, append([]any(nil), db.Statement.Vars...)})
			}
		}
		s.DB.Callback().Query().After("gorm:query").Register("test:capture", capture)
		s.DB.Callback().Row().After("gorm:row").Register("test:capture", capture)
		signUp(t, s, "nora", models.Signatory{Kind: "person", Name: "Nora", Country: "IT", City: "Bologna"})
		if _, err := s.SessionAccount(ctx, "token-7"); err != nil {
			t.Fatal(err)
		}
		s.DB.Callback().Query().Remove("test:capture")
		s.DB.Callback().Row().Remove("test:capture")
		if len(seen) < 3 {
			t.Fatalf("%d queries seen: the capture missed them", len(seen))
		}
		for _, q := range seen {
			if plan := planOf(t, s, q); fullScan(s, plan) {
				t.Errorf("reads a whole table:\n%s\nplan:\n%s", q.sql, plan)
			}
		}
	})
}

type capturedQuery struct {
	sql  string
	vars []any
}

// planOf explains a query: on PostgreSQL the generic plan of the statement prepared.
func planOf(t *testing.T, s *models.Store, q capturedQuery) string {
	t.Helper()
	var lines []string
	err := s.DB.Connection(func(db *gorm.DB) error {
		if s.Dialect != models.Postgres {
			var rows []struct{ Detail string }
			if err := db.Raw("EXPLAIN QUERY PLAN "+q.sql, q.vars...).Scan(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				lines = append(lines, r.Detail)
			}
			return nil
		}
		if err := db.Exec("PREPARE plan_of AS " + q.sql).Error; err != nil {
			return err
		}
		defer db.Exec("DEALLOCATE plan_of")
		if err := db.Exec("SET plan_cache_mode = force_generic_plan").Error; err != nil {
			return err
		}
		defer db.Exec("RESET plan_cache_mode")
		args := make([]string, len(q.vars))
		for i, v := range q.vars {
			args[i] = literal(v)
		}
		explain := "EXPLAIN EXECUTE plan_of"
		if len(args) > 0 {
			explain += "(" + strings.Join(args, ", ") + ")"
		}
		return db.Raw(explain).Scan(&lines).Error
	})
	if err != nil {
		t.Fatalf("explaining %s: %v", q.sql, err)
	}
	return strings.Join(lines, "\n")
}

// literal writes a value as PostgreSQL SQL (EXECUTE takes no parameters of the protocol).
func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case time.Time:
		return "'" + v.UTC().Format(time.RFC3339Nano) + "'"
	case *time.Time:
		if v == nil {
			return "NULL"
		}
		return literal(*v)
	default:
		return fmt.Sprint(v)
	}
}

// fullScan says whether a plan reads all of a table that grows with the registry.
func fullScan(s *models.Store, plan string) bool {
	for _, table := range []string{"signatories", "accounts", "sessions", "identities", "endorsements"} {
		if s.Dialect == models.Postgres && strings.Contains(plan, "Seq Scan on "+table) {
			return true
		}
		if s.Dialect != models.Postgres && strings.Contains(plan+"\n", "SCAN "+table+"\n") {
			return true
		}
	}
	return false
}
