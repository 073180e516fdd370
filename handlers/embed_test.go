package handlers_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// awkward is a listed organisation whose name needs escaping in HTML, XML and attributes.
const awkward = `{"type":"signatory","ref":"awk","kind":"organisation","name":"Ben & <Co> \"Ltd\"","country":"DE","signed_at":"2024-05-08T10:00:00Z"}
`

// handlerAttr finds an event handler attribute (onload=, onclick=…).
var handlerAttr = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)

// wellFormed parses an SVG or Atom document to its end.
func wellFormed(t *testing.T, where, body string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("%s is not well-formed XML: %v\n%s", where, err, body)
			}
			return
		}
	}
}

// selfContained checks that an image for other sites carries nothing that runs or fetches.
func selfContained(t *testing.T, where, body string) {
	t.Helper()
	for _, bad := range []string{"<script", "<style", "href=", "@import", "url(", "<foreignObject"} {
		if strings.Contains(body, bad) {
			t.Errorf("%s contains %q:\n%s", where, bad, body)
		}
	}
	if handlerAttr.MatchString(body) {
		t.Errorf("%s has an event handler:\n%s", where, body)
	}
}

// readmePicture writes an image into the folder REGISTRY_EMBED_PICTURES names (docs/embed), for
// the README.
func readmePicture(t *testing.T, name, body string) {
	t.Helper()
	if dir := os.Getenv("REGISTRY_EMBED_PICTURES"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The image a signatory embeds says who signed and when, as any visitor may see it; escapes
// every name; loads on other sites; and says so once the signature is withdrawn or revoked.
// Entries the public cannot see answer exactly as an unknown id does.
func TestEmbedImage(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture+awkward)
	a := newApp(t, s, handlers.Config{})
	svg := func(ref, query string) (*http.Response, string) {
		t.Helper()
		rec := a.get("/signatories/" + id(ref) + "/embed.svg" + query)
		return rec.Result(), rec.Body.String()
	}

	res, body := svg("org", "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("embed.svg of a listed organisation = %d", res.StatusCode)
	}
	for h, want := range map[string]string{"Content-Type": "image/svg+xml", "Cross-Origin-Resource-Policy": "cross-origin",
		"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("embed.svg %s = %q, want %q", h, got, want)
		}
	}
	if res.Header.Get("Set-Cookie") != "" || res.Header.Get("Vary") != "" {
		t.Errorf("embed.svg sets a cookie or varies: %v", res.Header)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the registry's own CSP is gone from the image: %q", csp)
	}
	wellFormed(t, "embed.svg", body)
	selfContained(t, "embed.svg", body)
	readmePicture(t, "embed-signed.svg", body)
	for _, want := range []string{"We signed", "Bologna Open Recognition Declaration", "Università Aperta", "3 May 2024"} {
		if !strings.Contains(body, want) {
			t.Errorf("embed.svg lacks %q:\n%s", want, body)
		}
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("embed.svg has no ETag")
	}
	if rec := a.get("/signatories/"+id("org")+"/embed.svg", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("embed.svg with its ETag = %d, want 304", rec.Code)
	}

	if _, body := svg("org", "?lang=fr"); !strings.Contains(body, "Nous avons signé") || !strings.Contains(body, "3 mai 2024") {
		t.Errorf("embed.svg?lang=fr is not in French:\n%s", body)
	}
	if _, body := svg("ada", ""); !strings.Contains(body, "I signed") || !strings.Contains(body, "Ada Lovelace") {
		t.Errorf("a person's embed.svg does not say I signed:\n%s", body)
	}
	_, body = svg("awk", "")
	wellFormed(t, "embed.svg of Ben & <Co>", body)
	if !strings.Contains(body, `Ben &amp; &lt;Co&gt; &#34;Ltd&#34;`) || strings.Contains(body, "<Co>") {
		t.Errorf("the name is not escaped:\n%s", body)
	}
	// A name visible to members only is never drawn: the image is for everyone.
	_, body = svg("hid", "")
	noSecrets(t, "embed.svg of a members-only name", body)
	if !strings.Contains(body, "A signatory from Italy") {
		t.Errorf("embed.svg of a hidden name does not say who signed:\n%s", body)
	}
	// Withdrawn: the image says so, without the name the profile no longer shows.
	res, body = svg("gone", "")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Signature withdrawn") || strings.Contains(body, "We signed") {
		t.Errorf("embed.svg of a withdrawn entry = %d:\n%s", res.StatusCode, body)
	}
	noSecrets(t, "embed.svg of a withdrawn entry", body)
	readmePicture(t, "embed-withdrawn.svg", body)
	// Moderated away, unverified, unknown: 404 alike, nothing in the body.
	for _, path := range []string{id("mod"), id("unv"), "00000000-0000-0000-0000-000000000000", "garbage"} {
		rec := a.get("/signatories/" + path + "/embed.svg")
		if rec.Code != http.StatusNotFound || rec.Body.Len() != 0 {
			t.Errorf("embed.svg of %s = %d %q, want a bare 404", path, rec.Code, rec.Body.String())
		}
	}

	// A revoked Signatory credential: the image changes, and so does its ETag.
	var zoe models.Signatory
	s.DB.Where("public_id = ?", id("zoe")).Take(&zoe)
	cred := models.Credential{ID: uuid.NewString(), SignatoryID: zoe.ID, Kind: "signatory", Document: "{}", IssuedAt: zoe.SignedAt, StatusList: 1, StatusIndex: 7}
	if err := s.DB.Create(&cred).Error; err != nil {
		t.Fatal(err)
	}
	live, body := svg("zoe", "")
	if !strings.Contains(body, "I signed") {
		t.Fatalf("embed.svg with a live credential:\n%s", body)
	}
	// Revoked, with no new credential on its way (the import queued one; it is done).
	s.DB.Model(&cred).Update("revoked_at", zoe.SignedAt.AddDate(1, 0, 0))
	s.DB.Model(&models.IssuanceJob{}).Where("signatory_id = ?", zoe.ID).Update("done_at", zoe.SignedAt.AddDate(1, 0, 0))
	revoked, body := svg("zoe", "")
	if !strings.Contains(body, "Signature revoked") || strings.Contains(body, "I signed") {
		t.Errorf("embed.svg after the revocation does not say so:\n%s", body)
	}
	if live.Header.Get("ETag") == revoked.Header.Get("ETag") {
		t.Error("the revoked image keeps the ETag of the live one: caches would keep showing it")
	}
}

