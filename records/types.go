// Package records reads and writes the registry's JSONL format (interfaces.md): one JSON object
// per line, named by its "type".
package records

import "encoding/json"

// Format names the file format in its header line.
const (
	Format  = "registry-jsonl"
	Version = 1
)

// Header is the optional first line. Full marks a complete dump made by export --full.
type Header struct {
	Type       string `json:"type"`
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Source     string `json:"source,omitempty"`
	Full       bool   `json:"full,omitempty"`
	ExportedAt string `json:"exported_at,omitempty"`
}

// Signatory is a signatory line. The fields after Tier appear only in full dumps.
type Signatory struct {
	Type           string            `json:"type"`
	ID             string            `json:"id,omitempty"`
	Ref            string            `json:"ref,omitempty"`
	Kind           string            `json:"kind"`
	Name           string            `json:"name,omitempty"`
	Representative string            `json:"representative,omitempty"`
	Role           string            `json:"role,omitempty"`
	Email          string            `json:"email,omitempty"`
	Country        string            `json:"country"`
	City           string            `json:"city,omitempty"`
	Affiliation    string            `json:"affiliation,omitempty"`
	Website        string            `json:"website,omitempty"`
	Statement      string            `json:"statement,omitempty"`
	Visibility     map[string]string `json:"visibility,omitempty"`
	SignedAt       string            `json:"signed_at"`
	Verified       *bool             `json:"verified,omitempty"`
	Tier           string            `json:"tier,omitempty"`
	Lang           string            `json:"lang,omitempty"`

	Status       string   `json:"status,omitempty"`
	Account      string   `json:"account,omitempty"`
	OriginSource string   `json:"origin_source,omitempty"`
	OriginRef    string   `json:"origin_ref,omitempty"`
	PlaceID      *int64   `json:"place_id,omitempty"`
	Lat          *float64 `json:"lat,omitempty"`
	Lon          *float64 `json:"lon,omitempty"`
	CreatedAt    string   `json:"created_at,omitempty"`
	UpdatedAt    string   `json:"updated_at,omitempty"`
	TierSince    string   `json:"tier_since,omitempty"`
	RejectedAt   string   `json:"rejected_at,omitempty"`
	Rejection    string   `json:"rejection,omitempty"`
}

// Seed appoints a founding Ambassador, named by ref or id.
type Seed struct {
	Type        string `json:"type"`
	Ref         string `json:"ref,omitempty"`
	ID          string `json:"id,omitempty"`
	AppointedAt string `json:"appointed_at,omitempty"`
	AppointedBy string `json:"appointed_by,omitempty"`
}

// Endorsement is an edge from one signatory to another; from and to are refs or ids.
type Endorsement struct {
	Type      string `json:"type"`
	From      string `json:"from"`
	To        string `json:"to"`
	Level     string `json:"level"`
	Status    string `json:"status,omitempty"`
	Comment   string `json:"comment,omitempty"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at,omitempty"`
}

// Declaration is a published declaration text (full dumps).
type Declaration struct {
	Type        string `json:"type"`
	Version     int    `json:"version"`
	Lang        string `json:"lang"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	SHA256      string `json:"sha256"`
	PublishedAt string `json:"published_at"`
}

// Account is a login account (full dumps).
type Account struct {
	Type          string `json:"type"`
	ID            string `json:"id"`
	DisplayName   string `json:"display_name,omitempty"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified,omitempty"`
	CreatedAt     string `json:"created_at"`
	BlockedAt     string `json:"blocked_at,omitempty"`
	DeletedAt     string `json:"deleted_at,omitempty"`
	// Language is the language the member's e-mail is written in, left out for "en" (the
	// default an import assumes) so that an account that never chose one is written as before.
	Language string `json:"language,omitempty"`
	// MailOff are the categories of e-mail the member turned off, by category.
	MailOff []MailOff `json:"mail_off,omitempty"`
}

// MailOff is one category of e-mail an account turned off, and when.
type MailOff struct {
	Category string `json:"category"`
	OffAt    string `json:"off_at"`
}

// Identity is a login provider's subject attached to an account (full dumps).
type Identity struct {
	Type          string `json:"type"`
	Account       string `json:"account"`
	Provider      string `json:"provider"`
	Subject       string `json:"subject"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified,omitempty"`
	CreatedAt     string `json:"created_at"`
}

// Role is a role granted to an account (full dumps).
type Role struct {
	Type      string `json:"type"`
	Account   string `json:"account"`
	Role      string `json:"role"`
	GrantedAt string `json:"granted_at"`
	GrantedBy string `json:"granted_by,omitempty"`
}

// Signature records what a signatory signed (full dumps).
type Signature struct {
	Type      string `json:"type"`
	Signatory string `json:"signatory"`
	Version   int    `json:"version"`
	Lang      string `json:"lang"`
	SHA256    string `json:"sha256"`
	SignedAt  string `json:"signed_at"`
}

// Withdrawal is one withdrawal of a signature (full dumps).
type Withdrawal struct {
	Type        string `json:"type"`
	Signatory   string `json:"signatory"`
	WithdrawnAt string `json:"withdrawn_at"`
	Reason      string `json:"reason,omitempty"`
	ResignedAt  string `json:"resigned_at,omitempty"`
}

// Pair names an endorsement by its endorser and endorsee ids.
type Pair struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Credential is an issued credential with its status list entry (full dumps).
type Credential struct {
	Type             string          `json:"type"`
	ID               string          `json:"id"`
	Signatory        string          `json:"signatory"`
	Kind             string          `json:"kind"`
	Endorsement      *Pair           `json:"endorsement,omitempty"`
	SignatureVersion int             `json:"signature_version,omitempty"`
	StatusList       int             `json:"status_list"`
	StatusIndex      int             `json:"status_index"`
	Document         json.RawMessage `json:"document"`
	IssuedAt         string          `json:"issued_at"`
	RevokedAt        string          `json:"revoked_at,omitempty"`
	RevokedReason    string          `json:"revoked_reason,omitempty"`
	// ErasedAt: the hosted copy was withdrawn; the document is then {} and revoked_at is set.
	ErasedAt string `json:"erased_at,omitempty"`
	// StatusIssuer and IssuerIndex place an endorsement credential in its endorser's own status
	// list: the endorser's id and the index there.
	StatusIssuer string `json:"status_issuer,omitempty"`
	IssuerIndex  *int   `json:"issuer_index,omitempty"`
}

// Issuance is a row of the issuance outbox (full dumps).
type Issuance struct {
	Type        string `json:"type"`
	Signatory   string `json:"signatory"`
	Kind        string `json:"kind"`
	Action      string `json:"action"`
	Endorsement *Pair  `json:"endorsement,omitempty"`
	Reason      string `json:"reason,omitempty"`
	CreatedAt   string `json:"created_at"`
	Attempts    int    `json:"attempts,omitempty"`
	LastError   string `json:"last_error,omitempty"`
	DoneAt      string `json:"done_at,omitempty"`
}

// MailKey is the key that signs the unsubscribe links of the registry's e-mail (full dumps).
type MailKey struct {
	Type string `json:"type"`
	Key  string `json:"key"`
}

// Audit is one audit log entry (full dumps).
type Audit struct {
	Type         string `json:"type"`
	At           string `json:"at"`
	ActorAccount string `json:"actor_account,omitempty"`
	Actor        string `json:"actor"`
	Action       string `json:"action"`
	SubjectType  string `json:"subject_type,omitempty"`
	SubjectID    string `json:"subject_id,omitempty"`
	Detail       string `json:"detail,omitempty"`
}
