package handlers

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// profileEndorsements is how many endorsements each side of a profile lists.
const profileEndorsements = 50

type profileView struct {
	ID, Name, Anon, Kind, KindLabel, Tier, TierLabel string
	IsOrg, Founding                                  bool
	Country, CountryName, City                       string
	Representative, Role, Affiliation                string
	Website, WebsiteLabel                            string
	Statement                                        template.HTML
	SignedISO, SignedOn                              string
	DeclarationVersion                               int
	Received, Given                                  []endorsementView
	ReceivedTotal, GivenTotal                        int
	ReceivedMore, GivenMore                          string
	Badges                                           badgeCards
	// Endorse is the endorsement form, for a signed-in signatory looking at someone else.
	Endorse *endorseView
}

type endorsementView struct {
	URL, Name, Anon, Level, LevelLabel, ISO, On string
	Comment                                     template.HTML
	// CredentialURL issues and shows the endorsement as a verifiable credential.
	CredentialURL, CredentialLabel string
}

// signatoryByParam loads the listed signatory named in the URL; an id that is not a UUID is
// simply not found.
func (h *Handler) signatoryByParam(c echo.Context) (*models.Signatory, error) {
	id := c.Param("id")
	if u, err := uuid.Parse(id); err != nil || u.String() != id {
		return nil, models.Errorf(models.ENOTFOUND, "no signatory has the id %q", id)
	}
	return h.store.Profile(c.Request().Context(), id)
}

func (h *Handler) signatoryShow(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	w := viewer(c)
	v := profileView{ID: sg.PublicID, Kind: sg.Kind, KindLabel: l.T("kind." + sg.Kind), Tier: sg.Tier, TierLabel: l.T("tier." + sg.Tier),
		IsOrg: sg.Kind == models.KindOrganisation, Country: sg.Country, CountryName: countryName(c, sg.Country),
		Name: shown(w, sg.Visibility.Name, sg.Name), City: shown(w, sg.Visibility.City, sg.City),
		Affiliation: shown(w, sg.Visibility.Affiliation, sg.Affiliation), Website: shown(w, sg.Visibility.Website, sg.Website),
		SignedISO: sg.SignedAt.UTC().Format(time.RFC3339), SignedOn: l.Date(sg.SignedAt)}
	if v.Name == "" {
		v.Anon = l.T("anon."+sg.Kind, v.CountryName)
	}
	if v.City != "" {
		v.City = geo.LocalCityName(sg.Country, v.City, l.Lang)
	}
	if v.IsOrg {
		v.Representative = shown(w, sg.Visibility.Representative, sg.Representative)
		if v.Representative != "" {
			v.Role = sg.Role
		}
	}
	if v.Website != "" {
		if u, err := url.Parse(v.Website); err == nil {
			v.WebsiteLabel = strings.TrimPrefix(u.Host+strings.TrimSuffix(u.Path, "/"), "www.")
		}
	}
	if st := shown(w, sg.Visibility.Statement, sg.Statement); st != "" {
		v.Statement = h.md.HTML(st)
	}
	if v.Founding, err = h.store.IsSeed(ctx, sg.ID); err != nil {
		return err
	}
	if v.DeclarationVersion, err = h.store.SignedVersion(ctx, sg.ID); err != nil {
		return err
	}
	received, nr, err := h.store.Endorsements(ctx, sg.ID, true, profileEndorsements)
	if err != nil {
		return err
	}
	given, ng, err := h.store.Endorsements(ctx, sg.ID, false, profileEndorsements)
	if err != nil {
		return err
	}
	v.Received, v.ReceivedTotal = h.endorsementViews(c, l, received, sg.PublicID, true), int(nr)
	v.Given, v.GivenTotal = h.endorsementViews(c, l, given, sg.PublicID, false), int(ng)
	v.ReceivedMore = l.N("profile.more", nr-int64(len(received)))
	v.GivenMore = l.N("profile.more", ng-int64(len(given)))
	if acc := account(c); acc != nil {
		mine, err := h.store.MySignatory(ctx, acc.ID)
		if err != nil {
			return err
		}
		if mine != nil && mine.Listed && mine.ID != sg.ID {
			ev := &endorseView{Levels: models.Levels, Saved: c.QueryParam("endorsed") == "1", MaxText: models.MaxComment}
			if ev.Mine, err = h.store.MyEndorsementOf(ctx, acc.ID, sg.ID); err != nil {
				return err
			}
			ev.weigh(mine, sg, v.Founding)
			v.Endorse = ev
		}
	}
	if v.Badges, err = h.badgeCards(c, l, sg); err != nil {
		return err
	}
	title := v.Name
	if title == "" {
		title = v.Anon
	}
	return h.renderShared(c, http.StatusOK, "signatory", title, "signatories", v, h.profileShare(l, sg))
}

func (h *Handler) endorsementViews(c echo.Context, l *i18n.Localizer, rows []models.EndorsementRow, self string, received bool) []endorsementView {
	w := viewer(c)
	out := make([]endorsementView, 0, len(rows))
	for _, r := range rows {
		ev := endorsementView{URL: "/signatories/" + r.PublicID, Name: shown(w, r.VisName, r.Name), Level: r.Level,
			LevelLabel: l.T("level." + r.Level), ISO: r.CreatedAt.UTC().Format(time.RFC3339), On: l.Date(r.CreatedAt)}
		if ev.Name == "" {
			ev.Anon = l.T("anon."+r.Kind, countryName(c, r.Country))
		}
		if r.Comment != "" {
			ev.Comment = h.md.HTML(r.Comment)
		}
		ev.CredentialLabel = l.T("profile.endorsement.credential")
		if received {
			ev.CredentialURL = "/signatories/" + self + "/endorsements/" + r.PublicID
		} else {
			ev.CredentialURL = "/signatories/" + r.PublicID + "/endorsements/" + self
		}
		out = append(out, ev)
	}
	return out
}
