package models_test

import (
	"context"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
)

// A recomputation records a notification for each listed member whose tier it lowers, in its
// own transaction, and for nobody else: not for a member it raises, nor for one who left the
// registry. The notice shows while the tier stays lowered and is read once marked.
func TestApplyTiersRecordsLoweredTiers(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		testutil.Load(t, s, `{"type":"signatory","ref":"ada","kind":"person","name":"Ada","country":"FR","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"bea","kind":"person","name":"Bea","country":"FR","signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"cy","kind":"person","name":"Cy","country":"FR","signed_at":"2024-05-03T10:00:00Z"}
{"type":"signatory","ref":"gone","kind":"person","name":"Gone","country":"FR","status":"withdrawn","signed_at":"2024-05-04T10:00:00Z"}
`)
		var rows []models.Signatory
		s.DB.Order("id").Find(&rows)
		in := &models.TrustInput{}
		byName := map[string]int{}
		for i, r := range rows {
			in.RowIDs = append(in.RowIDs, r.ID)
			byName[r.Name] = i
		}
		// apply writes these tiers as a computation would (everyone else a Signatory).
		apply := func(set map[string]trust.Tier) {
			t.Helper()
			tiers := make([]trust.Tier, len(rows))
			for name, tier := range set {
				tiers[byName[name]] = tier
			}
			if _, _, err := s.ApplyTiers(ctx, in, tiers); err != nil {
				t.Fatal(err)
			}
		}
		count := func() int64 {
			var n int64
			s.DB.Model(&models.Notification{}).Where("kind = ?", models.KindTierLost).Count(&n)
			return n
		}
		apply(map[string]trust.Tier{"Ada": trust.Ambassador, "Bea": trust.Advocate, "Cy": trust.Advocate, "Gone": trust.Advocate})
		if n := count(); n != 0 {
			t.Fatalf("%d tier-lost notifications after tiers went up", n)
		}
		// Each listed member raised is told of the tier reached, once; Gone, who left, is not.
		var reached []models.Notification
		s.DB.Where("kind = ?", models.KindTierReached).Order("signatory_id").Find(&reached)
		if len(reached) != 3 || *reached[0].ToTier != "ambassador" || *reached[0].FromTier != "signatory" || reached[0].SignatoryID != rows[byName["Ada"]].ID {
			t.Fatalf("tier-reached notifications %+v, want Ada, Bea and Cy", reached)
		}
		// Ada and Bea go down one tier, Cy stays, Gone (not listed) goes down too.
		apply(map[string]trust.Tier{"Ada": trust.Advocate, "Cy": trust.Advocate})
		var got []models.Notification
		s.DB.Where("kind = ?", models.KindTierLost).Order("signatory_id").Find(&got)
		want := map[int64][2]string{rows[byName["Ada"]].ID: {"ambassador", "advocate"}, rows[byName["Bea"]].ID: {"advocate", "signatory"}}
		if len(got) != len(want) {
			t.Fatalf("notifications %+v, want %v", got, want)
		}
		for _, n := range got {
			w, ok := want[n.SignatoryID]
			if !ok || n.Kind != models.KindTierLost || *n.FromTier != w[0] || *n.ToTier != w[1] || n.ReadAt != nil {
				t.Errorf("notification %+v, want %v", n, w)
			}
		}
		// The same tiers again change nothing and record nothing.
		apply(map[string]trust.Tier{"Ada": trust.Advocate, "Cy": trust.Advocate})
		if n := count(); n != 2 {
			t.Errorf("%d notifications after a computation that changed nothing, want 2", n)
		}
	})
}
