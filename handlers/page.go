package handlers

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// Page is what the layout needs on every page; Data is the page's own view model.
type Page struct {
	L         *i18n.Localizer
	Title     string
	Nav       string
	LangLinks []LangLink
	DevLogin  bool
	// Account is the signed-in person, nil for a visitor.
	Account *models.Account
	// Admin shows the administrators' link.
	Admin bool
	// Pending counts the endorsements waiting for the signed-in person's answer.
	Pending int64
	// Notice tells a signed-in member that a recomputation lowered their tier (notices.go).
	Notice *models.TierNotice
	// Unread counts the signed-in member's unread notifications (notices_list.go); UnreadUpTo
	// is the newest one's id, up to which the header's "Mark all as read" marks.
	Unread, UnreadUpTo int64
	// CSRF goes into every form as _csrf.
	CSRF string
	// Path is the page's own address, for "log in and come back".
	Path string
	// Share is the page's Open Graph metadata, for the pages worth sharing (share_meta.go).
	Share *ShareMeta
	Data  any
}

// LangLink switches the interface language while staying on the same page.
type LangLink struct {
	Code, Label, URL string
	Current          bool
}

func (h *Handler) page(c echo.Context, title, nav string, data any) Page {
	l := h.catalog.For(lang(c))
	p := Page{L: l, Title: title, Nav: nav, DevLogin: h.cfg.DevLogin, Account: account(c), Path: c.Request().URL.RequestURI(), Data: data}
	p.CSRF, _ = c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	p.Admin, _ = c.Get("admin").(bool)
	p.Pending, _ = c.Get("pending").(int64)
	p.Notice = h.tierNotice(c)
	unread := h.unreadCount(c)
	p.Unread, p.UnreadUpTo = unread.Count, unread.UpTo
	u := *c.Request().URL
	if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead && !h.returnTo.match(u.Path) {
		// A page answering a form (a login's hand-off to its provider, a refused development
		// login) has no address of its own to reload in another language: the links lead to the
		// page the form came from.
		u = url.URL{Path: "/"}
		if strings.HasPrefix(c.Request().URL.Path, "/auth/") {
			u.Path = "/login"
		}
	}
	for _, code := range i18n.Languages {
		q := u.Query()
		q.Set("lang", code)
		u.RawQuery = q.Encode()
		p.LangLinks = append(p.LangLinks, LangLink{Code: code, Label: l.T("lang." + code), URL: u.RequestURI(), Current: code == l.Lang})
	}
	return p
}

// render writes a page with the layout.
func (h *Handler) render(c echo.Context, status int, name, title, nav string, data any) error {
	var buf bytes.Buffer
	if err := h.views.Render(&buf, name, h.page(c, title, nav, data)); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// countryName names a country in the request's language.
func countryName(c echo.Context, code string) string { return geo.CountryName(code, lang(c)) }

// withQuery returns path?query with one parameter replaced (or removed when value is empty).
func withQuery(path string, q url.Values, key, value string) string {
	q2 := url.Values{}
	for k, v := range q {
		if k != key && k != "lang" {
			q2[k] = v
		}
	}
	if value != "" {
		q2.Set(key, value)
	}
	if len(q2) == 0 {
		return path
	}
	return path + "?" + q2.Encode()
}

func (h *Handler) healthz(c echo.Context) error {
	if err := h.store.Ping(c.Request().Context()); err != nil {
		h.log.Error("health check failed", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}

func (h *Handler) asset(c echo.Context) error {
	f, ok := h.assets.Get(c.Param("hash"), c.Param("*"))
	if !ok {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, f.ContentType, f.Body)
}
