package handlers_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// walletSite is a site whose issuer has a configured e-mail, an administrator
// (boss@example.org) and a credential worker the test drives by hand.
func walletSite(t *testing.T, s *models.Store) (*oidcSite, *issuer.Worker, *issuer.Keys) {
	t.Helper()
	site, w, keys, _ := workerSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}, IssuerEmail: "badges@registry.example",
		AdvocateCapacities: []int{8, 4, 2, 1}, AmbassadorCapacities: []int{4, 2, 1}})
	w.IssuerEmail = "badges@registry.example"
	return site, w, keys
}

// liveCredential is the JSON document of a signatory's live badge of a kind.
func liveCredential(t *testing.T, s *models.Store, signatory int64, kind string) (models.Credential, map[string]any) {
	t.Helper()
	var c models.Credential
	if err := s.DB.Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL", signatory, kind).Take(&c).Error; err != nil {
		t.Fatalf("no live %s badge: %v", kind, err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(c.Document), &doc); err != nil {
		t.Fatal(err)
	}
	return c, doc
}

// A badge names its holder by profile URL and, when the registry knows a verified e-mail, by a
// salted hash of it that a relying party can match without the e-mail being published. It says
// when it was awarded, and its issuer has an e-mail and an image; its achievement's image is a
// PNG, which wallets that cannot draw SVG show.
func TestBadgeRecipientDatesAndImages(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w, _ := walletSite(t, s)
		ctx := context.Background()
		signedAt := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return signedAt }
		ada := site.devUser("Ada Example", "Ada@Example.org")
		ada.form("/sign", "/sign", person(nil))
		issuedAt := signedAt.Add(90 * time.Minute)
		s.Now = func() time.Time { return issuedAt }
		drain(t, w)
		var sg models.Signatory
		s.DB.Where("name = ?", "Ada Example").Take(&sg)
		cred, doc := liveCredential(t, s, sg.ID, "signatory")
		raw := cred.Document
		if strings.Contains(strings.ToLower(raw), "ada@example.org") {
			t.Fatal("the badge publishes the e-mail")
		}
		subj := doc["credentialSubject"].(map[string]any)
		if subj["id"] != site.srv.URL+"/signatories/"+sg.PublicID {
			t.Errorf("subject id %v", subj["id"])
		}
		ids, _ := subj["identifier"].([]any)
		if len(ids) != 1 {
			t.Fatalf("identifier %v, want one IdentityObject\n%s", subj["identifier"], raw)
		}
		id := ids[0].(map[string]any)
		salt, _ := id["salt"].(string)
		sum := sha256.Sum256([]byte("ada@example.org" + salt))
		if id["type"] != "IdentityObject" || id["hashed"] != true || id["identityType"] != "emailAddress" ||
			id["identityHash"] != "sha256$"+hex.EncodeToString(sum[:]) {
			t.Errorf("IdentityObject %v", id)
		}
		// The salt reveals nothing and cannot be worked out from the e-mail. ("example" and "@",
		// not "ada": a random hex salt holds "ada" about once in 140 badges.)
		plain := sha256.Sum256([]byte("ada@example.org"))
		lower := strings.ToLower(salt)
		if len(salt) < 16 || strings.Contains(lower, "example") || strings.Contains(lower, "@") || strings.Contains(hex.EncodeToString(plain[:]), salt) {
			t.Errorf("salt %q", salt)
		}
		// The OB 2.0 assertion keeps its own salted hash of the same e-mail.
		_, ob2 := getWith(t, site.srv.URL+"/ob2/assertions/"+cred.ID, "")
		var assertion struct {
			Recipient struct {
				Identity, Salt string
				Hashed         bool
			}
		}
		json.Unmarshal([]byte(ob2), &assertion)
		ob2Sum := sha256.Sum256([]byte("ada@example.org" + assertion.Recipient.Salt))
		if !assertion.Recipient.Hashed || assertion.Recipient.Identity != "sha256$"+hex.EncodeToString(ob2Sum[:]) {
			t.Errorf("OB 2.0 recipient %+v", assertion.Recipient)
		}

		// Dates: awarded at the signature, valid from the issuance.
		if doc["awardedDate"] != signedAt.Format(time.RFC3339) || doc["validFrom"] != issuedAt.Format(time.RFC3339) {
			t.Errorf("awardedDate %v, validFrom %v; want %s and %s", doc["awardedDate"], doc["validFrom"], signedAt.Format(time.RFC3339), issuedAt.Format(time.RFC3339))
		}

		// Images and the issuer's e-mail.
		iss := doc["issuer"].(map[string]any)
		if iss["email"] != "badges@registry.example" {
			t.Errorf("issuer e-mail %v", iss["email"])
		}
		ach := subj["achievement"].(map[string]any)
		for what, img := range map[string]any{"issuer": iss["image"], "achievement": ach["image"]} {
			im, _ := img.(map[string]any)
			u, _ := im["id"].(string)
			if im["type"] != "Image" || !strings.HasPrefix(u, site.srv.URL+"/") || !strings.HasSuffix(u, ".png") {
				t.Errorf("%s image %v", what, img)
				continue
			}
			res, body := getWith(t, u, "")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
				t.Errorf("%s image %s: %d %s", what, u, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		if res, _ := getWith(t, site.srv.URL+"/achievements/signatory.svg", ""); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" {
			t.Errorf("the SVG artwork is gone: %d", res.StatusCode)
		}
		_, achJSON := getWith(t, site.srv.URL+"/achievements/signatory", "")
		if !strings.Contains(achJSON, `/achievements/signatory.png"`) {
			t.Errorf("the published achievement's image is not the PNG: %s", achJSON)
		}
		// The Signatory achievement's criteria stay the declaration.
		if c := ach["criteria"].(map[string]any); c["id"] != site.srv.URL+"/declaration" {
			t.Errorf("Signatory criteria %v", c["id"])
		}

		// An e-mail the login provider did not verify is not named, even hashed.
		bea := site.devUser("Bea Example", "bea@example.org")
		bea.form("/sign", "/sign", person(url.Values{"name": {"Bea Example"}}))
		s.DB.Exec("UPDATE accounts SET email_verified = ? WHERE email = ?", false, "bea@example.org")
		drain(t, w)
		var beaE models.Signatory
		s.DB.Where("name = ?", "Bea Example").Take(&beaE)
		_, beaDoc := liveCredential(t, s, beaE.ID, "signatory")
		if _, ok := beaDoc["credentialSubject"].(map[string]any)["identifier"]; ok {
			t.Error("a badge names an unverified e-mail")
		}

		// A tier badge was awarded when the tier was reached, and issued later.
		boss := site.devUser("The Boss", "boss@example.org")
		reached := issuedAt.Add(24 * time.Hour)
		s.Now = func() time.Time { return reached }
		if res, _ := boss.post("/admin/signatories/"+sg.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("seed: %d", res.StatusCode)
		}
		recompute(t, s)
		tierIssued := reached.Add(3 * time.Hour)
		s.Now = func() time.Time { return tierIssued }
		drain(t, w)
		_, amb := liveCredential(t, s, sg.ID, "ambassador")
		if amb["awardedDate"] != reached.Format(time.RFC3339) || amb["validFrom"] != tierIssued.Format(time.RFC3339) {
			t.Errorf("Ambassador badge: awardedDate %v, validFrom %v; want %s and %s", amb["awardedDate"], amb["validFrom"],
				reached.Format(time.RFC3339), tierIssued.Format(time.RFC3339))
		}
		if _, ok := amb["credentialSubject"].(map[string]any)["identifier"]; !ok {
			t.Error("the Ambassador badge does not carry the recipient's identifier")
		}
		_ = ctx
	})
}

