package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func TestHomeShowsCountsNewestAndCountries(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		doc := a.page("/")
		figures := doc.Find(".figure strong").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		// Listed: Ada, Hidden (name hidden but listed), Università, Zoé = 4 in 3 countries, 1 organisation.
		if len(figures) < 2 || figures[0] != "4" || figures[1] != "3" {
			t.Fatalf("figures = %v", figures)
		}
		names := doc.Find(".people .name").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if len(names) != 4 || names[0] != "Zoé Müller" {
			t.Fatalf("newest = %v", names)
		}
		if doc.Find(`a[href="/signatories?country=IT"]`).Length() != 1 {
			t.Fatal("Italy is not listed among the countries")
		}
		body, _ := doc.Html()
		noSecrets(t, "home", body)
	})
}

func TestPagesSpeakFrenchAndRememberTheChoice(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	a := newApp(t, s, handlers.Config{})
	if got := a.page("/", "Accept-Language", "fr-CH, fr;q=0.9, en;q=0.5").Find("html").AttrOr("lang", ""); got != "fr" {
		t.Fatalf("Accept-Language fr gives lang=%q", got)
	}
	if got := a.page("/", "Accept-Language", "de-DE").Find("html").AttrOr("lang", ""); got != "de" {
		t.Fatalf("Accept-Language de-DE gives lang=%q", got)
	}
	if got := a.page("/", "Accept-Language", "pt-PT").Find("html").AttrOr("lang", ""); got != "en" {
		t.Fatalf("an unsupported language falls back to %q", got)
	}
	rec := a.get("/signatories?lang=fr")
	cookie := rec.Result().Cookies()
	if len(cookie) != 1 || cookie[0].Name != "lang" || cookie[0].Value != "fr" {
		t.Fatalf("?lang=fr sets cookies %v", cookie)
	}
	doc := a.page("/", "Cookie", "lang=fr", "Accept-Language", "en")
	if doc.Find("html").AttrOr("lang", "") != "fr" || !strings.Contains(doc.Find("h1").Text(), "reconnaissance") {
		t.Fatalf("the cookie does not win over Accept-Language: %q", doc.Find("h1").Text())
	}
	// The switch links keep the page and its filters.
	doc = a.page("/signatories?country=IT")
	href, _ := doc.Find(`.lang-switch a[hreflang="fr"]`).Attr("href")
	if !strings.Contains(href, "country=IT") || !strings.Contains(href, "lang=fr") {
		t.Fatalf("language switch link %q", href)
	}
	// Dates and tier names are translated too.
	doc = a.page("/signatories/"+id("zoe"), "Cookie", "lang=fr")
	if !strings.Contains(doc.Text(), "mai 2024") || !strings.Contains(doc.Text(), "Signataire") {
		t.Fatal("the profile is not in French")
	}
}

func TestDeclarationShowsTextAndHash(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{})
	d, err := s.CurrentDeclaration(t.Context(), "en")
	if err != nil {
		t.Fatal(err)
	}
	doc := a.page("/declaration")
	if doc.Find("code.hash").Text() != d.SHA256 || !strings.Contains(doc.Find("article h1").Text(), "Bologna") {
		t.Fatalf("declaration page: hash %q title %q", doc.Find("code.hash").Text(), doc.Find("article h1").Text())
	}
	fr := a.page("/declaration?lang=fr")
	if fr.Find("article").AttrOr("lang", "") != "fr" || fr.Find("code.hash").Text() == d.SHA256 {
		t.Fatal("the French declaration is not shown with its own hash")
	}
	if a.page("/declaration/1?lang=fr").Find("article").AttrOr("lang", "") != "fr" {
		t.Fatal("/declaration/1?lang=fr is not French")
	}
	if a.page("/declaration/1").Find("code.hash").Text() != d.SHA256 {
		t.Fatal("/declaration/1 differs from the current version")
	}
	for _, p := range []string{"/declaration/99", "/declaration/abc", "/declaration/01"} {
		if rec := a.get(p); rec.Code != http.StatusNotFound {
			t.Fatalf("GET %s = %d", p, rec.Code)
		}
	}
}

