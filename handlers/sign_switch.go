package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// Someone filling in the signing form may switch the language (to read the Declaration in
// another) or sign for an organisation rather than as a person. Either switch is a button of the
// form, so the form's values travel with it and come back typed, also without JavaScript; a
// switch signs nothing.

// switchLang is the value of the form's language buttons; the language itself is in the
// button's address (?lang=), which the language middleware reads as for any page.
const switchLang = "lang"

// heldFields keep, while the form is a person's, what was typed for an organisation (its name,
// the name's visibility, the representative's role): the person's form has no field for them,
// and they come back when the person switches to the organisation again.
var heldFields = map[string]string{"org_name": "name", "org_vis_name": "vis_name", "org_role": "role"}

// heldOrder is the order the held fields are written in.
var heldOrder = []string{"org_name", "org_vis_name", "org_role"}

// holdOrganisation copies the held fields of the request into f.
func holdOrganisation(c echo.Context, f formState) {
	for held := range heldFields {
		v := models.CleanLine(c.FormValue(held))
		if held == "org_vis_name" && !models.ValidVisibility(v) {
			v = ""
		}
		if v != "" {
			f.Values[held] = v
		}
	}
}

// switchSign shows the signing form again with what was typed, for the kind switched to or in
// the language switched to. Consent is not carried over: it is given to one text, as one kind of
// signatory.
func (h *Handler) switchSign(c echo.Context, acc *models.Account, mine *models.Signatory, kind, sw string) error {
	l := h.catalog.For(lang(c))
	_, f := readEntry(c, l, kind)
	f.Errors = map[string]string{}
	holdOrganisation(c, f)
	to := kind
	if sw == models.KindPerson || sw == models.KindOrganisation {
		to = sw
	}
	if mine != nil && mine.Status != models.StatusDeleted {
		// An entry keeps its kind: signing again is as what it is.
		to = mine.Kind
	}
	switch {
	case kind == models.KindPerson && to == models.KindOrganisation:
		// The person's name is now the representative's; the organisation's, if typed before, returns.
		f.Values["representative"], f.Values["vis_representative"] = f.Values["name"], f.Values["vis_name"]
		f.Values["name"], f.Values["vis_name"], f.Values["role"] = "", "", ""
		for held, field := range heldFields {
			f.Values[field] = f.Values[held]
			delete(f.Values, held)
		}
	case kind == models.KindOrganisation && to == models.KindPerson:
		for held, field := range heldFields {
			f.Values[held] = f.Values[field]
		}
		f.Values["name"], f.Values["vis_name"] = f.Values["representative"], f.Values["vis_representative"]
		delete(f.Values, "representative")
		delete(f.Values, "vis_representative")
		delete(f.Values, "role")
	}
	return h.renderSign(c, http.StatusOK, acc, mine, to, f, "")
}
