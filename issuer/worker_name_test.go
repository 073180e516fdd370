package issuer

import (
	"context"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A badge signed while its recipient hides their name is not stored with the name: the job is
// signed again with the person's current choice.
func TestBadgeSignedBeforeTheNameWasHiddenIsSignedAgain(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w, keys := testWorker(t, s)
		acc, sg := signUp(t, s, "ada@example.org", "Ada Racing", models.Public)
		tasks, err := s.PendingIssuance(ctx, 10)
		if err != nil || len(tasks) != 1 {
			t.Fatalf("pending: %d, %v", len(tasks), err)
		}
		it, err := w.prepare(tasks[0], keys.Current(), 1, 7)
		if err != nil || !strings.Contains(it.Credential.Document, "Ada Racing") {
			t.Fatalf("prepare: %v", err)
		}
		// Meanwhile, Ada hides her name.
		sg.Visibility.Name = models.Hidden
		if _, err := s.UpdateEntry(ctx, acc, sg); err != nil {
			t.Fatal(err)
		}
		retry, err := s.CompleteBatch(ctx, []models.Completion{it})
		if err != nil || len(retry) != 1 {
			t.Fatalf("complete: retry %v, %v", retry, err)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		creds, _ := s.SignatoryCredentials(ctx, sg.ID)
		if len(creds) != 1 {
			t.Fatalf("%d credentials, want 1", len(creds))
		}
		c, _ := s.CredentialByID(ctx, creds[0].ID)
		if strings.Contains(c.Document, "Ada Racing") || c.RevokedAt != nil {
			t.Errorf("the stored badge carries the hidden name or is revoked: %v", c.RevokedAt)
		}
	})
}

// An endorsement credential signed with the endorser's name just before they hide it is not
// stored: it is signed again without the name.
func TestEndorsementSignedBeforeTheNameWasHiddenIsSignedAgain(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w, _ := testWorker(t, s)
		adaAcc, ada := signUp(t, s, "ada@example.org", "Ada Endorsee", models.Public)
		beaAcc, bea := signUp(t, s, "bea@example.org", "Bea Endorser", models.Public)
		if _, err := s.Endorse(ctx, beaAcc, ada.PublicID, "advocate", "Well deserved."); err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerEndorsement(ctx, adaAcc, bea.PublicID, true); err != nil {
			t.Fatal(err)
		}
		// Signed while Bea's name is public…
		tasks, err := s.PendingIssuance(ctx, 10)
		if err != nil || len(tasks) != 3 || tasks[2].Endorsement == nil {
			t.Fatalf("the endorsement's job: %+v, %v", tasks, err)
		}
		named, err := w.prepareEndorsement(tasks[2], 1, 7, 0)
		if err != nil || named.Credential == nil || !strings.Contains(named.Credential.Document, "Bea Endorser") {
			t.Fatalf("signing: %+v, %v", named, err)
		}
		// …and stored after she hid it: not stored, signed again.
		bea.Visibility.Name = models.Hidden
		if _, err := s.UpdateEntry(ctx, beaAcc, bea); err != nil {
			t.Fatal(err)
		}
		if retry, err := s.CompleteBatch(ctx, []models.Completion{named}); err != nil || len(retry) != 1 {
			t.Fatalf("storing a credential with the hidden name: retry %v, %v", retry, err)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		e, err := s.AcceptedEndorsementBetween(ctx, bea.PublicID, ada.PublicID)
		if err != nil || e.CredentialID == nil {
			t.Fatalf("no credential after the worker ran: %+v, %v", e, err)
		}
		id := *e.CredentialID
		c, _ := s.CredentialByID(ctx, id)
		if strings.Contains(c.Document, "Bea Endorser") || !strings.Contains(c.Document, "Well deserved.") {
			t.Errorf("the endorsement credential: %s", c.Document)
		}
	})
}
