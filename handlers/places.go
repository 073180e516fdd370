package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/models"
)

type placeSuggestion struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// placeSuggestions answers /places?country=IT&q=bol: the cities the signing form suggests while
// someone types, so that most cities are written the way the map finds them.
func (h *Handler) placeSuggestions(c echo.Context) error {
	country := strings.ToUpper(c.QueryParam("country"))
	if !geo.ValidCountry(country) {
		return models.FieldError("country", "%q is not an ISO 3166-1 alpha-2 country code", c.QueryParam("country"))
	}
	typed := models.CleanLine(c.QueryParam("q"))
	if utf8.RuneCountInString(typed) > models.MaxCity {
		return models.FieldError("q", "is longer than %d characters", models.MaxCity)
	}
	out := []placeSuggestion{}
	for _, city := range geo.SuggestCities(country, typed, 12) {
		out = append(out, placeSuggestion{ID: city.ID, Name: city.Spelling})
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400") // the gazetteer changes with a new build only
	return c.JSON(http.StatusOK, out)
}
