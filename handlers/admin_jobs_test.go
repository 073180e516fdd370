package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

func TestAdministratorsSeeDeadAndFailingJobs(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
		boss := site.devUser("The Boss", "boss@example.org")
		section := func() *goquery.Selection {
			_, body := boss.get("/admin")
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			return doc.Find("section#jobs")
		}
		if got := section().Text(); !strings.Contains(got, "Jobs waiting or running: 0. Dead jobs: 0.") || !strings.Contains(got, "No job has failed.") {
			t.Fatalf("with nothing queued the section says %q", got)
		}

		ctx := context.Background()
		fail := func(kind string, maxAttempts int, failure string) {
			err := s.DB.Transaction(func(tx *gorm.DB) error {
				_, err := jobs.Enqueue(tx, jobs.Job{Kind: kind, MaxAttempts: maxAttempts})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			j, err := s.ClaimJob(ctx, []string{kind}, "test/1", time.Minute)
			if err != nil || j == nil {
				t.Fatalf("claim %s: %v %v", kind, j, err)
			}
			if err := s.RetryJob(ctx, j, failure, s.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		fail("mail.endorsement", 1, "550 mailbox unavailable")
		fail("credential.issue", 5, "signing key not loaded")
		jobs := section()
		if got := jobs.Find("p").First().Text(); got != "Jobs waiting or running: 1. Dead jobs: 1." {
			t.Errorf("counts: %q", got)
		}
		rows := jobs.Find("tbody tr")
		if rows.Length() != 2 {
			t.Fatalf("%d jobs listed, want the dead one and the failing one", rows.Length())
		}
		dead, failing := rows.Eq(1).Text(), rows.Eq(0).Text()
		if !strings.Contains(dead, "mail.endorsement") || !strings.Contains(dead, "dead since") || !strings.Contains(dead, "550 mailbox unavailable") || !strings.Contains(dead, "1 / 1") {
			t.Errorf("the dead job reads %q", dead)
		}
		if !strings.Contains(failing, "credential.issue") || !strings.Contains(failing, "tried again at") || !strings.Contains(failing, "signing key not loaded") {
			t.Errorf("the failing job reads %q", failing)
		}
	})
}
