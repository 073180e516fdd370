package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// notes reads the notifications of one kind an entry holds.
func notes(t *testing.T, s *models.Store, signatoryID int64, kind string) []models.Notification {
	t.Helper()
	var ns []models.Notification
	if err := s.DB.Where("signatory_id = ? AND kind = ?", signatoryID, kind).Order("id").Find(&ns).Error; err != nil {
		t.Fatal(err)
	}
	return ns
}

// A member hears once that their badge was issued, with the badge's verification page, in
// their language: not when the same badge is signed again (a name change), and nobody hears of
// the badges an import issues as bulk work.
func TestBadgeIssuedNotification(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, worker := badgeSite(t, s)
		ada, adaE := site.signed("Ada Example")
		if ns := notes(t, s, adaE.ID, models.KindBadgeIssued); len(ns) != 0 {
			t.Fatalf("told of a badge before it was issued: %+v", ns)
		}
		drain(t, worker)
		var cred models.Credential
		if err := s.DB.Where("signatory_id = ? AND kind = 'signatory'", adaE.ID).Take(&cred).Error; err != nil {
			t.Fatal(err)
		}
		ns := notes(t, s, adaE.ID, models.KindBadgeIssued)
		if len(ns) != 1 || ns[0].ToTier == nil || *ns[0].ToTier != "signatory" || ns[0].ReadAt != nil {
			t.Fatalf("badge notifications after the first issuance: %+v", ns)
		}
		for lang, want := range map[string]string{"en": "Your Signatory badge was issued.", "fr": "Votre badge Signataire a été émis."} {
			item := ada.page("/account?lang=" + lang).Find("#notifications li")
			wantText(t, "Ada's notifications in "+lang, item, want)
			if item.Find(`a[href="/credentials/`+cred.ID+`"]`).Length() != 1 {
				t.Errorf("%s: the notification does not link the badge's verification page", lang)
			}
		}

		// A name change signs the badge again: a new copy, not a new badge.
		if res, _ := ada.form("/account", "/account/entry", person(url.Values{"name": {"Ada Renamed"}})); res.StatusCode != http.StatusOK {
			t.Fatalf("renaming: %d", res.StatusCode)
		}
		drain(t, worker)
		var copies int64
		s.DB.Model(&models.Credential{}).Where("signatory_id = ? AND kind = 'signatory'", adaE.ID).Count(&copies)
		if copies != 2 {
			t.Fatalf("%d Signatory credentials after the name change, want 2 (the old one revoked)", copies)
		}
		if ns := notes(t, s, adaE.ID, models.KindBadgeIssued); len(ns) != 1 {
			t.Errorf("%d badge notifications after the badge was signed again, want 1", len(ns))
		}
		// The list links the copy held now.
		var live models.Credential
		s.DB.Where("signatory_id = ? AND kind = 'signatory' AND revoked_at IS NULL", adaE.ID).Take(&live)
		if ada.page("/account").Find(`#notifications a[href="/credentials/`+live.ID+`"]`).Length() != 1 {
			t.Error("the notification does not link the badge held now")
		}

		// An import's badges are bulk work: issued, and nobody told.
		load(t, s, `{"type":"signatory","ref":"imp1","kind":"person","name":"Imported One","country":"FR","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"imp2","kind":"person","name":"Imported Two","country":"FR","signed_at":"2024-05-02T10:00:00Z"}
`)
		drain(t, worker)
		var imported int64
		s.DB.Model(&models.Credential{}).Where("kind = 'signatory' AND signatory_id IN (SELECT id FROM signatories WHERE ref IN ('imp1', 'imp2'))").Count(&imported)
		if imported != 2 {
			t.Fatalf("%d badges issued to the imported signatories, want 2", imported)
		}
		var told int64
		s.DB.Model(&models.Notification{}).Where("kind = ?", models.KindBadgeIssued).Count(&told)
		if told != 1 {
			t.Errorf("%d badge notifications after the import, want Ada's only", told)
		}
	})
}

