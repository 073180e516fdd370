package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// Every category is on until the member turns it off; turning one off or on is audited once,
// saving the same choice again writes nothing, account mail cannot be turned off, and an
// unsubscribe link turns exactly its category off.
func TestMailSettingsRoundTrip(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acc := models.Account{PublicID: uuid.NewString(), DisplayName: "Ada", Email: "ada@example.org", EmailVerified: true, CreatedAt: time.Now()}
		if err := s.DB.Create(&acc).Error; err != nil {
			t.Fatal(err)
		}
		wanted := func(c string) bool {
			t.Helper()
			ok, err := models.MailWanted(s.DB, acc.ID, c)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		on, err := s.MailSettings(ctx, acc.ID)
		if err != nil || len(on) != len(models.MailCategories) {
			t.Fatalf("%v %v", on, err)
		}
		for _, c := range models.MailCategories {
			if !on[c] || !wanted(c) {
				t.Errorf("%s is off for a new member", c)
			}
		}
		audits := func() int64 {
			var n int64
			s.DB.Table("audit_log").Where("action = ? AND subject_id = ?", "mail.settings", acc.PublicID).Count(&n)
			return n
		}
		choice := map[string]bool{models.CategoryTiers: false, models.CategoryBadges: false, models.CategoryEndorsements: true}
		for range 2 {
			if err := s.SetMailSettings(ctx, acc.ID, choice); err != nil {
				t.Fatal(err)
			}
		}
		on, _ = s.MailSettings(ctx, acc.ID)
		if on[models.CategoryTiers] || on[models.CategoryBadges] || !on[models.CategoryEndorsements] || !on[models.CategoryDeclaration] {
			t.Errorf("after turning tiers and badges off: %v", on)
		}
		if wanted(models.CategoryTiers) || !wanted(models.CategoryEndorsements) || !wanted(models.CategoryAccount) {
			t.Error("MailWanted does not follow the settings")
		}
		if n := audits(); n != 1 {
			t.Errorf("%d audit entries for one change saved twice, want 1", n)
		}
		if err := s.SetMailSettings(ctx, acc.ID, map[string]bool{models.CategoryTiers: true}); err != nil {
			t.Fatal(err)
		}
		if !wanted(models.CategoryTiers) || audits() != 2 {
			t.Errorf("turning tiers back on: wanted %v, %d audit entries", wanted(models.CategoryTiers), audits())
		}
		for _, bad := range []map[string]bool{{models.CategoryAccount: false}, {"weather": false}} {
			if err := s.SetMailSettings(ctx, acc.ID, bad); models.ErrorCode(err) != models.EINVALID {
				t.Errorf("%v: %v, want invalid", bad, err)
			}
		}
		if err := s.UnsubscribeMail(ctx, acc.PublicID, models.CategoryDeclaration); err != nil {
			t.Fatal(err)
		}
		if err := s.UnsubscribeMail(ctx, acc.PublicID, models.CategoryDeclaration); err != nil {
			t.Fatal("unsubscribing twice:", err)
		}
		if wanted(models.CategoryDeclaration) || !wanted(models.CategoryEndorsements) {
			t.Error("the unsubscribe turned off the wrong categories")
		}
		if err := s.UnsubscribeMail(ctx, acc.PublicID, models.CategoryAccount); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("unsubscribing from account mail: %v", err)
		}
		if err := s.UnsubscribeMail(ctx, uuid.NewString(), models.CategoryTiers); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("unsubscribing an unknown account: %v", err)
		}
		// Deleting the account erases its choices; a link of an old message then finds nobody.
		if err := s.DeleteAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		if n := testutil.Count(t, s, "mail_settings"); n != 0 {
			t.Errorf("%d mail settings left after the account's deletion", n)
		}
		if err := s.UnsubscribeMail(ctx, acc.PublicID, models.CategoryTiers); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("unsubscribing a deleted account: %v", err)
		}
	})
}

// The language a member logs in with is remembered for their e-mail; logging in again in the
// same language writes nothing, in another one changes it.
func TestLoginRemembersLanguage(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		id := models.LoginIdentity{Provider: "dev", Subject: "ada", Email: "ada@example.org", EmailVerified: true, Name: "Ada", Lang: "fr"}
		acc, err := s.Login(ctx, id, nil)
		if err != nil || acc.Language != "fr" {
			t.Fatalf("first login: %q %v", acc.Language, err)
		}
		id.Lang = "de"
		if acc, err = s.Login(ctx, id, nil); err != nil || acc.Language != "de" {
			t.Fatalf("second login: %q %v", acc.Language, err)
		}
		var stored models.Account
		s.DB.Take(&stored, acc.ID)
		if stored.Language != "de" {
			t.Errorf("stored language %q", stored.Language)
		}
		if err := s.SetAccountLanguage(ctx, acc.ID, "it"); err != nil {
			t.Fatal(err)
		}
		s.DB.Take(&stored, acc.ID)
		if stored.Language != "it" {
			t.Errorf("after choosing Italian: %q", stored.Language)
		}
	})
}
