package models

import "time"

// Account is someone who logs in; one account holds at most one registry entry.
type Account struct {
	ID            int64 `gorm:"primaryKey"`
	PublicID      string
	DisplayName   string
	Email         string
	EmailVerified bool
	// Language is the interface language the member last chose; their e-mail is written in it.
	Language  string `gorm:"default:en"`
	CreatedAt time.Time
	BlockedAt *time.Time
	DeletedAt *time.Time
}

func (Account) TableName() string { return "accounts" }

// Identity is one login provider's subject attached to an account.
type Identity struct {
	ID            int64 `gorm:"primaryKey"`
	AccountID     int64
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	CreatedAt     time.Time
}

func (Identity) TableName() string { return "identities" }

// Role grants an account a power, such as administration.
type Role struct {
	AccountID int64  `gorm:"primaryKey;autoIncrement:false"`
	Role      string `gorm:"primaryKey"`
	GrantedAt time.Time
	GrantedBy *int64
}

func (Role) TableName() string { return "roles" }
