package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
)

// unsubscribeView is the unsubscribe page: the question with its button, or the answer.
type unsubscribeView struct {
	Category string
	// Action is where the button posts: this very link, as RFC 8058 has mail programs do.
	Action string
	Done   bool
}

// unsubscribeLink reads and checks an unsubscribe link's account, category and token. Account
// mail cannot be turned off; a token that does not verify names the link as the problem.
func (h *Handler) unsubscribeLink(c echo.Context) (account, category string, err error) {
	account, category = c.QueryParam("a"), c.QueryParam("c")
	if category == models.CategoryAccount {
		return "", "", httpError(http.StatusBadRequest, "error.mail.account_category", "e-mail about the account itself cannot be turned off")
	}
	if !mail.VerifyUnsubscribe(h.mailSecret, account, category, c.QueryParam("t")) {
		return "", "", httpError(http.StatusBadRequest, "error.mail.unsubscribe_link", "this unsubscribe link is not valid: it may have been cut or changed")
	}
	return account, category, nil
}

// unsubscribePage shows the button that unsubscribes. A GET never unsubscribes: mail scanners
// and link previews follow the links of a message.
func (h *Handler) unsubscribePage(c echo.Context) error {
	_, category, err := h.unsubscribeLink(c)
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	q := url.Values{"a": {c.QueryParam("a")}, "c": {category}, "t": {c.QueryParam("t")}}
	return h.render(c, http.StatusOK, "unsubscribe", l.T("unsubscribe.title"), "",
		unsubscribeView{Category: l.T("mail.category." + category), Action: mail.UnsubscribePath + "?" + q.Encode()})
}

// unsubscribe is the one-click unsubscribe (RFC 8058): a POST of List-Unsubscribe=One-Click to
// the link turns its category off, with no session; the page's button posts the same.
func (h *Handler) unsubscribe(c echo.Context) error {
	account, category, err := h.unsubscribeLink(c)
	if err != nil {
		return err
	}
	if c.Request().PostFormValue("List-Unsubscribe") != "One-Click" {
		return models.FieldError("List-Unsubscribe", "must be One-Click")
	}
	if err := h.store.UnsubscribeMail(c.Request().Context(), account, category); err != nil {
		return err
	}
	h.log.Info("mail unsubscribe", "account", account, "category", category)
	l := h.catalog.For(lang(c))
	return h.render(c, http.StatusOK, "unsubscribe", l.T("unsubscribe.title"), "", unsubscribeView{Category: l.T("mail.category." + category), Done: true})
}
