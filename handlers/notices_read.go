package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// markAllRead is the header's "Mark all as read": it marks read the account's notifications up
// to the newest one the page counted (one that arrived since stays unread, to be counted on the
// next page), then goes back to the page the button was on. Without JavaScript a link cannot
// mark its notification read as it is followed without a GET that writes, so reading is done
// in two places only: opening /account, which lists them, and this button.
func (h *Handler) markAllRead(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	upTo, err := strconv.ParseInt(c.FormValue("up_to"), 10, 64)
	if err != nil || upTo <= 0 {
		return models.FieldError("up_to", "is not a notification of this account")
	}
	if _, err := h.store.MarkNotificationsRead(c.Request().Context(), acc.ID, upTo); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.returnPath(c.FormValue("return_to")))
}