// The snippet page gives the HTML to paste (a link around an image, nothing else), escaped, in a
// read-only box, with the same HTML shown as a preview.
func TestEmbedPage(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture+awkward)
	a := newApp(t, s, handlers.Config{BaseURL: "https://registry.example.org/"})
	const base = "https://registry.example.org"

	doc := a.page("/signatories/" + id("awk") + "/embed")
	box := doc.Find("textarea#embed-code[readonly]")
	if box.Length() != 1 || doc.Find(`label[for="embed-code"]`).Length() != 1 {
		t.Fatalf("no labelled read-only box to copy from:\n%s", doc.Find("main").Text())
	}
	snippet := box.Text()
	for _, bad := range []string{"<script", "style=", "<style", "<iframe"} {
		if strings.Contains(snippet, bad) {
			t.Errorf("the snippet contains %q: %s", bad, snippet)
		}
	}
	if handlerAttr.MatchString(snippet) {
		t.Errorf("the snippet has an event handler: %s", snippet)
	}
	if !strings.Contains(snippet, `alt="Ben &amp; &lt;Co&gt; &#34;Ltd&#34; signed the Bologna Open Recognition Declaration"`) {
		t.Errorf("the snippet's alt text is not escaped: %s", snippet)
	}
	pasted, err := goquery.NewDocumentFromReader(strings.NewReader(snippet))
	if err != nil {
		t.Fatal(err)
	}
	if n := pasted.Find("body *").Length(); n != 2 {
		t.Errorf("the snippet has %d elements, want a link and an image: %s", n, snippet)
	}
	img := pasted.Find("body > a > img")
	href, _ := pasted.Find("body > a").Attr("href")
	src, _ := img.Attr("src")
	alt, _ := img.Attr("alt")
	w, _ := img.Attr("width")
	h, _ := img.Attr("height")
	if href != base+"/signatories/"+id("awk") || src != base+"/signatories/"+id("awk")+"/embed.svg" || w != "360" || h != "100" ||
		alt != `Ben & <Co> "Ltd" signed the Bologna Open Recognition Declaration` {
		t.Errorf("snippet: href %q src %q alt %q %sx%s", href, src, alt, w, h)
	}
	if doc.Find(`.embed-preview > a > img[src="/signatories/`+id("awk")+`/embed.svg"]`).Length() != 1 {
		t.Error("the page does not preview the snippet")
	}

	// In French, the image is French too; a live credential is what the link verifies.
	var org models.Signatory
	s.DB.Where("public_id = ?", id("org")).Take(&org)
	orgCred := models.Credential{ID: uuid.NewString(), SignatoryID: org.ID, Kind: "signatory", Document: "{}", IssuedAt: org.SignedAt, StatusList: 1, StatusIndex: 3}
	if err := s.DB.Create(&orgCred).Error; err != nil {
		t.Fatal(err)
	}
	doc = a.page("/signatories/" + id("org") + "/embed?lang=fr")
	snippet = doc.Find("textarea#embed-code").Text()
	if !strings.Contains(snippet, `href="`+base+`/credentials/`+orgCred.ID+`"`) || !strings.Contains(snippet, `/embed.svg?lang=fr"`) ||
		!strings.Contains(snippet, "a signé la Déclaration") {
		t.Errorf("French snippet: %s", snippet)
	}

	if rec := a.get("/signatories/" + id("gone") + "/embed"); rec.Code != http.StatusGone {
		t.Errorf("embed page of a withdrawn entry = %d, want 410", rec.Code)
	}
	for _, ref := range []string{"mod", "unv"} {
		if rec := a.get("/signatories/" + id(ref) + "/embed"); rec.Code != http.StatusNotFound {
			t.Errorf("embed page of %s = %d, want 404", ref, rec.Code)
		}
	}
}

