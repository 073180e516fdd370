package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// stranger verifies credentials as an outside verifier does: it resolves the issuer's did:web
// and the credential's status list from the registry, over HTTP, and hands them to the
// independent verifier (testutil.Verifier) with its default rules, status check included.
type stranger struct {
	t      *testing.T
	site   *oidcSite
	verify func(cred, did, status any) testutil.Verdict
}

func newStranger(t *testing.T, site *oidcSite) *stranger {
	t.Helper()
	return &stranger{t: t, site: site, verify: testutil.Verifier(t)}
}

// fetchJSON gets a document the way a verifier's loader does.
func (v *stranger) fetchJSON(u string) (map[string]any, int) {
	v.t.Helper()
	res, body := getWith(v.t, u, "application/ld+json")
	var doc map[string]any
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			v.t.Fatalf("%s: %v", u, err)
		}
	}
	return doc, res.StatusCode
}

// didURL resolves a did:web of this site to its document's address.
func (v *stranger) didURL(did string) string { return didURL(v.t, did) }

// check verifies a credential (a copy a wallet holds) as of now: verified, or why not. A DID
// document or status list the registry no longer serves fails the test: that is a resolution
// error, never a revocation.
func (v *stranger) check(cred map[string]any) (bool, string) {
	v.t.Helper()
	did := issuerDID(cred)
	didDoc, code := v.fetchJSON(v.didURL(did))
	if code != http.StatusOK {
		v.t.Fatalf("the issuer's DID document %s answers %d: a verifier cannot resolve the key", v.didURL(did), code)
	}
	status, _ := cred["credentialStatus"].(map[string]any)
	listURL, _ := status["statusListCredential"].(string)
	if listURL == "" {
		v.t.Fatalf("the credential carries no status entry: %v", cred["credentialStatus"])
	}
	list, code := v.fetchJSON(listURL)
	if code != http.StatusOK {
		v.t.Fatalf("the status list %s answers %d", listURL, code)
	}
	res := v.verify(cred, didDoc, list)
	if !res.Verified && !res.Revoked {
		return false, "not revoked but refused: " + res.Error
	}
	return res.Verified, res.Error
}

// wantVerified and wantRevoked check a wallet's copy.
func (v *stranger) wantVerified(what string, cred map[string]any) {
	v.t.Helper()
	if ok, why := v.check(cred); !ok {
		v.t.Errorf("%s: the independent verifier refuses it: %s", what, why)
	}
}

func (v *stranger) wantRevoked(what string, cred map[string]any) {
	v.t.Helper()
	ok, why := v.check(cred)
	if ok || !strings.Contains(why, "revoked") {
		v.t.Errorf("%s: verified %v, want revoked by its status list (%s)", what, ok, why)
	}
}

func issuerDID(cred map[string]any) string {
	iss, _ := cred["issuer"].(map[string]any)
	did, _ := iss["id"].(string)
	return did
}

// current follows /signatories/{to}/endorsements/{from} and returns the credential it leads to,
// as a wallet would store it, or the status when there is none.
func current(t *testing.T, site *oidcSite, to, from models.Signatory) (map[string]any, string, int) {
	t.Helper()
	res, _ := getWith(t, site.srv.URL+"/signatories/"+to.PublicID+"/endorsements/"+from.PublicID, "text/html")
	if res.StatusCode != http.StatusOK {
		return nil, "", res.StatusCode
	}
	credURL := res.Request.URL.String()
	if !strings.Contains(credURL, "/credentials/") {
		t.Fatalf("the endorsement leads to %s", credURL)
	}
	_, body := getWith(t, credURL+".json", "")
	var cred map[string]any
	if err := json.Unmarshal([]byte(body), &cred); err != nil {
		t.Fatalf("%s.json: %v", credURL, err)
	}
	return cred, credURL, res.StatusCode
}

