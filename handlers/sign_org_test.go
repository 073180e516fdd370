package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// An organisation is listed at once only when the signer's verified address and the
// organisation's website share a registrable domain that is nobody's free e-mail service:
// anyone can open an address at gmail.com, and nobody owns "co.uk".
func TestOrganisationVerifiedByDomainOnlyWhenItProvesSomething(t *testing.T) {
	cases := []struct {
		email, website string
		verified       bool
	}{
		{"mallory@gmail.com", "https://gmail.com", false},
		{"mallory@googlemail.com", "https://www.googlemail.com/", false},
		{"x@a.co.uk", "https://co.uk", false},
		{"x@yahoo.co.uk", "https://yahoo.co.uk", false},
		{"x@someone.github.io", "https://github.io", false},
		{"x@evilgmail.com", "https://gmail.com", false},
		{"x@univ-exemple.fr", "https://other-univ.fr", false},
		{"x@127.0.0.1.example", "https://127.0.0.1", false},
		{"rector@uni.example.ac.uk", "https://www.uni.example.ac.uk/", true},
		{"recteur@mail.univ-exemple.fr", "https://www.univ-exemple.fr/", true},
		{"office@univ-exemple.fr", "https://lab.univ-exemple.fr/", true},
	}
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)
	for i, tc := range cases {
		name := "Harvard University " + string(rune('A'+i))
		u := site.devUser("Mallory", tc.email)
		res, _ := u.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {name},
			"representative": {"Mallory"}, "website": {tc.website}}))
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/sign/thanks" {
			t.Fatalf("%s signing for %s: %d at %s", tc.email, tc.website, res.StatusCode, res.Request.URL.Path)
		}
		var org models.Signatory
		if err := s.DB.Where("name = ?", name).Take(&org).Error; err != nil {
			t.Fatal(err)
		}
		if org.Verified != tc.verified || org.Listed != tc.verified {
			t.Errorf("%s signing for %s: verified %v, listed %v; want %v", tc.email, tc.website, org.Verified, org.Listed, tc.verified)
		}
		res, _ = site.get(site.newClient(), site.srv.URL+"/signatories/"+org.PublicID)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[tc.verified]; res.StatusCode != want {
			t.Errorf("%s signing for %s: public profile %d, want %d", tc.email, tc.website, res.StatusCode, want)
		}
	}
}
