package handlers

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// signatoryDID serves the DID document of a signatory's custodial identity, which signs the
// endorsements they give.
func (h *Handler) signatoryDID(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	if h.keys == nil {
		return echo.ErrNotFound
	}
	doc, err := h.keys.SignatoryDocument(h.did, sg.PublicID)
	if err != nil {
		return err
	}
	return didJSON(c, doc)
}

// endorsementCredential issues (on first request) and shows the EndorsementCredential of an
// accepted endorsement: /signatories/{to}/endorsements/{from}.
func (h *Handler) endorsementCredential(c echo.Context) error {
	if h.worker == nil {
		return echo.ErrNotFound
	}
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
	id, err := h.worker.IssueEndorsement(ctx, e)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/credentials/"+id)
}
