package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// didDocument publishes the issuer's keys as a did:web document: every key ever used, so that
// every credential ever signed finds the key that signed it.
func (h *Handler) didDocument(c echo.Context) error {
	if h.keys == nil {
		return echo.ErrNotFound
	}
	if err := h.keys.Refresh(); err != nil {
		return err
	}
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, h.keys.Document(h.did))
}
