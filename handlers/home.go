package handlers

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"
)

type homeView struct {
	Total, CountryCount, Organisations, Recognised int64
	Newest                                         []ItemView
	TopCountries                                   []countryCount
}

type countryCount struct {
	Code, Name string
	Count      int64
}

// topCountries is how many countries the home page lists.
const topCountries = 12

func (h *Handler) home(c echo.Context) error {
	sum, err := h.summary.Get(c.Request().Context())
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	v := homeView{Total: sum.Total, CountryCount: int64(len(sum.Countries)), Organisations: sum.Kinds["organisation"],
		Recognised: sum.Tiers["advocate"] + sum.Tiers["ambassador"]}
	for i := range sum.Newest {
		v.Newest = append(v.Newest, h.itemView(c, l, &sum.Newest[i]))
	}
	for code, n := range sum.Countries {
		v.TopCountries = append(v.TopCountries, countryCount{Code: code, Name: countryName(c, code), Count: n})
	}
	sort.Slice(v.TopCountries, func(i, j int) bool {
		a, b := v.TopCountries[i], v.TopCountries[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Code < b.Code
	})
	if len(v.TopCountries) > topCountries {
		v.TopCountries = v.TopCountries[:topCountries]
	}
	return h.renderShared(c, http.StatusOK, "home", "", "home", v, h.genericShare(l, "/", ""))
}
