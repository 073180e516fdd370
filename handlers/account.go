package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/models"
)

type accountView struct {
	Identities []models.Identity
	// Attachable are the providers not attached yet.
	Attachable []auth.Info
	Message    string
}

// accountPage shows who is signed in and the logins attached to the account.
func (h *Handler) accountPage(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	return h.renderAccount(c, acc, http.StatusOK, "")
}

func (h *Handler) renderAccount(c echo.Context, acc *models.Account, status int, message string) error {
	ids, err := h.store.Identities(c.Request().Context(), acc.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, id := range ids {
		have[id.Provider] = true
	}
	v := accountView{Identities: ids, Message: message}
	for _, p := range h.providers.List() {
		if !have[p.Name] {
			v.Attachable = append(v.Attachable, p)
		}
	}
	l := h.catalog.For(lang(c))
	return h.render(c, status, "account", l.T("account.title"), "account", v)
}

// detachIdentity removes one login from the account.
func (h *Handler) detachIdentity(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.FormValue("identity"), 10, 64)
	if err != nil {
		return models.FieldError("identity", "is not a login of this account")
	}
	if err := h.store.DetachIdentity(c.Request().Context(), acc, id); err != nil {
		if models.ErrorCode(err) == models.ECONFLICT {
			return h.renderAccount(c, acc, http.StatusConflict, models.ErrorMessage(err))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}
