package handlers

import (
	"encoding/json"
	"math"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
)

type mapJSON struct {
	Countries []mapJSONCountry `json:"countries"`
	Places    []mapJSONPlace   `json:"places"`
}

type mapJSONCountry struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Label string   `json:"label,omitempty"` // the name in ?lang=, when it differs
	Count int64    `json:"count"`
	Lat   *float64 `json:"lat"`
	Lon   *float64 `json:"lon"`
}

type mapJSONPlace struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	Label   string  `json:"label,omitempty"` // the name in ?lang=, when it differs
	Country string  `json:"country"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Count   int64   `json:"count"`
}

// mapData answers /map.json: counts by country and by city, never a person, from the in-memory
// summary; the same filters as /map.
func (h *Handler) mapData(c echo.Context) error {
	f, err := mapFilter(c, "lang") // names are English whatever the language; ?lang= adds labels in that language
	if err != nil {
		return err
	}
	labels := c.QueryParam("lang")
	if !i18n.Supported(labels) || labels == i18n.Languages[0] {
		labels = ""
	}
	sum, err := h.summary.Get(c.Request().Context())
	if err != nil {
		return err
	}
	e, err := h.maps.body(sum.Change, "json?"+joinQuery(mapQuery(f), "lang="+labels), func() ([]byte, error) {
		m := sum.Map(f)
		out := mapJSON{Countries: []mapJSONCountry{}, Places: []mapJSONPlace{}}
		for _, cc := range m.Countries {
			jc := mapJSONCountry{Code: cc.Code, Name: geo.CountryName(cc.Code, "en"), Count: cc.Count}
			if labels != "" {
				if n := geo.CountryName(cc.Code, labels); n != jc.Name {
					jc.Label = n
				}
			}
			if cc.Located {
				jc.Lat, jc.Lon = &cc.Lat, &cc.Lon
			}
			out.Countries = append(out.Countries, jc)
		}
		for _, p := range m.Places {
			jp := mapJSONPlace{ID: p.City.ID, Name: p.City.Name, Country: p.City.Country,
				Lat: round4(p.City.Lat), Lon: round4(p.City.Lon), Count: p.Count}
			if labels != "" {
				if n := geo.CityName(p.City, labels); n != jp.Name {
					jp.Label = n
				}
			}
			out.Places = append(out.Places, jp)
		}
		return json.Marshal(out)
	})
	if err != nil {
		return err
	}
	return e.serve(c, "application/json")
}

// round4 keeps four decimals of a degree (about 10 m): GeoNames' own precision.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
