package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// mapFilter reads the map's parameters (extra ones are the page's: sort, lang), naming the first
// bad one.
func mapFilter(c echo.Context, extra ...string) (models.MapFilter, error) {
	q := c.QueryParams()
	allowed := map[string]bool{"tier": true, "kind": true, "country": true}
	for _, k := range extra {
		allowed[k] = true
	}
	if err := onlyParams(q, allowed, "the map (use tier, kind, country)"); err != nil {
		return models.MapFilter{}, err
	}
	f := models.MapFilter{Tier: q.Get("tier"), Kind: q.Get("kind"), Country: strings.ToUpper(q.Get("country"))}
	return f, f.Validate()
}

// query is the filter as URL parameters in a fixed order, for cache keys and links.
func mapQuery(f models.MapFilter) string {
	var parts []string
	if f.Tier != "" {
		parts = append(parts, "tier="+f.Tier)
	}
	if f.Kind != "" {
		parts = append(parts, "kind="+f.Kind)
	}
	if f.Country != "" {
		parts = append(parts, "country="+f.Country)
	}
	return strings.Join(parts, "&")
}
