package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/demo"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// mapJourneyFixture is a small registry spread over a few countries, in real cities. Lucia Nascosta
// keeps her city (Torino, where nobody else signed) to herself; organisations are in Italy,
// Germany and Kenya only.
const mapJourneyFixture = `{"type":"signatory","ref":"m1","kind":"person","name":"Chiara Bianchi","country":"IT","city":"Bologna","signed_at":"2025-01-02T10:00:00Z"}
{"type":"signatory","ref":"m2","kind":"person","name":"Marco Esposito","country":"IT","city":"Bologna","tier":"advocate","signed_at":"2025-01-03T10:00:00Z"}
{"type":"signatory","ref":"m3","kind":"person","name":"Giorgia Ferri","country":"IT","city":"Bologna","signed_at":"2025-01-04T10:00:00Z"}
{"type":"signatory","ref":"m4","kind":"organisation","name":"Scuola Aperta di Bologna","representative":"Paola Neri","role":"Direttrice","country":"IT","city":"Bologna","signed_at":"2025-01-05T10:00:00Z"}
{"type":"signatory","ref":"m5","kind":"person","name":"Lorenzo Romano","country":"IT","city":"Roma","signed_at":"2025-01-06T10:00:00Z"}
{"type":"signatory","ref":"m6","kind":"person","name":"Sofia Colombo","country":"IT","city":"Roma","tier":"ambassador","signed_at":"2025-01-07T10:00:00Z"}
{"type":"signatory","ref":"m7","kind":"person","name":"Andrea Ricci","country":"IT","city":"Milano","signed_at":"2025-01-08T10:00:00Z"}
{"type":"signatory","ref":"m8","kind":"organisation","name":"Fondazione Milanese","representative":"Elena Galli","role":"Presidente","country":"IT","city":"Milano","signed_at":"2025-01-09T10:00:00Z"}
{"type":"signatory","ref":"m9","kind":"person","name":"Lucia Nascosta","country":"IT","city":"Torino","visibility":{"city":"hidden"},"signed_at":"2025-01-10T10:00:00Z"}
{"type":"signatory","ref":"f1","kind":"person","name":"Camille Dubois","country":"FR","city":"Paris","signed_at":"2025-02-01T10:00:00Z"}
{"type":"signatory","ref":"f2","kind":"person","name":"Hugo Lefèvre","country":"FR","city":"Paris","signed_at":"2025-02-02T10:00:00Z"}
{"type":"signatory","ref":"f3","kind":"person","name":"Manon Girard","country":"FR","city":"Paris","tier":"advocate","signed_at":"2025-02-03T10:00:00Z"}
{"type":"signatory","ref":"f4","kind":"person","name":"Théo Marchand","country":"FR","city":"Caen","signed_at":"2025-02-04T10:00:00Z"}
{"type":"signatory","ref":"f5","kind":"person","name":"Inès Moreau","country":"FR","city":"Lyon","signed_at":"2025-02-05T10:00:00Z"}
{"type":"signatory","ref":"d1","kind":"person","name":"Jonas Becker","country":"DE","city":"München","signed_at":"2025-03-01T10:00:00Z"}
{"type":"signatory","ref":"d2","kind":"person","name":"Lea Hoffmann","country":"DE","city":"München","signed_at":"2025-03-02T10:00:00Z"}
{"type":"signatory","ref":"d3","kind":"person","name":"Felix Wagner","country":"DE","city":"Berlin","signed_at":"2025-03-03T10:00:00Z"}
{"type":"signatory","ref":"d4","kind":"person","name":"Mia Schulz","country":"DE","city":"Berlin","signed_at":"2025-03-04T10:00:00Z"}
{"type":"signatory","ref":"d5","kind":"organisation","name":"Offene Bildung Berlin e.V.","representative":"Karl Braun","role":"Vorstand","country":"DE","city":"Berlin","signed_at":"2025-03-05T10:00:00Z"}
{"type":"signatory","ref":"u1","kind":"person","name":"Emily Carter","country":"US","city":"New York City","signed_at":"2025-04-01T10:00:00Z"}
{"type":"signatory","ref":"u2","kind":"person","name":"Jacob Miller","country":"US","city":"New York City","signed_at":"2025-04-02T10:00:00Z"}
{"type":"signatory","ref":"u3","kind":"person","name":"Olivia Brooks","country":"US","city":"New York City","tier":"advocate","signed_at":"2025-04-03T10:00:00Z"}
{"type":"signatory","ref":"u4","kind":"person","name":"Noah Bennett","country":"US","city":"San Francisco","signed_at":"2025-04-04T10:00:00Z"}
{"type":"signatory","ref":"u5","kind":"person","name":"Ava Thompson","country":"US","city":"Chicago","signed_at":"2025-04-05T10:00:00Z"}
{"type":"signatory","ref":"b1","kind":"person","name":"Ana Souza","country":"BR","city":"São Paulo","signed_at":"2025-05-01T10:00:00Z"}
{"type":"signatory","ref":"b2","kind":"person","name":"Pedro Oliveira","country":"BR","city":"São Paulo","signed_at":"2025-05-02T10:00:00Z"}
{"type":"signatory","ref":"b3","kind":"person","name":"Beatriz Lima","country":"BR","city":"Rio de Janeiro","signed_at":"2025-05-03T10:00:00Z"}
{"type":"signatory","ref":"k1","kind":"person","name":"Wanjiru Kamau","country":"KE","city":"Nairobi","signed_at":"2025-06-01T10:00:00Z"}
{"type":"signatory","ref":"k2","kind":"person","name":"Otieno Odhiambo","country":"KE","city":"Nairobi","signed_at":"2025-06-02T10:00:00Z"}
{"type":"signatory","ref":"k3","kind":"organisation","name":"Nairobi Learning Commons","representative":"Achieng Otieno","role":"Director","country":"KE","city":"Nairobi","signed_at":"2025-06-03T10:00:00Z"}
{"type":"signatory","ref":"g1","kind":"person","name":"Oliver Hughes","country":"GB","city":"London","signed_at":"2025-07-01T10:00:00Z"}
{"type":"signatory","ref":"g2","kind":"person","name":"Amelia Clarke","country":"GB","city":"Manchester","signed_at":"2025-07-02T10:00:00Z"}
{"type":"signatory","ref":"e1","kind":"person","name":"Lucía García","country":"ES","city":"Madrid","signed_at":"2025-08-01T10:00:00Z"}
{"type":"signatory","ref":"e2","kind":"person","name":"Pablo Martínez","country":"ES","city":"Barcelona","signed_at":"2025-08-02T10:00:00Z"}
{"type":"signatory","ref":"j1","kind":"person","name":"Yuki Tanaka","country":"JP","city":"Tokyo","signed_at":"2025-09-01T10:00:00Z"}
{"type":"signatory","ref":"i1","kind":"person","name":"Priya Sharma","country":"IN","city":"Bengaluru","signed_at":"2025-09-02T10:00:00Z"}
{"type":"signatory","ref":"a1","kind":"person","name":"Charlotte Wilson","country":"AU","city":"Melbourne","signed_at":"2025-09-03T10:00:00Z"}
{"type":"signatory","ref":"c1","kind":"person","name":"Émilie Tremblay","country":"CA","city":"Montréal","signed_at":"2025-09-04T10:00:00Z"}
{"type":"signatory","ref":"n1","kind":"person","name":"Chinedu Okafor","country":"NG","city":"Lagos","signed_at":"2025-09-05T10:00:00Z"}
`

