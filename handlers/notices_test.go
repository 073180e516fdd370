package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// page reads a page as this browser sees it.
func (u *devUser) page(path string) *goquery.Document {
	u.site.t.Helper()
	res, body := u.get(path)
	if res.StatusCode != http.StatusOK {
		u.site.t.Fatalf("GET %s = %d", path, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		u.site.t.Fatal(err)
	}
	return doc
}

// signed logs someone in through the development login and has them sign; it returns their
// browser and their entry.
func (s *oidcSite) signed(name string) (*devUser, models.Signatory) {
	s.t.Helper()
	u := s.devUser(name, strings.ToLower(strings.Fields(name)[0])+"@example.org")
	u.form("/sign", "/sign", person(url.Values{"name": {name}}))
	var sg models.Signatory
	if err := s.store.DB.Where("name = ?", name).Take(&sg).Error; err != nil {
		s.t.Fatal(err)
	}
	return u, sg
}

// endorseAs has from endorse to's entry at a level; accepted, the endorsee accepts it.
func endorseAs(t *testing.T, from *devUser, to *devUser, fromE, toE models.Signatory, level string, accepted bool) {
	t.Helper()
	page := "/signatories/" + toE.PublicID
	if res, _ := from.form(page, page+"/endorse", url.Values{"level": {level}, "comment": {"Trusted."}}); res.StatusCode != http.StatusOK {
		t.Fatalf("endorse: %d", res.StatusCode)
	}
	if accepted {
		if res, _ := to.form("/account", "/account/endorsements/"+fromE.PublicID+"/accept", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("accept: %d", res.StatusCode)
		}
	}
}

func wantText(t *testing.T, where string, sel *goquery.Selection, want ...string) {
	t.Helper()
	text := strings.Join(strings.Fields(sel.Text()), " ")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not say %q: %q", where, w, text)
		}
	}
}

func wantNoText(t *testing.T, where string, sel *goquery.Selection, unwanted ...string) {
	t.Helper()
	text := strings.Join(strings.Fields(sel.Text()), " ")
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s says %q: %q", where, w, text)
		}
	}
}

