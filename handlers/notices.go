package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// tierNotice is the notice every page shows a signed-in member whose tier a recomputation
// lowered, until they dismiss it or open their account page. A visitor costs no query, and
// reading it writes nothing. The notice is not what the page is for: a failure to read it is
// logged, and the page is shown without it.
func (h *Handler) tierNotice(c echo.Context) *models.TierNotice {
	acc := account(c)
	if acc == nil {
		return nil
	}
	n, err := h.store.UnreadTierNotice(c.Request().Context(), acc.ID)
	if err != nil {
		h.log.Error("reading the tier notice", "account", acc.PublicID, "err", err)
		return nil
	}
	return n
}

// dismissNotice marks read the tier notice shown (and those before it), then goes back to the
// page it was shown on.
func (h *Handler) dismissNotice(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	upTo, err := strconv.ParseInt(c.FormValue("notice"), 10, 64)
	if err != nil || upTo <= 0 {
		return models.FieldError("notice", "is not a notice of this account")
	}
	if _, err := h.store.MarkTierNoticesRead(c.Request().Context(), acc.ID, upTo); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.returnPath(c.FormValue("return_to")))
}
