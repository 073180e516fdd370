package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
)

// The HTML part of the registry's e-mail, opened in a real browser as a mail program shows it: a
// digest of an endorsement received (with its accept and decline links) and a tier reached
// reads as written, its links lead to the registry, and nothing but the message is loaded. The
// picture is the README's when REGISTRY_SCREENSHOTS names a folder.
func TestJourneyMailReadsInABrowser(t *testing.T) {
	ctx := browserFor(t, time.Minute)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://registry.example.org"
	w := mail.Writer{Catalog: cat, BaseURL: base, Secret: []byte("a key for this test's links")}
	str := func(s string) *string { return &s }
	listed := true
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	m, err := w.Write(mail.Letter{AccountID: 1, AccountPublicID: "acc-bea", Email: "bea@example.org", Name: "Bea Nowak", Lang: "en",
		Category: models.CategoryEndorsements, MessageID: "journey@registry.example.org",
		Notifications: []models.NotificationRow{
			{ID: 2, Kind: models.KindEndorsementReceived, PublicID: "bea", Level: str("ambassador"), OtherPublicID: str("ada"),
				OtherName: str("Ada Moretti"), OtherNameVis: str("public"), OtherListed: &listed, CreatedAt: now},
			{ID: 1, Kind: models.KindEndorsementReceived, PublicID: "bea", Level: str("advocate"), OtherPublicID: str("kim"),
				OtherName: str("Kim Private"), OtherNameVis: str("members"), OtherListed: &listed, CreatedAt: now.Add(-time.Hour)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	// The message alone, as a mail program shows it: no registry behind it.
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" { // the browser's own asking, not the message's
			http.NotFound(rw, r)
			return
		}
		requests++
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Write([]byte(m.HTML))
	}))
	defer srv.Close()
	j := &journey{t: t, ctx: ctx, base: srv.URL}
	j.run("open the message", chromedp.EmulateViewport(720, 620), chromedp.Navigate(srv.URL+"/"))
	j.expect("Ada Moretti", "Ambassador", "Accept", "Decline", "Unsubscribe")
	var text string
	j.run("read the message", chromedp.Text("body", &text, chromedp.ByQuery))
	if strings.Contains(text, "Kim Private") {
		t.Error("a name its holder keeps to members is in the message")
	}
	var hrefs []string
	j.run("read the links", chromedp.Evaluate(`[...document.querySelectorAll("a")].map(a => a.href)`, &hrefs))
	if len(hrefs) < 4 {
		t.Fatalf("links %v, want accept, decline, settings and unsubscribe at least", hrefs)
	}
	for _, h := range hrefs {
		if len(h) < len(base) || h[:len(base)] != base {
			t.Errorf("link %q does not lead to the registry", h)
		}
	}
	if requests != 1 {
		t.Errorf("opening the message made %d requests, want 1 (no image or style from elsewhere)", requests)
	}
	if dir := os.Getenv("REGISTRY_SCREENSHOTS"); dir != "" {
		var png []byte
		j.run("picture", chromedp.FullScreenshot(&png, 100))
		if err := os.WriteFile(filepath.Join(dir, "mail-digest.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
