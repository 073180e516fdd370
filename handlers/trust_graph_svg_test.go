package handlers

import (
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
