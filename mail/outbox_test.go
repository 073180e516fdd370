package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// Each kind of notification written today gives exactly one in-app notification and exactly
// one message, to the address of the member it is about.
func TestEveryKindIsMailedOnceToItsMember(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.engine(s, w.sender(), "")
		ctx := context.Background()
		ada, adaSg := w.member("Ada", true)
		bob, bobSg := w.member("Bob", true)
		cy, cySg := w.member("Cy", true)

		must(t, firstErr(s.Endorse(ctx, &bob, adaSg.PublicID, "advocate", "")))
		w.settle()
		must(t, s.AnswerEndorsement(ctx, &ada, bobSg.PublicID, true))
		w.settle()
		// Ada's second endorsement within the hour waits for the hour.
		must(t, firstErr(s.Endorse(ctx, &cy, adaSg.PublicID, "ambassador", "")))
		w.settle()
		if n := len(w.mailTo("ada@example.org")); n != 1 {
			t.Fatalf("Ada has %d messages within the hour, want 1", n)
		}
		w.advance(61 * time.Minute)
		w.settle()
		must(t, s.AnswerEndorsement(ctx, &ada, cySg.PublicID, false))
		w.settle()
		w.notify(models.Notification{SignatoryID: bobSg.ID, Kind: models.KindTierReached, FromTier: ptr("signatory"), ToTier: ptr("advocate"), CreatedAt: s.Now()},
			models.Notification{SignatoryID: cySg.ID, Kind: models.KindTierLost, FromTier: ptr("advocate"), ToTier: ptr("signatory"), CreatedAt: s.Now()})
		w.settle()

		want := map[string]struct {
			id    int64
			kinds []string
		}{
			"ada@example.org": {adaSg.ID, []string{models.KindEndorsementReceived, models.KindEndorsementReceived}},
			"bob@example.org": {bobSg.ID, []string{models.KindEndorsementAccepted, models.KindTierReached}},
			"cy@example.org":  {cySg.ID, []string{models.KindEndorsementDeclined, models.KindTierLost}},
		}
		for address, wnt := range want {
			notes := w.notes(wnt.id)
			var kinds []string
			for _, n := range notes {
				kinds = append(kinds, n.Kind)
				if n.Mail == nil || *n.Mail != models.MailSent || n.MailMessageID == nil {
					t.Errorf("%s: notification %s has mail %v, want sent", address, n.Kind, n.Mail)
				}
			}
			if fmt.Sprint(kinds) != fmt.Sprint(wnt.kinds) {
				t.Errorf("%s: in-app notifications %v, want %v", address, kinds, wnt.kinds)
			}
			got := w.mailTo(address)
			if len(got) != len(wnt.kinds) {
				t.Errorf("%s: %d messages, want %d: %v", address, len(got), len(wnt.kinds), got)
			}
			for _, m := range got {
				if m.Header.Get("Content-Language") != "en" || m.Header.Get("List-Unsubscribe") == "" ||
					m.Header.Get("Auto-Submitted") != "auto-generated" || !strings.HasSuffix(m.MessageID, "@registry.example.org") {
					t.Errorf("%s: headers %v", address, m.Header)
				}
			}
		}
		w.exactlyOnce()
	})
}

// Nothing goes to an unverified address or to a member who turned the category off: their
// notifications show in the app and are marked skipped.
func TestNoMailWithoutAVerifiedAddressOrWhenTurnedOff(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.engine(s, w.sender(), "")
		ctx := context.Background()
		bob, _ := w.member("Bob", true)
		_, danSg := w.member("Dan", false)
		eve, eveSg := w.member("Eve", true)
		must(t, s.DB.Exec("INSERT INTO mail_settings (account_id, category, off_at) VALUES (?, ?, ?)", eve.ID, models.CategoryEndorsements, s.Now()).Error)
		must(t, firstErr(s.Endorse(ctx, &bob, danSg.PublicID, "advocate", "")))
		must(t, firstErr(s.Endorse(ctx, &bob, eveSg.PublicID, "advocate", "")))
		// Eve's tiers are still on.
		w.notify(models.Notification{SignatoryID: eveSg.ID, Kind: models.KindTierReached, FromTier: ptr("signatory"), ToTier: ptr("advocate"), CreatedAt: s.Now()})
		w.settle()
		for _, sg := range []models.Signatory{danSg, eveSg} {
			for _, n := range w.notes(sg.ID) {
				want := models.MailSkipped
				if n.Kind == models.KindTierReached {
					want = models.MailSent
				}
				if n.Mail == nil || *n.Mail != want {
					t.Errorf("%s's %s: mail %v, want %s", sg.Name, n.Kind, n.Mail, want)
				}
			}
		}
		if got := w.mailTo("dan@example.org"); len(got) != 0 {
			t.Errorf("mail to an unverified address: %v", got)
		}
		if got := w.mailTo("eve@example.org"); len(got) != 1 || got[0].Subject != "You reached the Advocate tier" {
			t.Errorf("Eve got %v, want her tier message only", got)
		}
		w.exactlyOnce()
	})
}

