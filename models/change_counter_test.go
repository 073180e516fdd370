package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// Every committed write moves the change count, concurrent writes included (on PostgreSQL they
// land on different rows of the counter, and none is lost); the graph's version moves with
// signatures, not with logins.
func TestChangeCountMovesOnEveryWrite(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		count := func() int64 {
			t.Helper()
			n, err := s.ChangeCount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		version := func() string {
			t.Helper()
			v, err := s.GraphVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		d, err := s.CurrentDeclaration(ctx, "en")
		if err != nil {
			t.Fatal(err)
		}
		const writers = 24
		accounts := make([]models.Account, writers)
		for i := range accounts {
			before, v := count(), version()
			accounts[i], err = s.Login(ctx, models.LoginIdentity{Provider: "test", Subject: fmt.Sprint(i), Email: fmt.Sprintf("p%d@example.org", i), EmailVerified: true, Name: "P"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if after := count(); after <= before {
				t.Fatalf("a login left the change count at %d (was %d)", after, before)
			}
			if version() != v {
				t.Fatalf("a login moved the graph's version from %s", v)
			}
		}
		before, v := count(), version()
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range accounts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := models.SignInput{Signatory: models.Signatory{Kind: "person", Name: fmt.Sprintf("Person %d", i), Country: "IT", Visibility: models.AllPublic()},
					Version: d.Version, Lang: "en"}
				if _, err := s.Sign(ctx, &accounts[i], in); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		// On SQLite signatures made at the same moment share one commit (commit_group.go), which
		// moves the count once: what matters is that every commit moves it.
		if after := count(); after <= before || (s.Dialect == models.Postgres && after < before+writers) {
			t.Errorf("%d concurrent signatures moved the change count from %d to %d", writers, before, after)
		}
		if after := version(); after == v {
			t.Errorf("%d signatures left the graph's version at %s", writers, v)
		}
		if s.Dialect == models.Postgres {
			var slots int64
			s.DB.Raw("SELECT COUNT(*) FROM change_counter WHERE value > 0").Scan(&slots)
			if slots < 2 {
				t.Errorf("every write went to one row of the counter (%d rows used)", slots)
			}
		}
	})
}
