package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
)

// The embeddable images are drawn with attributes only (no <style>, no script, no external font
// or link), so that they show the same inside an <img> on any site. Their colours are the site's.
const (
	embedInk   = "#1d2b30"
	embedMuted = "#3d4d52"
	embedTeal  = "#0b5563"
	embedGrey  = "#6b7478"
	embedFont  = `system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, Helvetica, Arial, sans-serif`
)

// embedLang is the language of an embeddable image: ?lang= only (English by default), never the
// visitor's cookie or browser, so that one address is one image that any cache may keep.
func embedLang(c echo.Context) string {
	if l := c.QueryParam("lang"); i18n.Supported(l) {
		return l
	}
	return i18n.Languages[0]
}

// embedSVG draws the "We signed" image: heading, the Declaration, the public name and the date;
// a withdrawn or revoked signature says so instead.
func embedSVG(l *i18n.Localizer, st embedStatus) string {
	heading, colour := "", embedTeal
	var name, date string
	switch st.State {
	case embedWithdrawn:
		heading, colour = l.T("embed.svg.withdrawn"), embedGrey
		date = l.T("embed.svg.withdrawn_note")
	case embedRevoked:
		heading, colour = l.T("embed.svg.revoked"), embedGrey
		name = publicName(l, st.Signatory)
	default:
		heading = l.T("embed.svg.signed." + st.Signatory.Kind)
		name = publicName(l, st.Signatory)
		date = l.T("embed.svg.on", l.Date(st.Signatory.SignedAt))
	}
	label := heading + " — " + l.T("site.tagline")
	if name != "" {
		label += ": " + name
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + strconv.Itoa(embedWidth) + `" height="` + strconv.Itoa(embedHeight) +
		`" viewBox="0 0 ` + strconv.Itoa(embedWidth) + ` ` + strconv.Itoa(embedHeight) + `" role="img" aria-label="` + html.EscapeString(label) + `">`)
	b.WriteString(`<title>` + html.EscapeString(label) + `</title>`)
	b.WriteString(`<rect x="0.5" y="0.5" width="` + strconv.Itoa(embedWidth-1) + `" height="` + strconv.Itoa(embedHeight-1) +
		`" rx="10" fill="#ffffff" stroke="` + colour + `"/>`)
	b.WriteString(`<circle cx="40" cy="50" r="22" fill="` + colour + `"/>`)
	if st.State == embedSigned {
		b.WriteString(`<path d="M29 50l7 7 14-15" fill="none" stroke="#ffffff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>`)
	} else {
		b.WriteString(`<path d="M32 42l16 16M48 42l-16 16" fill="none" stroke="#ffffff" stroke-width="4" stroke-linecap="round"/>`)
	}
	const x, room = 76, embedWidth - 76 - 12
	svgText(&b, x, 30, 16, "700", embedInk, heading, room, false)
	svgText(&b, x, 48, 11, "400", embedMuted, l.T("site.tagline"), room, true)
	if name != "" {
		svgText(&b, x, 70, 14, "600", embedInk, name, room, false)
	}
	if date != "" {
		svgText(&b, x, 88, 11, "400", embedMuted, date, room, false)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// countWidth and countHeight are the size of /embed/count.svg.
const countWidth, countHeight = 300, 64

// countSVG draws the movement's total: "1,234 signatories" over the Declaration's name.
func countSVG(l *i18n.Localizer, n int64) string {
	count := l.N("embed.count", n)
	label := count + " — " + l.T("site.tagline")
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + strconv.Itoa(countWidth) + `" height="` + strconv.Itoa(countHeight) +
		`" viewBox="0 0 ` + strconv.Itoa(countWidth) + ` ` + strconv.Itoa(countHeight) + `" role="img" aria-label="` + html.EscapeString(label) + `">`)
	b.WriteString(`<title>` + html.EscapeString(label) + `</title>`)
	b.WriteString(`<rect x="0.5" y="0.5" width="` + strconv.Itoa(countWidth-1) + `" height="` + strconv.Itoa(countHeight-1) +
		`" rx="10" fill="#ffffff" stroke="` + embedTeal + `"/>`)
	svgText(&b, 14, 30, 20, "700", embedTeal, count, countWidth-28, true)
	svgText(&b, 14, 50, 11, "400", embedMuted, l.T("site.tagline"), countWidth-28, true)
	b.WriteString(`</svg>`)
	return b.String()
}

// svgText writes one line of text that stays within room: a name too long is cut with an
// ellipsis; a fixed phrase (squeeze) is narrowed instead, every word of it kept. Widths are
// estimated, as the host's font is not known.
func svgText(b *strings.Builder, x, y, size int, weight, fill, text string, room int, squeeze bool) {
	perRune := float64(size) * 0.56
	extra := ""
	if fit := int(float64(room) / perRune); utf8.RuneCountInString(text) > fit {
		if squeeze {
			extra = ` textLength="` + strconv.Itoa(room) + `" lengthAdjust="spacingAndGlyphs"`
		} else {
			r := []rune(text)
			text = strings.TrimSpace(string(r[:fit-1])) + "…"
		}
	}
	b.WriteString(`<text x="` + strconv.Itoa(x) + `" y="` + strconv.Itoa(y) + `" font-family="` + embedFont + `" font-size="` + strconv.Itoa(size) +
		`" font-weight="` + weight + `" fill="` + fill + `"` + extra + `>` + html.EscapeString(text) + `</text>`)
}

// serveEmbed sends an embeddable image so that other sites may show it: readable across origins
// (Cross-Origin-Resource-Policy, for hosts that isolate themselves; CORS, for scripts that read
// it), cached for a few minutes by anyone, then revalidated by its ETag. The registry's own
// headers (its CSP among them) stay as they are.
func serveEmbed(c echo.Context, body []byte) error {
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	hd := c.Response().Header()
	// The image depends on its address only: no cookie set by the middleware (a language chosen
	// with ?lang=, a form token for a signed-in visitor) rides on it, and nothing varies.
	hd.Del("Set-Cookie")
	hd.Del("Vary")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Expose-Headers", "ETag")
	hd.Set("Cache-Control", "public, max-age=300")
	hd.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "image/svg+xml", body)
}

// countImage serves the movement's total, from the summary the home page shows.
func (h *Handler) countImage(c echo.Context) error {
	sum, err := h.summary.Get(c.Request().Context())
	if err != nil {
		return err
	}
	return serveEmbed(c, []byte(countSVG(h.catalog.For(embedLang(c)), sum.Total)))
}
