package handlers_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// The signing page has one h1, its own; the declaration's title shows once, under it, and the
// declaration's headings follow in order.
func TestSignShowsTheDeclarationTitleOnce(t *testing.T) {
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true})
	u := site.devUser("Ada Example", "ada@example.org")
	for lang, title := range map[string]string{"en": "The Bologna Open Recognition Declaration", "fr": "La Déclaration de Bologne pour une reconnaissance ouverte"} {
		for _, kind := range []string{"person", "organisation"} {
			p := "/sign?kind=" + kind + "&lang=" + lang
			_, body := u.get(p)
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			if n := doc.Find("h1").Length(); n != 1 {
				t.Errorf("%s has %d h1, want 1", p, n)
			}
			titles, last := 0, 0
			doc.Find("main h1, main h2, main h3, main h4, main h5, main h6").Each(func(_ int, h *goquery.Selection) {
				level := int(goquery.NodeName(h)[1] - '0')
				if strings.TrimSpace(h.Text()) == title {
					titles++
				}
				if level > last+1 {
					t.Errorf("%s: %q (h%d) follows an h%d", p, strings.TrimSpace(h.Text()), level, last)
				}
				last = level
			})
			if titles != 1 {
				t.Errorf("%s shows the declaration's title %q %d times as a heading, want once", p, title, titles)
			}
		}
	}
}
