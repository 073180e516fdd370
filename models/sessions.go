// Signed-in sessions and logins in progress. Only hashes of their tokens are stored: a copy of
// the database does not let anyone sign in.

package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Session is a signed-in browser.
type Session struct {
	TokenHash string `gorm:"primaryKey"`
	AccountID int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (Session) TableName() string { return "sessions" }

// LoginState is a login on its way to a provider and back.
type LoginState struct {
	StateHash string `gorm:"primaryKey"`
	Provider  string
	Session   string // the provider's own session, as goth marshals it
	ReturnTo  string
	AccountID *int64 // a signed-in person attaching another provider
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (LoginState) TableName() string { return "login_states" }

// SaveLoginState keeps a login in progress, and drops the expired ones.
func (s *Store) SaveLoginState(ctx context.Context, st LoginState) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", s.now()).Delete(&LoginState{}).Error; err != nil {
			return err
		}
		st.CreatedAt = s.now()
		return tx.Create(&st).Error
	})
}

// TakeLoginState returns a login in progress and forgets it, so that its state works once.
func (s *Store) TakeLoginState(ctx context.Context, stateHash string) (LoginState, error) {
	var st LoginState
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("state_hash = ?", stateHash).Take(&st).Error; err != nil {
			return err
		}
		return tx.Where("state_hash = ?", stateHash).Delete(&LoginState{}).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && st.ExpiresAt.Before(s.now())) {
		return LoginState{}, Errorf(ENOTFOUND, "this login link has expired or was already used; start again")
	}
	return st, err
}

// StartSession records a new signed-in session for an account; replacing marks the token hash
// of the session the browser had before (rotated at login), which ends.
func (s *Store) StartSession(ctx context.Context, accountID int64, tokenHash, replacing string, ttl time.Duration) error {
	return s.groupWrite(ctx, func(tx *gorm.DB) error {
		if replacing != "" {
			if err := tx.Where("token_hash = ?", replacing).Delete(&Session{}).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("account_id = ? AND expires_at < ?", accountID, s.now()).Delete(&Session{}).Error; err != nil {
			return err
		}
		now := s.now()
		return tx.Create(&Session{TokenHash: tokenHash, AccountID: accountID, CreatedAt: now, ExpiresAt: now.Add(ttl)}).Error
	})
}

// SessionView is the signed-in account with what every page shows of it.
type SessionView struct {
	Account Account `gorm:"embedded"`
	Admin   bool
	// Pending counts the endorsements waiting for the account's answer.
	Pending int64
}

// SessionAccount returns the account of a live session (not expired, account neither blocked
// nor deleted), in one query with its role and the endorsements it has to answer: it runs on
// every signed-in request.
func (s *Store) SessionAccount(ctx context.Context, tokenHash string) (*SessionView, error) {
	var out []SessionView
	err := s.DB.WithContext(ctx).Table("accounts").
		Select(`accounts.*,
			EXISTS (SELECT 1 FROM roles r WHERE r.account_id = accounts.id AND r.role = ?) AS admin,
			(SELECT COUNT(*) FROM endorsements e JOIN signatories t ON t.id = e.to_id WHERE t.account_id = accounts.id AND e.status = 'pending') AS pending`, RoleAdmin).
		// The session first, then its account by key: written as a join, PostgreSQL may read
		// every account to find the one (a plan it picks for tables it has no statistics of yet).
		Where("accounts.id = (SELECT account_id FROM sessions WHERE token_hash = ? AND expires_at > ?) AND accounts.blocked_at IS NULL AND accounts.deleted_at IS NULL", tokenHash, s.now()).
		Limit(1).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

// EndSession signs a browser out.
func (s *Store) EndSession(ctx context.Context, tokenHash string) error {
	return s.DB.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&Session{}).Error
}

// endSessions signs an account out everywhere (blocked, deleted).
func endSessions(tx *gorm.DB, accountID int64) error {
	return tx.Where("account_id = ?", accountID).Delete(&Session{}).Error
}
