package handlers

import (
	"fmt"
	"html"
	"math"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// tierColour paints a member by tier, in the registry's colours.
var tierColour = map[string]string{"signatory": "#5b6b72", "advocate": "#f6a43a", "ambassador": "#0b5563"}

// graphSide is how many endorsers (left) and endorsees (right) the picture shows.
const graphSide = 10

// trustGraph draws a signatory's neighbourhood as SVG, server-side: endorsers on the left,
// the people they endorse on the right, each coloured by tier, with initials only (names
// that are not public never appear).
func (h *Handler) trustGraph(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	in, _, err := h.store.Endorsements(ctx, sg.ID, true, graphSide)
	if err != nil {
		return err
	}
	// Endorsements not yet accepted are drawn for the endorsee alone (dashed); for anyone else
	// the picture shows accepted ones only, and may be cached.
	own, npending := false, 0
	if acc := account(c); acc != nil && sg.AccountID != nil && *sg.AccountID == acc.ID {
		own = true
		pending, err := h.store.PendingReceived(ctx, sg.ID, graphSide)
		if err != nil {
			return err
		}
		in, npending = append(pending, in...), len(pending)
		in = in[:min(len(in), graphSide)]
	}
	out, _, err := h.store.Endorsements(ctx, sg.ID, false, graphSide)
	if err != nil {
		return err
	}
	const w, hgt = 480.0, 300.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`, w, hgt, w, hgt,
		html.EscapeString(h.catalog.For(lang(c)).T("trust.graph")))
	cx, cy := w/2, hgt/2
	// place draws one side; its first npending rows are pending endorsements.
	place := func(rows []models.EndorsementRow, x float64, npending int) {
		for i, r := range rows {
			y := hgt / 2
			if len(rows) > 1 {
				y = 30 + (hgt-60)*float64(i)/float64(len(rows)-1)
			}
			x1, y1, x2, y2 := x, y, cx, cy
			if x > cx {
				x1, y1, x2, y2 = cx, cy, x, y
			}
			thick := ""
			if r.Level == "ambassador" {
				thick = ` stroke-width="3"`
			}
			if i < npending {
				thick += ` stroke-dasharray="6 4" class="pending"`
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c5d2d6"%s/>`, x1, y1, x2, y2, thick)
			name := ""
			if r.VisName == models.Public {
				name = r.Name
			}
			node(&b, x, y, 14, tierColour[r.Tier], initials(name))
		}
	}
	place(in, 60, npending)
	place(out, w-60, 0)
	name := ""
	if sg.Visibility.Name == models.Public {
		name = sg.Name
	}
	node(&b, cx, cy, 26, tierColour[sg.Tier], initials(name))
	b.WriteString("</svg>\n")
	if own {
		c.Response().Header().Set("Cache-Control", "private, no-store")
	} else {
		c.Response().Header().Set("Cache-Control", "public, max-age=60")
	}
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(b.String()))
}

func node(b *strings.Builder, x, y, r float64, fill, label string) {
	fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="%s" stroke="#fff" stroke-width="2"/>`, x, y, r, fill)
	if label != "" && label != "•" {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-family="sans-serif" font-size="%g" font-weight="700" fill="#fff" text-anchor="middle">%s</text>`,
			x, y+r*0.35, math.Round(r*0.8), html.EscapeString(label))
	}
}
