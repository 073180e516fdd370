package handlers

import "github.com/labstack/echo/v4"

// routes is the whole URL map of the registry.
func (h *Handler) routes(e *echo.Echo) {
	e.GET("/", h.home)
	e.GET("/declaration", h.declaration)
	e.GET("/declaration/:version", h.declarationVersion)
	e.GET("/signatories", h.signatoriesList)
	e.GET("/signatories/:id", h.signatoryShow)
	e.GET("/healthz", h.healthz)
	e.GET("/assets/:hash/*", h.asset)

	api := e.Group("/api/v1")
	api.GET("/signatories", h.apiSignatoriesList)
	api.GET("/signatories/:id", h.apiSignatoryShow)
	api.GET("/stats", h.apiStats)
}
