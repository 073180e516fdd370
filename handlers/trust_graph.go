package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// graphSide is how many endorsers (above) and endorsees (below) the picture shows: a row of
// graphCols next to the signatory and a row of graphCols−1 in its gaps (trust_graph_svg.go).
const graphSide = 2*graphCols - 1

// graphNode is one member in the neighbourhood picture, reduced to what the viewer may see.
type graphNode struct {
	// URL is the member's profile; "" for a member shown anonymously, whose id never reaches the
	// picture.
	URL, Name, Initials, Tier, TierLabel string
	// In is the level of this member's endorsement of the centre ("" when none), Out that of the
	// centre's endorsement of them: a member who endorses and is endorsed back is drawn once.
	In, Out string
	// Pending: their endorsement of the centre waits for the centre's answer (shown to the
	// centre alone).
	Pending bool
}

// neighbourhood is a signatory and the members next to them in the endorsement graph.
type neighbourhood struct {
	Centre graphNode
	// Endorsers endorse the centre (some may be endorsed back); Endorsees are endorsed by the
	// centre and do not endorse them.
	Endorsers, Endorsees []graphNode
	// Own: the centre is the person viewing, who alone sees endorsements waiting for an answer.
	Own bool
}

// neighbourhoodOf gathers what the picture shows of sg's neighbourhood. Endorsements not yet
// accepted appear to the endorsee alone; for anyone else the picture holds accepted ones only.
func (h *Handler) neighbourhoodOf(ctx context.Context, c echo.Context, l *i18n.Localizer, sg *models.Signatory) (*neighbourhood, error) {
	in, _, err := h.store.Endorsements(ctx, sg.ID, true, graphSide)
	if err != nil {
		return nil, err
	}
	n := &neighbourhood{}
	npending := 0
	if acc := account(c); acc != nil && sg.AccountID != nil && *sg.AccountID == acc.ID {
		n.Own = true
		pending, err := h.store.PendingReceived(ctx, sg.ID, graphSide)
		if err != nil {
			return nil, err
		}
		in, npending = append(pending, in...), len(pending)
		in = in[:min(len(in), graphSide)]
	}
	// Twice the side, so that members already drawn as endorsers do not leave the lower rows
	// short.
	out, _, err := h.store.Endorsements(ctx, sg.ID, false, 2*graphSide)
	if err != nil {
		return nil, err
	}
	w := viewer(c)
	member := func(publicID, name, vis, kind, country, tier string) graphNode {
		g := graphNode{URL: "/signatories/" + publicID, Name: shown(w, vis, name), Tier: tier, TierLabel: l.T("tier." + tier)}
		if g.Name != "" {
			g.Initials = initials(g.Name)
		} else {
			g.Name = l.T("anon."+kind, countryName(c, country))
		}
		return g
	}
	n.Centre = member(sg.PublicID, sg.Name, sg.Visibility.Name, sg.Kind, sg.Country, sg.Tier)
	// Each member appears once: before, a member who endorses the centre and is endorsed back
	// was drawn on both sides.
	at := map[string]int{}
	for i, r := range in {
		g := member(r.PublicID, r.Name, r.VisName, r.Kind, r.Country, r.Tier)
		g.In, g.Pending = r.Level, i < npending
		at[r.PublicID] = len(n.Endorsers)
		n.Endorsers = append(n.Endorsers, g)
	}
	for _, r := range out {
		if k, ok := at[r.PublicID]; ok {
			n.Endorsers[k].Out = r.Level
			continue
		}
		if len(n.Endorsees) == graphSide {
			continue
		}
		g := member(r.PublicID, r.Name, r.VisName, r.Kind, r.Country, r.Tier)
		g.Out = r.Level
		n.Endorsees = append(n.Endorsees, g)
	}
	return n, nil
}

// trustGraph serves a signatory's neighbourhood as an SVG file of its own, the picture the trust
// page draws inline.
func (h *Handler) trustGraph(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	n, err := h.neighbourhoodOf(c.Request().Context(), c, l, sg)
	if err != nil {
		return err
	}
	// A signed-in viewer may see members-only names: their answer is never stored by a shared
	// cache (the session middleware already said no-store).
	if account(c) == nil {
		c.Response().Header().Set("Cache-Control", "public, max-age=60")
	}
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(n.svg(l, true)))
}
