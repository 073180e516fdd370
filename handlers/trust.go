package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
)

// Explainer says why a signatory holds their tier; the server's tier worker answers.
type Explainer interface {
	Explain(ctx context.Context, publicID string) (*Explanation, error)
}

// Explanation is a signatory's place in both runs of the tier computation.
type Explanation struct {
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
}

type trustRunView struct {
	Label              string
	Accepted           bool
	Distance, Capacity int32
	Path               []trustStep
	Help               string
}

type trustView struct {
	Name, URL, TierLabel string
	Seed                 bool
	Runs                 []trustRunView
}

// signatoryTrust shows the path of trust that carries a signatory's tier, and for someone not
// yet lifted, what would help.
func (h *Handler) signatoryTrust(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	if h.explainer == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the tiers are not computed on this server")
	}
	ctx := c.Request().Context()
	exp, err := h.explainer.Explain(ctx, sg.PublicID)
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	w := viewer(c)
	v := trustView{Name: shown(w, sg.Visibility.Name, sg.Name), URL: "/signatories/" + sg.PublicID, TierLabel: l.T("tier." + sg.Tier), Seed: exp.Seed}
	if v.Name == "" {
		v.Name = l.T("anon."+sg.Kind, countryName(c, sg.Country))
	}
	for _, run := range []struct {
		tier string
		s    Standing
	}{{"advocate", exp.Advocate}, {"ambassador", exp.Ambassador}} {
		rv := trustRunView{Label: l.T("tier." + run.tier), Accepted: run.s.Accepted, Distance: run.s.Distance, Capacity: run.s.Capacity}
		steps, err := h.trustSteps(ctx, c, l, run.s.Path)
		if err != nil {
			return err
		}
		rv.Path = steps
		switch {
		case exp.Seed:
			rv.Help = l.T("trust.seed")
		case run.s.Accepted:
			rv.Help = l.T("trust.accepted")
		case run.s.Distance == 0:
			rv.Help = l.T("trust.unreached." + run.tier)
		default:
			rv.Help = l.T("trust.too_far")
		}
		v.Runs = append(v.Runs, rv)
	}
	return h.render(c, http.StatusOK, "trust", l.T("trust.title"), "signatories", v)
}

// trustSteps names the members of a path as the public may see them.
func (h *Handler) trustSteps(ctx context.Context, c echo.Context, l *i18n.Localizer, ids []string) ([]trustStep, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := h.store.SignatoriesByPublicID(ctx, ids)
	if err != nil {
		return nil, err
	}
	w := viewer(c)
	out := make([]trustStep, 0, len(ids))
	for _, id := range ids {
		sg, ok := rows[id]
		if !ok || !sg.Listed {
			out = append(out, trustStep{Name: l.T("endorse.someone")})
			continue
		}
		name := shown(w, sg.Visibility.Name, sg.Name)
		if name == "" {
			name = l.T("anon."+sg.Kind, countryName(c, sg.Country))
		}
		out = append(out, trustStep{Name: name, URL: "/signatories/" + sg.PublicID})
	}
	return out, nil
}