// mapJourneySite serves a registry holding mapJourneyFixture over HTTP. The data is written
// before the first request, so the summary the pages are drawn from already counts it.
func mapJourneySite(t *testing.T) *oidcSite {
	t.Helper()
	s := testutil.SQLite(t)
	load(t, s, mapJourneyFixture)
	return newSite(t, s, handlers.Config{DevLogin: true})
}

// countsByCountry reads the map page's table of signatories by country: country name → count shown.
func (j *journey) countsByCountry() map[string]string {
	j.t.Helper()
	var rows [][2]string
	j.run("read the table by country", chromedp.Evaluate(`Array.from(document.querySelectorAll("#by-country ~ table.counts")[0].tBodies[0].rows)
		.map(r => [r.cells[0].textContent.trim(), r.cells[1].textContent.trim()])`, &rows))
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r[0]] = r[1]
	}
	return out
}

// clickSVGLink clicks with the mouse, as a person would, on a point where the element is the
// one on top, and waits for the next page. A link drawn in SVG has no box of its own to aim at
// the middle of: Italy's middle may be sea, or a city's dot.
func (j *journey) clickSVGLink(what, selector string) {
	j.t.Helper()
	var at struct {
		Found bool
		X, Y  float64
	}
	j.run(what+": find a point", chromedp.Evaluate(`(() => {
		const a = document.querySelector(`+jsQuote(selector)+`);
		if (!a) return {Found: false};
		a.scrollIntoView({block: "center"});
		const r = a.getBoundingClientRect();
		const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
		const points = [];
		for (let i = 1; i < 24; i++) for (let k = 1; k < 24; k++) points.push([r.left + r.width * i / 24, r.top + r.height * k / 24]);
		// Nearest the middle first.
		points.sort((p, q) => Math.hypot(p[0] - cx, p[1] - cy) - Math.hypot(q[0] - cx, q[1] - cy));
		for (const [x, y] of points) {
			const el = document.elementFromPoint(x, y);
			if (el && el.closest("a") === a) return {Found: true, X: x, Y: y};
		}
		return {Found: false};
	})()`, &at))
	if !at.Found {
		j.t.Fatalf("%s: no visible point of %s to click", what, selector)
	}
	var ignored any
	j.run(what, chromedp.Evaluate(`window.__leaving = true`, &ignored), chromedp.MouseClickXY(at.X, at.Y))
	j.awaitNextPage(what)
}

