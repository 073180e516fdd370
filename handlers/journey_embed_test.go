package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// The snippet works where it is meant to: pasted into another site's page served with a strict
// CSP (no script, no style, images from anywhere) and cross-origin isolation, the images load;
// the snippet page itself passes axe-core.
func TestJourneyEmbedOnAnotherSite(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	s := testutil.SQLite(t)
	load(t, s, fixture+awkward)
	site := newSite(t, s, handlers.Config{})
	_, page := publicStatus(t, site.srv.URL+"/signatories/"+id("awk")+"/embed")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	snippet := doc.Find("textarea#embed-code").Text()
	if !strings.Contains(snippet, site.srv.URL) {
		t.Fatalf("no snippet with the registry's address on the embed page:\n%.2000s", page)
	}
	count := `<img src="` + site.srv.URL + `/embed/count.svg" alt="Signatories" width="300" height="64">`
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src *")
		// Cross-origin isolation loads another origin's image only if it says it may be
		// (Cross-Origin-Resource-Policy): the registry's images must.
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><title>A partner</title></head><body><main><h1>We are a partner</h1>` +
			snippet + count + `</main></body></html>`))
	}))
	t.Cleanup(host.Close)

	j := &journey{t: t, ctx: ctx, base: host.URL}
	j.open("/")
	var widths []int
	j.run("wait for the images", chromedp.Evaluate(`Promise.all(Array.from(document.images).map(i =>
		i.decode().then(() => i.naturalWidth, () => 0)))`, &widths,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if len(widths) != 2 || widths[0] <= 0 || widths[1] <= 0 {
		t.Errorf("on another site under a strict CSP, the images have natural widths %v, want both > 0", widths)
	}
	var href string
	j.run("read the link", chromedp.Evaluate(`document.querySelector("main a").href`, &href))
	if href != site.srv.URL+"/signatories/"+id("awk") {
		t.Errorf("the embedded image links to %q", href)
	}

	j = &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.open("/signatories/" + id("awk") + "/embed")
	var preview int
	j.run("the preview", chromedp.Evaluate(`document.querySelector(".embed-preview img").naturalWidth`, &preview))
	if preview <= 0 {
		t.Error("the snippet page's own preview does not show the image")
	}
	for _, v := range j.axe(axe).Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("the snippet page: %s [%s] %s: %.300s", v.ID, v.Impact, v.Help, v.Nodes[0].HTML)
		}
	}
}