func endorsementCredentials(t *testing.T, s *models.Store) int64 {
	t.Helper()
	var n int64
	if err := s.DB.Model(&models.Credential{}).Where("kind = ?", "endorsement").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// The life of an endorsement credential, as the endorsee, a crawler and an outside verifier meet
// it. Reading never signs; the worker issues the credential once accepted, valid from the
// acceptance; each accepted state has its own credential; and every way it ends (changed,
// declined, withdrawn by the endorser, endorser leaving the registry, endorser deleting their
// account) leaves the copy in the wallet resolvable and reported revoked by the verifier's
// default status check.
func TestEndorsementCredentialLifecycleAsStranger(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w := badgeSite(t, s)
		v := newStranger(t, site)
		sign := func(name, email string) (*devUser, models.Signatory) {
			u := site.devUser(name, email)
			u.form("/sign", "/sign", person(url.Values{"name": {name}}))
			var sg models.Signatory
			if err := s.DB.Where("name = ?", name).Take(&sg).Error; err != nil {
				t.Fatal(err)
			}
			return u, sg
		}
		ada, adaE := sign("Ada Example", "ada@example.org")
		bea, beaE := sign("Bea Example", "bea@example.org")
		drain(t, w)
		adaPage := "/signatories/" + adaE.PublicID
		endorse := func(u *devUser, level, comment string) {
			t.Helper()
			if res, _ := u.form(adaPage, adaPage+"/endorse", url.Values{"level": {level}, "comment": {comment}}); res.StatusCode != http.StatusOK {
				t.Fatalf("endorse: %d", res.StatusCode)
			}
		}
		answer := func(from models.Signatory, what string) {
			t.Helper()
			if res, _ := ada.form("/account", "/account/endorsements/"+from.PublicID+"/"+what, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", what, res.StatusCode)
			}
		}
		route := site.srv.URL + adaPage + "/endorsements/" + beaE.PublicID

		// Bea endorses Ada, who accepts. Until the worker has issued the credential, neither GET
		// nor HEAD signs one: they answer 404 saying it is being issued.
		endorse(bea, "advocate", "Ada opens doors.")
		answer(beaE, "accept")
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			req, _ := http.NewRequest(method, route, nil)
			req.Header.Set("Accept", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound || res.Header.Get("Retry-After") == "" {
				t.Errorf("%s before issuance: %d (Retry-After %q), want 404 saying it is being issued", method, res.StatusCode, res.Header.Get("Retry-After"))
			}
		}
		if res, body := getWith(t, route, "application/json"); !strings.Contains(body, "being issued") {
			t.Errorf("before issuance the route says %d %s", res.StatusCode, body)
		}
		if n := endorsementCredentials(t, s); n != 0 {
			t.Fatalf("reading the route signed %d credentials", n)
		}
		// The acceptance is the endorsement's last change.
		var accepted models.Endorsement
		s.DB.Where("from_id = ? AND to_id = ?", beaE.ID, adaE.ID).Take(&accepted)
		// The credential is signed later than the acceptance: it is valid from the acceptance.
		time.Sleep(1100 * time.Millisecond)
		drain(t, w)
		first, firstURL, code := current(t, site, adaE, beaE)
		if code != http.StatusOK {
			t.Fatalf("after issuance the route answers %d", code)
		}
		if got, want := first["validFrom"], accepted.UpdatedAt.UTC().Truncate(time.Second).Format(time.RFC3339); got != want {
			t.Errorf("validFrom %v, want the acceptance %s", got, want)
		}
		if !strings.Contains(first["name"].(string), "Advocate") {
			t.Errorf("first credential: %v", first["name"])
		}
		v.wantVerified("the accepted endorsement", first)
		// The verification page says whose key checked it, in English and in French.
		if _, page := getWith(t, firstURL, "text/html"); !strings.Contains(page, "checked against the endorser&#39;s key") ||
			!strings.Contains(page, issuerDID(first)) || strings.Contains(page, "registry&#39;s published key") {
			t.Errorf("the English verification page does not name the endorser's key:\n%.1500s", page)
		}
		if _, page := getWith(t, firstURL+"?lang=fr", "text/html"); !strings.Contains(page, "vérifiée avec la clé de l’auteur") ||
			strings.Contains(page, "clé publiée du registre") {
			t.Errorf("the French verification page does not name the endorser's key")
		}

		// Bea changes the endorsement: its first credential is revoked and nothing is current
		// until Ada accepts again, which issues a new credential saying what now stands.
		endorse(bea, "ambassador", "Ada leads.")
		if _, _, code := current(t, site, adaE, beaE); code != http.StatusNotFound {
			t.Errorf("a changed endorsement still has a current credential: %d", code)
		}
		v.wantRevoked("the credential of a changed endorsement", first)
		answer(beaE, "accept")
		drain(t, w)
		second, secondURL, _ := current(t, site, adaE, beaE)
		if secondURL == firstURL || !strings.Contains(second["name"].(string), "Ambassador") ||
			second["credentialSubject"].(map[string]any)["endorsementComment"] != "Ada leads." {
			t.Fatalf("the endorsement accepted again leads to %s: %v", secondURL, second)
		}
		v.wantVerified("the endorsement accepted again", second)

		// Changed again and declined: revoked, nothing current.
		endorse(bea, "advocate", "Ada helps.")
		answer(beaE, "decline")
		drain(t, w)
		if _, _, code := current(t, site, adaE, beaE); code != http.StatusNotFound {
			t.Errorf("a declined endorsement has a current credential: %d", code)
		}
		v.wantRevoked("the credential of a declined endorsement", second)
		if _, page := getWith(t, secondURL, "text/html"); !strings.Contains(page, "This badge was revoked.") {
			t.Error("the registry's page does not say the declined endorsement's credential is revoked")
		}

		// Endorsed again and accepted: a third credential; withdrawn by Bea: revoked.
		endorse(bea, "advocate", "Ada, again.")
		answer(beaE, "accept")
		drain(t, w)
		third, thirdURL, _ := current(t, site, adaE, beaE)
		if thirdURL == secondURL || thirdURL == firstURL {
			t.Fatal("accepting again did not issue a new credential")
		}
		v.wantVerified("the endorsement accepted a third time", third)
		bea.post(adaPage+"/endorse/withdraw", url.Values{"_csrf": {site.csrf(bea.c, "/account")}})
		drain(t, w)
		v.wantRevoked("the credential of a withdrawn endorsement", third)
		if _, _, code := current(t, site, adaE, beaE); code != http.StatusNotFound {
			t.Errorf("a withdrawn endorsement has a current credential: %d", code)
		}
		var live int64
		s.DB.Model(&models.Credential{}).Where("kind = ? AND revoked_at IS NULL", "endorsement").Count(&live)
		if n := endorsementCredentials(t, s); n != 3 || live != 0 {
			t.Errorf("%d endorsement credentials (%d live), want the three accepted states, all revoked", n, live)
		}

		// Cy endorses Ada, then leaves the registry: Cy's DID document and status list stay
		// published, and say the credential is revoked.
		cy, cyE := sign("Cy Example", "cy@example.org")
		endorse(cy, "advocate", "Cy vouches.")
		answer(cyE, "accept")
		drain(t, w)
		cyCred, _, _ := current(t, site, adaE, cyE)
		v.wantVerified("Cy's endorsement", cyCred)
		if res, _ := cy.form("/account", "/account/withdraw", url.Values{}); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		drain(t, w)
		v.wantRevoked("the endorsement of an endorser who left the registry", cyCred)
		if res, _ := getWith(t, site.srv.URL+"/signatories/"+cyE.PublicID, ""); res.StatusCode != http.StatusGone {
			t.Errorf("the profile of an endorser who left: %d, want 410", res.StatusCode)
		}

		// Dee endorses Ada, then deletes their account: the hosted copy is erased (410), and the
		// copy in Ada's wallet still resolves and reads revoked.
		dee, deeE := sign("Dee Example", "dee@example.org")
		endorse(dee, "advocate", "Dee vouches.")
		answer(deeE, "accept")
		drain(t, w)
		deeCred, deeURL, _ := current(t, site, adaE, deeE)
		v.wantVerified("Dee's endorsement", deeCred)
		if res, _ := dee.form("/account", "/account/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		drain(t, w)
		if res, _ := getWith(t, deeURL+".json", ""); res.StatusCode != http.StatusGone {
			t.Errorf("the hosted copy after the endorser deleted their account: %d, want 410", res.StatusCode)
		}
		v.wantRevoked("the endorsement of an endorser who deleted their account", deeCred)

		// A signatory who signed nothing and left has no DID document to keep.
		eve, eveE := sign("Eve Example", "eve@example.org")
		eve.form("/account", "/account/withdraw", url.Values{})
		if res, _ := getWith(t, site.srv.URL+"/signatories/"+eveE.PublicID+"/did.json", ""); res.StatusCode != http.StatusGone {
			t.Errorf("the DID document of a signatory who signed nothing and left: %d, want 410", res.StatusCode)
		}
	})
}

