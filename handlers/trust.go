package handlers

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
)

// Explainer says why a signatory holds their tier, from the latest finished computation; the
// server's tier worker answers. It never computes on behalf of a page.
type Explainer interface {
	Explain(ctx context.Context, publicID string) (*Explanation, error)
}

// ExplainerVersion is an Explainer that says which computation it answers from, so that a
// visitor's trust page can be kept until the next one (visitor_pages.go).
type ExplainerVersion interface {
	Version() (string, bool)
}

// explainedBy keys a visitor's trust page by the computation it explains; before the first
// computation (or with an Explainer that cannot say) the page is not kept.
func (h *Handler) explainedBy(echo.Context) (string, bool) {
	if x, ok := h.explainer.(ExplainerVersion); ok {
		return x.Version()
	}
	return "", false
}

// ErrTiersNotComputed is what an Explainer answers before the first computation finished.
var ErrTiersNotComputed = errors.New("the tiers are being computed")

// Computation says which computation an explanation comes from.
type Computation struct {
	// Version is the graph's version it was computed from; GraphAt when that graph was read.
	Version    string
	GraphAt    time.Time
	ComputedAt time.Time
}

// Explanation is a signatory's place in both runs of the tier computation.
type Explanation struct {
	Computation
	// Missing: the signatory joined after this computation; the next one places them.
	Missing              bool
	Tier                 string
	Seed                 bool
	Advocate, Ambassador Standing
}

// Standing is the place in one run: accepted or not, distance from the founding Ambassadors,
// capacity, and the path of trust as public ids from a seed to the signatory.
type Standing struct {
	Accepted           bool
	Distance, Capacity int32
	Path               []string
}

type trustStep struct {
	Name, URL string
	// Pending: this member's endorsement of the next one waits for the answer of the person
	// viewing, the only one shown it.
	Pending bool
}

// trustRunView is one tier's run in words a member understands: where the signatory stands
// (a founding Ambassador, one step from one, …) and how many more members they can vouch for,
// rather than the computation's distance and capacity.
type trustRunView struct {
	Label    string
	Accepted bool
	// Standing says how far the signatory is from the founding Ambassadors; Vouch how many more
	// members they can lift, said only of someone the run lifts.
	Standing, Vouch string
	Path            []trustStep
	Help            string
}

type trustView struct {
	Name, URL, TierLabel string
	Seed                 bool
	Runs                 []trustRunView
	// Computing: no computation has finished since the server started.
	Computing bool
	// Missing: the signatory joined after the computation shown.
	Missing bool
	// Own: the signatory is the person viewing, who alone sees endorsements awaiting an answer.
	Own bool
	// Graph is the neighbourhood picture, drawn inline so that its members are links.
	Graph template.HTML
	// Computed and GraphAt are the times of the computation shown, Version its graph version.
	Computed, GraphAt, ComputedISO, GraphISO, Version string
}

