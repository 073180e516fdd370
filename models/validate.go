package models

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/open-recognition/registry/geo"
)

// Limits on what a signatory and an endorsement may hold, the same in forms, API and import.
const (
	MaxName        = 200
	MaxRole        = 120
	MaxCity        = 120
	MaxAffiliation = 200
	MaxWebsite     = 300
	MaxEmail       = 254
	MaxStatement   = 4000
	MaxComment     = 2000
)

// Normalize cleans every text field of a signatory the way all input is cleaned.
func (s *Signatory) Normalize() {
	s.Kind = strings.ToLower(CleanLine(s.Kind))
	s.Name = CleanLine(s.Name)
	s.Representative = CleanLine(s.Representative)
	s.Role = CleanLine(s.Role)
	s.Email = strings.ToLower(CleanLine(s.Email)) // matched case-insensitively when someone claims their entry
	s.Country = strings.ToUpper(CleanLine(s.Country))
	s.City = CleanLine(s.City)
	s.Affiliation = CleanLine(s.Affiliation)
	s.Website = CleanLine(s.Website)
	s.Statement = CleanText(s.Statement)
}

// Validate checks a normalized signatory and names the first bad field.
func (s *Signatory) Validate() error {
	switch s.Kind {
	case KindPerson, KindOrganisation:
	case "":
		return FieldError("kind", "is required (person or organisation)")
	default:
		return FieldError("kind", "%q is not person or organisation", s.Kind)
	}
	if s.Name == "" && s.Status != StatusDeleted && s.Visibility.Name == Public {
		return FieldError("name", "is required")
	}
	if err := maxLen("name", s.Name, MaxName); err != nil {
		return err
	}
	if s.Kind == KindPerson && (s.Representative != "" || s.Role != "") {
		return FieldError("representative", "only an organisation has someone who signs for it")
	}
	if err := maxLen("representative", s.Representative, MaxName); err != nil {
		return err
	}
	if err := maxLen("role", s.Role, MaxRole); err != nil {
		return err
	}
	if s.Country == "" {
		return FieldError("country", "is required (an ISO 3166-1 alpha-2 code such as IT)")
	}
	if !geo.ValidCountry(s.Country) {
		return FieldError("country", "%q is not an ISO 3166-1 alpha-2 country code", s.Country)
	}
	if err := maxLen("city", s.City, MaxCity); err != nil {
		return err
	}
	if err := maxLen("affiliation", s.Affiliation, MaxAffiliation); err != nil {
		return err
	}
	if err := ValidateEmail(s.Email); err != nil {
		return err
	}
	if err := ValidateWebsite(s.Website); err != nil {
		return err
	}
	if err := maxLen("statement", s.Statement, MaxStatement); err != nil {
		return err
	}
	for _, f := range VisibilityFields {
		if !ValidVisibility(s.Visibility.Get(f)) {
			return FieldError("visibility."+f, "%q is not public, members or hidden", s.Visibility.Get(f))
		}
	}
	if !ValidTier(s.Tier) {
		return FieldError("tier", "%q is not signatory, advocate or ambassador", s.Tier)
	}
	switch s.Status {
	case StatusActive, StatusWithdrawn, StatusHidden, StatusDeleted:
	default:
		return FieldError("status", "%q is not active, withdrawn, hidden or deleted", s.Status)
	}
	if s.Kind == KindPerson && !s.Verified {
		return FieldError("verified", "only an organisation can be unverified")
	}
	if s.SignedAt.IsZero() {
		return FieldError("signed_at", "is required")
	}
	return nil
}

func maxLen(field, v string, n int) error {
	if utf8.RuneCountInString(v) > n {
		return FieldError(field, "is longer than %d characters", n)
	}
	return nil
}

// ValidateEmail accepts an empty address or one plain address.
func ValidateEmail(e string) error {
	if e == "" {
		return nil
	}
	if len(e) > MaxEmail {
		return FieldError("email", "is longer than %d characters", MaxEmail)
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return FieldError("email", "%q is not an e-mail address", e)
	}
	return nil
}

// ValidateWebsite accepts an empty value or an absolute http(s) URL.
func ValidateWebsite(w string) error {
	if w == "" {
		return nil
	}
	if len(w) > MaxWebsite {
		return FieldError("website", "is longer than %d characters", MaxWebsite)
	}
	u, err := url.Parse(w)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(w, " \n\t") {
		return FieldError("website", "%q is not an http:// or https:// address", w)
	}
	return nil
}

// ValidateEndorsement checks a normalized endorsement's own fields.
func ValidateEndorsement(level, status, comment string) error {
	if !ValidLevel(level) {
		if level == "" {
			return FieldError("level", "is required (advocate or ambassador)")
		}
		return FieldError("level", "%q is not advocate or ambassador", level)
	}
	if !ValidEndorsementStatus(status) {
		return FieldError("status", "%q is not pending, accepted, declined or withdrawn", status)
	}
	return maxLen("comment", comment, MaxComment)
}
