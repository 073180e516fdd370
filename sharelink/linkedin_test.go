package sharelink

import (
	"net/url"
	"testing"
	"time"

	"github.com/open-recognition/registry/i18n"
)

// The add-to-profile link names the badge and the registry in the reader's language and points
// at the credential's verification page.
func TestLinkedInNamesTheBadgeAndItsPage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := Badge{Kind: "advocate", CredentialID: "urn-1", IssuedAt: time.Date(2025, 3, 9, 23, 0, 0, 0, time.UTC)}
	u, err := url.Parse(b.LinkedIn(cat.For("fr"), "https://registry.example"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{"name": cat.For("fr").T("tier.advocate"), "organizationName": cat.For("fr").T("site.name"),
		"issueYear": "2025", "issueMonth": "3", "certUrl": "https://registry.example/credentials/urn-1", "certId": "urn-1"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if u.Host != "www.linkedin.com" || u.Path != "/profile/add" {
		t.Errorf("link leads to %s", u)
	}
}
