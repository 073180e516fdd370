package models_test

import (
	"context"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A badge whose job went missing (on PostgreSQL, a server stopped between the commit of a
// signature and its asking for the job) gets a job at the engine's next sweep; while a job holds
// the outbox, the sweep adds none.
func TestBadgeLeftWithoutAJobIsQueuedAtTheSweep(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := testutil.Publish(s); err != nil {
			t.Fatal(err)
		}
		signUp(t, s, "rosa", models.Signatory{Kind: "person", Name: "Rosa", Country: "IT", City: "Bologna"})
		open := func() int64 {
			var n int64
			if err := s.DB.Model(&models.Job{}).Where("kind = ? AND done_at IS NULL", models.IssuanceJobKind).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := open(); n != 1 {
			t.Fatalf("%d credential jobs after a signature, want 1", n)
		}
		if err := s.RearmCredentialJobs(ctx); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != 1 {
			t.Fatalf("%d credential jobs after a sweep, want still 1", n)
		}
		// The job is lost: closed while the badge still waits.
		if err := s.DB.Exec("UPDATE jobs SET done_at = ? WHERE kind = ?", s.Now(), models.IssuanceJobKind).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.RearmCredentialJobs(ctx); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != 1 {
			t.Fatalf("%d credential jobs after the sweep found a badge without one, want 1", n)
		}
	})
}