// A server without an SMTP server marks due notifications skipped and sends nothing.
func TestNoMailWhenTheServerHasNone(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.engine(s, nil, "")
		bob, _ := w.member("Bob", true)
		_, adaSg := w.member("Ada", true)
		must(t, firstErr(s.Endorse(context.Background(), &bob, adaSg.PublicID, "advocate", "")))
		w.settle()
		n := w.notes(adaSg.ID)
		if len(n) != 1 || n[0].Mail == nil || *n[0].Mail != models.MailSkipped {
			t.Fatalf("notifications %+v, want one, skipped", n)
		}
		if len(w.srv.Messages()) != 0 {
			t.Fatal("a message went out with mail off")
		}
	})
}

// Five endorsements within the hour: the first is mailed at once, the four others wait and go
// together as one digest when the hour is over.
func TestABurstIsOneMessageThenOneDigest(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.engine(s, w.sender(), "")
		ctx := context.Background()
		_, adaSg := w.member("Ada", true)
		for i := range 5 {
			from, _ := w.member(fmt.Sprintf("Endorser%d", i), true)
			must(t, firstErr(s.Endorse(ctx, &from, adaSg.PublicID, "advocate", "")))
			if i == 0 {
				w.srv.Wait(t, 1, 10*time.Second)
				w.settle()
			}
			w.advance(5 * time.Minute)
		}
		w.settle()
		if got := w.mailTo("ada@example.org"); len(got) != 1 {
			var msgs []models.MailMessage
			s.DB.Find(&msgs)
			var js []models.Job
			s.DB.Find(&js)
			t.Fatalf("%d messages within the hour, want 1: %v %+v %+v", len(got), got, msgs, js)
		}
		w.advance(40 * time.Minute)
		w.settle()
		got := w.mailTo("ada@example.org")
		if len(got) != 2 {
			t.Fatalf("%d messages after the hour, want 2", len(got))
		}
		var msgs []models.MailMessage
		must(t, s.DB.Order("id").Find(&msgs).Error)
		if len(msgs) != 2 || msgs[0].Notifications != 1 || msgs[1].Notifications != 4 || got[1].MessageID != msgs[1].MessageID {
			t.Fatalf("messages %+v, want one of 1 notification then a digest of 4", msgs)
		}
		if d := msgs[1].CreatedAt.Sub(msgs[0].CreatedAt); d < time.Hour {
			t.Errorf("the digest came %s after the first message, want an hour at least", d)
		}
		w.exactlyOnce()
	})
}

// A server that refuses for a while: the job tries again (visible to administrators as an
// error on the job) and the message arrives once.
func TestARefusedMessageIsTriedAgainAndArrivesOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.srv.FailNext(2)
		w.engine(s, w.sender(), "")
		bob, _ := w.member("Bob", true)
		_, adaSg := w.member("Ada", true)
		must(t, firstErr(s.Endorse(context.Background(), &bob, adaSg.PublicID, "advocate", "")))
		w.srv.Wait(t, 1, 10*time.Second)
		w.settle()
		if got := w.mailTo("ada@example.org"); len(got) != 1 {
			t.Fatalf("%d messages, want 1", len(got))
		}
		var j models.Job
		must(t, s.DB.Where("kind = ?", models.JobMailNotify).Take(&j).Error)
		if j.DoneAt == nil || j.Attempts != 3 || !strings.Contains(j.LastError, "451") {
			t.Fatalf("job %+v: want done after 3 attempts, the refusal recorded", j)
		}
		var msgs int64
		s.DB.Model(&models.MailMessage{}).Count(&msgs)
		if msgs != 1 {
			t.Fatalf("%d messages recorded for one notification tried three times, want 1", msgs)
		}
		w.exactlyOnce()
	})
}

