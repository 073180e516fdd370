package main

import (
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// A server runs its background work under the job engine: the tier computation as a job the
// tier worker queues, the place backfill and the e-mail sweep as periodic jobs that ran at start.
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
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	var rows []models.Job
	if err := p.store(t).DB.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var tiers, places, sweeps int
	for _, j := range rows {
		switch {
		case j.LeasedBy != nil || j.LastError != "" || j.FailedAt != nil:
			t.Errorf("job %s left held or failing: %+v", j.Kind, j)
		case j.Kind == tiersJobKind && j.DoneAt != nil:
			tiers++
		case j.Kind == placesJobKind && j.DoneAt == nil && j.Attempts == 0 && j.RunAt.After(started.Add(placesEvery-time.Minute)):
			places++ // ran once at start, due again in an hour
		case j.Kind == models.JobMailSweep && j.DoneAt == nil && j.Attempts == 0 && j.RunAt.After(started):
			sweeps++ // ran at start, due again within a minute
		default:
			t.Errorf("unexpected job %+v", j)
		}
	}
	if tiers != 1 || places != 1 || sweeps != 1 {
		t.Fatalf("%d tier computations done, %d place backfills and %d mail sweeps scheduled, want 1, 1 and 1: %+v", tiers, places, sweeps, rows)
	}
}