// The Advocate and Ambassador achievements point their criteria at a page that states the tier
// rule and the capacity tables in force, in English and French; the OB 2.0 badge classes too.
func TestTierCriteriaPage(t *testing.T) {
	s := testutil.SQLite(t)
	site, _, _ := walletSite(t, s)
	for slug, table := range map[string]string{"advocate": "8, 4, 2, 1", "ambassador": "4, 2, 1"} {
		_, body := getWith(t, site.srv.URL+"/achievements/"+slug, "")
		var a struct {
			Criteria struct{ ID, Narrative string }
		}
		json.Unmarshal([]byte(body), &a)
		want := site.srv.URL + "/achievements/" + slug + "/criteria"
		if a.Criteria.ID != want {
			t.Errorf("%s criteria.id %q, want %q", slug, a.Criteria.ID, want)
			continue
		}
		_, ob2 := getWith(t, site.srv.URL+"/ob2/badges/"+slug, "")
		if !strings.Contains(ob2, `"id":"`+want+`"`) {
			t.Errorf("OB 2.0 %s criteria: %s", slug, ob2)
		}
		for lang, words := range map[string][]string{"en": {"founding Ambassadors", "capacity"}, "fr": {"Ambassadeurs fondateurs", "capacité"}} {
			res, page := getWith(t, a.Criteria.ID+"?lang="+lang, "text/html")
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(page))
			text := doc.Find("main").Text()
			if res.StatusCode != http.StatusOK || !strings.Contains(text, table) {
				t.Errorf("%s criteria (%s): %d, table %q missing\n%.1500s", slug, lang, res.StatusCode, table, text)
			}
			for _, w := range words {
				if !strings.Contains(text, w) {
					t.Errorf("%s criteria (%s) does not say %q", slug, lang, w)
				}
			}
		}
	}
	if res, _ := getWith(t, site.srv.URL+"/achievements/hero/criteria", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("criteria of an unknown achievement: %d", res.StatusCode)
	}
}