// Importing accepted endorsements queues their credentials with the import (one statement, not
// one per endorsement); the worker issues them, valid from the acceptance the file records.
func TestImportedEndorsementsAreIssuedByTheWorkerAsStranger(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w := badgeSite(t, s)
		v := newStranger(t, site)
		testutil.Load(t, s, `{"type":"signatory","ref":"a","kind":"person","name":"Ada Imported","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"b","kind":"person","name":"Bea Imported","country":"FR","signed_at":"2024-05-02T10:00:00Z"}
{"type":"endorsement","from":"b","to":"a","level":"advocate","status":"accepted","comment":"Imported trust.","created_at":"2024-06-01T12:00:00Z"}
{"type":"endorsement","from":"a","to":"b","level":"advocate","status":"pending","created_at":"2024-06-02T12:00:00Z"}
`)
		var jobs int64
		s.DB.Model(&models.IssuanceJob{}).Where("kind = ? AND action = ? AND done_at IS NULL", "endorsement", "issue").Count(&jobs)
		if jobs != 1 {
			t.Fatalf("%d endorsement jobs queued by the import, want 1 (the accepted one)", jobs)
		}
		drain(t, w)
		var a, b models.Signatory
		s.DB.Where("name = ?", "Ada Imported").Take(&a)
		s.DB.Where("name = ?", "Bea Imported").Take(&b)
		cred, _, code := current(t, site, a, b)
		if code != http.StatusOK {
			t.Fatalf("the imported endorsement's credential: %d", code)
		}
		if cred["validFrom"] != "2024-06-01T12:00:00Z" {
			t.Errorf("validFrom %v, want the acceptance the file records", cred["validFrom"])
		}
		v.wantVerified("an imported endorsement", cred)
		if _, _, code := current(t, site, b, a); code != http.StatusNotFound {
			t.Errorf("a pending imported endorsement has a credential: %d", code)
		}
	})
}
