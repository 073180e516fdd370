package models

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
)

// VerifiedEmail is the e-mail address a credential may name a signatory by (hashed): the
// address of their account when the login provider verified it, or the address an unclaimed
// imported entry carries (the operator vouches for the file, as for an organisation). "" when
// the registry knows no verified address.
func (s *Store) VerifiedEmail(ctx context.Context, sg *Signatory) (string, error) {
	if sg.Email == "" {
		return "", nil
	}
	if sg.AccountID == nil {
		return strings.ToLower(sg.Email), nil
	}
	var acc Account
	err := s.DB.WithContext(ctx).Select("email", "email_verified").Where("id = ?", *sg.AccountID).Take(&acc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil || !acc.EmailVerified || !strings.EqualFold(acc.Email, sg.Email) {
		return "", err
	}
	return strings.ToLower(sg.Email), nil
}
