package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/models"
	"html/template"
)

type listView struct {
	Q, Country, Kind, Tier string
	Countries              template.HTML
	TierOptions            []option
	Items                  []ItemView
	Note                   string
	NextURL, FirstURL      string
}

type option struct {
	Value, Label string
	Selected     bool
}

func (h *Handler) signatoriesList(c echo.Context) error {
	f, err := listFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	page, err := h.store.List(ctx, f)
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	v := listView{Q: f.Q, Country: f.Country, Kind: f.Kind, Tier: f.Tier, Countries: h.countrySelect(l.Lang, f.Country)}
	for _, t := range models.Tiers {
		v.TierOptions = append(v.TierOptions, option{Value: t, Label: l.T("tier." + t), Selected: t == f.Tier})
	}
	for i := range page.Rows {
		v.Items = append(v.Items, h.itemView(c, l, &page.Rows[i]))
	}
	q := c.QueryParams()
	if page.NextCursor != "" {
		v.NextURL = withQuery("/signatories", q, "cursor", page.NextCursor)
	}
	if f.Cursor != "" {
		v.FirstURL = withQuery("/signatories", q, "cursor", "")
	}
	if f.Cursor == "" {
		sum, err := h.summary.Get(ctx)
		if err != nil {
			return err
		}
		filtered := f.Q != "" || f.Kind != "" || f.Tier != "" || f.Place != 0
		switch {
		case !filtered && f.Country == "":
			v.Note = l.N("list.note.total", sum.Total)
		case f.Place != 0 && f.Q == "" && f.Kind == "" && f.Tier == "":
			if city, ok := geo.CityByID(f.Place); ok && (f.Country == "" || f.Country == city.Country) {
				n := sum.PlaceCount(f.Place)
				v.Note = l.T(l.Plural("list.note.place", n), l.Number(n), geo.CityName(city, l.Lang))
			} else {
				v.Note = l.T("list.note.filtered")
			}
		case !filtered:
			v.Note = l.T(l.Plural("list.note.country", sum.Countries[f.Country]), l.Number(sum.Countries[f.Country]), countryName(c, f.Country))
		default:
			v.Note = l.T("list.note.filtered")
		}
	}
	return h.render(c, http.StatusOK, "signatories", l.T("list.title"), "signatories", v)
}
