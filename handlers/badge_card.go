package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/sharelink"
)

// badgeCards is what views/partials/badge_card.html shows wherever a signatory meets their
// badges (the profile, the thanks page, the account): one card for each live badge, and a line
// for each badge still on its way.
type badgeCards struct {
	L     *i18n.Localizer
	Cards []badgeView
	// Issuing names the badges waiting in the outbox: the pages say they are on their way
	// (to everyone: that a badge is coming reveals nothing the tier does not).
	Issuing []string
	// EmbedURL offers the signatory, and only them, the snippet for their own website (embed.go).
	EmbedURL string
}

// Any reports whether there is anything to show.
func (b badgeCards) Any() bool { return len(b.Cards) > 0 || len(b.Issuing) > 0 }

// badgeView is one badge: its artwork, name and date, its verification page, its downloads
// and the ways to share it.
type badgeView struct {
	ID, Kind, Name, ImageURL               string
	IssuedISO, IssuedOn                    string
	URL, JSONURL, PNGURL, SVGURL, ShareURL string
	// LinkedInURL adds the badge to the holder's LinkedIn profile as a certification.
	LinkedInURL string
	// Shares are the networks' share pages and an e-mail; QRURL a QR code of ShareURL.
	Shares []shareLink
	QRURL  string
}

// badgeCards lists a signatory's live badges, newest first, and those being issued. Endorsement
// credentials are not badges of the signatory: they are shown with each endorsement.
func (h *Handler) badgeCards(c echo.Context, l *i18n.Localizer, sg *models.Signatory) (badgeCards, error) {
	ctx := c.Request().Context()
	out := badgeCards{L: l}
	creds, err := h.store.SignatoryCredentials(ctx, sg.ID)
	if err != nil {
		return out, err
	}
	for _, cr := range creds {
		if cr.RevokedAt != nil || cr.Kind == "endorsement" {
			continue
		}
		u := "/credentials/" + cr.ID
		name, page := l.T("tier."+cr.Kind), h.cfg.BaseURL+u
		out.Cards = append(out.Cards, badgeView{ID: cr.ID, Kind: cr.Kind, Name: name, ImageURL: "/achievements/" + cr.Kind + ".svg",
			IssuedISO: cr.IssuedAt.UTC().Format(time.RFC3339), IssuedOn: l.Date(cr.IssuedAt),
			URL: u, JSONURL: u + ".json", PNGURL: u + ".png", SVGURL: u + ".svg", ShareURL: page,
			LinkedInURL: sharelink.Badge{Kind: cr.Kind, CredentialID: cr.ID, IssuedAt: cr.IssuedAt}.LinkedIn(l, h.cfg.BaseURL),
			Shares:      badgeShareLinks(l, name, page), QRURL: u + "/qr.png"})
	}
	if acc := account(c); acc != nil && sg.AccountID != nil && *sg.AccountID == acc.ID && sg.Listed {
		out.EmbedURL = "/signatories/" + sg.PublicID + "/embed"
	}
	issuing, err := h.store.BadgesBeingIssued(ctx, sg.ID)
	if err != nil {
		return out, err
	}
	for _, kind := range issuing {
		out.Issuing = append(out.Issuing, l.T("profile.badge.issuing", l.T("tier."+kind)))
	}
	return out, nil
}