// jsQuote writes a string as a JavaScript literal.
func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A visitor finds the signatories of a country on the map, then narrows the map to organisations.
func TestJourneyMap(t *testing.T) {
	ctx := browser(t)
	site := mapJourneySite(t)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.run("window size", chromedp.EmulateViewport(1280, 900))

	j.open("/map")
	j.expect("Italy", "France", "Kenya")
	var visible bool
	j.run("world map", chromedp.WaitVisible("#map-world", chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const r = document.querySelector("#map-world").getBoundingClientRect(); return r.width > 600 && r.height > 250; })()`, &visible))
	if !visible {
		t.Fatal("the world map is not drawn at a readable size")
	}
	var shown struct {
		Countries, Dots, Europe int
		Italy                   string
		Torino                  bool
	}
	j.run("read the map", chromedp.Evaluate(`({
		Countries: document.querySelectorAll("#map-world g.countries a").length,
		Dots: document.querySelectorAll("#map-world g.dots a").length,
		Europe: document.querySelectorAll("#map-europe g.countries a").length,
		Italy: (document.querySelector('#map-world a[href^="/signatories?country=IT"]') || {getAttribute: () => ""}).getAttribute("aria-label"),
		Torino: /Torino|Turin/.test(document.querySelector("#map-world g.dots").innerHTML),
	})`, &shown))
	if shown.Countries != 13 {
		t.Errorf("%d countries are links on the world map, want the 13 with signatories", shown.Countries)
	}
	if shown.Italy != "Italy: 9 signatories" {
		t.Errorf("Italy's link is labelled %q, want %q", shown.Italy, "Italy: 9 signatories")
	}
	if shown.Europe < 5 {
		t.Errorf("the Europe inset links %d countries, want at least IT, FR, DE, GB, ES", shown.Europe)
	}
	// 23 cities made public; Torino was kept hidden.
	if shown.Dots != 23 {
		t.Errorf("the world map marks %d cities, want 23", shown.Dots)
	}
	if shown.Torino {
		t.Error("the map marks the city a signatory hid")
	}
	if got := j.countsByCountry(); got["Italy"] != "9" || got["France"] != "5" || got["Kenya"] != "3" || len(got) != 13 {
		t.Errorf("the table by country says %v", got)
	}

	// Italy on the world map leads to the Italian signatories.
	j.clickSVGLink("click Italy on the map", `#map-world a[href^="/signatories?country=IT"]`)
	if p := j.path(); !strings.HasPrefix(p, "/signatories?country=IT") {
		t.Fatalf("after clicking Italy at %s, want /signatories?country=IT", p)
	}
	j.expect("Chiara Bianchi", "Sofia Colombo", "Andrea Ricci", "Scuola Aperta di Bologna", "Lucia Nascosta")
	if body := j.text(); strings.Contains(body, "Camille Dubois") || strings.Contains(body, "Jonas Becker") {
		t.Errorf("the Italian signatories include others:\n%.1500s", body)
	}

	// Back on the map, only organisations.
	j.open("/map")
	j.run("choose organisations", chromedp.SetValue("#kind", "organisation", chromedp.ByID))
	j.submit("/map")
	if p := j.path(); !strings.Contains(p, "kind=organisation") {
		t.Fatalf("after filtering at %s, want kind=organisation in the address", p)
	}
	want := map[string]string{"Italy": "2", "Germany": "1", "Kenya": "1"}
	if got := j.countsByCountry(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the table for organisations says %v, want %v", got, want)
	}
	var kind string
	var links []string
	j.run("read the filtered map", chromedp.Value("#kind", &kind, chromedp.ByID),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#map-world g.countries a")).map(a => a.getAttribute("href"))`, &links))
	if kind != "organisation" {
		t.Errorf("the form shows kind %q after filtering, want organisation", kind)
	}
	sort.Strings(links)
	wantLinks := []string{"/signatories?country=DE&kind=organisation", "/signatories?country=IT&kind=organisation", "/signatories?country=KE&kind=organisation"}
	if fmt.Sprint(links) != fmt.Sprint(wantLinks) {
		t.Errorf("the filtered map links %v, want %v", links, wantLinks)
	}
	j.clickSVGLink("click Italy on the filtered map", `#map-world a[href^="/signatories?country=IT"]`)
	j.expect("Scuola Aperta di Bologna", "Fondazione Milanese")
	if body := j.text(); strings.Contains(body, "Chiara Bianchi") {
		t.Error("the organisations of Italy include a person")
	}

	// With JavaScript, the interactive map: Leaflet over the countries, the cities of /map.json in
	// clusters, every script and style from the registry itself (the CSP allows nothing else).
	j.open("/map")
	var leaflet struct {
		Countries, Markers, Clusters int
		StaticHidden                 bool
		Label                        string
	}
	j.run("open the interactive map", chromedp.WaitVisible("#map-toggle", chromedp.ByID), chromedp.Click("#map-toggle", chromedp.ByID),
		chromedp.WaitVisible("#interactive-map .leaflet-marker-icon", chromedp.ByQuery),
		chromedp.Evaluate(`({
			Countries: document.querySelectorAll("#interactive-map path.leaflet-interactive").length,
			Markers: document.querySelectorAll("#interactive-map .city-marker").length,
			Clusters: Array.from(document.querySelectorAll("#interactive-map .marker-cluster span")).reduce((n, s) => n + parseInt(s.textContent.replace(/\D/g, ""), 10), 0),
			StaticHidden: document.querySelector("#static-map").hidden,
			Label: document.querySelector("#map-toggle").textContent,
		})`, &leaflet))
	if leaflet.Countries < 150 || !leaflet.StaticHidden || leaflet.Label != "Back to the drawn map" {
		t.Errorf("the interactive map: %+v", leaflet)
	}
	if leaflet.Markers+leaflet.Clusters == 0 {
		t.Error("the interactive map shows no city")
	}

	if out := os.Getenv("REGISTRY_MAP_SCREENSHOT"); out != "" {
		saveMapScreenshot(t, ctx, out)
	}
}

// saveMapScreenshot saves a picture of the map page filled with the demo generator's registry: the
// picture in the README. REGISTRY_MAP_SCREENSHOT names the PNG file.
func saveMapScreenshot(t *testing.T, ctx context.Context, out string) {
	t.Helper()
	s := testutil.SQLite(t)
	fillWithDemo(t, s, 6000)
	site := newSite(t, s, handlers.Config{})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.run("window size", chromedp.EmulateViewport(1280, 900))
	j.open("/map")
	var png []byte
	// The drawn map: the world, the Europe inset and the legend.
	j.run("screenshot", chromedp.WaitVisible("#map-world", chromedp.ByQuery), chromedp.Screenshot("#static-map", &png, chromedp.ByQuery))
	if dir := filepath.Dir(out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("map screenshot: %s (%d bytes)", out, len(png))
}

// fillWithDemo fills a store with n of the demo generator's signatories, located as the server
// locates them at start-up.
func fillWithDemo(t *testing.T, s *models.Store, n int) {
	t.Helper()
	set := &models.ImportSet{Source: "demo"}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	_, err := demo.Generate(demo.Config{Signatories: n, Seed: 1, Now: now}, func(i int, d demo.Signatory) error {
		sg := models.Signatory{PublicID: models.SignatoryID("demo", d.Ref), Source: "demo", Ref: d.Ref, Kind: d.Kind,
			Name: d.Name, Representative: d.Representative, Role: d.Role, Email: d.Email, Country: d.Country, City: d.City,
			Affiliation: d.Affiliation, Website: d.Website, Statement: d.Statement, Visibility: models.AllPublic(),
			Tier: "signatory", Status: models.StatusActive, Verified: d.Verified, SignedAt: d.SignedAt, CreatedAt: d.SignedAt, UpdatedAt: d.SignedAt}
		for k, v := range d.Visibility {
			sg.Visibility.Set(k, v)
		}
		sg.Normalize()
		set.Signatories = append(set.Signatories, &models.SignatoryIn{Line: i + 1, Signatory: sg, Lang: "en"})
		return nil
	}, func(demo.Endorsement) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LocateMissing(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// axeScript is axe-core, installed by npm ci --prefix handlers/testdata/axe.
func axeScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is not installed (%v): run npm ci --prefix handlers/testdata/axe", err)
		}
		t.Skip("SKIPPED: the accessibility checks need axe-core: npm ci --prefix handlers/testdata/axe; they run in CI")
	}
	return string(b)
}

type axeReport struct {
	Passes, Incomplete []struct{ ID string }
	Violations         []struct {
		ID, Impact, Help, HelpURL string
		Nodes                     []struct {
			Target []any
			HTML   string
		}
	}
}

// axe runs axe-core on the page open in j. Runtime.evaluate runs outside the page's
// Content-Security-Policy, which allows no inline script: axe is injected as the DevTools
// console would.
func (j *journey) axe(script string) axeReport {
	j.t.Helper()
	var loaded bool
	j.run("inject axe-core", chromedp.Evaluate(script+"\n;typeof window.axe === 'object'", &loaded))
	if !loaded {
		j.t.Fatal("axe-core did not load into the page")
	}
	var res axeReport
	j.run("run axe-core", chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]})`, &res,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if len(res.Passes) == 0 {
		j.t.Fatal("axe-core checked nothing")
	}
	return res
}

// The map and the registry pass axe-core's automatic checks: no serious or critical violation.
func TestAccessibilityMapAndList(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	site := mapJourneySite(t)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.run("window size", chromedp.EmulateViewport(1280, 900))
	for _, path := range []string{"/map", "/map?kind=organisation", "/signatories", "/signatories?country=IT"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			j := &journey{t: t, ctx: j.ctx, base: j.base}
			j.open(path)
			res := j.axe(axe)
			for _, v := range res.Violations {
				var targets []string
				for i, n := range v.Nodes {
					if i == 5 {
						targets = append(targets, fmt.Sprintf("… %d more", len(v.Nodes)-5))
						break
					}
					targets = append(targets, fmt.Sprint(n.Target))
				}
				msg := fmt.Sprintf("%s [%s] %s (%d elements: %s) %s", v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(targets, ", "), v.HelpURL)
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("%s: %s\n  first: %.300s", path, msg, v.Nodes[0].HTML)
				} else {
					t.Logf("%s (minor or moderate): %s", path, msg)
				}
			}
			var review []string
			for _, r := range res.Incomplete {
				review = append(review, r.ID)
			}
			t.Logf("%s: %d rules passed, %d violated; to review by hand: %v", path, len(res.Passes), len(res.Violations), review)
		})
	}
}