// Before withdrawing a signature, withdrawing an endorsement or declining one, the page says
// next to the button which of the person's badges go and whose tier may go with them, counted
// from the tiers as computed.
func TestWithdrawalAndDeclineWarnings(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w := badgeSite(t, s)
		boss := site.devUser("The Boss", "boss@example.org")
		sam, samE := site.signed("Sam Seed")
		ada, adaE := site.signed("Ada Example")
		bea, beaE := site.signed("Bea Example")
		cy, cyE := site.signed("Cy Example")
		dan, danE := site.signed("Dan Example")
		if res, _ := boss.post("/admin/signatories/"+samE.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("seed: %d", res.StatusCode)
		}
		// Sam (founding Ambassador) vouches for Ada and Bea; Ada for Cy, Bea and Sam, all
		// accepted; Bea's endorsement of Ada and Dan's wait for Ada's answer. Dan endorses nobody
		// who accepted and is endorsed by nobody: he stays a Signatory.
		endorseAs(t, sam, ada, samE, adaE, "advocate", true)
		endorseAs(t, sam, bea, samE, beaE, "advocate", true)
		endorseAs(t, ada, cy, adaE, cyE, "advocate", true)
		endorseAs(t, ada, bea, adaE, beaE, "advocate", true)
		endorseAs(t, ada, sam, adaE, samE, "ambassador", true)
		endorseAs(t, bea, ada, beaE, adaE, "advocate", false)
		endorseAs(t, dan, ada, danE, adaE, "advocate", false)
		recompute(t, s)
		drain(t, w)
		for name, want := range map[string]string{"Sam Seed": "ambassador", "Ada Example": "advocate", "Bea Example": "advocate", "Cy Example": "advocate", "Dan Example": "signatory"} {
			var sg models.Signatory
			s.DB.Where("name = ?", name).Take(&sg)
			if sg.Tier != want {
				t.Fatalf("%s is %s, want %s: the test proves nothing", name, sg.Tier, want)
			}
		}

		// Withdrawing her signature: Ada's Signatory and Advocate badges, the three endorsement
		// credentials she gave and the one she received (Sam's; Bea's and Dan's wait) go; Cy and
		// Bea hold Advocate through endorsements that include hers; Sam is a founding Ambassador.
		account := ada.page("/account")
		stakes := account.Find("details.withdraw .withdraw-stakes")
		wantText(t, "Ada's withdrawal form", stakes, "Your Signatory badge is revoked", "Your Advocate badge is revoked",
			"The 3 endorsement credentials you gave are revoked", "The endorsement credential you received is revoked",
			"2 members you endorse hold Advocate or Ambassador", "some may lose it")
		// Declining: nothing of hers goes; Bea's endorsement (from an Advocate) may carry her
		// Advocate tier, Dan's (from a Signatory) cannot.
		wantText(t, "Ada's endorsements to answer", account.Find("#endorsements"), "Declining revokes none of your badges.")
		account.Find("#endorsements li").Each(func(_ int, li *goquery.Selection) {
			from := li.Find("a").First().Text()
			warn := li.Find(".decline-warning")
			switch from {
			case "Bea Example":
				wantText(t, "the decline of Bea's endorsement", warn, "You hold Advocate, and this endorsement may be part of what carries it")
			case "Dan Example":
				if warn.Length() != 0 {
					t.Errorf("declining Dan's endorsement warns: %q", warn.Text())
				}
			default:
				t.Errorf("unexpected endorsement to answer from %q", from)
			}
		})
		if n := account.Find("#endorsements .decline-warning").Length(); n != 1 {
			t.Errorf("%d decline warnings, want 1", n)
		}
		// In French, with the tier's French name.
		fr := ada.page("/account?lang=fr")
		wantText(t, "Ada's withdrawal form in French", fr.Find("details.withdraw .withdraw-stakes"), "Votre badge Défenseur est révoqué",
			"2 membres que vous recommandez sont Défenseurs ou Ambassadeurs")
		wantText(t, "the decline in French", fr.Find("#endorsements .decline-warning"), "Vous êtes Défenseur")
		ada.page("/?lang=en") // the choice of language stays with the browser

		// Sam, a founding Ambassador, endorses two Advocates; Dan endorses nobody who counts.
		wantText(t, "Sam's withdrawal form", sam.page("/account").Find("details.withdraw .withdraw-stakes"),
			"Your Ambassador badge is revoked", "2 members you endorse hold Advocate or Ambassador")
		danStakes := dan.page("/account").Find("details.withdraw .withdraw-stakes")
		wantText(t, "Dan's withdrawal form", danStakes, "Your Signatory badge is revoked", "no other member’s tier rests on your endorsements")
		wantNoText(t, "Dan's withdrawal form", danStakes, "Advocate badge", "endorsement credential")

		// Withdrawing an endorsement, on the endorsee's profile.
		wantText(t, "Ada's endorsement of Cy", ada.page("/signatories/"+cyE.PublicID).Find("#endorse .withdraw-stakes"),
			"Withdrawing revokes the endorsement credential issued for it.", "They hold Advocate, and your endorsement may be part of what carries it")
		wantText(t, "Ada's endorsement of Sam", ada.page("/signatories/"+samE.PublicID).Find("#endorse .withdraw-stakes"),
			"Withdrawing revokes the endorsement credential issued for it.", "their tier does not rest on your endorsement")
		pending := bea.page("/signatories/" + adaE.PublicID).Find("#endorse .withdraw-stakes")
		wantText(t, "Bea's pending endorsement of Ada", pending, "No credential was issued for it, so withdrawing revokes nothing.",
			"They hold Advocate")
		wantText(t, "Dan's pending endorsement of Ada", dan.page("/signatories/"+adaE.PublicID).Find("#endorse .withdraw-stakes"),
			"their tier does not rest on your endorsement")
		// Each warning sits beside its button.
		if ada.page("/signatories/"+cyE.PublicID).Find(`#endorse .withdraw-stakes form[action$="/endorse/withdraw"]`).Length() != 1 {
			t.Error("the endorsement's warning is not beside its withdraw button")
		}
		_ = cy
	})
}

