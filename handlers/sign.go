package handlers

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

type signView struct {
	entryView
	Declaration   models.Declaration
	Text          template.HTML
	Existing      *models.Signatory
	AlreadySigned bool
	Message       string
	// Held are the organisation's fields a person's form carries hidden (see heldFields).
	Held []string
}

// signPage shows the current declaration and the form to sign it.
func (h *Handler) signPage(c echo.Context) error {
	acc := account(c)
	if acc == nil {
		return loginFirst(c)
	}
	ctx := c.Request().Context()
	mine, err := h.store.MySignatory(ctx, acc.ID)
	if err != nil {
		return err
	}
	kind := c.QueryParam("kind")
	if kind != models.KindOrganisation {
		kind = models.KindPerson
	}
	// The login names the person signing: themselves, or an organisation's representative.
	f := formState{Values: map[string]string{"name": acc.DisplayName}, Errors: map[string]string{}}
	if kind == models.KindOrganisation {
		f.Values = map[string]string{"representative": acc.DisplayName}
	}
	if mine != nil && mine.Status != models.StatusDeleted {
		f, kind = entryFormState(mine), mine.Kind
	}
	return h.renderSign(c, http.StatusOK, acc, mine, kind, f, "")
}

func (h *Handler) renderSign(c echo.Context, status int, acc *models.Account, mine *models.Signatory, kind string, f formState, message string) error {
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	d, err := h.store.CurrentDeclaration(ctx, l.Lang)
	if err != nil {
		return err
	}
	v := signView{entryView: h.entryView(c, l, kind, f), Declaration: d, Text: h.md.HTML(d.Body), Existing: mine, Message: message, Held: heldOrder}
	if mine != nil && mine.Status == models.StatusActive {
		if v.AlreadySigned, err = h.store.HasSigned(ctx, mine.ID, d.Version); err != nil {
			return err
		}
	}
	return h.render(c, status, "sign", l.T("sign.title"), "sign", v)
}

// sign records a signature. Consent is explicit: without the box ticked nothing is written.
func (h *Handler) sign(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	// The account's entry, for the pages that show the form again: a signature that goes
	// through never needs it (Sign finds it in its own transaction).
	again := func(status int, kind string, f formState, message string) error {
		mine, err := h.store.MySignatory(ctx, acc.ID)
		if err != nil {
			return err
		}
		return h.renderSign(c, status, acc, mine, kind, f, message)
	}
	kind := c.FormValue("kind")
	if kind != models.KindPerson && kind != models.KindOrganisation {
		kind = models.KindPerson
	}
	if sw := c.FormValue("switch"); sw != "" {
		mine, err := h.store.MySignatory(ctx, acc.ID)
		if err != nil {
			return err
		}
		return h.switchSign(c, acc, mine, kind, sw)
	}
	sg, f := readEntry(c, l, kind)
	holdOrganisation(c, f)
	f.Values["consent"] = c.FormValue("consent")
	if f.Values["consent"] != "yes" {
		f.Errors["consent"] = l.T("form.consent")
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	if len(f.Errors) > 0 {
		return again(http.StatusBadRequest, kind, f, l.T("form.fix"))
	}
	signed, err := h.store.Sign(ctx, acc, models.SignInput{Signatory: sg, Version: version, Lang: c.FormValue("lang")})
	if err != nil {
		if fieldError(f, err) {
			return again(http.StatusBadRequest, kind, f, l.T("form.fix"))
		}
		switch models.ErrorCode(err) {
		case models.ECONFLICT, models.EFORBIDDEN, models.EGONE:
			return again(statusOf[models.ErrorCode(err)], kind, f, errorWords(h.catalog.For(lang(c)), err))
		}
		return err
	}
	h.log.Info("signed", "signatory", signed.PublicID, "kind", signed.Kind)
	h.wake()
	return c.Redirect(http.StatusSeeOther, "/sign/thanks")
}

type thanksView struct {
	Entry    *models.Signatory
	URL      string
	ShareURL string
	Badges   badgeCards
}

// signThanks confirms a signature with the next steps: see the entry, share it.
func (h *Handler) signThanks(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	mine, err := h.store.MySignatory(c.Request().Context(), acc.ID)
	if err != nil {
		return err
	}
	if mine == nil || mine.Status != models.StatusActive {
		return c.Redirect(http.StatusSeeOther, "/sign")
	}
	l := h.catalog.For(lang(c))
	u := "/signatories/" + mine.PublicID
	v := thanksView{Entry: mine, URL: u, ShareURL: h.cfg.BaseURL + u}
	if v.Badges, err = h.badgeCards(c, l, mine); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "sign_thanks", l.T("thanks.title"), "sign", v)
}
