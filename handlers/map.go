package handlers

import (
	"bytes"
	"html/template"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// mapView is the map page.
type mapView struct {
	Filter        models.MapFilter
	Countries     template.HTML // the country select
	TierOptions   []option
	Total         int64
	World, Europe template.HTML
	Legend        []legendStep
	Rows          []mapRow
	Cities        []mapRow
	SortByName    bool
	SortNameURL   string
	SortCountURL  string
	JSONURL       string
	GeoJSONURL    string
	TileURL       string
	Attribution   string
}

type legendStep struct {
	Class string
	From  string
}

type mapRow struct {
	Name, URL string
	Count     int64
	CountText string
}

// topCities is how many cities the page lists under the country table.
const topCities = 25

// mapPage answers /map. A visitor's page is the same for everyone asking the same address, so it
// is rendered once per change of the registry and served from memory with its ETag and gzip; a
// signed-in person's page (their name in the header) is the layout around a cached figure.
// Addresses are canonical (parameters in one order, upper-case country, no default sort), and
// others redirect there: one page, one cache entry, however its parameters are written.
func (h *Handler) mapPage(c echo.Context) error {
	f, err := mapFilter(c, "sort", "lang")
	if err != nil {
		return err
	}
	sort := c.QueryParam("sort")
	if sort != "" && sort != "name" && sort != "count" {
		return models.FieldError("sort", "must be name or count")
	}
	byName := sort == "name"
	canonical := mapQuery(f)
	if byName {
		canonical = joinQuery(canonical, "sort=name")
	}
	if l := c.QueryParam("lang"); i18n.Supported(l) {
		canonical = joinQuery(canonical, "lang="+l)
	}
	if canonical != "" {
		canonical = "/map?" + canonical
	} else {
		canonical = "/map"
	}
	if c.Request().URL.RequestURI() != canonical {
		return c.Redirect(http.StatusMovedPermanently, canonical)
	}
	sum, err := h.summary.Get(c.Request().Context())
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	render := func(v *mapView) ([]byte, error) {
		var buf bytes.Buffer
		err := h.views.Render(&buf, "map", h.page(c, l.T("map.title"), "map", v))
		return buf.Bytes(), err
	}
	key := l.Lang + "|" + canonical
	if account(c) != nil {
		v, err := h.maps.get(sum.Change, "view|"+key, func() (any, int, error) {
			v := h.mapView(l, sum, f, byName)
			return v, len(v.World) + len(v.Europe), nil
		})
		if err != nil {
			return err
		}
		body, err := render(v.(*mapView))
		if err != nil {
			return err
		}
		return c.HTMLBlob(http.StatusOK, body)
	}
	e, err := h.maps.body(sum.Change, "page|"+key, func() ([]byte, error) { return render(h.mapView(l, sum, f, byName)) })
	if err != nil {
		return err
	}
	return e.serve(c, echo.MIMETextHTMLCharsetUTF8)
}

// joinQuery appends a parameter to a query string.
func joinQuery(q, param string) string {
	if q == "" {
		return param
	}
	return q + "&" + param
}

func (h *Handler) mapView(l *i18n.Localizer, sum *models.Summary, f models.MapFilter, byName bool) *mapView {
	m := sum.Map(f)
	shapes := geo.WorldShapes()
	q := mapQuery(f)
	v := &mapView{Filter: f, Countries: h.countrySelect(l.Lang, f.Country), Total: m.Total, SortByName: byName,
		JSONURL: "/map.json", TileURL: h.cfg.TileURL, Attribution: shapes.Attribution}
	if l.Lang != i18n.Languages[0] {
		q = joinQuery(q, "lang="+l.Lang) // the interactive map's labels in the page's language
	}
	if q != "" {
		v.JSONURL += "?" + q
	}
	v.GeoJSONURL, _ = h.assets.URL("map/countries.geojson")
	for _, t := range models.Tiers {
		v.TierOptions = append(v.TierOptions, option{Value: t, Label: l.T("tier." + t), Selected: t == f.Tier})
	}
	v.World = h.mapSVG(mapCanvas{id: "map-world", proj: shapes.World, path: func(s geo.Shape) string { return s.World },
		dotMin: 1.3, dotMax: 7, label: l.T("map.world"), filter: f, countsL: l}, m)
	v.Europe = h.mapSVG(mapCanvas{id: "map-europe", proj: shapes.Europe, path: func(s geo.Shape) string { return s.Europe },
		dotMin: 1.5, dotMax: 8, label: l.T("map.europe"), filter: f, countsL: l}, m)
	for s := 1; s <= shades && m.MaxCountry > 0; s++ {
		from := shadeFloor(s, m.MaxCountry)
		if len(v.Legend) > 0 && v.Legend[len(v.Legend)-1].From == l.Number(from) {
			continue
		}
		v.Legend = append(v.Legend, legendStep{Class: "s" + string(rune('0'+s)), From: l.Number(from)})
	}
	for _, cc := range m.Countries {
		v.Rows = append(v.Rows, mapRow{Name: geo.CountryName(cc.Code, l.Lang), URL: signatoriesURL(f, "country", cc.Code),
			Count: cc.Count, CountText: l.Number(cc.Count)})
	}
	col := collate.New(language.Make(l.Lang))
	sort.SliceStable(v.Rows, func(i, j int) bool {
		a, b := v.Rows[i], v.Rows[j]
		if !byName && a.Count != b.Count {
			return a.Count > b.Count
		}
		return col.CompareString(a.Name, b.Name) < 0
	})
	for i, p := range m.Places {
		if i == topCities {
			break
		}
		v.Cities = append(v.Cities, mapRow{Name: geo.CityName(p.City, l.Lang) + ", " + geo.CountryName(p.City.Country, l.Lang),
			URL: signatoriesURL(f, "place", strconv.FormatInt(p.City.ID, 10)), Count: p.Count, CountText: l.Number(p.Count)})
	}
	base := "/map"
	if q != "" {
		base += "?" + q + "&"
	} else {
		base += "?"
	}
	v.SortNameURL, v.SortCountURL = base+"sort=name", base+"sort=count"
	return v
}
