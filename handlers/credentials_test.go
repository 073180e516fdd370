package handlers_test

import (
	"context"
	"encoding/json"
	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// issuingSite is a site with issuer keys and a credential worker the test drives by hand.
func issuingSite(t *testing.T, s *models.Store) (*oidcSite, *issuer.Worker, *issuer.Keys) {
	t.Helper()
	site, w, keys, _ := workerSite(t, s, handlers.Config{DevLogin: true})
	return site, w, keys
}

// workerSite serves the app as the server builds it, over real HTTP: issuer keys, a credential
// worker the test drives by hand, and cfg (its base URL is the server's).
func workerSite(t *testing.T, s *models.Store, cfg handlers.Config) (*oidcSite, *issuer.Worker, *issuer.Keys, *echo.Echo) {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := issuer.NewWorker(s, keys, srv.URL, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = srv.URL
	e, _, err := handlers.New(handlers.Deps{Store: s, Logger: discardLogger(), Keys: keys, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	site := &oidcSite{t: t, srv: srv, store: s}
	site.client = site.newClient()
	return site, w, keys, e
}

func getWith(t *testing.T, u, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res, b.String()
}

func TestSignatoryBadge(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w, keys := issuingSite(t, s)
		ctx := context.Background()
		u := site.devUser("Ada Example", "ada@example.org")
		u.form("/sign", "/sign", person(nil))
		if n, err := w.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("drain: %d, %v", n, err)
		}
		var sg models.Signatory
		s.DB.Take(&sg)
		_, body := getWith(t, site.srv.URL+"/api/v1/signatories/"+sg.PublicID, "")
		var api struct {
			Credentials []struct {
				Type, URL string
				Revoked   bool
			}
		}
		json.Unmarshal([]byte(body), &api)
		if len(api.Credentials) != 1 || api.Credentials[0].Type != "signatory" || api.Credentials[0].Revoked {
			t.Fatalf("API credentials %+v", api.Credentials)
		}
		credURL := api.Credentials[0].URL

		res, doc := getWith(t, credURL, "application/ld+json")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/ld+json" || !strings.Contains(res.Header.Get("Vary"), "Accept") {
			t.Fatalf("JSON credential: %d %s vary %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Vary"))
		}
		var cred map[string]any
		json.Unmarshal([]byte(doc), &cred)
		signer, _ := issuer.NewSigner()
		did, _ := issuer.DID(site.srv.URL)
		if err := signer.Verify(cred, keys.All(), did); err != nil {
			t.Errorf("served credential does not verify: %v", err)
		}
		if res, _ := getWith(t, credURL+".json", "text/html"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/ld+json" {
			t.Errorf(".json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		res, page := getWith(t, credURL, "text/html,application/xhtml+xml;q=0.9,application/json;q=0.8")
		if res.StatusCode != http.StatusOK || !strings.Contains(page, "This badge is valid.") || !strings.Contains(page, "✓") || !strings.Contains(page, "Ada Example") {
			t.Errorf("verification page: %d\n%.600s", res.StatusCode, page)
		}
		if _, profile := getWith(t, site.srv.URL+"/signatories/"+sg.PublicID, ""); !strings.Contains(profile, credURL) {
			t.Error("the profile does not link the badge")
		}
		if res, _ := getWith(t, site.srv.URL+"/achievements/signatory", ""); res.StatusCode != http.StatusOK {
			t.Errorf("achievement: %d", res.StatusCode)
		}
		for _, img := range []string{"/achievements/signatory.svg", "/achievements/ambassador.png"} {
			if res, _ := getWith(t, site.srv.URL+img, ""); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
				t.Errorf("%s: %d %s", img, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		// Baked images carry the credential exactly as served.
		stored, _ := s.CredentialByID(ctx, strings.TrimPrefix(credURL, site.srv.URL+"/credentials/"))
		_, svg := getWith(t, credURL+".svg", "")
		if got, err := issuer.ReadBakedSVG([]byte(svg)); err != nil || got != stored.Document {
			t.Errorf("baked SVG: %v", err)
		}
		_, pngBody := getWith(t, credURL+".png", "")
		if got, err := issuer.ReadBakedPNG([]byte(pngBody)); err != nil || got != stored.Document {
			t.Errorf("baked PNG: %v", err)
		}
		for _, bad := range []string{"/credentials/not-a-uuid", "/credentials/6f1a4d52-6a0e-5b43-9c5e-0b2a7e1d0c11", "/credentials/../etc/passwd",
			strings.TrimPrefix(credURL, site.srv.URL) + ".exe", "/achievements/hero", "/status/0", "/status/abc", "/status/99"} {
			if res, _ := getWith(t, site.srv.URL+bad, ""); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", bad, res.StatusCode)
			}
		}

		// Open Badges 2.0 hosted documents, the recipient as a salted hash of the e-mail.
		credID := strings.TrimPrefix(credURL, site.srv.URL+"/credentials/")
		res, ob2 := getWith(t, site.srv.URL+"/ob2/assertions/"+credID, "")
		var assertion map[string]any
		json.Unmarshal([]byte(ob2), &assertion)
		recipient, _ := assertion["recipient"].(map[string]any)
		if res.StatusCode != http.StatusOK || assertion["type"] != "Assertion" || recipient["hashed"] != true || strings.Contains(ob2, "ada@example.org") {
			t.Errorf("OB 2.0 assertion: %d %s", res.StatusCode, ob2)
		}
		for _, p := range []string{"/ob2/issuer", "/ob2/badges/signatory"} {
			if res, _ := getWith(t, site.srv.URL+p, ""); res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
		if res, _ := getWith(t, site.srv.URL+"/ob2/badges/hero", ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown OB 2.0 badge: %d", res.StatusCode)
		}
		// The status list is a signed credential; withdrawing sets the badge's bit.
		statusURL := cred["credentialStatus"].(map[string]any)["statusListCredential"].(string)
		_, sl := getWith(t, statusURL, "")
		var list map[string]any
		json.Unmarshal([]byte(sl), &list)
		if err := signer.Verify(list, keys.All(), did); err != nil {
			t.Errorf("status list does not verify: %v", err)
		}
		before := list["credentialSubject"].(map[string]any)["encodedList"]
		u.form("/account", "/account/withdraw", url.Values{})
		w.Drain(ctx)
		_, sl = getWith(t, statusURL, "")
		json.Unmarshal([]byte(sl), &list)
		if list["credentialSubject"].(map[string]any)["encodedList"] == before {
			t.Error("the status list did not change after the revocation")
		}
		if _, page := getWith(t, credURL, "text/html"); !strings.Contains(page, "This badge was revoked.") || !strings.Contains(page, "withdrew their signature") ||
			strings.Contains(page, "Ada Example") {
			t.Error("the verification page of a withdrawn signatory's badge does not say revoked and why, or still names them")
		}
		if res, body := getWith(t, site.srv.URL+"/ob2/assertions/"+credID, ""); res.StatusCode != http.StatusGone || !strings.Contains(body, `"revoked":true`) {
			t.Errorf("revoked OB 2.0 assertion: %d %s", res.StatusCode, body)
		}
	})
}

// Deleting an account erases the person's details, ends their sessions and revokes their badge;
// a pseudonymous tombstone stays.
func TestDeleteAccount(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w, _ := issuingSite(t, s)
		ctx := context.Background()
		u := site.devUser("Ada Example", "ada@example.org")
		u.form("/sign", "/sign", person(nil))
		w.Drain(ctx)
		var sg models.Signatory
		s.DB.Take(&sg)
		if res, _ := u.form("/account", "/account/delete", url.Values{}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("deletion without confirmation: %d, want 400", res.StatusCode)
		}
		if res, _ := getWith(t, site.srv.URL+"/signatories/"+sg.PublicID, ""); res.StatusCode != http.StatusOK {
			t.Fatalf("an unconfirmed deletion removed the entry: %d", res.StatusCode)
		}
		res, _ := u.form("/account", "/account/delete", url.Values{"confirm": {"yes"}})
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
			t.Fatalf("delete: %d at %s", res.StatusCode, res.Request.URL)
		}
		if res, _ := u.get("/account"); res.Request.URL.Path != "/login" {
			t.Errorf("the session survived the deletion: %d at %s", res.StatusCode, res.Request.URL)
		}
		if res, _ := getWith(t, site.srv.URL+"/signatories/"+sg.PublicID, ""); res.StatusCode != http.StatusGone {
			t.Errorf("deleted entry: %d, want 410", res.StatusCode)
		}
		w.Drain(ctx)
		creds, _ := s.SignatoryCredentials(ctx, sg.ID)
		if len(creds) != 1 || creds[0].RevokedAt == nil || creds[0].RevokedReason != "account deleted" {
			t.Errorf("badge after deletion: %+v", creds)
		}
		var tomb models.Signatory
		s.DB.Take(&tomb, sg.ID)
		var acc models.Account
		s.DB.Take(&acc)
		var ids int64
		s.DB.Model(&models.Identity{}).Count(&ids)
		if tomb.Name != "" || tomb.Email != "" || tomb.City != "" || tomb.Status != "deleted" || acc.Email != "" || acc.DeletedAt == nil || ids != 0 {
			t.Errorf("personal data left after deletion: entry %+v account %+v identities %d", tomb, acc, ids)
		}
	})
}