// A member whose tier a recomputation lowered, after someone else withdrew an endorsement, is
// told on their next visit, on any page, with a link to their trust page, until they dismiss it
// or open their account page; visitors see nothing and write nothing; deleting the account
// erases the notifications.
func TestLoweredTierIsToldOnTheNextVisit(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		sam, samE := site.signed("Sam Seed")
		ada, adaE := site.signed("Ada Example")
		bea, beaE := site.signed("Bea Example")
		if err := s.DB.Create(&models.Seed{SignatoryID: samE.ID, AppointedAt: time.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		endorseAs(t, sam, ada, samE, adaE, "advocate", true)
		endorseAs(t, ada, bea, adaE, beaE, "advocate", true)
		recompute(t, s)
		tier := func(sg models.Signatory) string {
			s.DB.Take(&sg, sg.ID)
			return sg.Tier
		}
		if tier(adaE) != "advocate" || tier(beaE) != "advocate" {
			t.Fatalf("Ada %s, Bea %s: the test proves nothing", tier(adaE), tier(beaE))
		}
		notice := func(u *devUser, path string) *goquery.Selection {
			t.Helper()
			return u.page(path).Find(".tier-notice")
		}
		if n := notice(bea, "/").Length(); n != 0 {
			t.Fatalf("a notice before any loss: %d", n)
		}
		unread := func() int64 {
			var n int64
			s.DB.Table("notifications").Where("read_at IS NULL AND kind = ?", models.KindTierLost).Count(&n)
			return n
		}

		// Ada withdraws her endorsement: at the next computation Bea is a Signatory again.
		adaPage := "/signatories/" + beaE.PublicID
		ada.form(adaPage, adaPage+"/endorse/withdraw", nil)
		recompute(t, s)
		if tier(beaE) != "signatory" {
			t.Fatalf("Bea is %s after the withdrawal", tier(beaE))
		}
		trustURL := "/signatories/" + beaE.PublicID + "/trust"
		for _, path := range []string{"/", "/signatories", "/signatories/" + samE.PublicID} {
			n := notice(bea, path)
			wantText(t, "Bea's notice on "+path, n, "You are now Signatory", "See why")
			if n.Find(`a[href="`+trustURL+`"]`).Length() != 1 {
				t.Errorf("the notice on %s has no link to %s", path, trustURL)
			}
		}
		if notice(ada, "/").Length() != 0 {
			t.Error("Ada, who kept her tier, is told she lost it")
		}
		anon := &devUser{site: site, c: site.newClient()}
		if notice(anon, "/").Length() != 0 || unread() != 1 {
			t.Errorf("visits changed the notifications: %d unread, want 1", unread())
		}
		// In Bea's language.
		wantText(t, "Bea's notice in German", notice(bea, "/?lang=de"), "Sie sind jetzt Unterzeichner")
		// Dismissed, it is read, and Bea goes back to the page she was on.
		res, _ := bea.form("/signatories", "/account/notices/read", nil)
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/signatories" {
			t.Errorf("dismissing: %d at %s", res.StatusCode, res.Request.URL)
		}
		if notice(bea, "/").Length() != 0 || unread() != 0 {
			t.Errorf("the dismissed notice still shows (%d unread)", unread())
		}
		// A forged dismissal is refused.
		if res, _ := bea.post("/account/notices/read", url.Values{"_csrf": {"forged"}, "notice": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("dismissing without the form token: %d", res.StatusCode)
		}

		// Sam withdraws his endorsement of Ada: Ada is told on her account page, once.
		samPage := "/signatories/" + adaE.PublicID
		sam.form(samPage, samPage+"/endorse/withdraw", nil)
		recompute(t, s)
		if tier(adaE) != "signatory" {
			t.Fatalf("Ada is %s after the withdrawal", tier(adaE))
		}
		var ns []models.Notification
		s.DB.Where("signatory_id = ? AND kind = ?", adaE.ID, models.KindTierLost).Find(&ns)
		if len(ns) != 1 || ns[0].Kind != models.KindTierLost || *ns[0].FromTier != "advocate" || *ns[0].ToTier != "signatory" || ns[0].ReadAt != nil {
			t.Fatalf("Ada's notifications: %+v", ns)
		}
		account := ada.page("/account")
		told := account.Find(".tier-notice")
		wantText(t, "Ada's account page", told, "You are now Signatory")
		if told.Length() != 1 || told.Find(`a[href="/signatories/`+adaE.PublicID+`/trust"]`).Length() != 1 {
			t.Errorf("Ada's account page shows %d notices, with the trust link: %v", told.Length(), told.Find("a").Length())
		}
		if notice(ada, "/account").Length() != 0 || notice(ada, "/").Length() != 0 {
			t.Error("the notice shown on the account page is shown again")
		}

		// Deleting the account erases every notification of the entry.
		endorseAs(t, sam, ada, samE, adaE, "advocate", false)
		recompute(t, s)
		sam.form(samPage, samPage+"/endorse/withdraw", nil)
		recompute(t, s)
		var n int64
		s.DB.Model(&models.Notification{}).Where("signatory_id = ? AND kind = ?", adaE.ID, models.KindTierLost).Count(&n)
		if n != 2 {
			t.Fatalf("%d notifications for Ada before deleting, want 2", n)
		}
		if res, _ := ada.form("/account", "/account/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		s.DB.Model(&models.Notification{}).Where("signatory_id = ?", adaE.ID).Count(&n)
		if n != 0 {
			t.Errorf("%d notifications left after deleting the account", n)
		}
	})
}
