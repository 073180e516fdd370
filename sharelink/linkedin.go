// Package sharelink builds the links that carry a badge out of the registry to other sites: the
// badge pages and the e-mail announcing a badge offer the same ones, built in one place.
package sharelink

import (
	"net/url"
	"strconv"
	"time"

	"github.com/open-recognition/registry/i18n"
)

// LinkedInAddURL is LinkedIn's "add to profile" form for a certification, filled in: the badge's
// name, the registry as the issuing organisation, the month it was issued, and the verification
// page with the credential's id.
func LinkedInAddURL(name, organisation string, issued time.Time, certURL, certID string) string {
	issued = issued.UTC()
	q := url.Values{
		"startTask":        {"CERTIFICATION_NAME"},
		"name":             {name},
		"organizationName": {organisation},
		"issueYear":        {strconv.Itoa(issued.Year())},
		"issueMonth":       {strconv.Itoa(int(issued.Month()))},
		"certUrl":          {certURL},
		"certId":           {certID},
	}
	return "https://www.linkedin.com/profile/add?" + q.Encode()
}

// Badge is what a badge credential's links need: its kind (signatory, advocate, ambassador),
// its id and when it was issued.
type Badge struct {
	Kind, CredentialID string
	IssuedAt           time.Time
}

// PageURL is the badge's verification page under baseURL (no trailing slash).
func (b Badge) PageURL(baseURL string) string { return baseURL + "/credentials/" + b.CredentialID }

// LinkedIn is the add-to-profile link of a badge, in l's language: the badge named as the tier,
// issued by the registry.
func (b Badge) LinkedIn(l *i18n.Localizer, baseURL string) string {
	return LinkedInAddURL(l.T("tier."+b.Kind), l.T("site.name"), b.IssuedAt, b.PageURL(baseURL), b.CredentialID)
}
