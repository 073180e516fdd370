package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// largeSet is an import big enough for the bulk path (more than 10,000 records): n people,
// every third of them with an account of their own, every seventh signing in French.
func largeSet(n int) *models.ImportSet {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	set := &models.ImportSet{Source: "large"}
	for i := range n {
		sg := person(fmt.Sprintf("r%d", i))
		sg.PublicID = models.SignatoryID("large", fmt.Sprintf("r%d", i))
		sg.Source, sg.Ref = "large", fmt.Sprintf("r%d", i)
		sg.City = []string{"Bologna", "Zürich", "São Paulo"}[i%3]
		in := &models.SignatoryIn{Line: i + 1, Signatory: sg, Lang: "en"}
		if i%7 == 0 {
			in.Lang = "fr"
		}
		if i%3 == 0 {
			acc := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			set.Accounts = append(set.Accounts, models.AccountIn{Line: n + i + 1, PublicID: acc, DisplayName: sg.Name, CreatedAt: at})
			in.Account = acc
		}
		set.Signatories = append(set.Signatories, in)
	}
	return set
}

func count(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	return testutil.Count(t, s, table)
}

// A large import runs on SQLite without foreign-key enforcement, for speed; every reference it
// writes must still hold, and the connection must go back to the pool with enforcement on.
func TestLargeImport(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		const n = 10_050
		// One connection: the one the import used is the one asked afterwards.
		s.SQL().SetMaxOpenConns(1)
		res, err := s.Import(context.Background(), largeSet(n), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Signatories != n {
			t.Errorf("imported %d signatories, want %d", res.Signatories, n)
		}
		for table, want := range map[string]int64{"signatories": n, "signatures": n, "issuance_outbox": n, "accounts": (n + 2) / 3} {
			if got := count(t, s, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		// Each signatory has its two name words and the words of its city ("são", "paulo").
		if got, want := count(t, s, "search_terms"), int64(2*n+n/3+n/3+2*(n/3)); got != want {
			t.Errorf("search_terms: %d rows, want %d", got, want)
		}
		var french int64
		s.DB.Table("signatures").Where("lang = ?", "fr").Count(&french)
		if french != (n+6)/7 {
			t.Errorf("%d signatures in French, want %d", french, (n+6)/7)
		}
		var zurich int64
		s.DB.Table("search_terms").Where("term = ?", "zurich").Count(&zurich)
		if zurich != n/3 {
			t.Errorf("%d signatories found by \"zurich\", want %d", zurich, n/3)
		}
		if s.Dialect != models.SQLite {
			return
		}
		var orphans []map[string]any
		if err := s.DB.Raw("PRAGMA foreign_key_check").Scan(&orphans).Error; err != nil {
			t.Fatal(err)
		}
		if len(orphans) > 0 {
			t.Errorf("the import left %d rows pointing nowhere, first %v", len(orphans), orphans[0])
		}
		var fk, cache int
		s.DB.Raw("PRAGMA foreign_keys").Scan(&fk)
		s.DB.Raw("PRAGMA cache_size").Scan(&cache)
		if fk != 1 || cache != -2000 {
			t.Errorf("after the import the connection has foreign_keys=%d cache_size=%d, want 1 and -2000", fk, cache)
		}
		// Enforcement is really back: a signature for no signatory is refused.
		err = s.DB.Exec("INSERT INTO signatures (signatory_id, declaration_version, lang, text_sha256, signed_at) VALUES (?, 1, 'en', ?, ?)",
			999_999_999, fmt.Sprintf("%064d", 0), time.Now()).Error
		if err == nil {
			t.Error("a signature for a missing signatory was accepted after the import")
		}
	})
}

// A row the database refuses in the middle of a large import names its own line, and nothing
// of the import stays.
func TestLargeImportNamesTheRefusedLine(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		const n = 10_050
		set := largeSet(n)
		// Two signatories may not share an account; the parser leaves that to the schema.
		set.Signatories[7001].Account = set.Signatories[30].Account
		audit := count(t, s, "audit_log")
		_, err := s.Import(context.Background(), set, nil)
		var ie *models.ImportError
		if !errors.As(err, &ie) || ie.Line != 7002 {
			t.Fatalf("err = %v, want an error on line 7002", err)
		}
		for _, table := range []string{"signatories", "accounts", "search_terms", "signatures", "issuance_outbox"} {
			if got := count(t, s, table); got != 0 {
				t.Errorf("%s: %d rows left by a refused import", table, got)
			}
		}
		if got := count(t, s, "audit_log"); got != audit {
			t.Errorf("audit_log: %d rows, %d before the refused import", got, audit)
		}
	})
}

// An interrupted import (Ctrl-C) rolls back like a refused one.
func TestCancelledImportWritesNothing(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Import(ctx, largeSet(10_050), nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if got := count(t, s, "signatories"); got != 0 {
			t.Errorf("%d signatories left by a cancelled import", got)
		}
	})
}
