package handlers

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/open-recognition/registry/i18n"
)

// tierColour paints a member by tier, in the registry's colours; tierInk is the colour of the
// initials on it, dark on amber, which white would not stand out from.
var (
	tierColour = map[string]string{"signatory": "#5b6b72", "advocate": "#f6a43a", "ambassador": "#0b5563"}
	tierInk    = map[string]string{"signatory": "#fff", "advocate": "#1d2b30", "ambassador": "#fff"}
)

// The picture is drawn for a phone first: 300 units wide, shown at the width of its card (about
// 290 px on a 360 px phone, so a unit is about a pixel there) and no wider than 26rem on a large
// screen. Members stand in rows of graphCols, endorsers above the signatory and endorsees
// below, each with their name under them on at most two short lines.
const (
	graphWidth   = 300.0
	graphCols    = 4
	graphCell    = graphWidth / graphCols
	nodeRadius   = 14.0
	centreRadius = 24.0
	labelSize    = 12.0
	// labelEm is the width of an average letter of the labels, in ems: a narrowed line takes
	// what a line of labelRunes letters takes.
	labelEm   = 0.55
	labelLine = 14.0
	rowHeight = 2*nodeRadius + 2*labelLine + 10
	// labelRunes is how much of a name fits on one line of a cell; longer names wrap on two
	// lines and are shortened with an ellipsis, whole in the link's accessible name.
	labelRunes       = 11
	centreLabelRunes = 15
)

type point struct{ x, y float64 }

