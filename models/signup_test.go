package models_test

import (
	"context"
	"testing"

	"github.com/open-recognition/registry/models"
)

// signUp logs a person in through an identity of their own (subject, with the verified address
// subject@example.org) and signs the current English text with entry, on a store whose texts are
// published (testutil.Publish). It returns the account and the entry stored.
func signUp(t *testing.T, s *models.Store, subject string, entry models.Signatory) (models.Account, models.Signatory) {
	t.Helper()
	ctx := context.Background()
	acc, err := s.Login(ctx, models.LoginIdentity{Provider: "test", Subject: subject, Email: subject + "@example.org", EmailVerified: true, Name: entry.Name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.CurrentDeclaration(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	if entry.Visibility == (models.Visibility{}) {
		entry.Visibility = models.AllPublic()
	}
	sg, err := s.Sign(ctx, &acc, models.SignInput{Signatory: entry, Version: d.Version, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	return acc, sg
}
