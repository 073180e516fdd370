package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
)

// browser is a person using the registry through a cookie jar, logged in with --dev-login.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// submit fills the form of page that posts to action (its hidden fields kept) and sends it.
func (b *browser) submit(page, action string, values url.Values) *http.Response {
	b.t.Helper()
	_, body := b.get(page)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	form := doc.Find(`form[action="` + action + `"]`).First()
	if form.Length() == 0 {
		b.t.Fatalf("%s has no form to %s", page, action)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		n, _ := in.Attr("name")
		val, _ := in.Attr("value")
		v.Set(n, val)
	})
	for k, vals := range values {
		v[k] = vals
	}
	res, err := b.c.PostForm(b.base+action, v)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func devBrowser(t *testing.T, base, name, email string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: base, c: &http.Client{Jar: jar}}
	if res := b.submit("/login", "/auth/dev", url.Values{"name": {name}, "email": {email}}); res.StatusCode != http.StatusOK {
		t.Fatalf("dev login: %d", res.StatusCode)
	}
	return b
}

func signAs(b *browser, name string) {
	b.t.Helper()
	if res := b.submit("/sign", "/sign", url.Values{"name": {name}, "country": {"IT"}, "city": {"Bologna"}, "consent": {"yes"}}); res.StatusCode != http.StatusOK {
		b.t.Fatalf("sign: %d", res.StatusCode)
	}
}

