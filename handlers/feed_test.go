package handlers_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// atomDoc reads back what a feed reader needs.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

// The Atom feed lists the newest signatories exactly as the public list does: listed entries
// only, names only where public, escaped, newest first.
func TestSignatoriesFeed(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture+awkward)
	a := newApp(t, s, handlers.Config{BaseURL: "https://registry.example.org"})
	const base = "https://registry.example.org"

	rec := a.get("/signatories.atom")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("/signatories.atom = %d %q\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	body := rec.Body.String()
	wellFormed(t, "the feed", body)
	noSecrets(t, "the feed", body)
	var f atomDoc
	if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	want := []struct{ ref, title, summary string }{
		{"awk", `Ben & <Co> "Ltd"`, "Organisation, Germany"},
		{"zoe", "Zoé Müller", "Person, Switzerland"},
		{"org", "Università Aperta", "Organisation, Italy"},
		{"hid", "A signatory from Italy", "Person, Italy"},
		{"ada", "Ada Lovelace", "Person, United Kingdom"},
	}
	if len(f.Entries) != len(want) {
		t.Fatalf("the feed has %d entries, want %d:\n%s", len(f.Entries), len(want), body)
	}
	for i, w := range want {
		e := f.Entries[i]
		profile := base + "/signatories/" + id(w.ref)
		if e.Title != w.title || e.ID != profile || e.Link.Href != profile || e.Summary != w.summary {
			t.Errorf("entry %d = %+v, want %s %q %q", i, e, w.ref, w.title, w.summary)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry %d updated %q: %v", i, e.Updated, err)
		}
	}
	if f.Entries[0].Updated != "2024-05-08T10:00:00Z" || f.Updated != f.Entries[0].Updated {
		t.Errorf("the feed is updated %q, its newest entry %q; want the newest signature", f.Updated, f.Entries[0].Updated)
	}
	self := false
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && l.Href == base+"/signatories.atom")
	}
	if !self || f.ID == "" || f.Title == "" {
		t.Errorf("feed id %q title %q links %v", f.ID, f.Title, f.Links)
	}

	etag, modified := rec.Header().Get("ETag"), rec.Header().Get("Last-Modified")
	if modified != "Wed, 08 May 2024 10:00:00 GMT" {
		t.Errorf("Last-Modified = %q", modified)
	}
	if r := a.get("/signatories.atom", "If-None-Match", etag); r.Code != http.StatusNotModified {
		t.Errorf("the feed with its ETag = %d, want 304", r.Code)
	}
	if r := a.get("/signatories.atom", "If-Modified-Since", modified); r.Code != http.StatusNotModified {
		t.Errorf("the feed since its Last-Modified = %d, want 304", r.Code)
	}
	// An entry that leaves changes the ETag, though not the newest date.
	s.DB.Exec("UPDATE signatories SET listed = ?, status = ? WHERE public_id = ?", false, "withdrawn", id("zoe"))
	after := a.get("/signatories.atom", "If-None-Match", etag)
	if after.Code != http.StatusOK || strings.Contains(after.Body.String(), "Zoé") {
		t.Errorf("after a withdrawal the feed = %d and still lists it", after.Code)
	}

	if fr := a.get("/signatories.atom?lang=fr").Body.String(); !strings.Contains(fr, "Organisation, Allemagne") || !strings.Contains(fr, `xml:lang="fr"`) {
		t.Errorf("the French feed:\n%s", fr)
	}

	// The list announces the feed in its head, in its language; other pages do not.
	for path, href := range map[string]string{"/signatories": "/signatories.atom", "/signatories?lang=fr": "/signatories.atom?lang=fr"} {
		if a.page(path).Find(`head link[rel="alternate"][type="application/atom+xml"][href="`+href+`"]`).Length() != 1 {
			t.Errorf("%s does not announce %s", path, href)
		}
	}
	if a.page("/").Find(`head link[type="application/atom+xml"]`).Length() != 0 {
		t.Error("the home page announces the feed of the list")
	}
}