// ob2Required checks the fields the Open Badges 2.0 validator's data model requires of a
// document, and that each names what it should.
func ob2Required(t *testing.T, what string, doc map[string]any, typ string, fields ...string) {
	t.Helper()
	if doc["@context"] != "https://w3id.org/openbadges/v2" || doc["type"] != typ {
		t.Errorf("%s: @context %v, type %v (want %s)", what, doc["@context"], doc["type"], typ)
	}
	for _, f := range fields {
		switch v := doc[f].(type) {
		case string:
			if v == "" {
				t.Errorf("%s: %s is empty", what, f)
			}
		case map[string]any:
			if len(v) == 0 {
				t.Errorf("%s: %s is empty", what, f)
			}
		default:
			t.Errorf("%s: required %s is %v", what, f, doc[f])
		}
	}
}

// fetchOB2 reads an OB 2.0 document as a backpack does, checking it is served as JSON-LD.
func fetchOB2(t *testing.T, u string) map[string]any {
	t.Helper()
	res, body := getWith(t, u, "application/ld+json")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("%s: %d %s", u, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	if doc["id"] != u {
		t.Errorf("%s names itself %v", u, doc["id"])
	}
	return doc
}

// An older backpack imports a badge from its OB 2.0 baked image: the hosted assertion, its
// badge class and issuer carry every field the OB 2.0 data model requires, each link resolves,
// and the PNG and SVG bake the assertion's URL as the 2.0 baking spec says. Endorsements have
// no OB 2.0 form, and none is linked.
func TestOB2ForOlderBackpacks(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w, _ := walletSite(t, s)
		ada, adaE, bea, beaE := site.twoSignatories()
		drain(t, w)
		cred, _ := liveCredential(t, s, adaE.ID, "signatory")
		assertionURL := site.srv.URL + "/ob2/assertions/" + cred.ID

		assertion := fetchOB2(t, assertionURL)
		ob2Required(t, "Assertion", assertion, "Assertion", "id", "recipient", "badge", "verification", "issuedOn")
		if v, _ := assertion["verification"].(map[string]any); v["type"] != "hosted" {
			t.Errorf("verification %v", assertion["verification"])
		}
		if r, _ := assertion["recipient"].(map[string]any); r["type"] != "email" || r["hashed"] != true || r["identity"] == "" {
			t.Errorf("recipient %v", assertion["recipient"])
		}
		if _, err := time.Parse(time.RFC3339, assertion["issuedOn"].(string)); err != nil {
			t.Errorf("issuedOn: %v", err)
		}
		badge := fetchOB2(t, assertion["badge"].(string))
		ob2Required(t, "BadgeClass", badge, "BadgeClass", "id", "name", "description", "image", "criteria", "issuer")
		profile := fetchOB2(t, badge["issuer"].(string))
		ob2Required(t, "Issuer", profile, "Issuer", "id", "name", "url", "email")
		if profile["email"] != "badges@registry.example" {
			t.Errorf("issuer e-mail %v", profile["email"])
		}
		for what, u := range map[string]any{"badge image": badge["image"], "issuer image": profile["image"]} {
			s, _ := u.(string)
			if res, body := getWith(t, s, ""); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
				t.Errorf("%s %v: %d %s", what, u, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		if c, _ := badge["criteria"].(map[string]any); c["id"] != site.srv.URL+"/declaration" || c["narrative"] == "" {
			t.Errorf("criteria %v", badge["criteria"])
		}

		// The assertion's image is a PNG baked for OB 2.0: the openbadges iTXt chunk holds the
		// assertion's URL, which a backpack follows.
		img, _ := assertion["image"].(string)
		if img != assertionURL+".png" {
			t.Fatalf("assertion image %q, want %s.png", img, assertionURL)
		}
		res, png := getWith(t, img, "")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("baked OB 2.0 PNG: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if got, err := issuer.ReadBakedPNGKeyword([]byte(png), "openbadges"); err != nil || got != assertionURL {
			t.Errorf("the OB 2.0 PNG bakes %q (%v), want %s", got, err, assertionURL)
		}
		if _, err := issuer.ReadBakedPNG([]byte(png)); err == nil {
			t.Error("the OB 2.0 PNG also carries a 3.0 credential")
		}
		res, svg := getWith(t, assertionURL+".svg", "")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" ||
			!strings.Contains(svg, `xmlns:openbadges="http://openbadges.org"`) || !strings.Contains(svg, `<openbadges:assertion verify="`+assertionURL+`"`) {
			t.Errorf("baked OB 2.0 SVG: %d\n%.600s", res.StatusCode, svg)
		}
		// The credential page offers both bakings.
		_, page := getWith(t, site.srv.URL+"/credentials/"+cred.ID, "text/html")
		for _, link := range []string{"/credentials/" + cred.ID + ".png", "/credentials/" + cred.ID + ".svg", "/ob2/assertions/" + cred.ID + ".png", "/ob2/assertions/" + cred.ID + ".svg"} {
			if !strings.Contains(page, `href="`+link+`"`) {
				t.Errorf("the credential page does not offer %s", link)
			}
		}

		// An endorsement credential has no OB 2.0 form, and its page links none.
		page2 := "/signatories/" + adaE.PublicID
		bea.form(page2, page2+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Trusted."}})
		ada.form("/account", "/account/endorsements/"+beaE.PublicID+"/accept", nil)
		drain(t, w)
		res, endPage := getWith(t, site.srv.URL+page2+"/endorsements/"+beaE.PublicID, "text/html")
		endID := strings.TrimPrefix(res.Request.URL.Path, "/credentials/")
		if res.StatusCode != http.StatusOK || endID == res.Request.URL.Path {
			t.Fatalf("endorsement credential: %d at %s", res.StatusCode, res.Request.URL)
		}
		if strings.Contains(endPage, "/ob2/") {
			t.Error("the endorsement's page links an OB 2.0 form")
		}
		for _, p := range []string{"", ".png", ".svg"} {
			if res, _ := getWith(t, site.srv.URL+"/ob2/assertions/"+endID+p, ""); res.StatusCode != http.StatusNotFound {
				t.Errorf("OB 2.0 assertion%s of an endorsement: %d, want 404", p, res.StatusCode)
			}
		}

		// Revoked, the baked images go with the assertion.
		ada.form("/account", "/account/withdraw", url.Values{})
		drain(t, w)
		for _, p := range []string{"", ".png", ".svg"} {
			if res, _ := getWith(t, assertionURL+p, ""); res.StatusCode != http.StatusGone {
				t.Errorf("revoked OB 2.0 assertion%s: %d, want 410", p, res.StatusCode)
			}
		}
	})
}