// Two servers on one database: every event is still mailed exactly once.
func TestTwoEnginesMailEachEventOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		location := s.Path
		if s.Dialect == models.Postgres {
			location = s.Location
		}
		other, err := models.Open(context.Background(), location)
		must(t, err)
		t.Cleanup(func() { other.Close() })
		useClock(other, w.skew)
		w.engine(s, w.sender(), "one:1")
		w.engine(other, w.sender(), "two:2")
		ctx := context.Background()
		from, fromSg := w.member("Endorser", true)
		var to []models.Account
		for i := range 8 {
			acc, sg := w.member(fmt.Sprintf("Member%d", i), true)
			to = append(to, acc)
			must(t, firstErr(s.Endorse(ctx, &from, sg.PublicID, "advocate", "")))
		}
		w.srv.Wait(t, 8, 20*time.Second)
		// The eight answer at once: the endorser hears of them in one message, or two when the
		// first answer was mailed before the others came (the rest an hour later).
		for i := range to {
			must(t, s.AnswerEndorsement(ctx, &to[i], fromSg.PublicID, i%2 == 0))
		}
		w.settle()
		w.advance(61 * time.Minute)
		w.settle()
		for i := range 8 {
			if got := w.mailTo(fmt.Sprintf("member%d@example.org", i)); len(got) != 1 {
				t.Errorf("member %d got %d messages, want 1", i, len(got))
			}
		}
		var sent int64
		s.DB.Model(&models.Notification{}).Where("signatory_id = ? AND mail = ?", fromSg.ID, models.MailSent).Count(&sent)
		if got := w.mailTo("endorser@example.org"); len(got) < 1 || len(got) > 2 || sent != 8 {
			t.Errorf("the endorser got %d messages holding %d notifications, want 1 or 2 holding 8", len(got), sent)
		}
		w.exactlyOnce()
	})
}

// A message recorded by a run that stopped before knowing the outcome is sent again as it was:
// same Message-ID, same notifications; one that came later waits for its own message.
func TestAMessageInFlightIsSentAgainAsItWas(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		acc, sg := w.member("Ada", true)
		w.notify(models.Notification{SignatoryID: sg.ID, Kind: models.KindTierReached, FromTier: ptr("signatory"), ToTier: ptr("advocate"), CreatedAt: s.Now()})
		m, err := s.StartMail(ctx, acc.ID, models.CategoryTiers, "stopped@registry.example.org", 50)
		if err != nil || m == nil {
			t.Fatalf("recording the message: %v, %v", m, err)
		}
		// A second run finds the one in flight instead of making another.
		if again, err := s.StartMail(ctx, acc.ID, models.CategoryTiers, "other@registry.example.org", 50); err != nil || again == nil || again.ID != m.ID {
			t.Fatalf("a second start gave %+v, %v; want the message in flight", again, err)
		}
		w.notify(models.Notification{SignatoryID: sg.ID, Kind: models.KindTierLost, FromTier: ptr("advocate"), ToTier: ptr("signatory"), CreatedAt: s.Now()})
		w.engine(s, w.sender(), "")
		got := w.srv.Wait(t, 1, 10*time.Second)
		w.settle()
		if len(got) != 1 || got[0].MessageID != "stopped@registry.example.org" || got[0].Subject != "You reached the Advocate tier" {
			t.Fatalf("got %v, want the stopped message with its one notification", got)
		}
		w.advance(61 * time.Minute)
		w.settle()
		if got := w.srv.Messages(); len(got) != 2 || got[1].MessageID == "stopped@registry.example.org" {
			t.Fatalf("got %v, want the later notification in a message of its own", got)
		}
		w.exactlyOnce()
	})
}

// Notifications written as due by a bulk INSERT, with no job, are found by the sweep.
func TestTheSweepMailsDueNotificationsWithoutAJob(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		_, sg := w.member("Ada", true)
		must(t, s.DB.Exec("INSERT INTO notifications (signatory_id, kind, to_tier, mail, created_at) VALUES (?, ?, 'advocate', 'due', ?)",
			sg.ID, models.KindTierReached, s.Now()).Error)
		w.engine(s, w.sender(), "")
		w.srv.Wait(t, 1, 10*time.Second)
		w.settle()
		if got := w.mailTo("ada@example.org"); len(got) != 1 {
			t.Fatalf("%d messages, want 1", len(got))
		}
		w.exactlyOnce()
	})
}

// Deleting an account sends one confirmation to the address it had, if verified; the job then
// keeps no trace of the address.
func TestAccountDeletionIsConfirmedOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.engine(s, w.sender(), "")
		ctx := context.Background()
		ada, _ := w.member("Ada", true)
		dan, _ := w.member("Dan", false)
		must(t, s.DeleteAccount(ctx, &ada))
		must(t, s.DeleteAccount(ctx, &dan))
		w.srv.Wait(t, 1, 10*time.Second)
		w.settle()
		got := w.srv.Messages()
		if len(got) != 1 || got[0].To[0] != "ada@example.org" || !strings.HasPrefix(got[0].MessageID, "account-deleted.") ||
			got[0].Header.Get("List-Unsubscribe") != "" {
			t.Fatalf("got %v, want one confirmation to Ada without unsubscribe", got)
		}
		var jobs []models.Job
		must(t, s.DB.Where("kind = ?", models.JobMailAccountDeleted).Find(&jobs).Error)
		if len(jobs) != 1 || jobs[0].DoneAt == nil || jobs[0].Payload != "{}" {
			t.Fatalf("jobs %+v, want one, done, its payload erased", jobs)
		}
		w.exactlyOnce()
	})
}

// firstErr keeps the error of a call that also returns a value.
func firstErr[T any](_ T, err error) error { return err }
