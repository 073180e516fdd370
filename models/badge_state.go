package models

import (
	"context"
	"fmt"
)

// BadgeState is what a signatory's profile shows of their badges, in a few numbers: the
// credentials issued to them, those revoked or erased, and their badges still being signed. It
// changes whenever one of their badges is signed, revoked or erased, and not when anybody
// else's is: while a backlog of badges is signed, a profile kept for visitors is rendered again
// only when its own badges change (every signatory's credentials only ever grow, so the numbers
// never come back to an earlier state). found is false for an id no signatory has.
func (s *Store) BadgeState(ctx context.Context, publicID string) (state string, found bool, err error) {
	var rows []struct{ Issued, Closed, Signing int64 }
	err = s.DB.WithContext(ctx).Raw(`SELECT
		(SELECT count(*) FROM credentials c WHERE c.signatory_id = s.id) AS issued,
		(SELECT count(*) FROM credentials c WHERE c.signatory_id = s.id AND (c.revoked_at IS NOT NULL OR c.erased_at IS NOT NULL)) AS closed,
		(SELECT count(*) FROM issuance_outbox o WHERE o.signatory_id = s.id AND o.done_at IS NULL) AS signing
		FROM signatories s WHERE s.public_id = ?`, publicID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", false, err
	}
	r := rows[0]
	return fmt.Sprintf("%d.%d.%d", r.Issued, r.Closed, r.Signing), true, nil
}
