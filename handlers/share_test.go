package handlers_test

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// sharedBadge signs Ada up (name public) and issues her Signatory badge.
func sharedBadge(t *testing.T) (site *oidcSite, ada *devUser, sg models.Signatory, cred models.Credential, reissue func() models.Credential) {
	t.Helper()
	s := testutil.SQLite(t)
	site, w, _ := issuingSite(t, s)
	ada = site.devUser("Ada Example", "ada@example.org")
	ada.form("/sign", "/sign", person(nil))
	s.DB.Take(&sg)
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.DB.Where("signatory_id = ? AND kind = ?", sg.ID, "signatory").Take(&cred)
	if cred.ID == "" {
		t.Fatal("no badge issued")
	}
	// reissue runs the worker and returns Ada's live badge.
	reissue = func() models.Credential {
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		var live models.Credential
		s.DB.Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL AND erased_at IS NULL", sg.ID, "signatory").Take(&live)
		return live
	}
	return site, ada, sg, cred, reissue
}

// shareMeta reads the Open Graph and Twitter metadata of a page.
func shareMeta(t *testing.T, u *devUser, path string) map[string]string {
	t.Helper()
	res, body := u.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, res.StatusCode)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	meta := map[string]string{}
	doc.Find("head meta").Each(func(_ int, m *goquery.Selection) {
		k, ok := m.Attr("property")
		if !ok {
			k, _ = m.Attr("name")
		}
		if strings.HasPrefix(k, "og:") || strings.HasPrefix(k, "twitter:") {
			meta[k], _ = m.Attr("content")
		}
	})
	return meta
}

// shareImage fetches a card and checks that it is a 1200×630 PNG with an ETag that answers 304.
func shareImage(t *testing.T, u *devUser, abs string) (etag string) {
	t.Helper()
	res, body := u.get(strings.TrimPrefix(abs, u.site.srv.URL))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("%s: %d %s", abs, res.StatusCode, res.Header.Get("Content-Type"))
	}
	img, format, err := image.Decode(strings.NewReader(body))
	if err != nil || format != "png" || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
		t.Fatalf("%s is not a 1200×630 PNG: %v %s %v", abs, err, format, img)
	}
	etag = res.Header.Get("ETag")
	if etag == "" || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") {
		t.Errorf("%s: ETag %q, Cache-Control %q", abs, etag, res.Header.Get("Cache-Control"))
	}
	req, _ := http.NewRequest(http.MethodGet, abs, nil)
	req.Header.Set("If-None-Match", etag)
	again, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("%s with its ETag: %d, want 304", abs, again.StatusCode)
	}
	return etag
}

// The home page, the Declaration, a profile and a badge's verification page carry Open Graph and
// Twitter card metadata with absolute addresses and a 1200×630 card drawn by the registry; a
// name that is not public appears in neither, even to its owner, signed in.
func TestShareMetadataOnEveryPageWorthSharing(t *testing.T) {
	site, ada, sg, cred, reissue := sharedBadge(t)
	visitor := &devUser{site: site, c: site.newClient()}
	base := site.srv.URL
	profile, credPage := "/signatories/"+sg.PublicID, "/credentials/"+cred.ID
	wantURL := map[string]string{"/": base + "/", "/declaration": base + "/declaration", profile: base + profile, credPage: base + credPage}
	wantImage := map[string]string{"/": base + "/share.png?lang=en", "/declaration": base + "/share.png?lang=en",
		profile: base + profile + "/share.png?lang=en", credPage: base + credPage + "/share.png?lang=en"}
	etags := map[string]string{}
	for _, who := range []*devUser{visitor, ada} {
		for path, u := range wantURL {
			m := shareMeta(t, who, path)
			for _, k := range []string{"og:title", "og:description", "og:type", "og:site_name", "og:image:alt", "twitter:title", "twitter:description", "twitter:image:alt"} {
				if m[k] == "" {
					t.Errorf("%s lacks %s", path, k)
				}
			}
			if m["og:url"] != u || m["og:image"] != wantImage[path] || m["twitter:image"] != wantImage[path] ||
				m["og:image:width"] != "1200" || m["og:image:height"] != "630" || m["twitter:card"] != "summary_large_image" {
				t.Errorf("%s: metadata %v", path, m)
			}
			etags[path] = shareImage(t, who, m["og:image"])
		}
	}
	if m := shareMeta(t, visitor, profile); m["og:title"] != "Ada Example" || m["og:type"] != "profile" || !strings.Contains(m["og:description"], "Signatory") {
		t.Errorf("the profile's metadata does not name Ada and her tier: %v", m)
	}
	if m := shareMeta(t, visitor, credPage); !strings.Contains(m["og:title"], "Ada Example") {
		t.Errorf("the badge's metadata does not name Ada: %v", m)
	}
	if etags[profile] == etags["/"] || etags[credPage] == etags["/"] {
		t.Error("the profile or the badge shares the registry's generic card while the name is public")
	}

	// Ada shows her name to members only: shared, her pages show the registry's card and no name.
	// The badge naming her is erased (its card is the registry's) and a new one issued.
	ada.form("/account", "/account/entry", person(url.Values{"vis_name": {"members"}}))
	oldCard := base + credPage + "/share.png"
	credPage = "/credentials/" + reissue().ID
	if credPage == "/credentials/" || credPage == "/credentials/"+cred.ID {
		t.Fatal("no new badge issued after the name was hidden")
	}
	for _, who := range []*devUser{visitor, ada} {
		if shareImage(t, who, oldCard) != etags["/"] {
			t.Error("the card of an erased badge is not the registry's")
		}
		for _, path := range []string{profile, credPage} {
			m := shareMeta(t, who, path)
			for k, v := range m {
				if strings.Contains(v, "Ada") {
					t.Errorf("%s shares %s = %q, a name that is not public", path, k, v)
				}
			}
		}
		m := shareMeta(t, who, profile)
		if m["og:image"] != base+"/share.png?lang=en" {
			t.Errorf("the profile of a hidden name shares %s, not the registry's card", m["og:image"])
		}
		if shareImage(t, who, base+profile+"/share.png") != etags["/"] {
			t.Error("the card of a profile whose name is not public is not the registry's")
		}
		if shareImage(t, who, base+credPage+"/share.png") == etags["/credentials/"+cred.ID] {
			t.Error("the badge's card still shows the name made private")
		}
	}
	if _, body := ada.get(profile); !strings.Contains(body, "Ada Example") {
		t.Fatal("Ada, signed in, no longer sees her own name: the test is broken")
	}
}

