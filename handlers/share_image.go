package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/sharecard"
)

// shareCardVersion changes the ETag of every card when the drawing changes.
const shareCardVersion = "1"

// shareImages draws the cards that the share metadata points to, and keeps the recent ones.
type shareImages struct {
	painter *sharecard.Painter
	cache   *shareCache
}

func newShareImages() (*shareImages, error) {
	p, err := sharecard.New()
	if err != nil {
		return nil, err
	}
	return &shareImages{painter: p, cache: newShareCache()}, nil
}

// genericCard is the registry's own card, in the request's language.
func (h *Handler) genericCard(l *i18n.Localizer) sharecard.Card {
	return sharecard.Card{Title: l.T("site.tagline"), Subtitle: l.T("share.card.generic"), Site: l.T("site.name"), Host: h.shareHost()}
}

// shareHost is the registry's address as the foot of a card shows it.
func (h *Handler) shareHost() string {
	if u, err := url.Parse(h.cfg.BaseURL); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Host+strings.TrimSuffix(u.Path, "/"), "www.")
	}
	return ""
}

// shareImageHome serves the registry's card (/share.png), for the home page and the Declaration.
func (h *Handler) shareImageHome(c echo.Context) error {
	return h.serveCard(c, h.genericCard(h.catalog.For(lang(c))))
}

// shareImageProfile serves a signatory's card: their public name and tier; the registry's card
// for anyone whose name is not public or who is no longer listed.
func (h *Handler) shareImageProfile(c echo.Context) error {
	l := h.catalog.For(lang(c))
	sg, err := h.signatoryByParam(c)
	var de *models.Error
	if errors.As(err, &de) && de.Code == models.EGONE {
		return h.serveCard(c, h.genericCard(l))
	}
	if err != nil {
		return err
	}
	name := strangerName(sg)
	if name == "" {
		return h.serveCard(c, h.genericCard(l))
	}
	tier := l.T("tier." + sg.Tier)
	return h.serveCard(c, sharecard.Card{Kind: sg.Tier, Title: name, Subtitle: l.T("share.card.profile", tier), Site: l.T("site.name"), Host: h.shareHost()})
}

// shareImageCredential serves a badge's card: its artwork, the holder's name when it is public
// (else the badge's), and "revoked" on a revoked badge. An endorsement or an erased credential
// gets the registry's card.
func (h *Handler) shareImageCredential(c echo.Context) error {
	l := h.catalog.For(lang(c))
	id, ext, ok := credentialFile(c.Param("file"))
	if !ok || ext != "" {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	cred, err := h.store.CredentialByID(ctx, id)
	if err != nil {
		return err
	}
	if _, badge := issuer.Achievements[cred.Kind]; !badge || cred.ErasedAt != nil {
		return h.serveCard(c, h.genericCard(l))
	}
	sg, err := h.store.SignatoryByRowID(ctx, cred.SignatoryID)
	if err != nil {
		return err
	}
	badgeName := l.T("tier." + cred.Kind)
	card := sharecard.Card{Kind: cred.Kind, Title: strangerName(sg), Subtitle: l.T("share.card.credential", badgeName), Site: l.T("site.name"), Host: h.shareHost()}
	if card.Title == "" {
		card.Title = badgeName
	}
	if cred.RevokedAt != nil {
		card.Warning = l.T("share.card.revoked")
	}
	return h.serveCard(c, card)
}

// serveCard answers with the card's PNG: from the cache when drawn before, 304 when the client
// holds it already. Cached briefly by others: a name made private must leave their caches soon.
func (h *Handler) serveCard(c echo.Context, card sharecard.Card) error {
	sum := sha256.Sum256([]byte(strings.Join([]string{shareCardVersion, card.Kind, card.Title, card.Subtitle, card.Warning, card.Site, card.Host}, "\x00")))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hdr := c.Response().Header()
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", "public, max-age=300")
	hdr.Set("Access-Control-Allow-Origin", "*")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	body, ok := h.shares.cache.get(etag)
	if !ok {
		var err error
		if body, err = h.shares.painter.PNG(card); err != nil {
			return err
		}
		h.shares.cache.put(etag, body)
	}
	return c.Blob(http.StatusOK, "image/png", body)
}
