package handlers_test

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A registry upgraded from before root secrets: an endorsement signed with the key derived from
// issuer key 1 and a badge whose OB 2.0 assertion was salted from key 1 keep verifying and keep
// their recipient, on the page and in the custodial did.json, also after keys rotate-root; new
// endorsements are signed with the new root's key and verify too.
func TestUpgradedRegistryKeepsEarlierCredentials(t *testing.T) {
	s := testutil.SQLite(t)
	ctx := context.Background()
	// The keys folder as it was: issuer key 1 alone.
	dir := filepath.Join(t.TempDir(), "keys")
	os.Mkdir(dir, 0o700)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	os.WriteFile(filepath.Join(dir, "issuer-1.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	key1 := issuer.Key{N: 1, Private: priv, Public: priv.Public().(ed25519.PublicKey)}

	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	keys, err := issuer.OpenKeys(dir) // the first start after the upgrade
	if err != nil {
		t.Fatal(err)
	}
	w, err := issuer.NewWorker(s, keys, srv.URL, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := handlers.New(handlers.Deps{Store: s, Logger: discardLogger(), Keys: keys,
		Config: handlers.Config{BaseURL: srv.URL, DevLogin: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	site := &oidcSite{t: t, srv: srv, store: s}
	site.client = site.newClient()

	ada, adaEntry, bea, beaEntry := site.twoSignatories()
	page := "/signatories/" + adaEntry.PublicID
	bea.form(page, page+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Ada opens doors."}})
	ada.form("/account", "/account/endorsements/"+beaEntry.PublicID+"/accept", nil)
	w.Drain(ctx)
	res, _ := getWith(t, srv.URL+page+"/endorsements/"+beaEntry.PublicID, "text/html")
	if !strings.HasPrefix(res.Request.URL.Path, "/credentials/") {
		t.Fatalf("no endorsement credential: %d at %s", res.StatusCode, res.Request.URL)
	}
	endorsementID := strings.TrimPrefix(res.Request.URL.Path, "/credentials/")

	// Make it what an earlier registry issued: signed an hour ago with the key HKDF derived from
	// issuer key 1, as was done then.
	did, _ := issuer.DID(srv.URL)
	bdid := issuer.SignatoryDID(did, beaEntry.PublicID)
	seed, _ := hkdf.Key(sha256.New, key1.Private.Seed(), []byte("open-recognition-registry"), "signatory key\n"+beaEntry.PublicID, ed25519.SeedSize)
	lp := ed25519.NewKeyFromSeed(seed)
	legacy := issuer.Key{Private: lp, Public: lp.Public().(ed25519.PublicKey)}
	earlier := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	stored, _ := s.CredentialByID(ctx, endorsementID)
	var doc map[string]any
	json.Unmarshal([]byte(stored.Document), &doc)
	delete(doc, "proof")
	doc["validFrom"] = earlier.Format(time.RFC3339)
	signer, _ := issuer.NewSigner()
	old, err := signer.Sign(doc, legacy, bdid, earlier)
	if err != nil {
		t.Fatal(err)
	}
	oldJSON, _ := json.Marshal(old)
	if err := s.DB.Exec("UPDATE credentials SET document = ?, issued_at = ? WHERE id = ?", string(oldJSON), earlier, endorsementID).Error; err != nil {
		t.Fatal(err)
	}
	// Ada's badge, issued an hour ago, had its OB 2.0 recipient salted from issuer key 1.
	var badge models.Credential
	s.DB.Where("kind = 'signatory' AND signatory_id = ?", adaEntry.ID).Take(&badge)
	s.DB.Exec("UPDATE credentials SET issued_at = ? WHERE id = ?", earlier, badge.ID)
	wantRecipient := key1.OB2Recipient(badge.ID, "ada@example.org", srv.URL+"/signatories/"+adaEntry.PublicID)

	check := func(stage string, wantKeys int) {
		t.Helper()
		if _, body := getWith(t, srv.URL+"/credentials/"+endorsementID, "text/html"); !strings.Contains(body, "✓") {
			t.Errorf("%s: the earlier endorsement no longer verifies on its page", stage)
		}
		_, body := getWith(t, srv.URL+"/signatories/"+beaEntry.PublicID+"/did.json", "")
		var d issuer.DIDDocument
		json.Unmarshal([]byte(body), &d)
		if len(d.VerificationMethod) != wantKeys || d.VerificationMethod[0].PublicKeyMultibase != legacy.Multibase() {
			t.Errorf("%s: Bea's did.json lists %d keys, want %d starting with the one that signed earlier", stage, len(d.VerificationMethod), wantKeys)
		}
		listed := []issuer.Key{}
		all, _ := keys.SignatoryKeys(beaEntry.PublicID)
		for _, k := range all {
			for _, m := range d.VerificationMethod {
				if m.PublicKeyMultibase == k.Multibase() {
					listed = append(listed, k)
				}
			}
		}
		if err := signer.Verify(old, listed, bdid); err != nil {
			t.Errorf("%s: the earlier endorsement does not verify against the served did.json: %v", stage, err)
		}
		_, ob2 := getWith(t, srv.URL+"/ob2/assertions/"+badge.ID, "")
		var a struct{ Recipient map[string]any }
		json.Unmarshal([]byte(ob2), &a)
		if !reflect.DeepEqual(a.Recipient, wantRecipient) {
			t.Errorf("%s: the earlier assertion's recipient changed: %v, was %v", stage, a.Recipient, wantRecipient)
		}
	}
	check("after the upgrade", 2)

	// A new endorsement is signed with the new root's key, and verifies.
	ada.form("/signatories/"+beaEntry.PublicID, "/signatories/"+beaEntry.PublicID+"/endorse", url.Values{"level": {"advocate"}})
	bea.form("/account", "/account/endorsements/"+adaEntry.PublicID+"/accept", nil)
	w.Drain(ctx)
	res, body := getWith(t, srv.URL+"/signatories/"+beaEntry.PublicID+"/endorsements/"+adaEntry.PublicID, "text/html")
	if !strings.Contains(body, "✓") {
		t.Fatalf("a new endorsement does not verify: %d at %s", res.StatusCode, res.Request.URL)
	}
	fresh, _ := s.CredentialByID(ctx, strings.TrimPrefix(res.Request.URL.Path, "/credentials/"))
	newKey, _ := keys.SignatoryKey(adaEntry.PublicID)
	if !strings.Contains(fresh.Document, newKey.Multibase()) {
		t.Error("a new endorsement is not signed with the key of the newest root")
	}

	if _, err := keys.RotateRoot(); err != nil {
		t.Fatal(err)
	}
	check("after rotate-root", 3)
	if _, body := getWith(t, srv.URL+"/credentials/"+fresh.ID, "text/html"); !strings.Contains(body, "✓") {
		t.Error("after rotate-root the endorsement signed with the previous root no longer verifies")
	}
}
