package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// liveBadge returns the signatory's one live Signatory badge.
func liveBadge(t *testing.T, s *models.Store, signatoryID int64) models.Credential {
	t.Helper()
	var live []models.Credential
	if err := s.DB.Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL", signatoryID, "signatory").Find(&live).Error; err != nil {
		t.Fatal(err)
	}
	if len(live) != 1 {
		t.Fatalf("%d live Signatory badges, want 1: %+v", len(live), live)
	}
	return live[0]
}

// apiCredentialURLs lists the credential addresses the API links for a signatory.
func apiCredentialURLs(t *testing.T, base, publicID string) string {
	t.Helper()
	_, body := getWith(t, base+"/api/v1/signatories/"+publicID, "")
	var api struct {
		Credentials []struct{ URL string }
	}
	json.Unmarshal([]byte(body), &api)
	var urls []string
	for _, c := range api.Credentials {
		urls = append(urls, c.URL)
	}
	return strings.Join(urls, " ")
}

// A hosted credential follows the person's current choice of name: hiding the name withdraws
// every copy that carries it (410, revoked in the status list, document erased) and issues the
// badge again without it; making it public again does the reverse. The endorsement credential
// the person signed is withdrawn too and, asked for again, comes without the name.
func TestHidingTheNameWithdrawsTheCredentialsCarryingIt(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w, keys := issuingSite(t, s)
		ctx := context.Background()
		base := site.srv.URL
		ada, adaEntry, bea, beaEntry := site.twoSignatories()
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		// Ada endorses Bea, who accepts; the endorsement credential names Ada.
		beaPage := "/signatories/" + beaEntry.PublicID
		ada.form(beaPage, beaPage+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Bea builds bridges."}})
		bea.form("/account", "/account/endorsements/"+adaEntry.PublicID+"/accept", nil)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		res, _ := getWith(t, base+beaPage+"/endorsements/"+adaEntry.PublicID, "text/html")
		endorsementURL := res.Request.URL.String()
		if _, body := getWith(t, endorsementURL+".json", ""); !strings.Contains(body, "Ada Example") {
			t.Fatalf("the endorsement credential does not name Ada: %s", body)
		}
		old := liveBadge(t, s, adaEntry.ID)
		oldURL := base + "/credentials/" + old.ID
		if !strings.Contains(old.Document, "Ada Example") {
			t.Fatal("Ada's badge does not carry her public name")
		}
		if old.StatusList != 1 || statusBit(t, site, old) {
			t.Fatalf("the badge is on list %d, revoked %v", old.StatusList, statusBit(t, site, old))
		}

		// Ada hides her name.
		res, _ = ada.form("/account", "/account/entry", person(url.Values{"vis_name": {"hidden"}}))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("hiding the name: %d", res.StatusCode)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{oldURL, oldURL + ".json", oldURL + ".svg", oldURL + ".png", endorsementURL, endorsementURL + ".json"} {
			res, body := getWith(t, u, "")
			if res.StatusCode != http.StatusGone || strings.Contains(body, "Ada Example") {
				t.Errorf("GET %s after hiding the name: %d\n%.300s", u, res.StatusCode, body)
			}
		}
		if res, body := getWith(t, oldURL+".json", ""); !strings.Contains(body, `"revoked":true`) || !strings.Contains(body, "name hidden") ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("the withdrawn credential's JSON does not say why: %s", body)
		}
		if _, page := getWith(t, oldURL, "text/html"); !strings.Contains(page, "no longer shows their name publicly") {
			t.Errorf("the withdrawn credential's page does not explain:\n%.800s", page)
		}
		if res, _ := getWith(t, base+"/ob2/assertions/"+old.ID, ""); res.StatusCode != http.StatusGone {
			t.Errorf("OB 2.0 assertion of the withdrawn badge: %d, want 410", res.StatusCode)
		}
		if !statusBit(t, site, old) {
			t.Error("the status list does not say the withdrawn badge is revoked")
		}
		var stored models.Credential
		s.DB.Take(&stored, "id = ?", old.ID)
		if stored.Document != models.ErasedDocument || stored.RevokedReason != "name hidden" || stored.ErasedAt == nil {
			t.Errorf("the withdrawn badge is stored as %q, reason %q", stored.Document, stored.RevokedReason)
		}
		// The new badge carries no name, verifies and is the one the profile and the API link.
		fresh := liveBadge(t, s, adaEntry.ID)
		freshURL := base + "/credentials/" + fresh.ID
		res, body := getWith(t, freshURL+".json", "")
		if res.StatusCode != http.StatusOK || strings.Contains(body, "Ada Example") {
			t.Fatalf("the new badge: %d %s", res.StatusCode, body)
		}
		var doc map[string]any
		json.Unmarshal([]byte(body), &doc)
		if subj := doc["credentialSubject"].(map[string]any); subj["name"] != nil {
			t.Errorf("the new badge names its recipient: %v", subj["name"])
		}
		signer, _ := issuer.NewSigner()
		did, _ := issuer.DID(base)
		if err := signer.Verify(doc, keys.All(), did); err != nil {
			t.Errorf("the new badge does not verify: %v", err)
		}
		if _, profile := getWith(t, base+"/signatories/"+adaEntry.PublicID, ""); !strings.Contains(profile, "/credentials/"+fresh.ID) || strings.Contains(profile, old.ID) {
			t.Error("the profile does not link the new badge only")
		}
		if links := apiCredentialURLs(t, base, adaEntry.PublicID); !strings.Contains(links, fresh.ID) || strings.Contains(links, old.ID) {
			t.Errorf("the API links %s", links)
		}
		if links := apiCredentialURLs(t, base, beaEntry.PublicID); strings.Contains(links, strings.TrimPrefix(endorsementURL, base+"/credentials/")) {
			t.Errorf("the API still links the withdrawn endorsement credential: %s", links)
		}
		// Signed again, the endorsement credential comes without Ada's name.
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		res, _ = getWith(t, base+beaPage+"/endorsements/"+adaEntry.PublicID, "text/html")
		if res.Request.URL.String() == endorsementURL {
			t.Fatal("the withdrawn endorsement credential is still the endorsement's")
		}
		if res, body := getWith(t, res.Request.URL.String()+".json", ""); res.StatusCode != http.StatusOK || strings.Contains(body, "Ada Example") ||
			!strings.Contains(body, "Bea builds bridges.") {
			t.Errorf("the endorsement credential issued again: %d %s", res.StatusCode, body)
		}

		// Public again: the nameless copy is withdrawn and the badge carries the name again.
		ada.form("/account", "/account/entry", person(url.Values{"vis_name": {"public"}}))
		w.Drain(ctx)
		if res, _ := getWith(t, freshURL+".json", ""); res.StatusCode != http.StatusGone {
			t.Errorf("the nameless badge after the name was made public again: %d, want 410", res.StatusCode)
		}
		again := liveBadge(t, s, adaEntry.ID)
		if _, body := getWith(t, base+"/credentials/"+again.ID+".json", ""); !strings.Contains(body, "Ada Example") {
			t.Error("the badge issued after the name was made public again does not carry it")
		}
		// Changing something else issues nothing.
		ada.form("/account", "/account/entry", person(url.Values{"city": {"Modena"}}))
		w.Drain(ctx)
		if now := liveBadge(t, s, adaEntry.ID); now.ID != again.ID {
			t.Error("changing the city issued the badge again")
		}
	})
}
