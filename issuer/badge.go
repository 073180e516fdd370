package issuer

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Achievement is one of the registry's badges, published at {base}/achievements/{slug}.
type Achievement struct {
	Slug        string
	Name        string
	Description string
	Criteria    string
}

// Achievements are the badges the registry issues: Signatory now, Advocate and Ambassador from
// the trust graph.
var Achievements = map[string]Achievement{
	"signatory": {Slug: "signatory", Name: "Signatory of the Bologna Open Recognition Declaration",
		Description: "Signed the Bologna Open Recognition Declaration, committing to open recognition for all, open recognition technologies and infrastructure, and open recognition policies.",
		Criteria:    "Read the Bologna Open Recognition Declaration and signed it in the Open Recognition Registry. The evidence names the exact version, language and SHA-256 of the text signed."},
	"advocate": {Slug: "advocate", Name: "Open Recognition Advocate",
		Description: "Recognised by the Open Recognition community as an Advocate: a signatory whose commitment to open recognition other members vouch for.",
		Criteria:    "Endorsed as an Advocate by members of the Open Recognition Registry along a path of trust from its founding Ambassadors, under the registry's published capacity rules."},
	"ambassador": {Slug: "ambassador", Name: "Open Recognition Ambassador",
		Description: "Recognised by the Open Recognition community as an Ambassador: a signatory who carries open recognition to others and whom Ambassadors vouch for.",
		Criteria:    "Endorsed as an Ambassador by Ambassadors of the Open Recognition Registry along a path of trust from its founding Ambassadors, under the registry's published capacity rules."},
}

// BadgeInput is everything a badge credential says.
type BadgeInput struct {
	BaseURL      string
	DID          string
	CredentialID string
	Kind         string // signatory, advocate, ambassador
	// Subject is the signatory's public id; Name only when it was public at issuance.
	Subject, Name string
	// What was signed (the Signatory badge).
	Version       int
	Lang, SHA256  string
	SignedAt      time.Time
	IssuedAt      time.Time
	StatusList    int
	StatusIndex   int
	IssuerName    string
	DeclarationTo string // title of the text signed
	// IssuerEmail is the issuer Profile's e-mail; empty gives DefaultIssuerEmail.
	IssuerEmail string
	// AwardedAt is when a tier was reached (a tier badge); zero when unknown, and then the
	// issuance time. A Signatory badge was awarded at the signature (SignedAt).
	AwardedAt time.Time
	// EmailHash ("sha256$…") and EmailSalt name the recipient by a salted hash of their
	// verified e-mail; empty when the registry knows none.
	EmailHash, EmailSalt string
}

// Credential field types, in the order they are written.
type (
	profile struct {
		ID    string    `json:"id"`
		Type  []string  `json:"type"`
		Name  string    `json:"name"`
		URL   string    `json:"url"`
		Email string    `json:"email,omitempty"`
		Image *imageRef `json:"image,omitempty"`
	}
	// identityObject names a recipient by a salted hash, as Open Badges 3.0 describes.
	identityObject struct {
		Type         string `json:"type"`
		IdentityHash string `json:"identityHash"`
		IdentityType string `json:"identityType"`
		Hashed       bool   `json:"hashed"`
		Salt         string `json:"salt"`
	}
	imageRef struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	criteria struct {
		ID        string `json:"id,omitempty"`
		Narrative string `json:"narrative"`
	}
	achievement struct {
		ID          string   `json:"id"`
		Type        []string `json:"type"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Criteria    criteria `json:"criteria"`
		Image       imageRef `json:"image"`
	}
	achievementSubject struct {
		ID          string           `json:"id"`
		Type        []string         `json:"type"`
		Name        string           `json:"name,omitempty"`
		Identifier  []identityObject `json:"identifier,omitempty"`
		Achievement achievement      `json:"achievement"`
	}
	evidence struct {
		ID          string   `json:"id"`
		Type        []string `json:"type"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
	}
	credentialStatus struct {
		ID                   string `json:"id"`
		Type                 string `json:"type"`
		StatusPurpose        string `json:"statusPurpose"`
		StatusListIndex      string `json:"statusListIndex"`
		StatusListCredential string `json:"statusListCredential"`
	}
	credentialSchema struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	// BadgeCredential is an OpenBadgeCredential before its proof.
	BadgeCredential struct {
		Context           []string           `json:"@context"`
		ID                string             `json:"id"`
		Type              []string           `json:"type"`
		Issuer            profile            `json:"issuer"`
		ValidFrom         string             `json:"validFrom"`
		AwardedDate       string             `json:"awardedDate"`
		Name              string             `json:"name"`
		CredentialSubject achievementSubject `json:"credentialSubject"`
		Evidence          []evidence         `json:"evidence,omitempty"`
		CredentialSchema  []credentialSchema `json:"credentialSchema"`
		CredentialStatus  credentialStatus   `json:"credentialStatus"`
	}
)

