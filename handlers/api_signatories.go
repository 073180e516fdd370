package handlers

import (
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// apiItem is a signatory in API lists; a field that is not public is absent, not empty.
type apiItem struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Kind     string `json:"kind"`
	Country  string `json:"country"`
	City     string `json:"city,omitempty"`
	Tier     string `json:"tier"`
	SignedAt string `json:"signed_at"`
	URL      string `json:"url"`
}

type apiList struct {
	Items      []apiItem `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

type apiSignatory struct {
	apiItem
	Representative       string           `json:"representative,omitempty"`
	Role                 string           `json:"role,omitempty"`
	Affiliation          string           `json:"affiliation,omitempty"`
	Website              string           `json:"website,omitempty"`
	Statement            string           `json:"statement,omitempty"`
	StatementHTML        template.HTML    `json:"statement_html,omitempty"`
	FoundingAmbassador   bool             `json:"founding_ambassador"`
	DeclarationVersion   int              `json:"declaration_version,omitempty"`
	EndorsementsReceived []apiEndorsement `json:"endorsements_received"`
	EndorsementsGiven    []apiEndorsement `json:"endorsements_given"`
	Credentials          []apiCredential  `json:"credentials"`
}

type apiEndorsement struct {
	Signatory   apiParty      `json:"signatory"`
	Level       string        `json:"level"`
	Comment     string        `json:"comment,omitempty"`
	CommentHTML template.HTML `json:"comment_html,omitempty"`
	CreatedAt   string        `json:"created_at"`
}

type apiParty struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

type apiCredential struct {
	Type    string `json:"type"`
	URL     string `json:"url"`
	Revoked bool   `json:"revoked"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (h *Handler) profileURL(publicID string) string {
	return h.cfg.BaseURL + "/signatories/" + publicID
}

func (h *Handler) apiItem(w models.Viewer, r *models.ListRow) apiItem {
	return apiItem{ID: r.PublicID, Name: shown(w, r.Visibility.Name, r.Name), Kind: r.Kind, Country: r.Country,
		City: shown(w, r.Visibility.City, r.City), Tier: r.Tier, SignedAt: stamp(r.SignedAt), URL: h.profileURL(r.PublicID)}
}

func (h *Handler) apiSignatoriesList(c echo.Context) error {
	f, err := listFilter(c)
	if err != nil {
		return err
	}
	page, err := h.store.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	// The open data API answers the same to everyone, signed in or not.
	w := models.Anonymous
	out := apiList{Items: make([]apiItem, 0, len(page.Rows)), NextCursor: page.NextCursor}
	for i := range page.Rows {
		out.Items = append(out.Items, h.apiItem(w, &page.Rows[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) apiSignatoryShow(c echo.Context) error {
	sg, err := h.signatoryByParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	w := models.Anonymous
	row := models.ListRow{PublicID: sg.PublicID, Kind: sg.Kind, Name: sg.Name, Country: sg.Country, City: sg.City,
		Tier: sg.Tier, SignedAt: sg.SignedAt, Visibility: sg.Visibility}
	out := apiSignatory{apiItem: h.apiItem(w, &row), Affiliation: shown(w, sg.Visibility.Affiliation, sg.Affiliation),
		Website: shown(w, sg.Visibility.Website, sg.Website), Credentials: []apiCredential{}}
	creds, err := h.store.SignatoryCredentials(ctx, sg.ID)
	if err != nil {
		return err
	}
	for _, cr := range creds {
		if cr.ErasedAt != nil {
			continue // withdrawn: no longer served, so not linked
		}
		out.Credentials = append(out.Credentials, apiCredential{Type: cr.Kind, URL: h.cfg.BaseURL + "/credentials/" + cr.ID, Revoked: cr.RevokedAt != nil})
	}
	if sg.Kind == models.KindOrganisation {
		out.Representative = shown(w, sg.Visibility.Representative, sg.Representative)
		if out.Representative != "" {
			out.Role = sg.Role
		}
	}
	if st := shown(w, sg.Visibility.Statement, sg.Statement); st != "" {
		out.Statement, out.StatementHTML = st, h.md.HTML(st)
	}
	if out.FoundingAmbassador, err = h.store.IsSeed(ctx, sg.ID); err != nil {
		return err
	}
	if out.DeclarationVersion, err = h.store.SignedVersion(ctx, sg.ID); err != nil {
		return err
	}
	for _, received := range []bool{true, false} {
		rows, _, err := h.store.Endorsements(ctx, sg.ID, received, profileEndorsements)
		if err != nil {
			return err
		}
		list := make([]apiEndorsement, 0, len(rows))
		for _, r := range rows {
			e := apiEndorsement{Signatory: apiParty{ID: r.PublicID, Name: shown(w, r.VisName, r.Name), URL: h.profileURL(r.PublicID)},
				Level: r.Level, Comment: r.Comment, CreatedAt: stamp(r.CreatedAt)}
			if r.Comment != "" {
				e.CommentHTML = h.md.HTML(r.Comment)
			}
			list = append(list, e)
		}
		if received {
			out.EndorsementsReceived = list
		} else {
			out.EndorsementsGiven = list
		}
	}
	return c.JSON(http.StatusOK, out)
}
