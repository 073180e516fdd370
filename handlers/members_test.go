package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// membersFixture has a person who shows her name to everyone and her city, affiliation and
// statement to signed-in members only, and one who shows her name to members only.
const membersFixture = `{"type":"signatory","ref":"mia","kind":"person","name":"Mia Member","country":"PT","city":"Memberville","affiliation":"Members Guild","statement":"A statement for members","visibility":{"city":"members","affiliation":"members","statement":"members"},"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"nia","kind":"person","name":"Nia Membersonly","country":"PT","visibility":{"name":"members"},"signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"hal","kind":"person","name":"Hal Hidden","country":"PT","city":"Nowhereville","visibility":{"name":"hidden","city":"hidden"},"signed_at":"2024-05-03T10:00:00Z"}
`

var membersOnly = []string{"Memberville", "Members Guild", "A statement for members", "Nia Membersonly"}

// "Logged-in members only" means what it says: a signed-in person sees those fields on the
// registry's pages; an anonymous visitor, the public API (even with a session cookie), search and
// the public export never do, and no page showing them may be stored by a shared cache.
func TestMembersSeeMembersOnlyFields(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, membersFixture)
		site := newDevSite(t, s, true)
		mia := "/signatories/" + models.SignatoryID("fixture", "mia")
		nia := "/signatories/" + models.SignatoryID("fixture", "nia")
		hal := "/signatories/" + models.SignatoryID("fixture", "hal")

		anon := site.newClient()
		for _, p := range []string{mia, nia, "/signatories", "/", "/signatories?q=memberville", "/signatories?q=membersonly"} {
			res, body := site.get(anon, site.srv.URL+p)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", p, res.StatusCode)
			}
			for _, secret := range membersOnly {
				if strings.Contains(body, secret) {
					t.Errorf("anonymous %s shows the members-only %q", p, secret)
				}
			}
		}

		// Someone who merely logged in (no entry of their own) is a member.
		u := site.devUser("Visiting Member", "visitor@example.net")
		res, body := u.get(mia)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", mia, res.StatusCode)
		}
		for _, want := range []string{"Mia Member", "Memberville", "Members Guild", "A statement for members"} {
			if !strings.Contains(body, want) {
				t.Errorf("a member does not see %q on the profile", want)
			}
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("a member's profile is sent with Cache-Control %q, want no-store", cc)
		}
		if _, body := u.get(nia); !strings.Contains(body, "Nia Membersonly") {
			t.Error("a member does not see a members-only name on its profile")
		}
		res, body = u.get("/signatories")
		for _, want := range []string{"Memberville", "Members Guild", "Nia Membersonly"} {
			if !strings.Contains(body, want) {
				t.Errorf("a member does not see %q in the registry list", want)
			}
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("a member's list is sent with Cache-Control %q, want no-store", cc)
		}
		if _, body := u.get("/"); !strings.Contains(body, "Nia Membersonly") {
			t.Error("a member does not see a members-only name among the newest signatories")
		}
		// Hidden stays hidden, even from members.
		for _, p := range []string{hal, "/signatories"} {
			if _, body := u.get(p); strings.Contains(body, "Hal Hidden") || strings.Contains(body, "Nowhereville") {
				t.Errorf("a member sees a hidden field on %s", p)
			}
		}
		// Search indexes public fields only, for members too.
		if _, body := u.get("/signatories?q=memberville"); strings.Contains(body, "Mia Member") {
			t.Error("a search matched a members-only city")
		}
		// The open data API answers the same to everyone.
		for _, p := range []string{"/api/v1/signatories", "/api/v1/signatories/" + models.SignatoryID("fixture", "mia"),
			"/api/v1/signatories/" + models.SignatoryID("fixture", "nia"), "/api/v1/signatories?q=memberville"} {
			res, body := u.get(p)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", p, res.StatusCode)
			}
			for _, secret := range membersOnly {
				if strings.Contains(body, secret) {
					t.Errorf("the API %s shows the members-only %q to a signed-in member", p, secret)
				}
			}
		}
		// A person who keeps her city to members sees it on her own profile, and every field
		// (hidden ones too) on /account; visitors see neither.
		own := site.devUser("Olga Own", "olga@example.net")
		own.form("/sign", "/sign", person(map[string][]string{"name": {"Olga Own"}, "city": {"Ownton"}, "vis_city": {"members"},
			"affiliation": {"Own Hidden Lab"}, "vis_affiliation": {"hidden"}}))
		var olga models.Signatory
		if err := s.DB.Where("name = ?", "Olga Own").Take(&olga).Error; err != nil || olga.Visibility.City != models.Members {
			t.Fatalf("Olga's entry: %+v, %v", olga, err)
		}
		if _, body := own.get("/signatories/" + olga.PublicID); !strings.Contains(body, "Ownton") {
			t.Error("a person does not see her own members-only city on her profile")
		}
		if _, body := own.get("/account"); !strings.Contains(body, "Ownton") || !strings.Contains(body, "Own Hidden Lab") {
			t.Error("/account does not show the person's own fields")
		}
		if _, body := site.get(anon, site.srv.URL+"/signatories/"+olga.PublicID); strings.Contains(body, "Ownton") || strings.Contains(body, "Own Hidden Lab") {
			t.Error("a visitor sees Olga's members-only or hidden fields")
		}
		// Logged out, the same browser is anonymous again.
		u.post("/logout", map[string][]string{"_csrf": {site.csrf(u.c, "/account")}})
		if _, body := u.get(mia); strings.Contains(body, "Memberville") {
			t.Error("the members-only city shows after logging out")
		}
	})
}
