package handlers

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/open-recognition/registry/i18n"
)

// A member shown anonymously is drawn without a link and without their id; everyone else is a
// link named for assistive technology.
func TestNeighbourhoodDrawsAnonymousMembersWithoutLink(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := cat.For("en")
	n := &neighbourhood{
		Centre:    graphNode{URL: "/signatories/centre-id", Name: "Ada Founder", Initials: "AF", Tier: "ambassador", TierLabel: "Ambassador"},
		Endorsers: []graphNode{{Name: "A signatory", Tier: "signatory", TierLabel: "Signatory", In: "advocate"}},
		Endorsees: []graphNode{{URL: "/signatories/bea-id", Name: "Bea <b>Bold</b>", Initials: "BB", Tier: "advocate", TierLabel: "Advocate", Out: "ambassador"}},
	}
	for _, standalone := range []bool{false, true} {
		svg := n.svg(l, standalone)
		if got := strings.Count(svg, "<a "); got != 2 {
			t.Errorf("standalone %v: %d links, want 2 (the centre and Bea)", standalone, got)
		}
		anon := svg[strings.Index(svg, `<g class="node anonymous">`):]
		anon = anon[:strings.Index(anon, "</g>")]
		if strings.Contains(anon, "href") || strings.Contains(anon, "/signatories/") || !strings.Contains(anon, "A signatory") {
			t.Errorf("standalone %v: the anonymous member is drawn as %s", standalone, anon)
		}
		if !strings.Contains(svg, `aria-label="Bea &lt;b&gt;Bold&lt;/b&gt;, Advocate"`) || strings.Contains(svg, "<b>") {
			t.Errorf("standalone %v: Bea's name is not escaped, or her link not named:\n%s", standalone, svg)
		}
		if strings.Contains(svg, "xmlns") != standalone {
			t.Errorf("standalone %v: xmlns %v", standalone, strings.Contains(svg, "xmlns"))
		}
	}
}

// Names are set on at most two short lines, so that the picture stays legible on a phone.
func TestWrapLabel(t *testing.T) {
	cases := []struct {
		name string
		want []string
	}{
		{"Ada", []string{"Ada"}},
		{"Ada Lovelace", []string{"Ada", "Lovelace"}},
		{"Jo Li Wu", []string{"Jo Li Wu"}},
		{"Jean-Baptiste Lefèvre-Delacroix", []string{"Jean-", "Baptiste…"}},
		{"Bianchi-Esposito", []string{"Bianchi-", "Esposito"}},
		{"Jo-Li", []string{"Jo-Li"}},
		{"Maria Giovanna Bianchi-Esposito", []string{"Maria", "Giovanna…"}},
		{"Università Aperta di Bologna", []string{"Università", "Aperta di…"}},
		{"Zoé Müller", []string{"Zoé Müller"}},
		{"Centro Interdipartimentale di Ricerca", []string{"Centro", "Interdipar…"}},
		{"Bildungsministerium", []string{"Bildungsmin", "isterium"}},
		// A word a little longer than a line keeps a line of its own, narrowed.
		{"Organisation internationale des apprentissages", []string{"Organisation", "internatio…"}},
		{"Rochefoucauld", []string{"Rochefoucauld"}},
		{"Supercalifragilisticexpialidocious", []string{"Supercalifr", "agilistice…"}},
	}
	for _, c := range cases {
		got := wrapLabel(c.name, 11)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapLabel(%q) = %q, want %q", c.name, got, c.want)
		}
		for _, line := range got {
			if n := len([]rune(line)); n > 14 {
				t.Errorf("wrapLabel(%q): line %q has %d runes", c.name, line, n)
			}
		}
	}
}

// No line of the picture runs through a member it does not join: with full rows of endorsers
// and endorsees, long names included, every line keeps off every other member's disc and name.
func TestPictureLinesPassBetweenMembers(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"Maria Giovanna Bianchi-Esposito", "Li Wei", "Organisation internationale des apprentissages", "Zoé Müller",
		"Anne-Sophie de La Rochefoucauld", "Björn Ångström-Nilsson", "Ōkubo Tomomi"}
	for shown := 1; shown <= graphSide; shown++ {
		n := &neighbourhood{Centre: graphNode{URL: "/signatories/c", Name: "Jean-Baptiste Lefèvre-Delacroix", Initials: "JL", Tier: "advocate"}}
		for i := range shown {
			n.Endorsers = append(n.Endorsers, graphNode{URL: fmt.Sprintf("/signatories/in%d", i), Name: names[i], Initials: "X", Tier: "advocate", In: "advocate", Out: map[bool]string{true: "advocate"}[i == 5]})
			n.Endorsees = append(n.Endorsees, graphNode{URL: fmt.Sprintf("/signatories/out%d", i), Name: names[len(names)-1-i], Initials: "Y", Tier: "signatory", Out: "ambassador"})
		}
		svg := n.svg(cat.For("en"), false)
		num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		type disc struct{ x, y, r float64 }
		type band struct{ x, y, w, h float64 }
		var discs []disc
		var bands []band
		for _, m := range regexp.MustCompile(`<circle class="hit" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"`).FindAllStringSubmatch(svg, -1) {
			discs = append(discs, disc{num(m[1]), num(m[2]), num(m[3])})
		}
		for _, m := range regexp.MustCompile(`<rect class="hit" x="(-?[\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"`).FindAllStringSubmatch(svg, -1) {
			bands = append(bands, band{num(m[1]), num(m[2]), num(m[3]), num(m[4])})
		}
		if len(discs) != 2*shown+1 || len(bands) != 2*shown+1 {
			t.Fatalf("%d each side: %d discs and %d name bands drawn", shown, len(discs), len(bands))
		}
		var paths [][]point
		for _, m := range regexp.MustCompile(`<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"`).FindAllStringSubmatch(svg, -1) {
			paths = append(paths, []point{{num(m[1]), num(m[2])}, {num(m[3]), num(m[4])}})
		}
		for _, m := range regexp.MustCompile(`<polyline points="([^"]+)"`).FindAllStringSubmatch(svg, -1) {
			var p []point
			for _, xy := range strings.Fields(m[1]) {
				x, y, _ := strings.Cut(xy, ",")
				p = append(p, point{num(x), num(y)})
			}
			paths = append(paths, p)
		}
		if len(paths) != 2*shown {
			t.Fatalf("%d each side: %d lines drawn", shown, len(paths))
		}
		told := map[string]bool{}
		tell := func(format string, args ...any) {
			if msg := fmt.Sprintf(format, args...); !told[msg] {
				told[msg] = true
				t.Error(msg)
			}
		}
		for _, p := range paths {
			for k := 0; k+1 < len(p); k++ {
				a, z := p[k], p[k+1]
				for step := 0.02; step < 0.99; step += 0.02 { // the ends touch their own members
					x, y := a.x+(z.x-a.x)*step, a.y+(z.y-a.y)*step
					for _, d := range discs {
						if math.Hypot(x-d.x, y-d.y) < d.r {
							tell("%d each side: the line %v runs through the member at (%.0f, %.0f)", shown, p, d.x, d.y)
						}
					}
					for _, b := range bands {
						if x > b.x && x < b.x+b.w && y > b.y && y < b.y+b.h {
							tell("%d each side: the line %v runs through the name at (%.0f, %.0f)", shown, p, b.x, b.y)
						}
					}
				}
			}
		}
	}
}
