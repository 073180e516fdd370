package issuer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
)

// importBacklog imports n signatories: n Signatory badges wait in the outbox as bulk work.
func importBacklog(t testing.TB, s *models.Store, n int) {
	t.Helper()
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, `{"type":"signatory","ref":"p%d","kind":"person","name":"Person Number %d","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`+"\n", i, i)
	}
	set, err := records.Parser{Source: "backlog"}.Parse(strings.NewReader(lines.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
}

// With an import's backlog open, a person who signs afterwards has their badge signed first, in
// a batch of its own, not after the backlog nor after a hundred of the import's badges.
func TestSignatureGoesAheadOfABulkBacklog(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		importBacklog(t, s, 250)
		_, ada := signUp(t, s, "ada@example.org", "Ada Example", models.Public)
		first, err := s.PendingIssuance(ctx, 1)
		if err != nil || len(first) != 1 {
			t.Fatalf("pending: %v, %v", first, err)
		}
		if first[0].Job.SignatoryID != ada.ID {
			t.Fatalf("the next job is signatory %d's, not the new signer's (%d): the signature waits behind the import", first[0].Job.SignatoryID, ada.ID)
		}
		w, _ := testWorker(t, s)
		r, err := w.batch(ctx, 1)
		if err != nil || r.taken != 1 || r.closed != 1 || r.bulk {
			t.Fatalf("first batch: %+v, %v; want Ada's job alone", r, err)
		}
		var stored []models.Credential
		s.DB.Find(&stored)
		if len(stored) != 1 || stored[0].SignatoryID != ada.ID {
			t.Fatalf("after the first batch %d credentials are stored, want Ada's alone", len(stored))
		}
		// Then the backlog, as bulk work.
		if r, err := w.batch(ctx, 1); err != nil || !r.bulk || r.taken != batchSize {
			t.Errorf("second batch: %+v, %v; want a full batch of bulk work", r, err)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var n int64
		s.DB.Model(&models.Credential{}).Count(&n)
		if n != 251 {
			t.Errorf("%d credentials after the backlog, want 251", n)
		}
	})
}

// A person's earlier jobs move ahead with their new one: a revocation queued as bulk work (a
// recomputation that changed many tiers took Ada's Advocate tier) is still done before the
// issuance a later, interactive recomputation queues (Ada is an Advocate again), so Ada ends up
// holding the Advocate badge, not with it revoked after the new issuance was skipped.
func TestInteractiveJobPromotesThePersonsEarlierJobs(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		importBacklog(t, s, 40)
		_, ada := signUp(t, s, "ada@example.org", "Ada Example", models.Public)
		keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
		w, _ := NewWorker(s, keys, "http://localhost:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
		var everyone []int64
		s.DB.Model(&models.Signatory{}).Order("id").Pluck("id", &everyone)
		apply := func(tier func(id int64) trust.Tier) {
			t.Helper()
			in := &models.TrustInput{RowIDs: everyone}
			tiers := make([]trust.Tier, len(everyone))
			for i, id := range everyone {
				tiers[i] = tier(id)
			}
			if _, _, err := s.ApplyTiers(ctx, in, tiers); err != nil {
				t.Fatal(err)
			}
		}
		apply(func(id int64) trust.Tier {
			if id == ada.ID {
				return trust.Advocate
			}
			return trust.Signatory
		})
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		// A large recomputation: everyone else becomes an Advocate, Ada does not (bulk work).
		apply(func(id int64) trust.Tier {
			if id == ada.ID {
				return trust.Signatory
			}
			return trust.Advocate
		})
		// A small one: Ada is an Advocate again (interactive).
		apply(func(int64) trust.Tier { return trust.Advocate })
		var open []models.IssuanceJob
		s.DB.Where("signatory_id = ? AND done_at IS NULL", ada.ID).Order("id").Find(&open)
		if len(open) != 2 {
			t.Fatalf("Ada has %d open jobs, want a revocation and an issuance", len(open))
		}
		for _, j := range open {
			if j.Priority != models.PriorityInteractive {
				t.Errorf("Ada's open %s %s job is left at priority %d", j.Action, j.Kind, j.Priority)
			}
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var live int64
		s.DB.Model(&models.Credential{}).Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL", ada.ID, "advocate").Count(&live)
		if live != 1 {
			t.Errorf("Ada, an Advocate, holds %d live Advocate badges, want 1", live)
		}
	})
}
