package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/issuer"
)

func (h *Handler) ob2JSON(c echo.Context, status int, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return c.Blob(status, "application/ld+json", b)
}

func (h *Handler) ob2Issuer(c echo.Context) error {
	return h.ob2JSON(c, http.StatusOK, issuer.OB2Issuer(h.cfg.BaseURL, "Open Recognition Registry"))
}

func (h *Handler) ob2Badge(c echo.Context) error {
	a, ok := issuer.Achievements[c.Param("slug")]
	if !ok {
		return echo.ErrNotFound
	}
	return h.ob2JSON(c, http.StatusOK, issuer.OB2BadgeClass(h.cfg.BaseURL, a))
}

// ob2Assertion serves the hosted Open Badges 2.0 assertion of a credential; a revoked one
// answers 410 Gone with {"revoked": true}, as hosted verification expects.
func (h *Handler) ob2Assertion(c echo.Context) error {
	id, ext, ok := credentialFile(c.Param("id"))
	if !ok || ext != "" || h.keys == nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	cred, err := h.store.CredentialByID(ctx, id)
	if err != nil {
		return err
	}
	base := h.cfg.BaseURL
	if cred.RevokedAt != nil {
		return h.ob2JSON(c, http.StatusGone, map[string]any{"@context": issuer.ContextOB2, "id": base + "/ob2/assertions/" + cred.ID,
			"revoked": true, "revocationReason": cred.RevokedReason})
	}
	sg, err := h.store.SignatoryByRowID(ctx, cred.SignatoryID)
	if err != nil || sg == nil {
		return echo.ErrNotFound
	}
	var doc struct {
		Evidence []struct {
			Description string `json:"description"`
		} `json:"evidence"`
	}
	json.Unmarshal([]byte(cred.Document), &doc)
	evidence := ""
	if len(doc.Evidence) > 0 {
		evidence = doc.Evidence[0].Description
	}
	// The salt comes from the root in force when the credential was issued, never changing.
	root, err := h.keys.RecipientRoot(cred.IssuedAt)
	if err != nil {
		return err
	}
	recipient := root.OB2Recipient(cred.ID, sg.Email, base+"/signatories/"+sg.PublicID)
	return h.ob2JSON(c, http.StatusOK, issuer.OB2Assertion(base, cred.ID, cred.Kind, recipient, cred.IssuedAt, evidence))
}
