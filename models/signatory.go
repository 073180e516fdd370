package models

import (
	"time"
)

// Kinds of signatory.
const (
	KindPerson       = "person"
	KindOrganisation = "organisation"
)

// Tiers, lowest first. The field is always one of these.
var Tiers = []string{"signatory", "advocate", "ambassador"}

// Statuses of a signatory: only active ones are listed.
const (
	StatusActive    = "active"
	StatusWithdrawn = "withdrawn"
	StatusHidden    = "hidden" // moderated away by an administrator
	StatusDeleted   = "deleted"
)

// Signatory is one entry of the registry: a person, or an organisation and who signed for it.
type Signatory struct {
	ID             int64 `gorm:"primaryKey"`
	PublicID       string
	AccountID      *int64
	Source         string
	Ref            string
	Kind           string
	Name           string
	Representative string
	Role           string
	Email          string
	Country        string
	City           string
	Affiliation    string
	Website        string
	Statement      string
	Visibility     Visibility `gorm:"embedded;embeddedPrefix:vis_"`
	PlaceID        *int64
	Lat            *float64
	Lon            *float64
	Tier           string
	Status         string
	Verified       bool
	Listed         bool
	SignedAt       time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// TierSince is when the tier held was reached (nil when unknown).
	TierSince *time.Time
	// NameKey sorts lists by name (see NameKey); derived, like the search words.
	NameKey string
	// RejectedAt and Rejection say that an administrator did not verify an organisation, and
	// why; the organisation reads the reason on its account page. Saving the entry again
	// clears them and puts it back in the verification queue.
	RejectedAt *time.Time
	Rejection  string
}

// TableName keeps GORM on the migration's table name.
func (Signatory) TableName() string { return "signatories" }

// Listable tells whether a signatory with this status and verification appears in the registry.
func Listable(status string, verified bool) bool {
	return status == StatusActive && verified
}

// Endorsement is an ordered edge endorser → endorsee.
type Endorsement struct {
	ID        int64 `gorm:"primaryKey"`
	FromID    int64
	ToID      int64
	Level     string
	Status    string
	Comment   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (Endorsement) TableName() string { return "endorsements" }

// Endorsement levels and statuses.
var (
	Levels              = []string{"advocate", "ambassador"}
	EndorsementStatuses = []string{"pending", "accepted", "declined", "withdrawn"}
)

// Seed marks a founding Ambassador.
type Seed struct {
	SignatoryID int64 `gorm:"primaryKey"`
	AppointedAt time.Time
	AppointedBy *int64
}

func (Seed) TableName() string { return "seeds" }

// Signature records what a signatory signed: the declaration version, its language and the
// SHA-256 of the exact text.
type Signature struct {
	ID                 int64 `gorm:"primaryKey"`
	SignatoryID        int64
	DeclarationVersion int
	Lang               string
	TextSHA256         string `gorm:"column:text_sha256"`
	SignedAt           time.Time
}

func (Signature) TableName() string { return "signatures" }

// Withdrawal records one withdrawal of a signature and, when it happened, the signing again.
type Withdrawal struct {
	ID          int64 `gorm:"primaryKey"`
	SignatoryID int64
	WithdrawnAt time.Time
	Reason      string
	ResignedAt  *time.Time
}

func (Withdrawal) TableName() string { return "withdrawals" }

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID             int64 `gorm:"primaryKey"`
	At             time.Time
	ActorAccountID *int64
	Actor          string
	Action         string
	SubjectType    string
	SubjectID      string
	Detail         string
}

func (AuditEntry) TableName() string { return "audit_log" }

// contains reports whether v is one of list.
func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ValidTier, ValidLevel and ValidEndorsementStatus check enumerations before the database does,
// so that the message can name the value.
func ValidTier(v string) bool              { return contains(Tiers, v) }
func ValidLevel(v string) bool             { return contains(Levels, v) }
func ValidEndorsementStatus(v string) bool { return contains(EndorsementStatuses, v) }
