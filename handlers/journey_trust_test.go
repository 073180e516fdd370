package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// crowdedNeighbourhood gives Ada, a founding Ambassador, a full picture: more endorsers and more
// people she endorses than it shows, with long names, besides the small neighbourhood of the word tests.
func crowdedNeighbourhood() string {
	var b strings.Builder
	b.WriteString(neighbourhoodFixture)
	names := []string{"Maria Giovanna Bianchi-Esposito", "Jean-Baptiste Lefèvre-Delacroix", "Fondation pour la Reconnaissance Ouverte",
		"Zoé Müller", "Ōkubo Tomomi", "Anne-Sophie de La Rochefoucauld", "Centro Interdipartimentale di Ricerca", "Li Wei", "Björn Ångström-Nilsson",
		"Organisation internationale des apprentissages informels et non formels"}
	for i := 0; i < 18; i++ {
		kind := "person"
		if i%4 == 2 {
			kind = "organisation"
		}
		fmt.Fprintf(&b, `{"type":"signatory","ref":"n%d","kind":%q,"name":%q,"email":"n%d@example.org","country":"FR","signed_at":"2024-03-%02dT10:00:00Z"}`+"\n",
			i, kind, names[i%len(names)], i, i+1)
		from, to := fmt.Sprintf("n%d", i), "ada"
		if i%2 == 1 {
			from, to = to, from
		}
		fmt.Fprintf(&b, `{"type":"endorsement","from":%q,"to":%q,"level":"advocate","status":"accepted","created_at":"2024-04-%02dT10:00:00Z"}`+"\n", from, to, i+1)
	}
	return b.String()
}

// On a 360 px phone the trust page does not scroll sideways, the picture's names stay legible
// and apart, each member in it is reachable with the Tab key and opens their profile, and axe
// finds nothing serious, in English and in French.
func TestJourneyTrustPageOnAPhone(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	s := testutil.SQLite(t)
	load(t, s, crowdedNeighbourhood())
	x := &computedTiers{}
	x.compute(t, s)
	site := newOIDCSiteWith(t, s, nil, func(_ string, d *handlers.Deps) { d.Explainer = x })
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	page := "/signatories/" + id("ada") + "/trust"

	j.run("phone", chromedp.EmulateViewport(360, 800))
	// Ada's full neighbourhood, in two languages, and Cy's, who endorses nobody.
	for _, visit := range []struct{ who, lang string }{{"ada", "en"}, {"ada", "fr"}, {"cy", "en"}} {
		lang := visit.lang
		j.open("/signatories/" + id(visit.who) + "/trust?lang=" + lang)
		var wide string
		j.run("measure the page", chromedp.Evaluate(sideways, &wide))
		if wide != "" {
			t.Errorf("the trust page in %s at 360 px scrolls sideways: %s", lang, wide)
		}
		var pic struct {
			Found               bool
			Width, Right, Label float64
			Links               int
			Overlaps, Outside   []string
		}
		j.run("look at the picture", chromedp.Evaluate(`(() => {
			const svg = document.querySelector("figure.trust-graph svg");
			if (!svg) return {Found: false};
			const box = svg.getBoundingClientRect();
			const scale = box.width / svg.viewBox.baseVal.width;
			const labels = Array.from(svg.querySelectorAll("text.label")).map(t => ({t: t.textContent, r: t.getBoundingClientRect()}));
			const overlaps = [], outside = [];
			for (let i = 0; i < labels.length; i++) {
				const a = labels[i].r;
				if (a.left < box.left - 0.5 || a.right > box.right + 0.5 || a.bottom > box.bottom + 0.5) outside.push(labels[i].t);
				for (let k = i + 1; k < labels.length; k++) {
					const b = labels[k].r;
					if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push(labels[i].t + " / " + labels[k].t);
				}
			}
			const size = parseFloat(svg.querySelector("text.label").getAttribute("font-size"));
			return {Found: true, Width: box.width, Right: box.right, Label: size * scale, Links: svg.querySelectorAll("a[href]").length,
				Overlaps: overlaps, Outside: outside};
		})()`, &pic))
		if !pic.Found {
			t.Fatalf("the trust page in %s draws no picture in the page", lang)
		}
		if pic.Right > 360 {
			t.Errorf("in %s the picture reaches %g px in a 360 px window", lang, pic.Right)
		}
		if pic.Label < 11 {
			t.Errorf("in %s the names in the picture are %.1f px high on a phone, want at least 11", lang, pic.Label)
		}
		if len(pic.Overlaps) > 0 || len(pic.Outside) > 0 {
			t.Errorf("in %s names in the picture overlap (%q) or leave it (%q)", lang, pic.Overlaps, pic.Outside)
		}
		// Ada, her 7 newest endorsers and the 7 newest she endorses.
		if visit.who == "ada" && pic.Links != 15 {
			t.Errorf("in %s the picture links %d members, want 15", lang, pic.Links)
		}
		if v := j.seriousAxeViolations(axe); len(v) > 0 {
			t.Errorf("axe on the trust page in %s at 360 px:\n%s", lang, strings.Join(v, "\n"))
		}
	}

	// Tab through the page: every member of the picture takes the focus, with a name.
	j.open(page)
	reached := map[string]string{}
	for i := 0; i < 80; i++ {
		var focus struct{ Href, Name string }
		j.run("tab", chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`(() => {
			const a = document.activeElement;
			if (!a || !a.closest("figure.trust-graph svg")) return {};
			return {Href: a.getAttribute("href"), Name: a.getAttribute("aria-label")};
		})()`, &focus))
		if focus.Href != "" {
			reached[focus.Href] = focus.Name
		}
	}
	if len(reached) != 15 {
		t.Errorf("the Tab key reaches %d members of the picture, want 15: %v", len(reached), reached)
	}
	for href, name := range reached {
		if name == "" {
			t.Errorf("the picture's link to %s has no name", href)
		}
	}
	// Enter on a member opens their profile.
	var hrefs []string
	for href := range reached {
		if !strings.HasSuffix(page, href+"/trust") {
			hrefs = append(hrefs, href)
		}
	}
	if len(hrefs) == 0 {
		t.Fatal("no member of the picture to follow")
	}
	slices.Sort(hrefs)
	var ignored any
	j.run("focus a member", chromedp.Evaluate(`document.querySelector('figure.trust-graph svg a[href="`+hrefs[0]+`"]').focus(); window.__leaving = true`, &ignored),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(input.ModifierNone)))
	j.awaitNextPage("follow a member's node")
	if p := j.path(); p != hrefs[0] {
		t.Errorf("Enter on %s in the picture led to %s", hrefs[0], p)
	}
}
