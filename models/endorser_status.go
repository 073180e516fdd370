// Each endorser's own status list: the revocation status of the endorsement credentials their
// custodial identity signed. It is served for as long as any of them exists, also after the
// endorser left the registry or deleted their account: a wallet holding one of their
// endorsements must be able to learn that it was revoked.

package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// Endorser returns the signatory with this public id, whatever their state, and whether their
// custodial identity must stay resolvable: they are in the registry, or a credential they signed
// exists (their DID document and status list are then served even after they left).
func (s *Store) Endorser(ctx context.Context, publicID string) (*Signatory, bool, error) {
	var sg Signatory
	err := s.DB.WithContext(ctx).Where("public_id = ?", publicID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, Errorf(ENOTFOUND, "no signatory has the id %s", publicID)
	}
	if err != nil {
		return nil, false, err
	}
	if sg.Listed {
		return &sg, true, nil
	}
	var n int64
	err = s.DB.WithContext(ctx).Raw(`SELECT count(*) FROM credentials c WHERE c.status_issuer = ?
		OR (c.kind = 'endorsement' AND c.endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ?))`, sg.ID, sg.ID).Scan(&n).Error
	return &sg, n > 0, err
}

// EndorserStatus returns whether the endorser's status list holds any credential, and the
// entries of it that are revoked.
func (s *Store) EndorserStatus(ctx context.Context, signatoryID int64) (exists bool, revoked []int, err error) {
	var rows []struct {
		IssuerIndex int
		Revoked     bool
	}
	err = s.DB.WithContext(ctx).Model(&Credential{}).Select("issuer_index, revoked_at IS NOT NULL AS revoked").
		Where("status_issuer = ?", signatoryID).Scan(&rows).Error
	for _, r := range rows {
		if r.Revoked {
			revoked = append(revoked, r.IssuerIndex)
		}
	}
	return len(rows) > 0, revoked, err
}
