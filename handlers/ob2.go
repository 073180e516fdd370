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

// issuerEmail is the issuer's e-mail in credentials and OB 2.0 documents.
func (h *Handler) issuerEmail() string {
	if h.cfg.IssuerEmail != "" {
		return h.cfg.IssuerEmail
	}
	return issuer.DefaultIssuerEmail(h.cfg.BaseURL)
}

func (h *Handler) ob2Issuer(c echo.Context) error {
	return h.ob2JSON(c, http.StatusOK, issuer.OB2Issuer(h.cfg.BaseURL, "Open Recognition Registry", h.issuerEmail()))
}

func (h *Handler) ob2Badge(c echo.Context) error {
	a, ok := issuer.Achievements[c.Param("slug")]
	if !ok {
		return echo.ErrNotFound
	}
	return h.ob2JSON(c, http.StatusOK, issuer.OB2BadgeClass(h.cfg.BaseURL, a))
}

// ob2Assertion serves the hosted Open Badges 2.0 assertion of a badge, or its image baked for
// OB 2.0 (.png, .svg); a revoked one answers 410 Gone, the assertion with {"revoked": true}, as
// hosted verification expects. Endorsements have no OB 2.0 form: their badge class and image
// would not exist.
func (h *Handler) ob2Assertion(c echo.Context) error {
	id, ext, ok := credentialFile(c.Param("id"))
	if !ok || (ext != "" && ext != ".png" && ext != ".svg") || h.keys == nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	cred, err := h.store.CredentialByID(ctx, id)
	if err != nil {
		return err
	}
	a, badge := issuer.Achievements[cred.Kind]
	if !badge {
		return echo.ErrNotFound
	}
	base := h.cfg.BaseURL
	assertionURL := issuer.OB2AssertionURL(base, cred.ID)
	if cred.RevokedAt != nil {
		if ext != "" {
			return httpError(http.StatusGone, "cred.revoked", "this badge was revoked")
		}
		return h.ob2JSON(c, http.StatusGone, map[string]any{"@context": issuer.ContextOB2, "id": assertionURL,
			"revoked": true, "revocationReason": cred.RevokedReason})
	}
	if ext != "" {
		return h.ob2Baked(c, cred.Kind, a.Name, assertionURL, ext)
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

// ob2Baked serves a badge's image with its OB 2.0 hosted assertion's URL baked in, for backpacks
// that import 2.0 badges.
func (h *Handler) ob2Baked(c echo.Context, kind, title, assertionURL, ext string) error {
	var body []byte
	var err error
	ct := "image/svg+xml"
	if ext == ".svg" {
		body, err = issuer.BakeOB2SVG(kind, title, assertionURL)
	} else {
		ct = "image/png"
		body, err = issuer.BakeOB2PNG(kind, assertionURL)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+kind+`-badge-ob2`+ext+`"`)
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.Blob(http.StatusOK, ct, body)
}
