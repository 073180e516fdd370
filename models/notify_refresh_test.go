package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// An endorser who changes the level of an endorsement not yet read refreshes its notification
// rather than adding one. For e-mail the change is news when the first level was already mailed
// (or is being mailed): the notification is due again, out of that message, and its mail job is
// queued. While it still waits to be mailed the next message tells the new level, and nothing
// more is queued. One given up (the category was off) is due again too: the job decides anew,
// as for a new notification.
func TestChangedEndorsementIsMailedAgain(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		member := func(ref string) (models.Signatory, *models.Account) {
			t.Helper()
			acc := &models.Account{PublicID: "acc-" + ref, Email: ref + "@example.org", EmailVerified: true, CreatedAt: time.Now()}
			if err := s.DB.Create(acc).Error; err != nil {
				t.Fatal(err)
			}
			sg := person(ref)
			sg.AccountID = &acc.ID
			if err := s.DB.Create(&sg).Error; err != nil {
				t.Fatal(err)
			}
			return sg, acc
		}
		_, ada := member("ada")
		bea, beaAcc := member("bea")
		key := models.MailJobKey(beaAcc.ID, models.CategoryEndorsements)
		openJobs := func() int64 {
			var n int64
			s.DB.Model(&models.Job{}).Where("unique_key = ? AND done_at IS NULL AND failed_at IS NULL", key).Count(&n)
			return n
		}
		closeJobs := func() {
			now := time.Now()
			if err := s.DB.Model(&models.Job{}).Where("unique_key = ?", key).Update("done_at", now).Error; err != nil {
				t.Fatal(err)
			}
		}
		notification := func() models.Notification {
			t.Helper()
			var ns []models.Notification
			s.DB.Where("signatory_id = ? AND kind = ?", bea.ID, models.KindEndorsementReceived).Find(&ns)
			if len(ns) != 1 {
				t.Fatalf("%d endorsement notifications for Bea, want 1: %+v", len(ns), ns)
			}
			return ns[0]
		}
		endorse := func(level string) {
			t.Helper()
			if _, err := s.Endorse(ctx, ada, bea.PublicID, level, ""); err != nil {
				t.Fatal(err)
			}
		}

		endorse("advocate")
		if n := notification(); n.Mail == nil || *n.Mail != models.MailDue || openJobs() != 1 {
			t.Fatalf("a new endorsement: mail %v, %d open jobs", n.Mail, openJobs())
		}

		// Still due, its job closed (the sweep looks after such rows): the change only
		// refreshes the level the next message tells.
		closeJobs()
		endorse("ambassador")
		if n := notification(); *n.Mail != models.MailDue || *n.Level != "ambassador" || openJobs() != 0 {
			t.Errorf("a change while due: mail %s, level %s, %d open jobs, want due, ambassador, none", *n.Mail, *n.Level, openJobs())
		}

		// Mailed: the change is news again.
		for _, state := range []string{models.MailSent, models.MailSending, models.MailSkipped} {
			var message *int64
			if state != models.MailSkipped {
				at := time.Now()
				m := models.MailMessage{AccountID: &beaAcc.ID, Category: models.CategoryEndorsements, MessageID: state + "@registry.test",
					State: state, Notifications: 1, CreatedAt: at}
				if state == models.MailSent {
					m.SentAt = &at
				}
				if err := s.DB.Create(&m).Error; err != nil {
					t.Fatal(err)
				}
				message = &m.ID
			}
			n := notification()
			if err := s.DB.Model(&n).Updates(map[string]any{"mail": state, "mail_message_id": message}).Error; err != nil {
				t.Fatal(err)
			}
			closeJobs()
			level := "advocate"
			if *n.Level == level {
				level = "ambassador"
			}
			endorse(level)
			if n := notification(); *n.Mail != models.MailDue || n.MailMessageID != nil || *n.Level != level || openJobs() != 1 {
				t.Errorf("a change once %s: mail %s, message %v, level %s, %d open jobs; want due, none, %s, 1",
					state, *n.Mail, n.MailMessageID, *n.Level, openJobs(), level)
			}
			if due, err := s.MailDueCount(ctx, beaAcc.ID, models.CategoryEndorsements); err != nil || due != 1 {
				t.Errorf("due for Bea after a change once %s: %d (%v)", state, due, err)
			}
		}
	})
}
