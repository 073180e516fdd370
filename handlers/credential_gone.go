package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// goneReasons name, in the interface's language, why a credential's hosted copy was withdrawn.
var goneReasons = map[string]string{
	models.ReasonNameHidden:     "cred.gone.name_hidden",
	models.ReasonNamePublic:     "cred.gone.name_public",
	models.ReasonNameChanged:    "cred.gone.name_changed",
	models.ReasonAccountDeleted: "cred.gone.account_deleted",
}

// credentialGone answers for a credential whose hosted copy was withdrawn: 410 Gone with a short
// explanation, as JSON for the JSON addresses and a page otherwise. Its status list entry still
// says revoked, so a wallet holding a copy sees it revoked.
func (h *Handler) credentialGone(c echo.Context, cred *models.Credential, ext string) error {
	l := h.catalog.For(lang(c))
	why := l.T("cred.gone.other")
	if key, ok := goneReasons[cred.RevokedReason]; ok {
		why = l.T(key)
	}
	msg := l.T("cred.gone.text", why)
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Add("Vary", "Accept")
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	if _, isJSON := wantsJSON(c.Request().Header.Get("Accept")); ext == ".json" || (ext == "" && isJSON) {
		return c.JSON(http.StatusGone, map[string]any{"id": h.cfg.BaseURL + "/credentials/" + cred.ID, "revoked": true,
			"revocationReason": cred.RevokedReason, "error": apiErrorBody{Code: models.EGONE, Message: msg}})
	}
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusGone)
	}
	title := l.T("cred.gone.title")
	return h.render(c, http.StatusGone, "error", title, "", errorPage{Status: http.StatusGone, Title: title, Message: msg})
}
