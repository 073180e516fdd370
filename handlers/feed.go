package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// feedEntries is how many of the newest signatories the Atom feed carries.
const feedEntries = 50

// Atom 1.0 (RFC 4287), the elements the feed uses.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// signatoriesFeed serves the newest public signatories as an Atom feed, for people and sites that
// follow the movement. It lists what the public list lists, as an anonymous visitor sees it: only
// listed entries (active and verified), names only where they are public.
func (h *Handler) signatoriesFeed(c echo.Context) error {
	page, err := h.store.List(c.Request().Context(), models.ListFilter{Sort: models.SortNewest, Limit: feedEntries})
	if err != nil {
		return err
	}
	l := h.catalog.For(embedLang(c))
	base := h.cfg.BaseURL
	self := base + feedAddress(l.Lang)
	f := atomFeed{Lang: l.Lang, ID: base + "/signatories", Title: l.T("feed.title"),
		Author: atomPerson{Name: l.T("site.name"), URI: base + "/"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/signatories"}}}
	var newest time.Time
	for _, r := range page.Rows {
		sg := models.Signatory{Kind: r.Kind, Name: r.Name, Country: r.Country, Visibility: r.Visibility}
		profile := base + "/signatories/" + r.PublicID
		f.Entries = append(f.Entries, atomEntry{ID: profile, Title: publicName(l, &sg), Updated: r.SignedAt.UTC().Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: profile},
			Summary: l.T("feed.summary", l.T("kind."+r.Kind), geo.CountryName(r.Country, l.Lang))})
		if r.SignedAt.After(newest) {
			newest = r.SignedAt
		}
	}
	if newest.IsZero() {
		// An empty registry: Atom requires a date; the epoch says "nothing yet".
		newest = time.Unix(0, 0)
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(f); err != nil {
		return err
	}
	body := buf.Bytes()
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	hd := c.Response().Header()
	hd.Del("Set-Cookie") // the same feed for everyone, which any cache may keep
	hd.Del("Vary")
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Expose-Headers", "ETag")
	hd.Set("Cache-Control", "public, max-age=300")
	hd.Set("ETag", etag)
	// Last-Modified is the newest signature; an entry that leaves the feed changes its ETag but
	// not that date, so a client that sends If-None-Match is answered by it alone.
	hd.Set("Last-Modified", newest.UTC().Format(http.TimeFormat))
	req := c.Request().Header
	if inm := req.Get("If-None-Match"); inm != "" {
		if etagMatches(inm, etag) {
			return c.NoContent(http.StatusNotModified)
		}
	} else if ims, err := http.ParseTime(req.Get("If-Modified-Since")); err == nil && !newest.Truncate(time.Second).After(ims) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", body)
}

// feedLink is the address of the Atom feed a page announces in its head, or "" for a page that
// has none: the layout asks it of every page's data.
func feedLink(data any) string {
	if f, ok := data.(interface{ AtomFeed() string }); ok {
		return f.AtomFeed()
	}
	return ""
}

// AtomFeed announces the feed in the head of the list of signatories.
func (v listView) AtomFeed() string { return v.Feed }

// feedAddress is the feed's path in a language (English without a parameter).
func feedAddress(lang string) string {
	if lang == i18n.Languages[0] {
		return "/signatories.atom"
	}
	return "/signatories.atom?lang=" + lang
}
