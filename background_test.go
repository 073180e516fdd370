package main

import (
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// A server runs its background work under the job engine: the tier computation as a job the
// tier worker queues, the badges it changes as the credentials.issue job the computation queues,
// the place backfill and the e-mail sweep as periodic jobs that ran at start.
func TestServerRunsItsBackgroundWorkAsJobs(t *testing.T) {
	started := time.Now().UTC()
	p, s := serveTrustFile(t)
	deadline := time.Now().Add(10 * time.Second)
	for tierOf(t, p, "Cam") != "advocate" {
		if time.Now().After(deadline) {
			t.Fatalf("Cam is %s after 10 s, want advocate", tierOf(t, p, "Cam"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Cam's Advocate badge, signed by the engine.
	st := p.store(t)
	for {
		var open, advocate int64
		st.DB.Model(&models.IssuanceJob{}).Where("done_at IS NULL").Count(&open)
		st.DB.Raw(`SELECT COUNT(*) FROM credentials c JOIN signatories s ON s.id = c.signatory_id
			WHERE s.name = 'Cam' AND c.kind = 'advocate' AND c.revoked_at IS NULL`).Scan(&advocate)
		if open == 0 && advocate == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d outbox rows open, Cam holds %d Advocate badges", open, advocate)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	var rows []models.Job
	if err := st.DB.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var tiers, places, sweeps, issued int
	for _, j := range rows {
		switch {
		case j.LeasedBy != nil || j.LastError != "" || j.FailedAt != nil:
			t.Errorf("job %s left held or failing: %+v", j.Kind, j)
		case j.Kind == tiersJobKind && j.DoneAt != nil:
			tiers++
		case j.Kind == models.IssuanceJobKind && j.DoneAt != nil:
			issued++
		case j.Kind == placesJobKind && j.DoneAt == nil && j.Attempts == 0 && j.RunAt.After(started.Add(placesEvery-time.Minute)):
			places++ // ran once at start, due again in an hour
		case j.Kind == models.JobMailSweep && j.DoneAt == nil && j.Attempts == 0 && j.RunAt.After(started):
			sweeps++ // ran at start, due again within a minute
		default:
			t.Errorf("unexpected job %+v", j)
		}
	}
	if tiers != 1 || places != 1 || sweeps != 1 || issued == 0 {
		t.Fatalf("%d tier computations done, %d place backfills and %d mail sweeps scheduled, %d credential jobs done; want 1, 1, 1 and at least 1: %+v",
			tiers, places, sweeps, issued, rows)
	}
}