// svg draws the neighbourhood. Every member drawn is a link to their profile, named for
// assistive technology by their name and tier, reachable with the Tab key; a member shown
// anonymously (no URL) is drawn without link or id. standalone adds what a file of its own needs.
func (n *neighbourhood) svg(l *i18n.Localizer, standalone bool) string {
	var body strings.Builder
	y := 0.0
	// rows places a group under a heading in at most two rows: the first graphCols members in
	// the row next to the signatory (centred when fewer), the others in a row further away, each
	// in a gap of the nearer row, so that its line passes between the nearer members instead of
	// through them. It returns where each member stands and the y of both rows.
	rows := func(nodes []graphNode, heading string, farFirst bool) (at []point, nearY, farY float64) {
		if len(nodes) == 0 {
			return nil, 0, 0
		}
		fmt.Fprintf(&body, `<text class="heading" x="0" y="%.1f" font-family="sans-serif" font-size="%g" fill="#4a5a61">%s</text>`,
			y+14, labelSize, html.EscapeString(heading))
		y += 24
		near := min(graphCols, len(nodes))
		far := len(nodes) - near
		nearY = y + nodeRadius
		if far > 0 {
			farY = y + nodeRadius
			if farFirst {
				nearY += rowHeight
			} else {
				farY += rowHeight
			}
		}
		at = make([]point, len(nodes))
		for i := range near {
			at[i] = point{graphWidth/2 + (float64(i)-float64(near-1)/2)*graphCell, nearY}
		}
		for i := range far {
			at[near+i] = point{gapX(far, i), farY}
		}
		y += float64(1+min(far, 1)) * rowHeight
		return at, nearY, farY
	}
	above, _, _ := rows(n.Endorsers, l.T("trust.graph.endorsers"), true)
	y += 6
	centre := point{graphWidth / 2, y + centreRadius}
	// The centre's name takes up to two lines under it.
	y += 2*centreRadius + 2*labelLine + 12
	below, _, _ := rows(n.Endorsees, l.T("trust.graph.endorsees"), false)
	height := math.Ceil(y)

	var b strings.Builder
	xmlns := ""
	if standalone {
		xmlns = ` xmlns="http://www.w3.org/2000/svg"`
	}
	fmt.Fprintf(&b, `<svg%s class="trust-neighbourhood" viewBox="0 0 %g %g" width="%g" height="%g" role="group" aria-label="%s">`,
		xmlns, graphWidth, height, graphWidth, height, html.EscapeString(l.T("trust.graph")))
	// Arrowheads say who endorses whom: from the endorser to the endorsed.
	b.WriteString(`<defs><marker id="trust-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
		`<path d="M0,0 L10,5 L0,10 z" fill="#8a9ca2"/></marker></defs>`)
	// Lines first, under every member. A line leaving downwards starts under its member's name,
	// so that it never runs through it. A line from or to the further row runs straight through
	// a gap of the nearer row and meets the signatory from the side (a little above the middle
	// for endorsers, below for endorsees), unless it stands in the middle gap, straight above
	// or below the signatory.
	for i, g := range n.Endorsers {
		path := []point{underLabel(above[i], g.Name, nodeRadius, labelRunes), centre}
		if i >= graphCols && above[i].x != centre.x {
			path = []point{path[0], {above[i].x, centre.y - 8}, centre}
		}
		edge(&b, path, 0, centreRadius, g.In, g.Out != "", g.Pending)
	}
	for i, g := range n.Endorsees {
		path, ra := []point{underLabel(centre, n.Centre.Name, centreRadius, centreLabelRunes), below[i]}, 0.0
		if i >= graphCols && below[i].x != centre.x {
			path, ra = []point{centre, {below[i].x, centre.y + 8}, below[i]}, centreRadius
		}
		edge(&b, path, ra, nodeRadius, g.Out, false, false)
	}
	for i, g := range n.Endorsers {
		member(&b, g, above[i], nodeRadius, labelRunes, l)
	}
	for i, g := range n.Endorsees {
		member(&b, g, below[i], nodeRadius, labelRunes, l)
	}
	member(&b, n.Centre, centre, centreRadius, centreLabelRunes, l)
	b.WriteString(body.String())
	b.WriteString("</svg>\n")
	return b.String()
}

// underLabel is the point just under the name drawn below a member's disc (see member).
func underLabel(at point, name string, r float64, runes int) point {
	return point{x: at.x, y: at.y + r + 2 + float64(len(wrapLabel(name, runes)))*labelLine + 6}
}

// edge draws an endorsement along a path of points, from the rim of the first one's circle
// (radius ra) to the rim of the last one's (rz), with an arrowhead at the endorsed end (at both
// ends when the two endorse each other); Ambassador endorsements are thick, endorsements waiting
// for an answer dashed. A straight endorsement is a line, one that turns a polyline.
func edge(b *strings.Builder, path []point, ra, rz float64, level string, mutual, pending bool) {
	pts := append([]point(nil), path...)
	rim := func(at, toward point, r float64) (point, bool) {
		dx, dy := toward.x-at.x, toward.y-at.y
		d := math.Hypot(dx, dy)
		if d == 0 {
			return at, false
		}
		return point{at.x + dx/d*(r+2), at.y + dy/d*(r+2)}, true
	}
	var ok bool
	last := len(pts) - 1
	if pts[0], ok = rim(pts[0], pts[1], ra); !ok {
		return
	}
	if pts[last], ok = rim(pts[last], pts[last-1], rz); !ok {
		return
	}
	attrs := ` stroke-width="1.5"`
	if level == "ambassador" {
		attrs = ` stroke-width="3"`
	}
	if pending {
		attrs += ` stroke-dasharray="6 4" class="pending"`
	}
	attrs += ` marker-end="url(#trust-arrow)"`
	if mutual {
		attrs += ` marker-start="url(#trust-arrow)"`
	}
	if len(pts) == 2 {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#b4c3c8"%s/>`, pts[0].x, pts[0].y, pts[1].x, pts[1].y, attrs)
		return
	}
	coords := make([]string, len(pts))
	for i, p := range pts {
		coords[i] = fmt.Sprintf("%.1f,%.1f", p.x, p.y)
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="#b4c3c8" stroke-linejoin="round"%s/>`, strings.Join(coords, " "), attrs)
}

// gapX is where the i-th of n members of a further row stands: in the gaps of a full nearer
// row (between its members), the outer gaps when there are two, the middle when one.
func gapX(n, i int) float64 {
	gaps := graphCols - 1
	switch {
	case n == 1:
		return graphWidth / 2
	case n == 2 && gaps > 2:
		return float64([]int{1, gaps}[i]) * graphCell
	}
	return float64(i+1+(gaps-n)/2) * graphCell
}

// member draws one member: a disc in their tier's colour with their initials, and their name
// below on at most two lines, a link to their profile unless they are shown anonymously. The
// link is named for assistive technology by the whole name and the tier; the drawn name, which
// may be shortened, and the initials are decoration over it, hidden from assistive technology and
// letting the pointer through to the link's transparent disc and band beneath.
func member(b *strings.Builder, g graphNode, at point, r float64, runes int, l *i18n.Localizer) {
	fill := tierColour[g.Tier]
	if fill == "" {
		fill = tierColour["signatory"]
	}
	fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="%s" stroke="#fff" stroke-width="2" aria-hidden="true"/>`, at.x, at.y, r, fill)
	lines := wrapLabel(g.Name, runes)
	// The band under the disc that holds the name, as wide as its longest line may be (and no
	// wider: lines of the picture pass just beside it, through the gaps of a row).
	bandW, bandY, bandH := float64(runes)*labelEm*labelSize, at.y+r+2, float64(len(lines))*labelLine+4
	decor := ` aria-hidden="true" pointer-events="none"`
	if g.URL != "" {
		fmt.Fprintf(b, `<a class="node" href="%s" aria-label="%s"><title>%s</title>`, html.EscapeString(g.URL),
			html.EscapeString(l.T("trust.graph.node", g.Name, g.TierLabel)), html.EscapeString(g.Name))
		fmt.Fprintf(b, `<circle class="hit" cx="%.1f" cy="%.1f" r="%g" fill="transparent"/><rect class="hit" x="%.1f" y="%.1f" width="%g" height="%g" fill="transparent"/></a>`,
			at.x, at.y, r, at.x-bandW/2, bandY, bandW, bandH)
	} else {
		// Shown anonymously: the name drawn ("a signatory") is all there is, for everyone.
		b.WriteString(`<g class="node anonymous">`)
		decor = ""
	}
	if g.Initials != "" && g.Initials != "•" {
		ink := tierInk[g.Tier]
		if ink == "" {
			ink = "#fff"
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-family="sans-serif" font-size="%g" font-weight="700" fill="%s" text-anchor="middle" aria-hidden="true" pointer-events="none">%s</text>`,
			at.x, at.y+r*0.35, math.Round(r*0.8), ink, html.EscapeString(g.Initials))
	}
	// The name, in dark ink on a white halo so that lines passing behind it do not blur it.
	fmt.Fprintf(b, `<text class="label" x="%.1f" y="%.1f" font-family="sans-serif" font-size="%g" fill="#1d2b30" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke" text-anchor="middle"%s>`,
		at.x, at.y+r+labelLine, labelSize, decor)
	for i, line := range lines {
		dy := 0.0
		if i > 0 {
			dy = labelLine
		}
		// A word a little longer than a line is narrowed to fit its cell.
		fit := ""
		if len([]rune(line)) > runes {
			fit = fmt.Sprintf(` textLength="%g" lengthAdjust="spacingAndGlyphs"`, float64(runes)*labelEm*labelSize)
		}
		fmt.Fprintf(b, `<tspan x="%.1f" dy="%g"%s>%s</tspan>`, at.x, dy, fit, html.EscapeString(line))
	}
	b.WriteString(`</text>`)
	if g.URL == "" {
		b.WriteString(`</g>`)
	}
}

