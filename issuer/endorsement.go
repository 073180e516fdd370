package issuer

import (
	"fmt"
	"strings"
	"time"
)

// An EndorsementCredential is issued by the endorser, not the registry: every signatory has a
// registry-held identity did:web:<host>:signatories:<id>, whose keys custodial.go derives.

// EndorsementSchemaURL is the official JSON Schema of an EndorsementCredential.
const EndorsementSchemaURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"

type endorsementSubject struct {
	ID                 string   `json:"id"`
	Type               []string `json:"type"`
	EndorsementComment string   `json:"endorsementComment,omitempty"`
}

type endorserProfile struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
	Name string   `json:"name,omitempty"`
	URL  string   `json:"url"`
}

// EndorsementCredential is an endorsement before its proof.
type EndorsementCredential struct {
	Context           []string           `json:"@context"`
	ID                string             `json:"id"`
	Type              []string           `json:"type"`
	Issuer            endorserProfile    `json:"issuer"`
	ValidFrom         string             `json:"validFrom"`
	Name              string             `json:"name"`
	CredentialSubject endorsementSubject `json:"credentialSubject"`
	CredentialSchema  []credentialSchema `json:"credentialSchema"`
	CredentialStatus  *credentialStatus  `json:"credentialStatus,omitempty"`
}

// EndorsementInput is what an endorsement credential says. Names only when public.
type EndorsementInput struct {
	BaseURL, DID, CredentialID string
	From, FromName, To         string
	Level, Comment             string
	// AcceptedAt is when the endorsee accepted the endorsement: the credential's validFrom.
	AcceptedAt time.Time
	// StatusIndex is the credential's entry in the endorser's own status list
	// (EndorserStatusListURL); negative for none.
	StatusIndex int
}

// EndorserStatusListURL is where an endorser's own status list is served: its issuer must be the
// endorser's DID, the issuer of their endorsements, for a verifier to accept it.
func EndorserStatusListURL(base, from string) string {
	return strings.TrimRight(base, "/") + "/signatories/" + from + "/status"
}

// Endorsement builds the EndorsementCredential of an accepted endorsement, issued by the
// endorser's custodial identity.
func Endorsement(in EndorsementInput) EndorsementCredential {
	base := strings.TrimRight(in.BaseURL, "/")
	name := "Endorsement as Open Recognition Advocate"
	if in.Level == "ambassador" {
		name = "Endorsement as Open Recognition Ambassador"
	}
	c := EndorsementCredential{
		Context: []string{ContextVC2, ContextOB3, ContextExtensions},
		ID:      base + "/credentials/" + in.CredentialID,
		Type:    []string{"VerifiableCredential", "EndorsementCredential"},
		Issuer: endorserProfile{ID: SignatoryDID(in.DID, in.From), Type: []string{"Profile"}, Name: in.FromName,
			URL: base + "/signatories/" + in.From},
		ValidFrom:         in.AcceptedAt.UTC().Format(time.RFC3339),
		Name:              name,
		CredentialSubject: endorsementSubject{ID: base + "/signatories/" + in.To, Type: []string{"EndorsementSubject"}, EndorsementComment: in.Comment},
		CredentialSchema:  []credentialSchema{{ID: EndorsementSchemaURL, Type: "1EdTechJsonSchemaValidator2019"}},
	}
	if in.StatusIndex >= 0 {
		u := EndorserStatusListURL(base, in.From)
		c.CredentialStatus = &credentialStatus{ID: fmt.Sprintf("%s#%d", u, in.StatusIndex), Type: "BitstringStatusListEntry",
			StatusPurpose: "revocation", StatusListIndex: fmt.Sprint(in.StatusIndex), StatusListCredential: u}
	}
	return c
}
