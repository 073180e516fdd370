package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// The Declaration reads in every interface language; the translations say they translate the
// English text and lead to it, and a signature records the language and hash of the text read.
func TestTranslationsAreMarkedAndSignedAsRead(t *testing.T) {
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true})
	anon := &devUser{site: site, c: site.newClient()}
	for _, lang := range declaration.Languages {
		res, body := anon.get("/declaration?lang=" + lang)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `<article class="declaration statement" lang="`+lang+`">`) {
			t.Fatalf("/declaration?lang=%s: %d, not the %s text", lang, res.StatusCode, lang)
		}
		var d models.Declaration
		s.DB.Where("version = 1 AND lang = ?", lang).Take(&d)
		if !strings.Contains(body, d.SHA256) {
			t.Errorf("%s: the page does not show the hash of the %s text", lang, lang)
		}
		marked := strings.Contains(body, `class="notice translation"`) && strings.Contains(body, `href="/declaration/1?lang=en"`)
		if marked != (lang != "en") {
			t.Errorf("%s: marked as a translation of the English text: %v", lang, marked)
		}
		if !strings.Contains(body, "26") || !strings.Contains(body, "2016") {
			t.Errorf("%s: the page does not give the publication date, 26 October 2016", lang)
		}
	}

	hans := site.devUser("Hans Beispiel", "hans@example.org")
	_, body := hans.get("/sign?lang=de")
	if !strings.Contains(body, "Dieser Text ist eine Übersetzung des englischen Originals.") || !strings.Contains(body, "Die Bologna-Erklärung für offene Anerkennung") {
		t.Fatal("the German sign page does not show the German text marked as a translation")
	}
	res, _ := hans.form("/sign", "/sign", person(url.Values{"name": {"Hans Beispiel"}, "country": {"DE"}, "city": {"Berlin"}}))
	if res.Request.URL.Path != "/sign/thanks" {
		t.Fatalf("signing in German: at %s", res.Request.URL.Path)
	}
	var sig models.Signature
	var de models.Declaration
	s.DB.Take(&sig)
	s.DB.Where("version = 1 AND lang = 'de'").Take(&de)
	if sig.Lang != "de" || sig.DeclarationVersion != 1 || sig.TextSHA256 != de.SHA256 || de.SHA256 != declaration.Hash(de.Body) {
		t.Fatalf("signature %s v%d %s, want de v1 %s", sig.Lang, sig.DeclarationVersion, sig.TextSHA256, de.SHA256)
	}
	if strings.Contains(de.Body, "translation_of") || !strings.HasPrefix(de.Body, "# ") {
		t.Errorf("the signed German text carries its front matter: %q", de.Body[:40])
	}
}

// The publishing form asks for the day the text is published; a wrong one is named at the
// field, and a reader whose language lacks the new version reads it in English, not the older
// version in their language.
func TestPublishingAVersionTakesItsDate(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
		boss := site.devUser("The Boss", "boss@example.org")
		if _, body := boss.get("/admin"); !strings.Contains(body, `id="p-published" name="published" type="date" required value="`+time.Now().UTC().Format(time.DateOnly)+`"`) ||
			!strings.Contains(body, `<option value="it" lang="it">Italiano</option>`) {
			t.Fatal("the publishing form has no date field (today by default) or no Italian")
		}
		text := "# The Bologna Open Recognition Declaration, version 2\n\nA revised text.\n"
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		for _, c := range []struct{ published, want string }{
			{"", "Please fill this in."},
			{"26/10/2024", "Please give the day the text is published as a date, such as 2016-10-26."},
			{tomorrow, "A text cannot be published on a day still to come"},
			{"2016-10-01", "version 2 cannot be published on 2016-10-01, before version 1 (2016-10-26)"},
		} {
			res, doc := boss.form("/admin", "/admin/declarations", url.Values{"version": {"2"}, "lang": {"en"}, "body": {text}, "published": {c.published}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find("#p-published-error").Text(), c.want) {
				t.Errorf("published %q: %d, error at the date %q, want %q", c.published, res.StatusCode, doc.Find("#p-published-error").Text(), c.want)
			}
			if v, _ := doc.Find("#p-body").Html(); !strings.Contains(v, "A revised text.") {
				t.Errorf("published %q: the text typed is lost", c.published)
			}
		}
		var n int64
		s.DB.Model(&models.Declaration{}).Where("version = 2").Count(&n)
		if n != 0 {
			t.Fatal("a refused publication left a text behind")
		}
		res, _ := boss.form("/admin", "/admin/declarations", url.Values{"version": {"2"}, "lang": {"en"}, "body": {text}, "published": {"2024-05-01"}})
		if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("done") != "publish" {
			t.Fatalf("publishing version 2: %d at %s", res.StatusCode, res.Request.URL)
		}
		var v2 models.Declaration
		s.DB.Where("version = 2 AND lang = 'en'").Take(&v2)
		if !v2.PublishedAt.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("version 2 published %v, want 2024-05-01", v2.PublishedAt)
		}
		anon := &devUser{site: site, c: site.newClient()}
		_, body := anon.get("/declaration?lang=it")
		if !strings.Contains(body, "A revised text.") || !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "1 maggio 2024") {
			t.Error("an Italian reader does not get version 2 (in English, published on 1 maggio 2024)")
		}
	})
}
