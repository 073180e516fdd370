package handlers_test

import (
	"context"
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// Endorsing, answering and a tier reached each write one notification for the person concerned;
// /account lists them newest first in the page's language and reads them; the header counts
// the unread ones; a double submit of the same endorsement tells once; visits write nothing.
func TestNotificationsOnTheAccountPage(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		sam, samE := site.signed("Sam Seed")
		ada, adaE := site.signed("Ada Example")
		bea, beaE := site.signed("Bea Example")
		if err := s.DB.Create(&models.Seed{SignatoryID: samE.ID, AppointedAt: time.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		of := func(sg models.Signatory, kind string) []models.Notification {
			var ns []models.Notification
			s.DB.Where("signatory_id = ? AND kind = ?", sg.ID, kind).Find(&ns)
			return ns
		}
		badge := func(u *devUser) string {
			return u.page("/").Find(`a[href="/account#notifications"] .unread-count`).First().Text()
		}

		// Ada endorses Bea, and sends the same form again: Bea is told once.
		endorseAs(t, ada, bea, adaE, beaE, "advocate", false)
		endorseAs(t, ada, bea, adaE, beaE, "advocate", false)
		if ns := of(beaE, models.KindEndorsementReceived); len(ns) != 1 || *ns[0].OtherID != adaE.ID || *ns[0].Level != "advocate" {
			t.Fatalf("Bea's endorsement notifications: %+v", ns)
		}
		if got := badge(bea); got != "1" {
			t.Errorf("Bea's header counts %q unread, want 1", got)
		}
		if got := badge(ada); got != "" {
			t.Errorf("Ada's header counts %q unread, want none", got)
		}
		// Nobody's visit writes: a visitor, and Bea's pages other than her account.
		before := testutil.Count(t, s, "notifications")
		anon := &devUser{site: site, c: site.newClient()}
		if anon.page("/").Find(".unread-count").Length() != 0 {
			t.Error("a visitor sees an unread count")
		}
		bea.page("/signatories")
		var unread int64
		s.DB.Model(&models.Notification{}).Where("read_at IS NULL").Count(&unread)
		if testutil.Count(t, s, "notifications") != before || unread != before {
			t.Errorf("visits wrote notifications: %d rows, %d unread, want %d", testutil.Count(t, s, "notifications"), unread, before)
		}

		// Bea's account lists it in French, as new, with the way to answer; then it is read.
		list := bea.page("/account?lang=fr").Find("#notifications li")
		wantText(t, "Bea's notifications", list, "Ada Example vous a recommandé·e comme Défenseur")
		if list.Length() != 1 || !list.HasClass("unread") || list.Find(`a[href="/account/endorsements/`+adaE.PublicID+`/accept"]`).Length() != 1 {
			t.Errorf("Bea's list: %d items, unread %v", list.Length(), list.HasClass("unread"))
		}
		if got := badge(bea); got != "" {
			t.Errorf("Bea's header still counts %q after opening her account", got)
		}
		if bea.page("/account").Find("#notifications li.unread").Length() != 0 {
			t.Error("the notification is still new on the second visit")
		}

		// Bea accepts: Ada is told, with the endorsement's page.
		if res, _ := bea.form("/account", "/account/endorsements/"+adaE.PublicID+"/accept", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		if ns := of(adaE, models.KindEndorsementAccepted); len(ns) != 1 || *ns[0].OtherID != beaE.ID {
			t.Fatalf("Ada's accepted notifications: %+v", ns)
		}
		// Sam endorses Bea as Ambassador; Bea declines: Sam is told once.
		endorseAs(t, sam, bea, samE, beaE, "ambassador", false)
		if res, _ := bea.form("/account", "/account/endorsements/"+samE.PublicID+"/decline", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("decline: %d", res.StatusCode)
		}
		if ns := of(samE, models.KindEndorsementDeclined); len(ns) != 1 || *ns[0].OtherID != beaE.ID || *ns[0].Level != "ambassador" {
			t.Fatalf("Sam's declined notifications: %+v", ns)
		}
		// Bea's name is for members only now: Sam's list does not name her.
		if err := s.DB.Exec("UPDATE signatories SET vis_name = ? WHERE id = ?", models.Members, beaE.ID).Error; err != nil {
			t.Fatal(err)
		}
		samList := sam.page("/account").Find("#notifications li")
		wantText(t, "Sam's notifications", samList, "A signatory declined your endorsement as Ambassador.")
		wantNoText(t, "Sam's notifications", samList, "Bea")

		// The tiers are computed: Sam, a founding Ambassador, reaches Ambassador (Ada's
		// endorsement carries no trust and Bea declined Sam's, so nobody else moves).
		recompute(t, s)
		if ns := of(samE, models.KindTierReached); len(ns) != 1 || *ns[0].ToTier != "ambassador" {
			t.Fatalf("Sam's tier notifications: %+v", ns)
		}
		if got := badge(sam); got != "1" {
			t.Errorf("Sam's header counts %q unread, want 1", got)
		}
		items := sam.page("/account").Find("#notifications li")
		if items.Length() != 2 {
			t.Fatalf("Sam's list has %d items, want 2", items.Length())
		}
		wantText(t, "Sam's newest notification", items.First(), "You reached the Ambassador tier.")
		if items.First().Find(`a[href="/signatories/`+samE.PublicID+`/trust"]`).Length() != 1 {
			t.Error("the tier notification has no link to the trust page")
		}
	})
}

// An endorsement waiting for an answer is answered from /account's notification as from its
// e-mail: the same Accept and Decline links, to the page that asks for the signed-in POST. Once
// answered, the notification leads to the member's network instead.
func TestEndorsementNotificationLinksAsItsMail(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		ada, adaE := site.signed("Ada Example")
		bea, beaE := site.signed("Bea Example")
		endorseAs(t, ada, bea, adaE, beaE, "advocate", false)

		// The e-mail the registry writes Bea about it, from the same rows.
		const base = "https://registry.example"
		catalog, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.Notifications(context.Background(), *beaE.AccountID, 10)
		if err != nil || len(rows) != 1 {
			t.Fatalf("Bea's notifications: %v %v", rows, err)
		}
		msg, err := mail.Writer{Catalog: catalog, BaseURL: base + "/", Secret: mailSecret, Store: s}.Write(mail.Letter{
			AccountID: *beaE.AccountID, AccountPublicID: "bea", Email: "bea@example.org", Name: "Bea", Lang: "en",
			Category: models.CategoryEndorsements, Notifications: rows, MessageID: "m@registry.example"})
		if err != nil {
			t.Fatal(err)
		}
		var mailed []string
		for _, part := range strings.Split(msg.HTML, `href="`)[1:] {
			href := html.UnescapeString(part[:strings.Index(part, `"`)])
			if path, ok := strings.CutPrefix(href, base+"/account/endorsements/"); ok {
				mailed = append(mailed, "/account/endorsements/"+path)
			}
		}

		links := func() (hrefs, texts []string) {
			bea.page("/account").Find("#notifications li a").Each(func(_ int, a *goquery.Selection) {
				hrefs = append(hrefs, a.AttrOr("href", ""))
				texts = append(texts, a.Text())
			})
			return hrefs, texts
		}
		answer := "/account/endorsements/" + adaE.PublicID
		hrefs, texts := links()
		if want := []string{answer + "/accept", answer + "/decline"}; !slices.Equal(hrefs, want) || !slices.Equal(mailed, want) ||
			!slices.Equal(texts, []string{"Accept", "Decline"}) {
			t.Errorf("the page links %v %v, the e-mail %v; want both %v", hrefs, texts, mailed, want)
		}
		// Each link lands on its answer's form.
		for _, h := range hrefs {
			if bea.page(h).Find(`form[action="`+h+`"]`).Length() != 1 {
				t.Errorf("%s has no form that answers", h)
			}
		}

		if res, _ := bea.form(answer+"/accept", answer+"/accept", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		if hrefs, _ := links(); !slices.Equal(hrefs, []string{"/account/network"}) {
			t.Errorf("after accepting, the notification links %v, want the network", hrefs)
		}
	})
}
