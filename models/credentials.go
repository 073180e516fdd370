package models

import "time"

// Credential is an issued Open Badges credential, stored exactly as signed.
type Credential struct {
	ID            string `gorm:"primaryKey"`
	SignatoryID   int64
	Kind          string
	EndorsementID *int64
	SignatureID   *int64
	StatusList    int
	StatusIndex   int
	// StatusIssuer and IssuerIndex place an endorsement credential in its endorser's own status
	// list (endorser_status.go): the list its document points at.
	StatusIssuer  *int64
	IssuerIndex   *int
	Document      string
	IssuedAt      time.Time
	RevokedAt     *time.Time
	RevokedReason string
	// ErasedAt is when the hosted copy was withdrawn (see erasure.go): the document is then '{}'
	// and the credential's addresses answer 410, while the status list still says revoked.
	ErasedAt *time.Time
	// Carries, on a credential about to be stored, is whose name its document holds (not a
	// column): it is stored only while that is still the person's public choice.
	Carries *NameUse `gorm:"-"`
	// Endorses, on an endorsement credential about to be stored, is the accepted state it was
	// signed from (not a column): it is stored only while the endorsement is still in it.
	Endorses *EndorsementState `gorm:"-"`
}

func (Credential) TableName() string { return "credentials" }

// IssuanceJob is a row of the durable outbox: a credential to issue or revoke, written in the
// same transaction as the change that caused it.
type IssuanceJob struct {
	ID            int64 `gorm:"primaryKey"`
	SignatoryID   int64
	Kind          string
	Action        string
	EndorsementID *int64
	Reason        string
	CreatedAt     time.Time
	Attempts      int
	LastError     string
	DoneAt        *time.Time
	// Priority orders the open jobs: PriorityInteractive first, then PriorityBulk, then
	// PriorityRetry, each oldest first.
	Priority int
}

// Outbox priorities (the schema's CHECK lists them): a person waiting for their own badge is
// never queued behind an import's backlog.
const (
	PriorityInteractive = 0
	PriorityBulk        = 1
	PriorityRetry       = 2
)

func (IssuanceJob) TableName() string { return "issuance_outbox" }

// CredentialKinds and IssuanceActions enumerate what the outbox and the credentials table hold.
var (
	CredentialKinds = []string{"signatory", "advocate", "ambassador", "endorsement"}
	IssuanceActions = []string{"issue", "revoke"}
)