// Deleting an account erases: every credential naming the person (their badges, the
// endorsement credentials they received and those they signed) answers 410 Gone, is no longer
// linked, holds no document in the database, and the full export keeps neither their name nor
// the endorsement comments about them, while the status list still says revoked and the dump
// still imports.
func TestDeleteAccountErasesCredentialsAndTheFullExport(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "migrate")
		s := p.store(t)
		ctx := context.Background()
		srv := httptest.NewServer(nil)
		t.Cleanup(srv.Close)
		keys, err := issuer.OpenKeys(p.keys)
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		w, err := issuer.NewWorker(s, keys, srv.URL, log)
		if err != nil {
			t.Fatal(err)
		}
		e, _, err := handlers.New(handlers.Deps{Store: s, Logger: log, Keys: keys,
			Config: handlers.Config{BaseURL: srv.URL, DevLogin: true}})
		if err != nil {
			t.Fatal(err)
		}
		srv.Config.Handler = e

		ada := devBrowser(t, srv.URL, "Ada Erasable", "ada.erasable@example.org")
		signAs(ada, "Ada Erasable")
		bea := devBrowser(t, srv.URL, "Bea Stays", "bea.stays@example.org")
		signAs(bea, "Bea Stays")
		var adaEntry, beaEntry models.Signatory
		s.DB.Where("name = ?", "Ada Erasable").Take(&adaEntry)
		s.DB.Where("name = ?", "Bea Stays").Take(&beaEntry)
		adaPage, beaPage := "/signatories/"+adaEntry.PublicID, "/signatories/"+beaEntry.PublicID
		bea.submit(adaPage, adaPage+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Ada lights the way."}})
		ada.submit("/account", "/account/endorsements/"+beaEntry.PublicID+"/accept", nil)
		ada.submit(beaPage, beaPage+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Written by Ada for Bea."}})
		bea.submit("/account", "/account/endorsements/"+adaEntry.PublicID+"/accept", nil)
		if _, err := w.Drain(ctx); err != nil { // the worker issues the endorsement credentials
			t.Fatal(err)
		}
		var urls []string
		for _, path := range []string{adaPage + "/endorsements/" + beaEntry.PublicID, beaPage + "/endorsements/" + adaEntry.PublicID} {
			res, _ := bea.get(path)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/credentials/") {
				t.Fatalf("endorsement credential %s: %d at %s", path, res.StatusCode, res.Request.URL)
			}
			urls = append(urls, res.Request.URL.Path)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var badge models.Credential
		if err := s.DB.Where("signatory_id = ? AND kind = ?", adaEntry.ID, "signatory").Take(&badge).Error; err != nil {
			t.Fatal(err)
		}
		urls = append(urls, "/credentials/"+badge.ID)
		if _, body := bea.get(urls[1] + ".json"); !strings.Contains(body, "Ada Erasable") || !strings.Contains(body, "Written by Ada for Bea.") {
			t.Fatalf("the endorsement Ada signed does not carry her name and comment: %s", body)
		}
		if res := ada.submit("/account", "/account/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}

		for _, u := range urls {
			for _, suffix := range []string{"", ".json", ".svg", ".png"} {
				res, body := bea.get(u + suffix)
				if res.StatusCode != http.StatusGone || strings.Contains(body, "Ada Erasable") || strings.Contains(body, "Written by Ada") {
					t.Errorf("GET %s%s after the deletion: %d\n%.300s", u, suffix, res.StatusCode, body)
				}
			}
			// The badge's OB 2.0 assertion is gone; endorsements have no OB 2.0 form at all.
			id, want := strings.TrimPrefix(u, "/credentials/"), http.StatusNotFound
			if id == badge.ID {
				want = http.StatusGone
			}
			if res, _ := bea.get("/ob2/assertions/" + id); res.StatusCode != want {
				t.Errorf("OB 2.0 assertion %s after the deletion: %d, want %d", id, res.StatusCode, want)
			}
		}
		if _, body := bea.get("/api/v1/signatories/" + beaEntry.PublicID); strings.Contains(body, strings.TrimPrefix(urls[1], "/credentials/")) {
			t.Error("the API still links the endorsement credential Ada signed")
		}
		var creds []models.Credential
		s.DB.Find(&creds)
		for _, c := range creds {
			erased := c.SignatoryID == adaEntry.ID || c.Kind == "endorsement"
			if erased && (c.Document != models.ErasedDocument || c.RevokedAt == nil || c.ErasedAt == nil) {
				t.Errorf("credential %s (%s) after the deletion: revoked %v, document %.80s", c.ID, c.Kind, c.RevokedAt, c.Document)
			}
			if strings.Contains(c.Document, "Ada Erasable") || strings.Contains(c.Document, "Written by Ada") || strings.Contains(c.Document, "Ada lights") {
				t.Errorf("credential %s still holds Ada's name or a comment about her", c.ID)
			}
		}
		var left int64
		s.DB.Model(&models.Credential{}).Where("status_list = 1 AND revoked_at IS NOT NULL").Count(&left)
		if left != 3 {
			t.Errorf("%d revoked credentials on the status list, want 3: the erased ones must stay revoked", left)
		}

		dump := filepath.Join(p.dir, "after-deletion.jsonl")
		p.run(t, "export", "--full", "-o", dump)
		b, err := os.ReadFile(dump)
		if err != nil {
			t.Fatal(err)
		}
		full := string(b)
		public := p.run(t, "export").stdout
		for _, secret := range []string{"Ada Erasable", "ada.erasable@example.org", "Ada lights the way.", "Written by Ada for Bea."} {
			if strings.Contains(full, secret) {
				t.Errorf("export --full after the deletion contains %q", secret)
			}
			if strings.Contains(public, secret) {
				t.Errorf("the public export after the deletion contains %q", secret)
			}
		}
		if !strings.Contains(full, `"erased_at"`) || !strings.Contains(full, "Bea Stays") {
			t.Error("the full export lost the erased credentials or the registry")
		}
		// The dump still moves to another server, erased credentials and all.
		to := newSQLite(t)
		to.run(t, "import", dump)
		if n := to.scalar(t, "SELECT COUNT(*) FROM credentials WHERE erased_at IS NOT NULL AND revoked_at IS NOT NULL"); n != 3 {
			t.Errorf("%d erased credentials after importing the dump, want 3", n)
		}
	})
}
