package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/models"
)

// The sharing block of a badge in a real browser: the QR code and the page's share card load
// under the registry's CSP, the block passes axe-core's checks, and Copy link copies.
func TestJourneyShareBlock(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	site, w, _ := phoneSite(t)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.login("Ada Shares", "ada@shares.example")
	j.open("/sign")
	j.sign(map[string]string{"#e-country": "IT", "#e-city": "Bologna"})
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mine models.Signatory
	site.store.DB.Where("email = ?", "ada@shares.example").Take(&mine)
	var cred models.Credential
	site.store.DB.Where("signatory_id = ? AND kind = ?", mine.ID, "signatory").Take(&cred)
	if err := chromedp.Run(ctx, browserGrantClipboard(site.srv.URL)); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{390, 1280} {
		j.run("window", chromedp.EmulateViewport(width, 900))
		for _, lang := range []string{"en", "fr"} {
			j.open("/signatories/" + mine.PublicID + "?lang=" + lang)
			for _, v := range j.seriousAxeViolations(axe) {
				t.Errorf("the profile in %s at %d px: %s", lang, width, v)
			}
			var seen struct {
				QR, Card int
				LinkedIn bool
				Networks int
				Fallback bool
			}
			var loaded bool
			j.run("wait for the QR code", chromedp.Poll(`document.querySelector(".badge-card .badge-qr img").complete`, &loaded, chromedp.WithPollingTimeout(10*time.Second)))
			j.run("look at the sharing block", chromedp.Evaluate(`(async () => {
				const qr = document.querySelector(".badge-card .badge-qr img");
				const card = new Image();
				card.src = document.querySelector('meta[property="og:image"]').content;
				await card.decode().catch(() => {});
				const li = document.querySelector(".badge-card a.linkedin-add");
				return {QR: qr.naturalWidth, Card: card.naturalWidth, LinkedIn: !!li && li.getBoundingClientRect().width > 0,
					Networks: document.querySelectorAll(".badge-card .share-links a").length,
					Fallback: document.querySelector(".badge-card input.share[readonly]") !== null};
			})()`, &seen, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if seen.QR != 256 || seen.Card != 1200 || !seen.LinkedIn || seen.Networks != 5 || !seen.Fallback {
				t.Errorf("the sharing block in %s at %d px: %+v", lang, width, seen)
			}
		}
	}
	j.open("/signatories/" + mine.PublicID + "?lang=en")
	if dir := os.Getenv("REGISTRY_SCREENSHOTS"); dir != "" {
		// The README's picture of the block (1280 px wide, the last width above).
		var shot []byte
		j.run("photograph the badge card", chromedp.ScrollIntoView(".badge-card", chromedp.ByQuery), chromedp.Screenshot(".badge-card", &shot, chromedp.ByQuery))
		if err := os.WriteFile(filepath.Join(dir, "badge-share-1280.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var status, copied string
	j.run("copy the link", chromedp.Click(".badge-card button.copy-link", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector(".badge-card .copy-status").textContent`, &status, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &copied, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if copied != site.srv.URL+"/credentials/"+cred.ID {
		t.Errorf("after Copy link the page says %q and the clipboard holds %q", status, copied)
	}
}