// signatoryTrust shows the path of trust that carries a signatory's tier, and for someone not
// yet lifted, what would help. It reads the latest finished computation and starts none.
func (h *Handler) signatoryTrust(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	if h.explainer == nil {
		return httpError(http.StatusServiceUnavailable, "error.trust.not_computed", "the tiers are not computed on this server")
	}
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	w := viewer(c)
	v := trustView{Name: shown(w, sg.Visibility.Name, sg.Name), URL: "/signatories/" + sg.PublicID, TierLabel: l.T("tier." + sg.Tier)}
	if v.Name == "" {
		v.Name = l.T("anon."+sg.Kind, countryName(c, sg.Country))
	}
	exp, err := h.explainer.Explain(ctx, sg.PublicID)
	if errors.Is(err, ErrTiersNotComputed) {
		// Only just after start: a normal page saying so, not an error; nothing cached.
		c.Response().Header().Set("Cache-Control", "no-store")
		v.Computing = true
		return h.render(c, http.StatusOK, "trust", l.T("trust.title"), "signatories", v)
	}
	if err != nil {
		return err
	}
	const stamp = "2006-01-02 15:04:05 UTC"
	v.Version, v.Computed, v.GraphAt = exp.Version, exp.ComputedAt.UTC().Format(stamp), exp.GraphAt.UTC().Format(stamp)
	v.ComputedISO, v.GraphISO = exp.ComputedAt.UTC().Format(time.RFC3339), exp.GraphAt.UTC().Format(time.RFC3339)
	n, err := h.neighbourhoodOf(ctx, c, l, sg)
	if err != nil {
		return err
	}
	v.Graph = template.HTML(n.svg(l, false)) // every name in it is escaped
	if exp.Missing {
		v.Missing = true
		return h.render(c, http.StatusOK, "trust", l.T("trust.title"), "signatories", v)
	}
	v.Seed = exp.Seed
	me, err := h.viewerEntry(c)
	if err != nil {
		return err
	}
	v.Own = me != "" && me == sg.PublicID
	links, err := h.store.EndorsementStatuses(ctx, append(append([]string{}, exp.Advocate.Path...), exp.Ambassador.Path...))
	if err != nil {
		return err
	}
	for _, run := range []struct {
		tier string
		s    Standing
	}{{"advocate", exp.Advocate}, {"ambassador", exp.Ambassador}} {
		rv := trustRunView{Label: l.T("tier." + run.tier), Accepted: run.s.Accepted, Standing: standingWords(l, run.s.Distance)}
		if run.s.Accepted && run.s.Distance > 0 {
			rv.Vouch = vouchWords(l, run.s.Capacity)
		}
		steps, err := h.trustSteps(ctx, c, l, run.s.Path, links, me)
		if err != nil {
			return err
		}
		rv.Path = steps
		switch {
		case exp.Seed:
			// The page's notice already says so, and where they stand says it again.
		case run.s.Accepted:
			rv.Help = l.T("trust.accepted")
		case run.s.Distance == 0:
			rv.Help = l.T("trust.unreached." + run.tier)
		default:
			rv.Help = l.T("trust.too_far")
		}
		v.Runs = append(v.Runs, rv)
	}
	if me != "" {
		// What a signed-in person sees may include endorsements waiting for their answer.
		c.Response().Header().Set("Cache-Control", "private, no-store")
	}
	return h.render(c, http.StatusOK, "trust", l.T("trust.title"), "signatories", v)
}

// standingWords says where a member stands in a run, from their distance to the founding
// Ambassadors (who stand at distance 1; 0 is out of reach).
func standingWords(l *i18n.Localizer, distance int32) string {
	switch distance {
	case 0:
		return l.T("trust.standing.unconnected")
	case 1:
		return l.T("trust.standing.seed")
	}
	return l.N("trust.standing.steps", int64(distance-1))
}

// vouchWords says how many more members a member can lift: their capacity less the unit they
// keep for themselves.
func vouchWords(l *i18n.Localizer, capacity int32) string {
	if capacity <= 1 {
		return l.T("trust.vouch.none")
	}
	return l.N("trust.vouch", int64(capacity-1))
}

// viewerEntry is the public id of the signed-in person's entry, "" for a visitor or an account
// without one.
func (h *Handler) viewerEntry(c echo.Context) (string, error) {
	acc := account(c)
	if acc == nil {
		return "", nil
	}
	mine, err := h.store.MySignatory(c.Request().Context(), acc.ID)
	if err != nil || mine == nil {
		return "", err
	}
	return mine.PublicID, nil
}

// trustSteps names the members of a path as the viewer may see them. An endorsement on the path
// that is not accepted (still pending, or gone since the computation) counts for the tiers but
// its endorser is not named, except to the endorsee, who sees it marked pending: nobody learns
// from the registry who endorsed a person before that person said yes.
func (h *Handler) trustSteps(ctx context.Context, c echo.Context, l *i18n.Localizer, ids []string, links map[[2]string]string, me string) ([]trustStep, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := h.store.SignatoriesByPublicID(ctx, ids)
	if err != nil {
		return nil, err
	}
	w := viewer(c)
	out := make([]trustStep, 0, len(ids))
	for k, id := range ids {
		sg, ok := rows[id]
		pending := false
		if ok && k+1 < len(ids) {
			switch links[[2]string{id, ids[k+1]}] {
			case "accepted":
			case "pending":
				if me != ids[k+1] {
					ok = false
				}
				pending = true
			default:
				ok = false
			}
		}
		if !ok || !sg.Listed {
			out = append(out, trustStep{Name: l.T("endorse.someone")})
			continue
		}
		name := shown(w, sg.Visibility.Name, sg.Name)
		if name == "" {
			name = l.T("anon."+sg.Kind, countryName(c, sg.Country))
		}
		out = append(out, trustStep{Name: name, URL: "/signatories/" + sg.PublicID, Pending: pending})
	}
	return out, nil
}
