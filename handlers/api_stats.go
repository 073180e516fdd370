package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type apiStatsBody struct {
	Signatories int64            `json:"signatories"`
	Tiers       map[string]int64 `json:"tiers"`
	Kinds       map[string]int64 `json:"kinds"`
	Countries   map[string]int64 `json:"countries"`
}

// apiStats counts listed signatories; tiers are exclusive and sum to the total.
func (h *Handler) apiStats(c echo.Context) error {
	sum, err := h.summary.Get(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiStatsBody{Signatories: sum.Total, Tiers: sum.Tiers, Kinds: sum.Kinds, Countries: sum.Countries})
}
