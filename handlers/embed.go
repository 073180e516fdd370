package handlers

import (
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// States of a signature as the embeddable image shows it.
const (
	embedSigned    = "signed"
	embedRevoked   = "revoked"
	embedWithdrawn = "withdrawn"
)

// Size of the embeddable image: the snippet states it so that the host page keeps its place.
const embedWidth, embedHeight = 360, 100

// embedStatus is what the embeddable image says about one signatory, always as an anonymous
// visitor sees them: the image is shown on other sites, to anyone.
type embedStatus struct {
	State string
	// Signatory is nil for a withdrawn entry, whose profile is gone with the name on it.
	Signatory *models.Signatory
	// CredentialID is the live Signatory credential, whose verification page the snippet links to;
	// empty while it is being issued (or for an entry that never had one).
	CredentialID string
}

// embedStatusOf says whether the signatory named in the URL still stands by the Declaration. An
// unknown id, a hidden or unverified entry are all ENOTFOUND alike, so that the image reveals no
// more than the profile; a withdrawn or deleted entry says so, without its name.
func (h *Handler) embedStatusOf(c echo.Context) (embedStatus, error) {
	sg, err := h.signatoryByParam(c)
	if models.ErrorCode(err) == models.EGONE {
		return embedStatus{State: embedWithdrawn}, nil
	}
	if err != nil {
		return embedStatus{}, err
	}
	ctx := c.Request().Context()
	st := embedStatus{State: embedSigned, Signatory: sg}
	creds, err := h.store.SignatoryCredentials(ctx, sg.ID)
	if err != nil {
		return st, err
	}
	revoked := false
	for _, cr := range creds {
		if cr.Kind != "signatory" {
			continue
		}
		if cr.RevokedAt == nil && cr.ErasedAt == nil {
			st.CredentialID = cr.ID
			return st, nil
		}
		revoked = true
	}
	if revoked {
		// A credential revoked and another on its way (a new name signed again) is no
		// revocation of the signature.
		issuing, err := h.store.BadgesBeingIssued(ctx, sg.ID)
		if err != nil {
			return st, err
		}
		if !slices.Contains(issuing, "signatory") {
			st.State = embedRevoked
		}
	}
	return st, nil
}

// publicName is a signatory's name as every visitor sees it, or the words that stand for it.
func publicName(l *i18n.Localizer, sg *models.Signatory) string {
	if name := shown(models.Anonymous, sg.Visibility.Name, sg.Name); name != "" {
		return name
	}
	return l.T("anon."+sg.Kind, geo.CountryName(sg.Country, l.Lang))
}

type embedView struct {
	ID, Name, ProfileURL string
	// Snippet is the HTML to copy, with the registry's full addresses; Preview is the same
	// markup with the image from this site, so that the page's own CSP shows it.
	Snippet string
	Preview template.HTML
}

// embedPage gives a signatory the HTML that puts their live signature on their own website:
// a link around an image, with no script and no style, so that it works under the strictest
// CSP of the host site.
func (h *Handler) embedPage(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	st, err := h.embedStatusOf(c)
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	name := publicName(l, sg)
	img := "/signatories/" + sg.PublicID + "/embed.svg"
	if l.Lang != i18n.Languages[0] {
		img += "?lang=" + l.Lang
	}
	target := "/signatories/" + sg.PublicID
	if st.CredentialID != "" {
		target = "/credentials/" + st.CredentialID
	}
	v := embedView{ID: sg.PublicID, Name: name, ProfileURL: "/signatories/" + sg.PublicID,
		Snippet: embedSnippet(h.cfg.BaseURL+target, h.cfg.BaseURL+img, l.T("embed.alt", name)),
		Preview: template.HTML(embedSnippet(target, img, l.T("embed.alt", name)))}
	return h.render(c, http.StatusOK, "embed", l.T("embed.title"), "signatories", v)
}

// embedSnippet is the markup to paste: attributes only, every value escaped.
func embedSnippet(href, src, alt string) string {
	return `<a href="` + html.EscapeString(href) + `"><img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(alt) +
		`" width="` + strconv.Itoa(embedWidth) + `" height="` + strconv.Itoa(embedHeight) + `"></a>`
}

// embedImage serves the live signature as an SVG image for other sites.
func (h *Handler) embedImage(c echo.Context) error {
	st, err := h.embedStatusOf(c)
	if err != nil {
		if models.ErrorCode(err) == models.ENOTFOUND {
			// A bare 404 for an image: no page of text for a site that asked for a picture.
			return c.NoContent(http.StatusNotFound)
		}
		return err
	}
	l := h.catalog.For(embedLang(c))
	return serveEmbed(c, []byte(embedSVG(l, st)))
}
