package handlers

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
)

// wake tells the job engine that a change has just queued work (a badge to issue or revoke), so
// that it starts now rather than at the engine's next poll (a notification's e-mail likewise).
func (h *Handler) wake() {
	if h.jobs != nil {
		h.jobs.Wake()
	}
}

// credentialFile splits "{id}.json" into the id and the extension, refusing anything but a UUID.
func credentialFile(file string) (id, ext string, ok bool) {
	id, ext = file, ""
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		id, ext = file[:i], file[i:]
	}
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return "", "", false
	}
	return strings.ToLower(id), ext, true
}

// download is a link to a baked image of a credential.
type download struct{ URL, Label string }

type credentialView struct {
	Credential *models.Credential
	// Name and Description are the badge's, in the page's language.
	Name, Description string
	JSONURL           string
	// Downloads are the badge's baked images, for 3.0 wallets and for OB 2.0 backpacks; none
	// for an endorsement.
	Downloads []download
	Recipient string
	// RecipientNote says why the page shows no name: the holder keeps it private, withdrew, or
	// is no longer listed.
	RecipientNote string
	ProfileURL    string
	Listed        bool
	Verified      bool
	// SignedBy is the endorser's DID for an endorsement: its signature is checked against the
	// endorser's key, not the registry's.
	SignedBy string
	// IssuedBy names the issuer as the credential does: the registry, or for an endorsement the
	// endorser (empty when their name was not public).
	IssuedBy string
	// Evidence says what was signed; EvidenceLang is "en" when it is shown as the credential
	// words it, not in the page's language. Likewise RevokedWhy, the reason for a revocation.
	Evidence, EvidenceLang     string
	IssuedOn                   string
	RevokedOn                  string
	RevokedWhy, RevokedWhyLang string
}

// credential serves one credential: JSON for a JSON Accept or .json, else a page a stranger can
// read that checks the signature.
func (h *Handler) credential(c echo.Context) error {
	id, ext, ok := credentialFile(c.Param("file"))
	if !ok || (ext != "" && ext != ".json" && ext != ".svg" && ext != ".png") {
		return echo.ErrNotFound
	}
	cred, err := h.store.CredentialByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if cred.ErasedAt != nil {
		return h.credentialGone(c, cred, ext)
	}
	if ext == ".svg" || ext == ".png" {
		if _, badge := issuer.Achievements[cred.Kind]; !badge {
			return echo.ErrNotFound
		}
		return h.bakedBadge(c, cred, ext)
	}
	c.Response().Header().Add("Vary", "Accept")
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	mt, isJSON := wantsJSON(c.Request().Header.Get("Accept"))
	if ext == ".json" || isJSON {
		if ext == ".json" || !isJSON {
			mt = "application/ld+json"
		}
		return c.Blob(http.StatusOK, mt, []byte(cred.Document))
	}
	return h.credentialPage(c, cred)
}

func (h *Handler) credentialPage(c echo.Context, cred *models.Credential) error {
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	var doc map[string]any
	if err := json.Unmarshal([]byte(cred.Document), &doc); err != nil {
		return err
	}
	v := credentialView{Credential: cred, JSONURL: "/credentials/" + cred.ID + ".json", IssuedOn: l.Date(cred.IssuedAt)}
	v.Name, v.Description = badgeWords(l, cred.Kind, doc)
	if cred.RevokedAt != nil {
		v.RevokedOn = l.Date(*cred.RevokedAt)
		if why, ok := revocationWords(l, cred.Kind, cred.RevokedReason); ok {
			v.RevokedWhy = why
		} else {
			v.RevokedWhy, v.RevokedWhyLang = why, "en"
		}
	}
	if _, badge := issuer.Achievements[cred.Kind]; badge && cred.RevokedAt == nil {
		ob2 := issuer.OB2AssertionURL("", cred.ID)
		v.Downloads = []download{{"/credentials/" + cred.ID + ".png", l.T("cred.download.png")}, {"/credentials/" + cred.ID + ".svg", l.T("cred.download.svg")},
			{ob2 + ".png", l.T("cred.download.ob2_png")}, {ob2 + ".svg", l.T("cred.download.ob2_svg")}}
	}
	if h.keys != nil && h.signer != nil {
		keys, did := h.keys.All(), h.did
		if cred.Kind == "endorsement" {
			// Signed by the endorser's custodial identity.
			if iss, ok := doc["issuer"].(map[string]any); ok {
				did, _ = iss["id"].(string)
				v.SignedBy = did
				if k, err := h.keys.SignatoryKeys(strings.TrimPrefix(did, issuer.SignatoryDID(h.did, ""))); err == nil {
					keys = k
				}
			}
		}
		v.Verified = h.signer.Verify(doc, keys, did) == nil
	}
	if iss, ok := doc["issuer"].(map[string]any); ok {
		v.IssuedBy, _ = iss["name"].(string)
		if id, _ := iss["id"].(string); id == h.did && h.did != "" {
			// The registry itself, named in the page's language.
			v.IssuedBy = l.T("site.name")
		}
	}
	if subj, ok := doc["credentialSubject"].(map[string]any); ok {
		v.Recipient, _ = subj["name"].(string)
		v.ProfileURL, _ = subj["id"].(string)
	}
	if ev, ok := doc["evidence"].([]any); ok && len(ev) > 0 {
		if e, ok := ev[0].(map[string]any); ok {
			desc, _ := e["description"].(string)
			if v.Evidence, ok = evidenceWords(l, desc); !ok {
				v.EvidenceLang = "en"
			}
		}
	}
	sg, err := h.store.SignatoryByRowID(ctx, cred.SignatoryID)
	if err != nil {
		return err
	}
	v.Listed = sg != nil && sg.Listed
	// The credential itself cannot be redacted, but this page shows only what the holder makes
	// public today, and says truly why it shows no name.
	switch {
	case sg == nil || sg.Status == models.StatusWithdrawn || sg.Status == models.StatusDeleted:
		v.Recipient, v.RecipientNote = "", l.T("cred.recipient_withdrawn")
	case !sg.Listed:
		v.Recipient, v.RecipientNote = "", l.T("cred.recipient_unlisted")
	case sg.Visibility.Name != models.Public:
		v.Recipient, v.RecipientNote = "", l.T("cred.recipient_anon")
	case v.Recipient == "":
		// An endorsement names its holder by profile only: the profile shows the name.
		v.Recipient = sg.Name
	}
	return h.renderShared(c, http.StatusOK, "credential", v.Name, "", v, h.credentialShare(l, cred, v))
}

