package handlers

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// endorserByParam finds the signatory of the route whose custodial identity is asked for. Their
// identity stays resolvable while any credential it signed exists, also after they left.
func (h *Handler) endorserByParam(c echo.Context) (*models.Signatory, error) {
	id := c.Param("id")
	if u, err := uuid.Parse(id); err != nil || u.String() != id || h.keys == nil {
		return nil, models.Errorf(models.ENOTFOUND, "no signatory has the id %q", id)
	}
	sg, resolvable, err := h.store.Endorser(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if !resolvable {
		if sg.Status == models.StatusWithdrawn || sg.Status == models.StatusDeleted {
			return nil, models.Errorf(models.EGONE, "this signatory withdrew from the registry")
		}
		return nil, models.Errorf(models.ENOTFOUND, "no signatory has the id %s", id)
	}
	return sg, nil
}

// signatoryDID serves the DID document of a signatory's custodial identity, which signs the
// endorsements they give.
func (h *Handler) signatoryDID(c echo.Context) error {
	sg, err := h.endorserByParam(c)
	if err != nil {
		return err
	}
	doc, err := h.keys.SignatoryDocument(h.did, sg.PublicID)
	if err != nil {
		return err
	}
	return didJSON(c, doc)
}

// endorserStatusList serves the status list of the endorsements a signatory gave, issued and
// signed by their custodial identity: a verifier accepts only a status list issued by the
// credential's issuer.
func (h *Handler) endorserStatusList(c echo.Context) error {
	sg, err := h.endorserByParam(c)
	if err != nil {
		return err
	}
	l, err := h.statusLists.Serve(c.Request().Context(), models.StatusListRef{Issuer: sg.ID, IssuerPublicID: sg.PublicID})
	if err != nil {
		return err
	}
	return serveStatus(c, l)
}

// endorsementCredential shows the current credential of an accepted endorsement:
// /signatories/{to}/endorsements/{from}. Reading never signs anything (a link checker must not
// issue credentials): the worker issues it when the endorsement is accepted.
func (h *Handler) endorsementCredential(c echo.Context) error {
	to, from := c.Param("id"), c.Param("from")
	if _, err := uuid.Parse(to); err != nil {
		return echo.ErrNotFound
	}
	if _, err := uuid.Parse(from); err != nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	e, err := h.store.AcceptedEndorsementBetween(ctx, from, to)
	if err != nil {
		return err
	}
	if e.CredentialID != nil {
		return c.Redirect(http.StatusSeeOther, "/credentials/"+*e.CredentialID)
	}
	open, err := h.store.EndorsementJobOpen(ctx, e.ID)
	if err != nil {
		return err
	}
	if open {
		// Said in so many words (the generic 404 page would not): a person who just accepted
		// the endorsement learns that it is on its way.
		msg := h.catalog.For(lang(c)).T("endorsement.being_issued")
		c.Response().Header().Set("Retry-After", "2")
		c.Response().Header().Set("Cache-Control", "no-store")
		if c.Request().Method == http.MethodHead {
			return c.NoContent(http.StatusNotFound)
		}
		if _, ok := wantsJSON(c.Request().Header.Get("Accept")); ok {
			return c.JSON(http.StatusNotFound, apiError{Error: apiErrorBody{Code: models.ENOTFOUND, Message: msg}})
		}
		return h.render(c, http.StatusNotFound, "error", http.StatusText(http.StatusNotFound), "",
			errorPage{Status: http.StatusNotFound, Title: http.StatusText(http.StatusNotFound), Message: msg})
	}
	return models.Errorf(models.ENOTFOUND, "this endorsement has no credential")
}
