package mail_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/mail/mailtest"
	"github.com/open-recognition/registry/models"
	"gorm.io/gorm"
)

// world is a registry database, an SMTP server and a clock the test moves forward.
type world struct {
	t    *testing.T
	s    *models.Store
	srv  *mailtest.Server
	skew *atomic.Int64
	n    int
}

func newWorld(t *testing.T, s *models.Store) *world {
	w := &world{t: t, s: s, srv: mailtest.Start(t, mailtest.Options{}), skew: new(atomic.Int64)}
	useClock(s, w.skew)
	return w
}

// useClock makes a store's clock the real time plus a skew the test moves.
func useClock(s *models.Store, skew *atomic.Int64) {
	s.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(skew.Load())) }
}

// advance moves the clock forward.
func (w *world) advance(d time.Duration) { w.skew.Add(int64(d)) }

// sender reaches the world's SMTP server.
func (w *world) sender() *mail.SMTP {
	cfg, err := mail.ParseConfig(w.srv.URL(), "registry@registry.example.org")
	if err != nil {
		w.t.Fatal(err)
	}
	return &mail.SMTP{Config: cfg, Timeout: 5 * time.Second}
}

// engine runs a job engine with the mail jobs on store until the test ends; sender may be nil
// (mail off).
func (w *world) engine(store *models.Store, sender mail.Sender, name string) *jobs.Engine {
	t := w.t
	// The tests move the clock by hours while a job may be running: a lease longer than any
	// move keeps a running job from being taken over by the other slot (no process dies here).
	e := &jobs.Engine{Store: store, Poll: 10 * time.Millisecond, Name: name, Log: testLog(t), Lease: 24 * time.Hour,
		Backoff: func(int) time.Duration { return 20 * time.Millisecond }}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	writer := &mail.Writer{Catalog: catalog, BaseURL: "https://registry.example.org", Secret: []byte("the unsubscribe links' test key"), Store: store}
	o := &mail.Outbox{Store: store, Composer: writer, Host: "registry.example.org", Log: testLog(t)}
	if sender != nil {
		o.Sender = sender
	}
	o.Register(e)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine: %v", err)
		}
	})
	return e
}

// member logs a new person in and signs the Declaration for them.
func (w *world) member(name string, verified bool) (models.Account, models.Signatory) {
	t, ctx := w.t, context.Background()
	w.n++
	email := strings.ToLower(name) + "@example.org"
	acc, err := w.s.Login(ctx, models.LoginIdentity{Provider: "test", Subject: name, Email: email, EmailVerified: verified, Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := w.s.CurrentDeclaration(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	sg, err := w.s.Sign(ctx, &acc, models.SignInput{Signatory: models.Signatory{Kind: "person", Name: name, Country: "FR",
		Visibility: models.AllPublic()}, Version: d.Version, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	return acc, sg
}

// settle waits until no mail job is due now or running: what is to be sent has been sent, and
// what waits (the hourly rule, a backoff) waits.
func (w *world) settle() {
	w.t.Helper()
	quiet := 0
	deadline := time.Now().Add(20 * time.Second)
	for quiet < 5 {
		if time.Now().After(deadline) {
			w.t.Fatal("the mail jobs did not settle")
		}
		var n int64
		err := w.s.DB.Model(&models.Job{}).Where("kind IN ? AND done_at IS NULL AND failed_at IS NULL AND (run_at <= ? OR leased_by IS NOT NULL)",
			[]string{models.JobMailNotify, models.JobMailAccountDeleted}, w.s.Now()).Count(&n).Error
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mailTo lists the messages the server accepted for an address.
func (w *world) mailTo(address string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range w.srv.Messages() {
		for _, to := range m.To {
			if to == address {
				out = append(out, m)
			}
		}
	}
	return out
}

// notes reads the notifications of an entry.
func (w *world) notes(signatoryID int64) []models.Notification {
	var out []models.Notification
	if err := w.s.DB.Where("signatory_id = ?", signatoryID).Order("id").Find(&out).Error; err != nil {
		w.t.Fatal(err)
	}
	return out
}

// exactlyOnce checks the no-duplicate rule over everything sent so far: every message the
// server accepted is a recorded message, sent, to its account's address, and accepted once;
// every notification marked sent is in one of them.
func (w *world) exactlyOnce() {
	w.t.Helper()
	var msgs []models.MailMessage
	if err := w.s.DB.Order("id").Find(&msgs).Error; err != nil {
		w.t.Fatal(err)
	}
	byID := map[string]models.MailMessage{}
	for _, m := range msgs {
		byID[m.MessageID] = m
	}
	seen := map[string]int{}
	for _, got := range w.srv.Messages() {
		seen[got.MessageID]++
		if strings.HasPrefix(got.MessageID, "account-deleted.") {
			continue
		}
		m, ok := byID[got.MessageID]
		if !ok {
			w.t.Errorf("the server got %s, which the outbox never recorded", got)
			continue
		}
		if m.State != models.MailSent {
			w.t.Errorf("message %s accepted but %s", m.MessageID, m.State)
		}
		var email string
		w.s.DB.Raw("SELECT email FROM accounts WHERE id = ?", m.AccountID).Scan(&email)
		if len(got.To) != 1 || got.To[0] != email {
			w.t.Errorf("message %s went to %v, want %s", m.MessageID, got.To, email)
		}
	}
	for id, n := range seen {
		if n != 1 {
			w.t.Errorf("message %s accepted %d times", id, n)
		}
	}
	var sent []models.Notification
	w.s.DB.Where("mail = ?", models.MailSent).Find(&sent)
	for _, n := range sent {
		if n.MailMessageID == nil {
			w.t.Errorf("notification %d sent without a message", n.ID)
			continue
		}
		found := false
		for _, m := range msgs {
			if m.ID == *n.MailMessageID && seen[m.MessageID] == 1 {
				found = true
			}
		}
		if !found {
			w.t.Errorf("notification %d marked sent, but its message never arrived", n.ID)
		}
	}
}

// notify records notifications through the one entry point, as an event's transaction does.
func (w *world) notify(rows ...models.Notification) {
	w.t.Helper()
	if err := w.s.DB.Transaction(func(tx *gorm.DB) error { return models.Notify(tx, rows...) }); err != nil {
		w.t.Fatal(err)
	}
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
