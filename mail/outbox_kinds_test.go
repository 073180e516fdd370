package mail_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// The events that come from issuance and administration each give exactly one in-app
// notification and exactly one message: a first badge (signed by the real issuer), an
// organisation verified by an administrator, and a new Declaration version, whose notifications
// are written in bulk and reach the outbox through the sweep.
func TestBadgeOrganisationAndDeclarationAreMailedOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		must(t, err)
		worker, err := issuer.NewWorker(s, keys, "https://registry.example.org", slog.New(slog.NewTextHandler(io.Discard, nil)))
		must(t, err)
		drain := func() {
			t.Helper()
			must(t, firstErr(worker.Drain(ctx)))
		}

		// Ada signs: her Signatory badge is issued.
		_, ada := w.member("Ada", true)
		drain()
		// Olga signs for an organisation whose website her address does not prove: it waits
		// for an administrator, who verifies it; then its badge is issued too.
		olgaAcc, err := s.Login(ctx, models.LoginIdentity{Provider: "test", Subject: "olga", Email: "olga@example.org", EmailVerified: true, Name: "Olga"}, nil)
		must(t, err)
		d, err := s.CurrentDeclaration(ctx, "en")
		must(t, err)
		org, err := s.Sign(ctx, &olgaAcc, models.SignInput{Signatory: models.Signatory{Kind: models.KindOrganisation, Name: "Open Skills Lab",
			Representative: "Olga", Role: "Director", Website: "https://skills.example.net", Country: "IT", Visibility: models.AllPublic()},
			Version: d.Version, Lang: "en"})
		must(t, err)
		drain()
		must(t, s.VerifyOrganisation(ctx, models.Actor{Name: "cli"}, org.PublicID))
		drain()
		// A new version of the Declaration asks both to sign again.
		body := "# Declaration, version 2\n\nThe text.\n"
		sum := sha256.Sum256([]byte(body))
		must(t, s.PublishVersion(ctx, models.Actor{Name: "cli"}, models.Declaration{Version: d.Version + 1, Lang: "en", Title: "Declaration",
			Body: body, SHA256: hex.EncodeToString(sum[:]), PublishedAt: time.Now().UTC()}))

		// The engine starts now: its first sweep finds the Declaration's notifications.
		w.engine(s, w.sender(), "")
		w.srv.Wait(t, 5, 20*time.Second)
		w.settle()

		want := map[string]struct {
			id       int64
			subjects map[string]bool
		}{
			"ada@example.org": {ada.ID, map[string]bool{
				"Your Signatory badge is ready":                      true,
				"Version 2 of the Declaration awaits your signature": true}},
			"olga@example.org": {org.ID, map[string]bool{
				"Your organisation is verified":                      true,
				"Your Signatory badge is ready":                      true,
				"Version 2 of the Declaration awaits your signature": true}},
		}
		for address, wnt := range want {
			notes := w.notes(wnt.id)
			if len(notes) != len(wnt.subjects) {
				t.Errorf("%s: %d in-app notifications, want %d: %+v", address, len(notes), len(wnt.subjects), notes)
			}
			for _, n := range notes {
				if n.Mail == nil || *n.Mail != models.MailSent {
					t.Errorf("%s: %s has mail %v, want sent", address, n.Kind, n.Mail)
				}
			}
			got := w.mailTo(address)
			seen := map[string]bool{}
			for _, m := range got {
				if !wnt.subjects[m.Subject] || seen[m.Subject] {
					t.Errorf("%s: unexpected or repeated message %q", address, m.Subject)
				}
				seen[m.Subject] = true
			}
			if len(got) != len(wnt.subjects) {
				t.Errorf("%s: %d messages, want %d", address, len(got), len(wnt.subjects))
			}
		}
		w.exactlyOnce()
	})
}
