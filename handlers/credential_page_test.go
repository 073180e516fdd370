package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// credentialPage reads the human verification page of a credential in a language.
func credentialPage(t *testing.T, site *oidcSite, id, lang string) *goquery.Document {
	t.Helper()
	res, body := getWith(t, site.srv.URL+"/credentials/"+id+"?lang="+lang, "text/html")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/credentials/%s in %s: %d", id, lang, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// fact is the text of the page's fact named by its term.
func fact(doc *goquery.Document, term string) string {
	var out string
	doc.Find("dl.facts dt").Each(func(_ int, dt *goquery.Selection) {
		if strings.TrimSpace(dt.Text()) == term {
			out = strings.TrimSpace(dt.Next().Text())
		}
	})
	return out
}

// englishIn lists the English texts of the credential documents found in a page's main part:
// the badges' names and descriptions, the evidence's wording and the revocation reasons.
func englishIn(doc *goquery.Document) []string {
	main := doc.Find("main").Text()
	var found []string
	words := []string{"Signed on", "text SHA-256", "language en", "Endorsement as Open Recognition", "(withdrawn)", "tier changed"}
	for _, a := range issuer.Achievements {
		words = append(words, a.Name, a.Description)
	}
	for _, w := range words {
		if strings.Contains(main, w) {
			found = append(found, w)
		}
	}
	return found
}

// The verification page speaks the page's language throughout, for the Signatory badge, a tier
// badge and an endorsement (the credential itself stays as issued, in English); the endorsement
// is checked against the endorser's key. After the holder withdraws, the page says so, and does
// not claim they keep their name private.
func TestCredentialPageInThePagesLanguage(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w := badgeSite(t, s)
		boss := site.devUser("The Boss", "boss@example.org")
		sam := site.devUser("Sam Seed", "sam@example.org")
		sam.form("/sign", "/sign", person(url.Values{"name": {"Sam Seed"}}))
		ada := site.devUser("Ada Example", "ada@example.org")
		ada.form("/sign", "/sign", person(nil))
		var samE, adaE models.Signatory
		s.DB.Where("name = ?", "Sam Seed").Take(&samE)
		s.DB.Where("name = ?", "Ada Example").Take(&adaE)
		if res, _ := boss.post("/admin/signatories/"+samE.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("seed: %d", res.StatusCode)
		}
		adaPage := "/signatories/" + adaE.PublicID
		sam.form(adaPage, adaPage+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Trusted."}})
		ada.form("/account", "/account/endorsements/"+samE.PublicID+"/accept", nil)
		drain(t, w)
		recompute(t, s)
		drain(t, w)

		byKind := map[string]models.Credential{}
		for _, c := range credentialsOf(t, s, adaE.ID) {
			if c.RevokedAt == nil {
				byKind[c.Kind] = c
			}
		}
		wantName := map[string]string{
			"signatory":   "Signataire de la Déclaration de Bologne pour une reconnaissance ouverte",
			"advocate":    "Défenseur de la reconnaissance ouverte",
			"endorsement": "Recommandation comme Défenseur de la reconnaissance ouverte",
		}
		for kind, name := range wantName {
			c, ok := byKind[kind]
			if !ok {
				t.Fatalf("Ada holds no live %s credential: %v", kind, byKind)
			}
			doc := credentialPage(t, site, c.ID, "fr")
			if h1 := strings.TrimSpace(doc.Find("h1").Text()); h1 != name {
				t.Errorf("%s credential in French: the heading is %q, want %q", kind, h1, name)
			}
			if desc := strings.TrimSpace(doc.Find(".credential-page .description").Text()); desc == "" {
				t.Errorf("%s credential in French: no description", kind)
			}
			if en := englishIn(doc); len(en) > 0 {
				t.Errorf("%s credential in French shows English: %q", kind, en)
			}
			if got, want := fact(doc, "Délivré par"), map[bool]string{true: "Sam Seed", false: "Registre de la reconnaissance ouverte"}[kind == "endorsement"]; got != want {
				t.Errorf("%s credential in French: issued by %q, want %q", kind, got, want)
			}
			if got := fact(doc, "Attribué à"); !strings.HasPrefix(got, "Ada Example") {
				t.Errorf("%s credential: awarded to %q", kind, got)
			}
		}
		for _, c := range credentialsOf(t, s, samE.ID) {
			if c.Kind == "ambassador" && c.SignatoryID == samE.ID {
				doc := credentialPage(t, site, c.ID, "fr")
				if h1 := strings.TrimSpace(doc.Find("h1").Text()); h1 != "Ambassadeur de la reconnaissance ouverte" {
					t.Errorf("ambassador credential in French: the heading is %q", h1)
				}
				if en := englishIn(doc); len(en) > 0 {
					t.Errorf("ambassador credential in French shows English: %q", en)
				}
			}
		}
		// What was signed, in French: the version, the text's language and fingerprint, the date.
		doc := credentialPage(t, site, byKind["signatory"].ID, "fr")
		var sig models.Signature
		s.DB.Where("signatory_id = ?", adaE.ID).Take(&sig)
		if got := fact(doc, "Ce qui a été signé"); !strings.Contains(got, "Version 1") || !strings.Contains(got, sig.TextSHA256) ||
			!strings.Contains(got, "signée le") {
			t.Errorf("what was signed, in French: %q", got)
		}
		// The endorsement is checked against the endorser's key, and the page says so.
		doc = credentialPage(t, site, byKind["endorsement"].ID, "fr")
		if got := fact(doc, "Signature"); !strings.Contains(got, "✓ vérifiée avec la clé de l’auteur de la recommandation") ||
			!strings.Contains(got, ":signatories:"+samE.PublicID) {
			t.Errorf("endorsement signature, in French: %q", got)
		}
		if got := fact(credentialPage(t, site, byKind["endorsement"].ID, "en"), "Signature"); !strings.Contains(got, "✓ checked against the endorser's key") {
			t.Errorf("endorsement signature, in English: %q", got)
		}

		// Ada withdraws, her name public: the pages say she withdrew, not that she hides her name.
		if res, _ := ada.form("/account", "/account/withdraw", url.Values{"reason": {"moving on"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		drain(t, w)
		for kind, c := range byKind {
			for lang, want := range map[string]struct{ revoked, recipient, private string }{
				"fr": {"Ce badge a été révoqué.", "a retiré sa signature", "garde son nom privé"},
				"en": {"This badge was revoked.", "withdrew their signature", "keeps their name private"},
			} {
				doc := credentialPage(t, site, c.ID, lang)
				notice := doc.Find(".credential-page .notice").Text()
				if !strings.Contains(notice, want.revoked) || !strings.Contains(notice, want.recipient) {
					t.Errorf("%s credential in %s after the withdrawal: the notice says %q", kind, lang, notice)
				}
				if got := fact(doc, map[string]string{"fr": "Attribué à", "en": "Awarded to"}[lang]); !strings.Contains(got, want.recipient) || strings.Contains(got, want.private) {
					t.Errorf("%s credential in %s after the withdrawal: awarded to %q", kind, lang, got)
				}
				if lang == "fr" {
					if en := englishIn(doc); len(en) > 0 {
						t.Errorf("%s credential in French after the withdrawal shows English: %q", kind, en)
					}
				}
			}
		}
	})
}