func TestSignatoryListSearchAndFilters(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		names := func(path string) []string {
			t.Helper()
			return a.page(path).Find(".people .name").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		}
		cases := map[string][]string{
			"/signatories":                            {"Zoé Müller", "Università Aperta", "A signatory from Italy", "Ada Lovelace"},
			"/signatories?country=IT":                 {"Università Aperta", "A signatory from Italy"},
			"/signatories?country=it":                 {"Università Aperta", "A signatory from Italy"},
			"/signatories?kind=organisation":          {"Università Aperta"},
			"/signatories?tier=ambassador":            {"Ada Lovelace"},
			"/signatories?q=zurich":                   {"Zoé Müller"},
			"/signatories?q=M%C3%9CLL":                {"Zoé Müller"},
			"/signatories?q=love":                     {"Ada Lovelace"},
			"/signatories?q=bologna+universita":       {"Università Aperta"},
			"/signatories?q=giulia":                   {"Università Aperta"},
			"/signatories?q=secretown":                nil,
			"/signatories?q=hidden":                   nil,
			"/signatories?q=secret":                   nil,
			"/signatories?q=unverified":               nil,
			"/signatories?q=gone":                     nil,
			"/signatories?q=ada%40example.org":        nil,
			"/signatories?country=FR":                 nil,
			"/signatories?country=CH&kind=person&q=z": {"Zoé Müller"},
		}
		for path, want := range cases {
			got := names(path)
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s = %q, want %q", path, got, want)
			}
		}
		body := a.get("/signatories").Body.String()
		noSecrets(t, "list", body)
		for _, bad := range []string{"?country=ZZ", "?kind=robot", "?tier=hero", "?limit=0", "?limit=201", "?cursor=nonsense", "?place=abc", "?colour=red", "?q=" + strings.Repeat("x", 201)} {
			rec := a.get("/signatories" + bad)
			if rec.Code != http.StatusBadRequest {
				t.Errorf("GET /signatories%s = %d, want 400", bad, rec.Code)
			}
		}
		rec := a.get("/signatories?country=ZZ")
		if !strings.Contains(rec.Body.String(), "country") {
			t.Error("the 400 page does not name the parameter")
		}
	})
}

func TestProfileShowsOnlyPublicFields(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		doc := a.page("/signatories/" + id("ada"))
		if doc.Find("h1").Text() != "Ada Lovelace" || !strings.Contains(doc.Text(), "Founding Ambassador") {
			t.Fatalf("profile heading %q", doc.Find("h1").Text())
		}
		st := doc.Find(".statement")
		if st.Find("strong").Text() != "recognition" || st.Find("script").Length() != 0 {
			t.Fatal("statement not rendered as safe Markdown")
		}
		html, _ := st.Html()
		if strings.Contains(html, "javascript:") || !strings.Contains(html, `href="https://ok.example.org"`) {
			t.Fatalf("statement links: %s", html)
		}
		given := doc.Find(".endorsements").Last().Text()
		if !strings.Contains(given, "Zoé Müller") {
			t.Fatal("the accepted endorsement given is not shown")
		}
		hidden := a.page("/signatories/" + id("hid"))
		body, _ := hidden.Html()
		noSecrets(t, "hidden profile", body)
		if !strings.Contains(hidden.Find("h1").Text(), "Italy") {
			t.Fatalf("a hidden name shows as %q", hidden.Find("h1").Text())
		}
		zoe := a.page("/signatories/" + id("zoe"))
		zb, _ := zoe.Html()
		noSecrets(t, "endorsed profile", zb)
		if zoe.Find(".endorsements em").Text() != "opens" {
			t.Fatal("the endorsement comment is not rendered")
		}
		for ref, want := range map[string]int{"gone": 410, "mod": 404, "unv": 404} {
			if rec := a.get("/signatories/" + id(ref)); rec.Code != want {
				t.Errorf("%s profile = %d, want %d", ref, rec.Code, want)
			}
		}
		for _, p := range []string{"/signatories/not-a-uuid", "/signatories/" + strings.ToUpper(id("ada")), "/signatories/00000000-0000-0000-0000-000000000000"} {
			if rec := a.get(p); rec.Code != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, rec.Code)
			}
		}
	})
}

func TestPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	a := newApp(t, s, handlers.Config{})
	for _, p := range []string{"/", "/declaration", "/signatories", "/signatories/" + id("ada"), "/nowhere"} {
		rec := a.get(p)
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", p)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"} {
			if got := rec.Header().Get(h); got != want {
				t.Errorf("%s: %s = %q", p, h, got)
			}
		}
		doc, err := goquery.NewDocumentFromReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if n := doc.Find("script:not([src]), style, [style]").Length(); n != 0 {
			t.Errorf("%s has %d inline scripts or styles", p, n)
		}
		doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, l *goquery.Selection) {
			href := l.AttrOr("href", "")
			r := a.get(href)
			if r.Code != 200 || !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
				t.Errorf("stylesheet %s = %d %q", href, r.Code, r.Header().Get("Cache-Control"))
			}
		})
	}
	if rec := a.get("/assets/000000000000/app.css"); rec.Code != http.StatusNotFound {
		t.Fatalf("a stale asset hash = %d", rec.Code)
	}
}

func TestHSTSOnlyWithHTTPS(t *testing.T) {
	s := testutil.SQLite(t)
	if got := newApp(t, s, handlers.Config{}).get("/healthz").Header().Get("Strict-Transport-Security"); got != "" {
		t.Fatalf("HSTS on http: %q", got)
	}
	if got := newApp(t, s, handlers.Config{BaseURL: "https://registry.example.org"}).get("/healthz").Header().Get("Strict-Transport-Security"); got == "" {
		t.Fatal("no HSTS on https")
	}
}