// wrapLabel sets a name on at most two lines of about width runes: whole words where they fit,
// a break after a hyphen where a word does not, a word a little longer than a line on a line of
// its own (member narrows it), a much longer one cut, and an ellipsis ending the second line when
// the name goes on.
func wrapLabel(name string, width int) []string {
	stretch := width + width*3/10
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(name) {
		for k, piece := range strings.SplitAfter(word, "-") {
			w := []rune(piece)
			cut := width
			if len(w) <= stretch {
				cut = len(w)
			}
			for j := 0; len(w) > 0; j++ {
				// A copy: appending to the line must not write into the word.
				part := append([]rune(nil), w[:min(len(w), cut)]...)
				w = w[len(part):]
				// The pieces of a hyphenated word join without a space.
				sep := 1
				if k > 0 && j == 0 {
					sep = 0
				}
				switch {
				case len(cur) == 0:
					cur = part
				case j == 0 && len(cur)+sep+len(part) <= width:
					if sep == 1 {
						cur = append(cur, ' ')
					}
					cur = append(cur, part...)
				default:
					lines = append(lines, string(cur))
					cur = part
				}
			}
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	if len(lines) > 2 {
		last := []rune(lines[1])
		lines = []string{lines[0], strings.TrimRight(string(last[:min(len(last), width-1)]), " -") + "…"}
	}
	return lines
}
