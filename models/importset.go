package models

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// SignatoryNamespace is the UUIDv5 namespace of signatory ids: the id of a record with a ref is
// UUIDv5(SignatoryNamespace, source + "\n" + ref), so anyone can derive it from a file.
var SignatoryNamespace = uuid.MustParse("6f1a4d52-6a0e-5b43-9c5e-0b2a7e1d0c11")

// SignatoryID derives the stable public id of a record from its file's source and its ref.
func SignatoryID(source, ref string) string {
	return uuid.NewSHA1(SignatoryNamespace, []byte(source+"\n"+ref)).String()
}

// ImportError names the line of the file that made an import fail.
type ImportError struct {
	Line int
	Err  error
}

func (e *ImportError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *ImportError) Unwrap() error { return e.Err }

// Target names a signatory in an import: by its public id (resolved in the file or the database).
type Target struct {
	PublicID string
}

// ImportSet is a whole import file, parsed and checked line by line, ready to be written in one
// transaction. Cross-record rules that need the database (an id that must exist, a declaration
// that must match) are checked while writing and still name the line.
type ImportSet struct {
	Source string
	// Full marks a complete dump (export --full): nothing is implied, every row is in the file.
	Full bool

	Declarations []DeclarationIn
	Accounts     []AccountIn
	Identities   []IdentityIn
	Roles        []RoleIn
	Signatories  []*SignatoryIn
	Signatures   []SignatureIn
	Withdrawals  []WithdrawalIn
	Seeds        []SeedIn
	Endorsements []EndorsementIn
	Credentials  []CredentialIn
	Issuance     []IssuanceIn
	Audit        []AuditIn
	// MailKey is the key of the e-mail's unsubscribe links (hexadecimal), from the line MailKeyLine.
	MailKey     string
	MailKeyLine int
}

type DeclarationIn struct {
	Line int
	Declaration
}

type AccountIn struct {
	Line        int
	PublicID    string
	DisplayName string
	Email       string
	Verified    bool
	CreatedAt   time.Time
	BlockedAt   *time.Time
	DeletedAt   *time.Time
	// Language is the language of the member's e-mail; MailOff the categories they turned off
	// (AccountID unset: the account's row is known once it is written).
	Language string
	MailOff  []MailSetting
}

type IdentityIn struct {
	Line          int
	Account       string
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	CreatedAt     time.Time
}

type RoleIn struct {
	Line      int
	Account   string
	Role      string
	GrantedAt time.Time
	GrantedBy string
}

// SignatoryIn is a signatory record; Signatory.PublicID is already derived.
type SignatoryIn struct {
	Line      int
	Signatory Signatory
	Account   string // account public id, full dumps only
	// Lang is the language the declaration was signed in (implied signatures).
	Lang string
}

type SignatureIn struct {
	Line      int
	Signatory Target
	Version   int
	Lang      string
	SHA256    string
	SignedAt  time.Time
}

type WithdrawalIn struct {
	Line        int
	Signatory   Target
	WithdrawnAt time.Time
	Reason      string
	ResignedAt  *time.Time
}

type SeedIn struct {
	Line        int
	Signatory   Target
	AppointedAt time.Time
	AppointedBy string
}

type EndorsementIn struct {
	Line      int
	From, To  Target
	Level     string
	Status    string
	Comment   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

type CredentialIn struct {
	Line          int
	ID            string
	Signatory     Target
	Kind          string
	Endorsement   *[2]Target // endorser, endorsee
	SignatureVer  int        // declaration version of the signature it attests, 0 when none
	StatusList    int
	StatusIndex   int
	Document      string
	IssuedAt      time.Time
	RevokedAt     *time.Time
	RevokedReason string
	ErasedAt      *time.Time
	// StatusIssuer is the endorser whose own status list holds an endorsement credential, at
	// IssuerIndex; nil when the registry's list holds it.
	StatusIssuer *Target
	IssuerIndex  *int
}

type IssuanceIn struct {
	Line        int
	Signatory   Target
	Kind        string
	Action      string
	Endorsement *[2]Target
	Reason      string
	CreatedAt   time.Time
	Attempts    int
	LastError   string
	DoneAt      *time.Time
}

type AuditIn struct {
	Line  int
	Actor string // account public id, or empty for the system
	AuditEntry
}

// ImportResult counts what an import added and what it found already present.
type ImportResult struct {
	Signatories, Endorsements, Seeds int
	Present                          int // records already in the registry, left as they are
}

// size is the number of records of the main kinds.
func (s *ImportSet) size() int { return len(s.Signatories) + len(s.Endorsements) + len(s.Seeds) }