// An accepted endorsement becomes an EndorsementCredential issued by the worker, signed by the
// endorser's custodial identity, whose DID document the registry serves. Reading its address
// never signs anything.
func TestEndorsementCredentialIssuedOnAcceptance(t *testing.T) {
	s := testutil.SQLite(t)
	site, w, keys := issuingSite(t, s)
	ctx := context.Background()
	ada, adaEntry, bea, beaEntry := site.twoSignatories()
	w.Drain(ctx)
	page := "/signatories/" + adaEntry.PublicID
	bea.form(page, page+"/endorse", url.Values{"level": {"ambassador"}, "comment": {"Ada *opens* doors."}})
	credPath := page + "/endorsements/" + beaEntry.PublicID
	if res, _ := getWith(t, site.srv.URL+credPath, ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("credential of a pending endorsement: %d, want 404", res.StatusCode)
	}
	ada.form("/account", "/account/endorsements/"+beaEntry.PublicID+"/accept", nil)
	// Before the worker ran: reading (GET or HEAD, as a link checker does) signs nothing.
	credentials := func() int64 {
		var n int64
		s.DB.Model(&models.Credential{}).Count(&n)
		return n
	}
	before := credentials()
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, site.srv.URL+credPath, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s of an endorsement being issued: %d, want 404", method, res.StatusCode)
		}
	}
	if res, body := getWith(t, site.srv.URL+credPath, "application/json"); !strings.Contains(body, "being issued") {
		t.Errorf("an endorsement being issued: %d %s", res.StatusCode, body)
	}
	if after := credentials(); after != before {
		t.Fatalf("reading the endorsement's address stored %d credentials", after-before)
	}
	w.Drain(ctx)
	res, pageBody := getWith(t, site.srv.URL+credPath, "text/html")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/credentials/") || !strings.Contains(pageBody, "✓") {
		t.Fatalf("endorsement credential: %d at %s\n%.800s", res.StatusCode, res.Request.URL, pageBody)
	}
	first := res.Request.URL.Path
	// Checked against the endorser's key, and the page says so (not the registry's key).
	endorserDID, _ := issuer.DID(site.srv.URL)
	endorserDID = issuer.SignatoryDID(endorserDID, beaEntry.PublicID)
	if !strings.Contains(pageBody, "published in the DID document of "+endorserDID) || strings.Contains(pageBody, "registry&#39;s published key") {
		t.Errorf("the verification page does not say the endorser's key was used:\n%s", pageBody)
	}
	// Issued by the endorser, whose own key and status list a verifier uses.
	if doc, _ := goquery.NewDocumentFromReader(strings.NewReader(pageBody)); doc == nil ||
		strings.TrimSpace(doc.Find("dl.facts dd").First().Text()) != "Bea Example" ||
		!strings.Contains(pageBody, "names the endorser&#39;s did:web key") || strings.Contains(pageBody, "names the registry&#39;s did:web key") {
		t.Errorf("the verification page does not name the endorser as the issuer, or points at the registry's key:\n%s", pageBody)
	}
	req, _ := http.NewRequest(http.MethodGet, site.srv.URL+first, nil)
	req.Header.Set("Accept-Language", "fr")
	if res, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "publiée dans le document DID de "+endorserDID) {
			t.Errorf("the French verification page does not say the endorser's key was used:\n%s", b)
		}
	}
	if res, _ := getWith(t, site.srv.URL+credPath, "text/html"); res.Request.URL.Path != first {
		t.Errorf("a second request issued another credential: %s, then %s", first, res.Request.URL.Path)
	}
	_, body := getWith(t, site.srv.URL+first+".json", "")
	var cred map[string]any
	json.Unmarshal([]byte(body), &cred)
	did, _ := issuer.DID(site.srv.URL)
	key, _ := keys.SignatoryKey(beaEntry.PublicID)
	signer, _ := issuer.NewSigner()
	if err := signer.Verify(cred, []issuer.Key{key}, issuer.SignatoryDID(did, beaEntry.PublicID)); err != nil {
		t.Errorf("the endorsement does not verify with Bea's key: %v", err)
	}
	_, docBody := getWith(t, site.srv.URL+"/signatories/"+beaEntry.PublicID+"/did.json", "")
	var doc issuer.DIDDocument
	json.Unmarshal([]byte(docBody), &doc)
	if doc.ID != issuer.SignatoryDID(did, beaEntry.PublicID) || len(doc.VerificationMethod) != 1 || doc.VerificationMethod[0].PublicKeyMultibase != key.Multibase() {
		t.Errorf("Bea's DID document: %+v", doc)
	}
	if res, _ := getWith(t, site.srv.URL+first+".png", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("baked image of an endorsement: %d, want 404", res.StatusCode)
	}
	if _, profile := getWith(t, site.srv.URL+page, ""); !strings.Contains(profile, credPath) {
		t.Error("the profile does not link the endorsement credential")
	}
	// Withdrawn, the endorsement's credential page says revoked.
	bea.post(page+"/endorse/withdraw", url.Values{"_csrf": {site.csrf(bea.c, "/account")}})
	if _, body := getWith(t, site.srv.URL+first, "text/html"); !strings.Contains(body, "its author withdrew the endorsement") {
		t.Error("the credential of a withdrawn endorsement is not shown revoked")
	}
}