// The badge card offers LinkedIn's add-to-profile form filled in, the networks' share pages and
// e-mail, and a QR code that reads back as the verification page's address.
func TestBadgeCardSharesToLinkedInNetworksAndQR(t *testing.T) {
	site, ada, sg, cred, _ := sharedBadge(t)
	page := site.srv.URL + "/credentials/" + cred.ID
	for _, p := range []string{"/sign/thanks", "/account", "/signatories/" + sg.PublicID} {
		doc := ada.page(p)
		card := doc.Find("li.badge-card").First()
		href, _ := card.Find("a.linkedin-add").Attr("href")
		u, err := url.Parse(href)
		if err != nil || u.Scheme != "https" || u.Host != "www.linkedin.com" || u.Path != "/profile/add" {
			t.Fatalf("%s: Add to LinkedIn leads to %q", p, href)
		}
		issued := cred.IssuedAt.UTC()
		want := url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Signatory"}, "organizationName": {"Open Recognition Registry"},
			"issueYear": {issued.Format("2006")}, "issueMonth": {strings.TrimPrefix(issued.Format("01"), "0")},
			"certUrl": {page}, "certId": {cred.ID}}
		if got := u.Query(); got.Encode() != want.Encode() {
			t.Errorf("%s: LinkedIn parameters\n got %v\nwant %v", p, got, want)
		}
		networks := map[string]bool{}
		card.Find(".share-links a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			u, err := url.Parse(href)
			if err != nil {
				t.Errorf("%s: share link %q", p, href)
				return
			}
			carries := false
			for _, vals := range u.Query() {
				for _, v := range vals {
					carries = carries || strings.Contains(v, page)
				}
			}
			if !carries || (u.Scheme != "https" && u.Scheme != "mailto") {
				t.Errorf("%s: share link %q does not carry the verification page", p, href)
			}
			if u.Scheme == "mailto" && strings.Contains(u.RawQuery, "+") {
				t.Errorf("%s: the e-mail link writes spaces as +: %q", p, href)
			}
			networks[strings.TrimSpace(a.Text())] = true
		})
		for _, n := range []string{"LinkedIn", "Bluesky", "X", "Facebook", "E-mail"} {
			if !networks[n] {
				t.Errorf("%s: no share link for %s (have %v)", p, n, networks)
			}
		}
		src, _ := card.Find(".badge-qr img").Attr("src")
		alt, _ := card.Find(".badge-qr img").Attr("alt")
		if alt == "" {
			t.Errorf("%s: the QR code has no text alternative", p)
		}
		res, body := ada.get(src)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: QR code %s: %d %s", p, src, res.StatusCode, res.Header.Get("Content-Type"))
		}
		img, _, err := image.Decode(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		read, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || read.GetText() != page {
			t.Errorf("%s: the QR code reads %v (%v), want %s", p, read, err, page)
		}
	}
}
