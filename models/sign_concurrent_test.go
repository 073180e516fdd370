package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// Many people sign at the same moment, each of them twice (a form sent twice): every person is
// stored once, with one signature, one badge queued and one audit entry, and the second form
// of each is refused as a conflict, whichever of the two comes first.
func TestSignaturesAtTheSameMoment(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		d, err := s.CurrentDeclaration(ctx, "en")
		if err != nil {
			t.Fatal(err)
		}
		const people = 60
		accounts := make([]models.Account, people)
		for i := range accounts {
			email := fmt.Sprintf("crowd%d@example.org", i)
			if accounts[i], err = s.Login(ctx, models.LoginIdentity{Provider: "dev", Subject: email, Email: email, EmailVerified: true, Name: "P"}, nil); err != nil {
				t.Fatal(err)
			}
		}
		errs := make([][2]error, people)
		var wg sync.WaitGroup
		for i := range people {
			for twice := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					in := models.SignInput{Signatory: models.Signatory{Kind: "person", Name: fmt.Sprintf("Crowd Person %d", i), Country: "IT",
						City: "Bologna", Visibility: models.AllPublic()}, Version: d.Version, Lang: d.Lang}
					_, errs[i][twice] = s.Sign(ctx, &accounts[i], in)
				}()
			}
		}
		wg.Wait()
		for i, e := range errs {
			ok := 0
			for _, err := range e {
				if err == nil {
					ok++
				} else if models.ErrorCode(err) != models.ECONFLICT {
					t.Errorf("person %d: %v is not a conflict", i, err)
				}
			}
			if ok != 1 {
				t.Errorf("person %d: %d of their two forms were accepted, want 1 (%v)", i, ok, e)
			}
		}
		for table, want := range map[string]int64{"signatories": people, "signatures": people, "issuance_outbox": people} {
			if n := testutil.Count(t, s, table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		var audited int64
		s.DB.Model(&models.AuditEntry{}).Where("action = ?", "signatory.sign").Count(&audited)
		var searchable int64
		s.DB.Raw("SELECT COUNT(DISTINCT signatory_id) FROM search_terms").Scan(&searchable)
		if audited != people || searchable != people {
			t.Errorf("%d signatures audited and %d people searchable, want %d", audited, searchable, people)
		}
		if current, _, err := s.TiersCurrent(ctx); err != nil || current {
			t.Errorf("the graph changed and the tiers are current (%v, %v)", current, err)
		}
	})
}