// The movement's total, for any site, in the language asked.
func TestCountImage(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture+awkward)
	a := newApp(t, s, handlers.Config{})
	rec := a.get("/embed/count.svg")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" ||
		rec.Header().Get("Cross-Origin-Resource-Policy") != "cross-origin" || rec.Header().Get("ETag") == "" {
		t.Fatalf("count.svg = %d %v", rec.Code, rec.Header())
	}
	wellFormed(t, "count.svg", body)
	readmePicture(t, "embed-count.svg", body)
	selfContained(t, "count.svg", body)
	// Ada, the members-only name, the university and Ben & Co: never the unverified, withdrawn or hidden.
	if !strings.Contains(body, "5 signatories") {
		t.Errorf("count.svg does not count the 5 listed signatories:\n%s", body)
	}
	if fr := a.get("/embed/count.svg?lang=fr").Body.String(); !strings.Contains(fr, "5 signataires") {
		t.Errorf("count.svg?lang=fr:\n%s", fr)
	}
	if again := a.get("/embed/count.svg", "If-None-Match", rec.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("count.svg with its ETag = %d, want 304", again.Code)
	}
}

// Only the signatory is offered the snippet, next to their badge; once they withdraw, the image
// says so.
func TestEmbedLinkForTheOwner(t *testing.T) {
	s := testutil.SQLite(t)
	site, w, _ := issuingSite(t, s)
	u, sg := site.signed("Ada Example")
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	link := `a[href="/signatories/` + sg.PublicID + `/embed"]`
	for _, p := range []string{"/account", "/signatories/" + sg.PublicID, "/sign/thanks"} {
		if u.page(p).Find(link).Length() != 1 {
			t.Errorf("%s does not offer its signatory the snippet", p)
		}
	}
	visitor := site.devUser("Bea Visitor", "bea@example.org")
	if visitor.page("/signatories/"+sg.PublicID).Find(link).Length() != 0 {
		t.Error("someone else's profile offers the snippet")
	}
	var cred models.Credential
	s.DB.Where("signatory_id = ? AND kind = ?", sg.ID, "signatory").Take(&cred)
	if snippet := u.page("/signatories/" + sg.PublicID + "/embed").Find("textarea#embed-code").Text(); !strings.Contains(snippet, site.srv.URL+"/credentials/"+cred.ID) {
		t.Errorf("the snippet does not link to the Signatory credential %s: %s", cred.ID, snippet)
	}
	u.form("/account", "/account/withdraw", url.Values{})
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, body := visitor.get("/signatories/" + sg.PublicID + "/embed.svg")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Signature withdrawn") || strings.Contains(body, "Ada Example") {
		t.Errorf("after withdrawing, embed.svg = %d:\n%s", res.StatusCode, body)
	}
}
