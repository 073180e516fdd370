package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// The profile, the thanks page and the account show a badge the same way: one card with the
// artwork, the name, the date it was issued, the verification page, the downloads and the link
// to share; the copy button waits for a script, hidden, and the link is there without one.
func TestBadgeCardsOnEveryPage(t *testing.T) {
	s := testutil.SQLite(t)
	site, w, _ := issuingSite(t, s)
	u := site.devUser("Ada Example", "ada@example.org")
	u.form("/sign", "/sign", person(nil))
	var sg models.Signatory
	s.DB.Take(&sg)
	pages := []string{"/sign/thanks", "/account", "/signatories/" + sg.PublicID}
	for _, p := range pages {
		if _, body := u.get(p); !strings.Contains(body, "The Signatory badge is being issued") {
			t.Errorf("before the badge is issued, %s does not say it is on its way", p)
		}
	}
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var cred models.Credential
	s.DB.Where("signatory_id = ? AND kind = ?", sg.ID, "signatory").Take(&cred)
	credURL := "/credentials/" + cred.ID
	for _, p := range pages {
		for _, lang := range []string{"en", "fr"} {
			_, body := u.get(p + "?lang=" + lang)
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			cards := doc.Find("ul.badge-cards > li.badge-card")
			if cards.Length() != 1 || doc.Find("ul.badge-cards > li").Length() != 1 {
				t.Errorf("%s in %s shows %d badge cards, want 1 in a list of cards:\n%.2000s", p, lang, cards.Length(), doc.Find("main").Text())
				continue
			}
			card := cards.First()
			want := map[string]bool{
				"artwork":       card.Find(`img[src="/achievements/signatory.svg"][alt=""]`).Length() == 1,
				"name":          strings.TrimSpace(card.Find("h2, h3").Text()) == map[string]string{"en": "Signatory", "fr": "Signataire"}[lang],
				"issued date":   card.Find(`time[datetime^="`+cred.IssuedAt.UTC().Format("2006-01-02")+`"]`).Length() == 1,
				"verify link":   card.Find(`a[href="`+credURL+`"]`).Length() == 1,
				"JSON download": card.Find(`a[download][href="`+credURL+`.json"]`).Length() == 1,
				"PNG download":  card.Find(`a[download][href="`+credURL+`.png"]`).Length() == 1,
				"SVG download":  card.Find(`a[download][href="`+credURL+`.svg"]`).Length() == 1,
			}
			share := card.Find("input.share")
			v, _ := share.Attr("value")
			_, readonly := share.Attr("readonly")
			shareID, _ := share.Attr("id")
			want["link to share"] = v == site.srv.URL+credURL && readonly && shareID != "" && card.Find(`label[for="`+shareID+`"]`).Length() == 1
			copyButton := card.Find(`button[type="button"][data-copy="` + shareID + `"]`)
			_, hidden := copyButton.Attr("hidden")
			want["copy button hidden until a script shows it"] = copyButton.Length() == 1 && hidden
			for what, ok := range want {
				if !ok {
					t.Errorf("the badge card on %s in %s lacks its %s", p, lang, what)
				}
			}
		}
	}
}
