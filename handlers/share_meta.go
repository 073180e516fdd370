package handlers

import (
	"bytes"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/sharecard"
)

// ShareMeta is the Open Graph and Twitter card metadata that views/layout.html writes in <head>
// for a page worth sharing. Every address is absolute (the networks fetch them from elsewhere),
// and everything in it is what a stranger sees: never what the signed-in viewer may.
type ShareMeta struct {
	Title, Description, URL, Type string
	// Image is the card drawn by the registry (share_image.go), Width×Height pixels.
	Image, ImageAlt string
	Width, Height   int
	// SiteName and Locale are the registry's name and the page's language, as og: wants them.
	SiteName, Locale string
}

// shareMeta fills the metadata of the page at path: its card at imagePath, drawn in the page's
// language.
func (h *Handler) shareMeta(l *i18n.Localizer, path, title, description, imagePath, kind string) *ShareMeta {
	img := h.cfg.BaseURL + imagePath + "?" + url.Values{"lang": {l.Lang}}.Encode()
	return &ShareMeta{Title: title, Description: description, URL: h.cfg.BaseURL + path, Type: kind,
		Image: img, ImageAlt: l.T("share.image_alt", title), Width: sharecard.Width, Height: sharecard.Height,
		SiteName: l.T("site.name"), Locale: ogLocales[l.Lang]}
}

// ogLocales are the interface languages in the language_TERRITORY form og:locale asks for.
var ogLocales = map[string]string{"en": "en_GB", "fr": "fr_FR", "it": "it_IT", "es": "es_ES", "de": "de_DE"}

// genericShare is the registry's own card, for the home page, the Declaration and every page
// whose subject keeps their name private.
func (h *Handler) genericShare(l *i18n.Localizer, path, title string) *ShareMeta {
	if title == "" {
		title = l.T("site.name")
	}
	return h.shareMeta(l, path, title, l.T("site.description"), "/share.png", "website")
}

// profileShare is a profile's metadata: the name only when it is public, else the registry's card.
func (h *Handler) profileShare(l *i18n.Localizer, sg *models.Signatory) *ShareMeta {
	path := "/signatories/" + sg.PublicID
	name := strangerName(sg)
	if name == "" {
		return h.genericShare(l, path, "")
	}
	return h.shareMeta(l, path, name, l.T("share.profile.description", l.T("tier."+sg.Tier)), path+"/share.png", "profile")
}

// strangerName is the name a stranger sees, whoever is looking: "" unless the signatory is listed,
// active (not withdrawn, deleted or moderated away) and shows their name to everyone.
func strangerName(sg *models.Signatory) string {
	if sg == nil || !sg.Listed || sg.Status != models.StatusActive || sg.Visibility.Name != models.Public {
		return ""
	}
	return sg.Name
}

// renderShared writes a page with the layout and its share metadata.
func (h *Handler) renderShared(c echo.Context, status int, name, title, nav string, data any, share *ShareMeta) error {
	p := h.page(c, title, nav, data)
	p.Share = share
	var buf bytes.Buffer
	if err := h.views.Render(&buf, name, p); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// credentialShare is a verification page's metadata: the holder's name as the page shows it,
// the badge, and whether it was revoked. An endorsement is shared with the registry's card.
func (h *Handler) credentialShare(l *i18n.Localizer, cred *models.Credential, v credentialView) *ShareMeta {
	path := "/credentials/" + cred.ID
	if _, badge := issuer.Achievements[cred.Kind]; !badge {
		return h.genericShare(l, path, v.Name)
	}
	title, badgeName := v.Name, l.T("tier."+cred.Kind)
	if v.Recipient != "" {
		title = v.Recipient + " — " + v.Name
	}
	desc := l.T("share.credential.description", badgeName)
	if cred.RevokedAt != nil {
		desc = l.T("share.credential.revoked", badgeName)
	}
	return h.shareMeta(l, path, title, desc, path+"/share.png", "website")
}
