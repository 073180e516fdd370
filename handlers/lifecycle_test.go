package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// verifiable is a credential as an outside verifier meets it: its JSON, its issuer's DID
// document and its status list, each fetched from the registry over HTTP.
type verifiable struct {
	cred, did, status map[string]any
}

func fetchJSON(t *testing.T, u string) map[string]any {
	t.Helper()
	res, body := getWith(t, u, "application/ld+json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return out
}

// fetchVerifiable reads a credential and what verifying it needs, as a wallet would: the
// issuer's did:web resolved to its did.json, the status list its credentialStatus names.
func fetchVerifiable(t *testing.T, site *oidcSite, c models.Credential) verifiable {
	t.Helper()
	v := verifiable{cred: fetchJSON(t, site.srv.URL+"/credentials/"+c.ID+".json")}
	issuerID := v.cred["issuer"].(map[string]any)["id"].(string)
	v.did = fetchJSON(t, didURL(t, issuerID))
	if st, ok := v.cred["credentialStatus"].(map[string]any); ok {
		v.status = fetchJSON(t, st["statusListCredential"].(string))
	}
	return v
}

// didURL resolves a did:web as the did:web method says: colons are path separators, and a
// document at the host's root lives under /.well-known/.
func didURL(t *testing.T, did string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(did, "did:web:")
	if !ok {
		t.Fatalf("not a did:web: %s", did)
	}
	parts := strings.Split(rest, ":")
	host, _ := url.PathUnescape(parts[0])
	if len(parts) == 1 {
		return "http://" + host + "/.well-known/did.json"
	}
	return "http://" + host + "/" + strings.Join(parts[1:], "/") + "/did.json"
}

// endorsementOf is the live credential of an endorsement.
func endorsementOf(t *testing.T, s *models.Store, from, to int64) models.Credential {
	t.Helper()
	var c models.Credential
	if err := s.DB.Where("kind = 'endorsement' AND revoked_at IS NULL AND endorsement_id = (SELECT id FROM endorsements WHERE from_id = ? AND to_id = ?)",
		from, to).Take(&c).Error; err != nil {
		t.Fatalf("no live credential for the endorsement %d → %d: %v", from, to, err)
	}
	return c
}

func liveOf(t *testing.T, s *models.Store, signatoryID int64, kind string) models.Credential {
	t.Helper()
	var c models.Credential
	if err := s.DB.Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL", signatoryID, kind).Take(&c).Error; err != nil {
		t.Fatalf("no live %s credential for signatory %d: %v", kind, signatoryID, err)
	}
	return c
}

// On one registry, an outside verifier with its default rules accepts the Signatory badge, an
// Advocate badge, the Ambassador badge of a founding Ambassador from an import and endorsement
// credentials, also after the issuer key and the root secret were rotated; each then reports
// revoked after its real cause: a withdrawal, a lost tier, a withdrawn endorsement. (Declined
// endorsements and endorsers who leave: TestEndorsementCredentialLifecycle.)
func TestCredentialsStayTrueForAVerifier(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		verify := testutil.Verifier(t)
		site, w, keys, _ := workerSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
		load(t, s, `{"type":"signatory","ref":"sam","kind":"person","name":"Sam Seed","email":"sam@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"seed","ref":"sam"}
`)
		sam := site.devUser("Sam Seed", "sam@example.org") // claims the imported entry
		ada, adaE, bea, beaE := site.twoSignatories()
		endorse := func(to models.Signatory) {
			t.Helper()
			if res, _ := sam.post("/signatories/"+to.PublicID+"/endorse", url.Values{"_csrf": {site.csrf(sam.c, "/signatories/"+to.PublicID)},
				"level": {"advocate"}, "comment": {"Works for open recognition."}}); res.StatusCode != http.StatusOK {
				t.Fatalf("endorse %s: %d", to.Name, res.StatusCode)
			}
		}
		accept := func(u *devUser) {
			t.Helper()
			if res, _ := u.post("/account/endorsements/"+id("sam")+"/accept", url.Values{"_csrf": {site.csrf(u.c, "/account")}}); res.StatusCode != http.StatusOK {
				t.Fatalf("accept: %d", res.StatusCode)
			}
		}
		endorse(adaE)
		accept(ada)
		drain(t, w)

		// Credentials signed before the issuer key and the root secret are rotated…
		var samE models.Signatory
		s.DB.Where("public_id = ?", id("sam")).Take(&samE)
		before := map[string]models.Credential{"Sam's Ambassador badge": liveOf(t, s, samE.ID, "ambassador"),
			"Ada's Signatory badge": liveOf(t, s, adaE.ID, "signatory")}
		if _, err := keys.Rotate(); err != nil {
			t.Fatal(err)
		}
		if _, err := keys.RotateRoot(); err != nil {
			t.Fatal(err)
		}
		// …and after: the tiers computed, Bea endorsed too.
		endorse(beaE)
		accept(bea)
		recompute(t, s)
		drain(t, w)
		after := map[string]models.Credential{"Ada's Advocate badge": liveOf(t, s, adaE.ID, "advocate"),
			"Bea's Advocate badge": liveOf(t, s, beaE.ID, "advocate"), "Bea's Signatory badge": liveOf(t, s, beaE.ID, "signatory"),
			"Sam's endorsement of Bea": endorsementOf(t, s, samE.ID, beaE.ID)}
		before["Sam's endorsement of Ada"] = endorsementOf(t, s, samE.ID, adaE.ID)
		for what, c := range map[string]map[string]models.Credential{"before the rotations": before, "after the rotations": after} {
			for name, cred := range c {
				v := fetchVerifiable(t, site, cred)
				if got := verify(v.cred, v.did, v.status); !got.Verified {
					t.Errorf("%s, signed %s: not verified (%s)", name, what, got.Error)
				}
			}
		}

		// Each is revoked by what really happens, and the verifier says revoked.
		if res, _ := ada.form("/account", "/account/withdraw", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		if res, _ := sam.post("/signatories/"+beaE.PublicID+"/endorse/withdraw", url.Values{"_csrf": {site.csrf(sam.c, "/signatories/"+beaE.PublicID)}}); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw the endorsement of Bea: %d", res.StatusCode)
		}
		recompute(t, s)
		drain(t, w)
		for name, c := range map[string]models.Credential{"Ada's Signatory badge (withdrawal)": before["Ada's Signatory badge"],
			"Ada's Advocate badge (withdrawal)": after["Ada's Advocate badge"], "Bea's Advocate badge (tier lost)": after["Bea's Advocate badge"],
			"Sam's endorsement of Ada (endorsee withdrawn)":    before["Sam's endorsement of Ada"],
			"Sam's endorsement of Bea (endorsement withdrawn)": after["Sam's endorsement of Bea"]} {
			v := fetchVerifiable(t, site, c)
			if got := verify(v.cred, v.did, v.status); got.Verified || !got.Revoked {
				t.Errorf("%s: verified %v, revoked %v (%s); want revoked", name, got.Verified, got.Revoked, got.Error)
			}
		}
		// What was not revoked still verifies.
		for name, c := range map[string]models.Credential{"Bea's Signatory badge": after["Bea's Signatory badge"], "Sam's Ambassador badge": before["Sam's Ambassador badge"]} {
			v := fetchVerifiable(t, site, c)
			if got := verify(v.cred, v.did, v.status); !got.Verified {
				t.Errorf("%s after the others were revoked: not verified (%s)", name, got.Error)
			}
		}
	})
}