// bakedBadge serves the badge image with the credential baked in, to download and keep.
func (h *Handler) bakedBadge(c echo.Context, cred *models.Credential, ext string) error {
	a := issuer.Achievements[cred.Kind]
	var body []byte
	var err error
	ct := "image/svg+xml"
	if ext == ".svg" {
		body, err = issuer.BakeSVG(cred.Kind, a.Name, cred.Document)
	} else {
		ct = "image/png"
		body, err = issuer.BakePNG(cred.Kind, cred.Document)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+cred.Kind+`-badge`+ext+`"`)
	// Short: a copy withdrawn when its holder hides their name must leave caches soon.
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.Blob(http.StatusOK, ct, body)
}

// achievement serves the definition of a badge, or its artwork (.svg, .png).
func (h *Handler) achievement(c echo.Context) error {
	slug := c.Param("slug")
	if kind, ok := strings.CutSuffix(slug, ".svg"); ok {
		body, err := issuer.ArtSVG(kind, issuer.Achievements[kind].Name, "")
		if err != nil {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		return c.Blob(http.StatusOK, "image/svg+xml", body)
	}
	if kind, ok := strings.CutSuffix(slug, ".png"); ok {
		if _, known := issuer.Achievements[kind]; !known {
			return echo.ErrNotFound
		}
		body, err := issuer.ArtPNGFile(kind, 512)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		return c.Blob(http.StatusOK, "image/png", body)
	}
	a, ok := issuer.Achievements[slug]
	if !ok {
		return echo.ErrNotFound
	}
	base := h.cfg.BaseURL
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return c.JSON(http.StatusOK, map[string]any{
		"@context": []string{issuer.ContextVC2, issuer.ContextOB3}, "id": base + "/achievements/" + a.Slug, "type": []string{"Achievement"},
		"name": a.Name, "description": a.Description, "criteria": map[string]string{"id": issuer.CriteriaURL(base, a), "narrative": a.Criteria},
		"image": map[string]string{"id": issuer.AchievementImage(base, a), "type": "Image"},
		"creator": map[string]any{"id": h.did, "type": []string{"Profile"}, "name": "Open Recognition Registry", "url": base,
			"email": h.issuerEmail(), "image": map[string]string{"id": base + issuer.IssuerImagePath, "type": "Image"}},
	})
}

// issuerImage serves the registry's logo, the issuer Profile's image.
func (h *Handler) issuerImage(c echo.Context) error {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, issuer.LogoPNG(256)); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return c.Blob(http.StatusOK, "image/png", buf.Bytes())
}

// serveStatus answers a signed status list; any site's verifier may read it, and revalidate it
// by its ETag (the hash of the stored copy, the same on every server).
func serveStatus(c echo.Context, l issuer.SignedStatusList) error {
	hd := c.Response().Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Expose-Headers", "ETag")
	hd.Set("Cache-Control", "public, max-age=60")
	hd.Set("ETag", l.ETag)
	hd.Set("Last-Modified", l.SignedAt.UTC().Format(http.TimeFormat))
	if etagMatches(c.Request().Header.Get("If-None-Match"), l.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "application/ld+json", l.Body)
}

// statusList serves a signed Bitstring Status List credential of the registry.
func (h *Handler) statusList(c echo.Context) error {
	list, err := strconv.Atoi(c.Param("list"))
	if err != nil || list < 1 || h.statusLists == nil {
		return echo.ErrNotFound
	}
	l, err := h.statusLists.Serve(c.Request().Context(), models.StatusListRef{List: list})
	if err != nil {
		return err
	}
	return serveStatus(c, l)
}
