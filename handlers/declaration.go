package handlers

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/models"
)

type declarationView struct {
	Version                   int
	Lang, LangName            string
	Current                   bool
	HTML                      template.HTML
	SHA256                    string
	PublishedISO, PublishedOn string
	// OriginalURL leads from a translation to the text it translates.
	OriginalURL string
	Others      []declLink
	Versions    []declLink
}

type declLink struct {
	URL, Label, Lang string
	Current          bool
}

// declaration shows the current version, in ?lang= or the interface language.
func (h *Handler) declaration(c echo.Context) error {
	d, err := h.store.CurrentDeclaration(c.Request().Context(), h.textLang(c))
	if err != nil {
		return err
	}
	return h.showDeclaration(c, d, true)
}

func (h *Handler) declarationVersion(c echo.Context) error {
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v <= 0 || strconv.Itoa(v) != c.Param("version") {
		return models.Errorf(models.ENOTFOUND, "no declaration version %q", c.Param("version"))
	}
	ctx := c.Request().Context()
	d, err := h.store.DeclarationVersion(ctx, v, h.textLang(c))
	if err != nil {
		return err
	}
	cur, err := h.store.CurrentDeclaration(ctx, d.Lang)
	if err != nil {
		return err
	}
	return h.showDeclaration(c, d, cur.Version == d.Version)
}

// textLang is the language of the declaration text: the interface language, which ?lang= sets.
func (h *Handler) textLang(c echo.Context) string {
	l := lang(c)
	if declaration.KnownLanguage(l) {
		return l
	}
	return declaration.Languages[0]
}

func (h *Handler) showDeclaration(c echo.Context, d models.Declaration, current bool) error {
	l := h.catalog.For(lang(c))
	v := declarationView{Version: d.Version, Lang: d.Lang, LangName: l.T("lang." + d.Lang), Current: current,
		HTML: h.md.HTML(d.Body), SHA256: d.SHA256, PublishedISO: d.PublishedAt.UTC().Format(time.RFC3339), PublishedOn: l.Date(d.PublishedAt)}
	if d.Translation() {
		v.OriginalURL = fmt.Sprintf("/declaration/%d?lang=%s", d.Version, declaration.Original())
	}
	all, err := h.store.DeclarationVersions(c.Request().Context())
	if err != nil {
		return err
	}
	seen := map[int]bool{}
	for _, o := range all {
		path := fmt.Sprintf("/declaration/%d", o.Version)
		if o.Version == d.Version && o.Lang != d.Lang {
			v.Others = append(v.Others, declLink{URL: path + "?lang=" + o.Lang, Label: l.T("lang." + o.Lang), Lang: o.Lang})
		}
		if !seen[o.Version] {
			seen[o.Version] = true
			v.Versions = append(v.Versions, declLink{URL: path, Current: o.Version == d.Version,
				Label: l.T("declaration.version.label", o.Version, l.Date(o.PublishedAt))})
		}
	}
	if len(v.Versions) < 2 {
		v.Versions = nil
	}
	return h.renderShared(c, http.StatusOK, "declaration", l.T("declaration.title"), "declaration", v,
		h.genericShare(l, c.Request().URL.Path, l.T("declaration.title")))
}
