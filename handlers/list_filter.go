package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// listParams are the query parameters of every signatory list, page or API; the page also
// sorts (the API's order, newest first, is part of its contract).
var (
	listParams     = map[string]bool{"q": true, "country": true, "place": true, "kind": true, "tier": true, "cursor": true, "limit": true, "lang": true}
	listPageParams = map[string]bool{"q": true, "country": true, "place": true, "kind": true, "tier": true, "sort": true, "cursor": true, "limit": true, "lang": true}
)

// listFilter reads and checks the API's list parameters, naming the first bad one.
func listFilter(c echo.Context) (models.ListFilter, error) {
	return readListFilter(c, listParams, "this list (use q, country, place, kind, tier, cursor, limit)")
}

// listPageFilter reads and checks the parameters of the registry's list page.
func listPageFilter(c echo.Context) (models.ListFilter, error) {
	return readListFilter(c, listPageParams, "this list (use q, country, place, kind, tier, sort, cursor, limit)")
}

func readListFilter(c echo.Context, allowed map[string]bool, of string) (models.ListFilter, error) {
	q := c.QueryParams()
	if err := onlyParams(q, allowed, of); err != nil {
		return models.ListFilter{}, err
	}
	f := models.ListFilter{Q: q.Get("q"), Country: strings.ToUpper(q.Get("country")), Kind: q.Get("kind"), Tier: q.Get("tier"), Sort: q.Get("sort"), Cursor: q.Get("cursor")}
	if p := q.Get("place"); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return f, models.FieldError("place", "%q is not a GeoNames id", p)
		}
		f.Place = n
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > models.MaxLimit {
			return f, models.FieldError("limit", "must be a number from 1 to %d", models.MaxLimit)
		}
		f.Limit = n
	}
	return f, f.Validate()
}

// onlyParams refuses a query parameter that is not allowed, or is given twice, naming it.
func onlyParams(q url.Values, allowed map[string]bool, of string) error {
	for k, v := range q {
		if !allowed[k] {
			return models.FieldError(k, "is not a parameter of %s", of)
		}
		if len(v) > 1 {
			return models.FieldError(k, "is given more than once")
		}
	}
	return nil
}