// SchemaURL is the official JSON Schema of an AchievementCredential.
const SchemaURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

// StatusListURL is where a status list credential is served.
func StatusListURL(base string, list int) string {
	return fmt.Sprintf("%s/status/%d", strings.TrimRight(base, "/"), list)
}

// IssuerImagePath is where the registry serves its logo, the issuer Profile's image.
const IssuerImagePath = "/issuer.png"

// DefaultIssuerEmail is the issuer's e-mail when none is configured: registry@ the host of the
// base URL.
func DefaultIssuerEmail(base string) string {
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		return "registry@" + u.Hostname()
	}
	return "registry@localhost"
}

// CriteriaURL is the page that states what earns an achievement: the declaration for the
// Signatory badge, the tier rule and its capacity tables for Advocate and Ambassador.
func CriteriaURL(base string, a Achievement) string {
	if a.Slug == "signatory" {
		return base + "/declaration"
	}
	return base + "/achievements/" + a.Slug + "/criteria"
}

// AchievementImage is an achievement's picture as wallets show it: a PNG, which every wallet
// can draw (the SVG stays at /achievements/{slug}.svg).
func AchievementImage(base string, a Achievement) string {
	return base + "/achievements/" + a.Slug + ".png"
}

// Badge builds the OpenBadgeCredential of a badge. The recipient is named by profile URL, by
// a salted hash of their verified e-mail when there is one, and by name only when the name was
// public when the badge was issued: a credential cannot be redacted later.
func Badge(in BadgeInput) (BadgeCredential, error) {
	a, ok := Achievements[in.Kind]
	if !ok {
		return BadgeCredential{}, fmt.Errorf("no badge %q", in.Kind)
	}
	base := strings.TrimRight(in.BaseURL, "/")
	email := in.IssuerEmail
	if email == "" {
		email = DefaultIssuerEmail(base)
	}
	// validFrom is when this copy was signed; awardedDate when it was earned, which a badge
	// signed again later keeps.
	awarded := in.AwardedAt
	if in.Kind == "signatory" {
		awarded = in.SignedAt
	}
	if awarded.IsZero() {
		awarded = in.IssuedAt
	}
	c := BadgeCredential{
		Context: []string{ContextVC2, ContextOB3, ContextExtensions},
		ID:      base + "/credentials/" + in.CredentialID,
		Type:    []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer: profile{ID: in.DID, Type: []string{"Profile"}, Name: in.IssuerName, URL: base, Email: email,
			Image: &imageRef{ID: base + IssuerImagePath, Type: "Image"}},
		ValidFrom:   in.IssuedAt.UTC().Format(time.RFC3339),
		AwardedDate: awarded.UTC().Format(time.RFC3339),
		Name:        a.Name,
		CredentialSubject: achievementSubject{ID: base + "/signatories/" + in.Subject, Type: []string{"AchievementSubject"}, Name: in.Name,
			Achievement: achievement{ID: base + "/achievements/" + a.Slug, Type: []string{"Achievement"}, Name: a.Name, Description: a.Description,
				Criteria: criteria{ID: CriteriaURL(base, a), Narrative: a.Criteria}, Image: imageRef{ID: AchievementImage(base, a), Type: "Image"}}},
		CredentialSchema: []credentialSchema{{ID: SchemaURL, Type: "1EdTechJsonSchemaValidator2019"}},
		CredentialStatus: credentialStatus{ID: fmt.Sprintf("%s#%d", StatusListURL(base, in.StatusList), in.StatusIndex), Type: "BitstringStatusListEntry",
			StatusPurpose: "revocation", StatusListIndex: fmt.Sprint(in.StatusIndex), StatusListCredential: StatusListURL(base, in.StatusList)},
	}
	if in.EmailHash != "" {
		c.CredentialSubject.Identifier = []identityObject{{Type: "IdentityObject", IdentityHash: in.EmailHash, IdentityType: "emailAddress",
			Hashed: true, Salt: in.EmailSalt}}
	}
	if in.Kind == "signatory" {
		// The signature is bound to the exact text signed.
		c.Evidence = []evidence{{ID: fmt.Sprintf("%s/declaration/%d?lang=%s", base, in.Version, in.Lang), Type: []string{"Evidence"},
			Name:        fmt.Sprintf("Signature of the Declaration, version %d (%s)", in.Version, in.Lang),
			Description: fmt.Sprintf("Signed on %s: version %d, language %s, text SHA-256 %s.", in.SignedAt.UTC().Format(time.RFC3339), in.Version, in.Lang, in.SHA256)}}
	}
	return c, nil
}
