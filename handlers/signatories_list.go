package handlers

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

type listView struct {
	Q, Country, Kind, Tier, Sort string
	Countries                    template.HTML
	TierOptions                  []option
	Items                        []ItemView
	Note                         string
	// Place is the active place filter, kept by the form in a hidden field and shown as a
	// chip whose link drops it (PlaceClearURL).
	Place                      int64
	PlaceName                  string
	PlaceClearURL              string
	NextURL, PrevURL, FirstURL string
	// Feed is the Atom feed of the newest signatories, in the page's language (feed.go).
	Feed string
}

type option struct {
	Value, Label string
	Selected     bool
}

func (h *Handler) signatoriesList(c echo.Context) error {
	f, err := listPageFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sum, err := h.summary.Get(ctx)
	if err != nil {
		return err
	}
	matches, counted := h.searchCounts.get(sum.Change, f)
	f.CountMatches = f.Q != "" && !counted
	page, err := h.store.List(ctx, f)
	if err != nil {
		return err
	}
	if f.CountMatches && !replicaBehind(c, sum.Change) {
		// Counted on a replica behind the summary, the count may be an older state's: not kept.
		h.searchCounts.put(sum.Change, f, page.Matches)
	} else if counted {
		page.Matches = matches
	}
	l := h.catalog.For(lang(c))
	v := listView{Q: f.Q, Country: f.Country, Kind: f.Kind, Tier: f.Tier, Sort: f.Sort, Countries: h.countrySelect(l.Lang, f.Country)}
	if v.Sort == models.SortNewest {
		v.Sort = ""
	}
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
	if page.PrevCursor != "" {
		v.PrevURL = withQuery("/signatories", q, "cursor", page.PrevCursor)
	}
	if page.PrevCursor != "" || (f.Cursor != "" && len(page.Rows) == 0) {
		// Also from a page past the end (its entries left the registry meanwhile).
		v.FirstURL = withQuery("/signatories", q, "cursor", "")
	}
	v.Feed = feedAddress(l.Lang)
	if f.Place != 0 {
		v.Place = f.Place
		v.PlaceName = l.T("list.place.unknown", strconv.FormatInt(f.Place, 10))
		if city, ok := geo.CityByID(f.Place); ok {
			v.PlaceName = geo.CityName(city, l.Lang)
		}
		v.PlaceClearURL = withoutParams("/signatories", q, "place", "cursor")
	}
	if v.Note, err = h.listNote(c, l, f, page); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "signatories", l.T("list.title"), "signatories", v)
}

// listNote says how many signatories the list holds: a search is counted by the database (up to
// models.CountCap), everything else from the summary that the home page and the map share.
func (h *Handler) listNote(c echo.Context, l *i18n.Localizer, f models.ListFilter, page models.Page) (string, error) {
	if f.Q != "" {
		if page.Matches > models.CountCap {
			return l.T("list.count.search.more", l.Number(models.CountCap), f.Q), nil
		}
		return counted(l, "list.count.search", page.Matches, f.Q), nil
	}
	sum, err := h.summary.Get(c.Request().Context())
	if err != nil {
		return "", err
	}
	n := sum.Count(f)
	only := f.Kind == "" && f.Tier == ""
	switch {
	case only && f.Place == 0 && f.Country == "":
		return counted(l, "list.count.total", n), nil
	case only && f.Place != 0:
		if city, ok := geo.CityByID(f.Place); ok && (f.Country == "" || f.Country == city.Country) {
			return counted(l, "list.count.place", n, geo.CityName(city, l.Lang)), nil
		}
	case only:
		return counted(l, "list.count.country", n, countryName(c, f.Country)), nil
	}
	return counted(l, "list.count.filtered", n), nil
}

// counted is a message with a count, in the plural form the catalogue's language gives n, and
// further values for its %s.
func counted(l *i18n.Localizer, key string, n int64, args ...any) string {
	msg := l.N(key, n)
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// withoutParams is path with the query q except the keys named (and the language, which the
// cookie keeps).
func withoutParams(path string, q url.Values, keys ...string) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	for _, k := range keys {
		q2.Del(k)
	}
	return withQuery(path, q2, "lang", "")
}
