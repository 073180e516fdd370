package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// returnPaths are the route patterns a login may come back to: the site's readable pages (from
// the route table itself, so a new page needs no list kept by hand), not the login round trip.
type returnPaths []string

func newReturnPaths(routes []*echo.Route) returnPaths {
	var out returnPaths
	for _, r := range routes {
		if r.Method == http.MethodGet && !strings.HasPrefix(r.Path, "/auth/") {
			out = append(out, r.Path)
		}
	}
	return out
}

// match tells whether path is one of the site's pages: ":name" stands for one non-empty segment,
// a trailing "*" for the rest.
func (rp returnPaths) match(path string) bool {
	for _, pattern := range rp {
		if matchRoute(pattern, path) {
			return true
		}
	}
	return false
}

func matchRoute(pattern, path string) bool {
	ps, segs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, p := range ps {
		if p == "*" {
			return true
		}
		if i >= len(segs) {
			return false
		}
		switch {
		case strings.HasPrefix(p, ":"):
			if segs[i] == "" {
				return false
			}
		case p != segs[i]:
			return false
		}
	}
	return len(ps) == len(segs)
}

// returnPath is where a login may send the browser back to: one of this site's own pages, or
// "/". A browser reads a Location more loosely than Go does: its URL parser drops control
// characters and spaces at either end and tab, CR and LF anywhere, and takes a backslash for a
// slash, so "/\t/evil.example" or "/\evil.example" would lead to another host. Such characters
// never appear in an address this site makes (its links are percent-encoded), so any of them,
// anywhere, sends the person home; what passes is rebuilt from its parsed, re-encoded parts,
// so the header says exactly what was checked.
func (h *Handler) returnPath(raw string) string {
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return "/"
		}
	}
	if !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") {
		return "/"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !h.returnTo.match(u.Path) {
		return "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
