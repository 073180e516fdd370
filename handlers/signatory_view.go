package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// viewer is who looks at a page: a signed-in person is a member and also sees members-only
// fields; everyone else sees public fields only. Every response to a signed-in browser is sent
// with Cache-Control: no-store (see session), so a members' view never reaches a shared cache,
// and the server's own caches (summary, map) hold raw rows or aggregates, filtered per request
// here. The API, exports, search and aggregates never ask this: they answer as models.Anonymous.
func viewer(c echo.Context) models.Viewer { return models.Viewer{Member: account(c) != nil} }

// shown returns value when the viewer may see a field at level, else "".
func shown(w models.Viewer, level, value string) string {
	if w.Sees(level) {
		return value
	}
	return ""
}

// ItemView is a signatory in a list, reduced to what the viewer may see.
type ItemView struct {
	ID, URL, Name, Anon, Kind, Tier, TierLabel, City, Country, CountryName, Detail, SignedISO, SignedOn string
}

func (h *Handler) itemView(c echo.Context, l *i18n.Localizer, r *models.ListRow) ItemView {
	w := viewer(c)
	v := ItemView{ID: r.PublicID, URL: "/signatories/" + r.PublicID, Kind: r.Kind, Tier: r.Tier, TierLabel: l.T("tier." + r.Tier),
		Name: shown(w, r.Visibility.Name, r.Name), City: shown(w, r.Visibility.City, r.City), Country: r.Country,
		CountryName: countryName(c, r.Country), SignedISO: r.SignedAt.UTC().Format(time.RFC3339), SignedOn: l.Date(r.SignedAt)}
	if v.Name == "" {
		v.Anon = l.T("anon."+r.Kind, v.CountryName)
	}
	if v.City != "" {
		v.City = geo.LocalCityName(r.Country, v.City, l.Lang)
	}
	if r.Kind == models.KindOrganisation {
		v.Detail = l.T("kind.organisation")
	} else if a := shown(w, r.Visibility.Affiliation, r.Affiliation); a != "" {
		v.Detail = a
	}
	return v
}
