package issuer

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func signUp(t *testing.T, s *models.Store, email, name, nameVisibility string) (*models.Account, models.Signatory) {
	t.Helper()
	ctx := context.Background()
	acc, err := s.Login(ctx, models.LoginIdentity{Provider: "dev", Subject: email, Email: email, EmailVerified: true, Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.CurrentDeclaration(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	in := models.SignInput{Signatory: models.Signatory{Kind: "person", Name: name, Country: "IT", Visibility: models.AllPublic()}, Version: d.Version, Lang: "en"}
	in.Visibility.Name = nameVisibility
	sg, err := s.Sign(ctx, &acc, in)
	if err != nil {
		t.Fatal(err)
	}
	return &acc, sg
}

// testWorker is a credential worker with fresh issuer keys, for a test to drive by hand.
func testWorker(t *testing.T, s *models.Store) (*Worker, *Keys) {
	t.Helper()
	keys, err := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWorker(s, keys, "http://localhost:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return w, keys
}

func TestWorkerIssuesAndRevokes(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w, keys := testWorker(t, s)
		ada, adaEntry := signUp(t, s, "ada@example.org", "Ada Lovelace", models.Public)
		_, hiddenEntry := signUp(t, s, "h@example.org", "Hidden Name", models.Hidden)
		if n, err := w.Drain(ctx); err != nil || n != 2 {
			t.Fatalf("drain: %d jobs, %v; want 2", n, err)
		}
		schema := ob3Schema(t)
		for _, entry := range []models.Signatory{adaEntry, hiddenEntry} {
			creds, _ := s.SignatoryCredentials(ctx, entry.ID)
			if len(creds) != 1 || creds[0].Kind != "signatory" {
				t.Fatalf("%s: credentials %+v, want one Signatory badge", entry.Name, creds)
			}
			full, _ := s.CredentialByID(ctx, creds[0].ID)
			var doc map[string]any
			json.Unmarshal([]byte(full.Document), &doc)
			if err := w.Signer.Verify(doc, keys.All(), w.DID); err != nil {
				t.Errorf("%s: stored credential does not verify: %v", entry.Name, err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("%s: stored credential does not match the schema: %v", entry.Name, err)
			}
			shown := strings.Contains(full.Document, entry.Name)
			if shown != (entry.Visibility.Name == models.Public) {
				t.Errorf("%s: name in the credential = %v, want it only when public", entry.Name, shown)
			}
			var sig models.Signature
			s.DB.Where("signatory_id = ?", entry.ID).Take(&sig)
			if !strings.Contains(full.Document, sig.TextSHA256) {
				t.Errorf("%s: the credential does not bind the text signed", entry.Name)
			}
		}
		// Draining again does nothing: every job is closed.
		if n, _ := w.Drain(ctx); n != 0 {
			t.Errorf("a second drain did %d jobs", n)
		}
		// Withdrawal revokes.
		if _, err := s.Withdraw(ctx, ada, ""); err != nil {
			t.Fatal(err)
		}
		w.Drain(ctx)
		creds, _ := s.SignatoryCredentials(ctx, adaEntry.ID)
		if creds[0].RevokedAt == nil || creds[0].RevokedReason != "withdrawn" {
			t.Errorf("after withdrawal the badge is not revoked: %+v", creds[0])
		}
		idx, _ := s.RevokedIndexes(ctx, creds[0].StatusList)
		if len(idx) != 1 || idx[0] != creds[0].StatusIndex {
			t.Errorf("revoked indexes %v, want [%d]", idx, creds[0].StatusIndex)
		}
		// Someone who withdraws before their badge is signed gets none.
		zed, zedEntry := signUp(t, s, "zed@example.org", "Zed", models.Public)
		s.Withdraw(ctx, zed, "")
		w.Drain(ctx)
		if creds, _ := s.SignatoryCredentials(ctx, zedEntry.ID); len(creds) != 0 {
			t.Errorf("a signatory who withdrew before issuance got %d credentials", len(creds))
		}
	})
}
