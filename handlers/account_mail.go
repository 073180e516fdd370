package handlers

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// mailSettingsView is the E-mail section of /account: where the registry writes, whether it
// can, and one switch per category.
type mailSettingsView struct {
	Email    string
	Verified bool
	// ServerOn says this server sends e-mail at all.
	ServerOn   bool
	Saved      bool
	Categories []mailCategoryView
}

type mailCategoryView struct {
	Name, Label, Hint string
	On                bool
}

// mailSettings reads the E-mail section of an account.
func (h *Handler) mailSettings(c echo.Context, l *i18n.Localizer, acc *models.Account) (mailSettingsView, error) {
	on, err := h.store.MailSettings(c.Request().Context(), acc.ID)
	if err != nil {
		return mailSettingsView{}, err
	}
	v := mailSettingsView{Email: acc.Email, Verified: acc.EmailVerified && acc.Email != "", ServerOn: h.cfg.MailOn, Saved: c.QueryParam("mail") == "saved"}
	for _, cat := range models.MailCategories {
		v.Categories = append(v.Categories, mailCategoryView{Name: cat, Label: l.T("mail.category." + cat), Hint: l.T("mail.category_hint." + cat), On: on[cat]})
	}
	return v, nil
}

// saveMailSettings saves the E-mail section: a checked box is a category on, an unchecked one
// off.
func (h *Handler) saveMailSettings(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return models.FieldError("on", "could not be read")
	}
	on := map[string]bool{}
	for _, cat := range models.MailCategories {
		on[cat] = false
	}
	for _, cat := range c.Request().PostForm["on"] {
		if !slices.Contains(models.MailCategories, cat) {
			return models.FieldError("on", "%q is not a category of e-mail", cat)
		}
		on[cat] = true
	}
	if err := h.store.SetMailSettings(c.Request().Context(), acc.ID, on); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?mail=saved#mail")
}
