package handlers

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
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
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return c.JSON(http.StatusOK, doc)
}

// endorsementCredential issues (on first request) and shows the EndorsementCredential of an
// accepted endorsement: /signatories/{to}/endorsements/{from}.
func (h *Handler) endorsementCredential(c echo.Context) error {
	if h.keys == nil {
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
	key, err := h.keys.SignatoryKey(e.FromPublicID)
	if err != nil {
		return err
	}
	name := ""
	if e.FromNameVis == models.Public {
		name = e.FromName
	}
	for attempt := 0; attempt < 8; attempt++ {
		list, _, err := h.store.StatusListFill(ctx)
		if err != nil {
			return err
		}
		n, err := rand.Int(rand.Reader, big.NewInt(models.StatusListSize))
		if err != nil {
			return err
		}
		now := h.store.Now().Truncate(time.Second)
		in := issuer.EndorsementInput{BaseURL: h.cfg.BaseURL, DID: h.did, CredentialID: uuid.NewString(), From: e.FromPublicID, FromName: name,
			To: e.ToPublicID, Level: e.Level, Comment: models.CleanText(e.Comment), IssuedAt: now}
		signed, err := h.signer.Sign(issuer.Endorsement(in), key, issuer.SignatoryDID(h.did, e.FromPublicID), now)
		if err != nil {
			return err
		}
		doc, err := json.Marshal(signed)
		if err != nil {
			return err
		}
		id, err := h.store.StoreEndorsementCredential(ctx, models.Credential{ID: in.CredentialID, SignatoryID: e.ToID, Kind: "endorsement",
			EndorsementID: &e.ID, StatusList: list, StatusIndex: int(n.Int64()), Document: string(doc), IssuedAt: now})
		if errors.Is(err, models.ErrStatusIndexTaken) {
			continue
		}
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/credentials/"+id)
	}
	return errors.New("no free status list index after 8 draws")
}