// An organisation hears that an administrator verified it, with a link to its profile, once.
func TestOrganisationVerifiedNotification(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, _ := badgeSite(t, s)
		boss := site.devUser("The Boss", "boss@example.org")
		org := site.devUser("Giulia Rossi", "giulia@example.org")
		org.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {"Università Aperta"}, "representative": {"Giulia Rossi"}}))
		var sg models.Signatory
		if err := s.DB.Where("kind = 'organisation'").Take(&sg).Error; err != nil {
			t.Fatal(err)
		}
		if ns := notes(t, s, sg.ID, models.KindOrganisationVerified); len(ns) != 0 {
			t.Fatalf("told of a verification before it happened: %+v", ns)
		}
		res, _ := boss.post("/admin/signatories/"+sg.PublicID+"/verify", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("verify: %d", res.StatusCode)
		}
		// Verifying again is refused, and tells nobody again.
		boss.post("/admin/signatories/"+sg.PublicID+"/verify", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		if ns := notes(t, s, sg.ID, models.KindOrganisationVerified); len(ns) != 1 {
			t.Fatalf("%d verification notifications, want 1", len(ns))
		}
		for lang, want := range map[string]string{"en": "An administrator verified your organisation", "fr": "Un administrateur a vérifié votre organisation"} {
			item := org.page("/account?lang=" + lang).Find("#notifications li")
			wantText(t, "the organisation's notifications in "+lang, item, want)
			if item.Find(`a[href="/signatories/`+sg.PublicID+`"]`).Length() != 1 {
				t.Errorf("%s: the notification does not link the organisation's profile", lang)
			}
		}
	})
}

// Publishing a new version of the Declaration asks each member who signed an earlier one to
// sign it, once: its text in a second language asks nobody again.
func TestDeclarationVersionNotification(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, _ := badgeSite(t, s)
		boss := site.devUser("The Boss", "boss@example.org")
		ada, adaE := site.signed("Ada Example")
		publish := func(lang, text string) {
			t.Helper()
			res, _ := boss.form("/admin", "/admin/declarations", url.Values{"version": {"2"}, "lang": {lang}, "body": {text},
				"published": {time.Now().UTC().Format(time.DateOnly)}})
			if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("done") != "publish" {
				t.Fatalf("publishing version 2 in %s: %d at %s", lang, res.StatusCode, res.Request.URL)
			}
		}
		publish("en", "# The Bologna Open Recognition Declaration, version 2\n\nA revised text.\n")
		ns := notes(t, s, adaE.ID, models.KindDeclarationVersion)
		if len(ns) != 1 || ns[0].Version == nil || *ns[0].Version != 2 || ns[0].Mail == nil || *ns[0].Mail != "due" {
			t.Fatalf("Ada's declaration notifications: %+v", ns)
		}
		publish("fr", "# La Déclaration de Bologne pour la reconnaissance ouverte, version 2\n\nUn texte révisé.\n")
		var n int64
		s.DB.Model(&models.Notification{}).Where("kind = ?", models.KindDeclarationVersion).Count(&n)
		if n != 1 {
			t.Errorf("%d declaration notifications after the French text, want 1", n)
		}
		for lang, want := range map[string][2]string{"en": {"Version 2 of the Declaration is published and awaits your signature.", "Sign version 2"},
			"fr": {"La version 2 de la Déclaration est publiée et attend votre signature.", "Signer la version 2"}} {
			item := ada.page("/account?lang=" + lang).Find("#notifications li").First()
			wantText(t, "Ada's notifications in "+lang, item, want[0])
			if link := item.Find(`a[href="/sign"]`); link.Length() != 1 || link.Text() != want[1] {
				t.Errorf("%s: the notification's link to /sign: %q", lang, link.Text())
			}
		}
	})
}

// "Mark all as read" in the header, on any page, marks read what the page counted and comes back
// to that page; a notification that arrives meanwhile stays unread; the form needs its token
// and a signed-in member.
func TestMarkAllNotificationsRead(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, worker := badgeSite(t, s)
		ada, adaE := site.signed("Ada Example")
		drain(t, worker)
		header := func() (count string, forms int) {
			doc := ada.page("/signatories?lang=fr")
			return doc.Find(`a[href="/account#notifications"] .unread-count`).First().Text(), doc.Find(`form[action="/account/notifications/read"]`).Length()
		}
		if count, forms := header(); count != "1" || forms == 0 {
			t.Fatalf("header: count %q linking /account#notifications, %d forms to mark read", count, forms)
		}

		// Without the form's token, or signed out: refused, nothing marked.
		if res, _ := ada.post("/account/notifications/read", url.Values{"up_to": {"999999"}, "return_to": {"/signatories"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("without a form token: %d, want 403", res.StatusCode)
		}
		anon := &devUser{site: site, c: site.newClient()}
		if res, _ := anon.post("/account/notifications/read", url.Values{"_csrf": {site.csrf(anon.c, "/login")}, "up_to": {"999999"}}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a visitor: %d, want 401", res.StatusCode)
		}
		if count, _ := header(); count != "1" {
			t.Fatalf("a refused form marked read: count %q", count)
		}

		// The page drawn, then a notification arrives, then the button: the newcomer stays.
		doc := ada.page("/signatories?lang=fr")
		form := url.Values{}
		doc.Find(`form[action="/account/notifications/read"]`).First().Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
			name, _ := in.Attr("name")
			value, _ := in.Attr("value")
			form.Set(name, value)
		})
		if form.Get("return_to") != "/signatories?lang=fr" {
			t.Errorf("the form returns to %q", form.Get("return_to"))
		}
		late, unreadFrom := "advocate", "signatory"
		if err := s.DB.Create(&models.Notification{SignatoryID: adaE.ID, Kind: models.KindTierReached, FromTier: &unreadFrom, ToTier: &late, CreatedAt: s.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		res, _ := ada.post("/account/notifications/read", form)
		if res.StatusCode != http.StatusOK || res.Request.URL.RequestURI() != "/signatories?lang=fr" {
			t.Fatalf("marking read: %d at %s, want back on /signatories?lang=fr", res.StatusCode, res.Request.URL)
		}
		if n := notes(t, s, adaE.ID, models.KindBadgeIssued); len(n) != 1 || n[0].ReadAt == nil {
			t.Errorf("the badge notification after marking all read: %+v", n)
		}
		if count, _ := header(); count != "1" {
			t.Errorf("after marking read, with one arrived since: count %q, want 1", count)
		}
		// Again, from the account page's header: now nothing is unread, and no count shows.
		if res, _ := ada.form("/signatories", "/account/notifications/read", nil); res.StatusCode != http.StatusOK || res.Request.URL.Path != "/signatories" {
			t.Fatalf("marking read again: %d at %s", res.StatusCode, res.Request.URL)
		}
		if count, forms := header(); count != "" || forms != 0 {
			t.Errorf("after marking all read: count %q, %d forms", count, forms)
		}
		if doc := ada.page("/"); doc.Find(`a[href="/account"]`).Length() == 0 {
			t.Error("with nothing unread, the account link is plain /account")
		}
		// A return address off the site goes home.
		unread := "signatory"
		s.DB.Create(&models.Notification{SignatoryID: adaE.ID, Kind: models.KindTierLost, FromTier: &late, ToTier: &unread, CreatedAt: s.Now()})
		if res, _ := ada.form("/", "/account/notifications/read", url.Values{"return_to": {"//evil.example/"}}); res.Request.URL.Host != site.srv.Listener.Addr().String() || res.Request.URL.Path != "/" {
			t.Errorf("a foreign return address led to %s", res.Request.URL)
		}
	})
}
