// What withdrawing a signature, withdrawing an endorsement or declining one would do, said on
// the page before the button is pressed. Read from the tiers as the last computation left them,
// with the rule of the flow (trust.md): only a member the computation accepted passes trust on,
// in the run of the tier they hold, and the Ambassador run counts Ambassador endorsements only.
// No what-if computation: the pages say "may".

package models

import (
	"context"
)

// MayCarry tells whether an endorsement of a level, from a member holding fromTier, may be part
// of what carries the tier toTier of the member it endorses. A founding Ambassador's tier rests on
// nothing: the caller leaves seeds out.
func MayCarry(fromTier, toTier, level string) bool {
	switch {
	case TierRank(toTier) < 1:
		return false // a Signatory has no tier to lose
	case TierRank(fromTier) < TierRank(toTier):
		return false // the endorser carries no trust in the run that gives that tier
	case toTier == "ambassador" && level != "ambassador":
		return false // the Ambassador run reads Ambassador endorsements only
	}
	return true
}

// WithdrawalStakes is what withdrawing a signature revokes and whom it may affect.
type WithdrawalStakes struct {
	// Tier is the tier whose badge goes with the Signatory badge ("signatory": none more).
	Tier string
	// Given and Received count the live endorsement credentials the member issued to others and
	// holds from others: withdrawing revokes both.
	Given, Received int64
	// Dependents counts the members this one endorses whose tier that endorsement may carry.
	Dependents int64
}

// WithdrawalStakes reads what withdrawing an active entry would do, in three small queries.
func (s *Store) WithdrawalStakes(ctx context.Context, sg *Signatory) (WithdrawalStakes, error) {
	out := WithdrawalStakes{Tier: sg.Tier}
	db := s.DB.WithContext(ctx)
	if err := db.Model(&Credential{}).Where("kind = 'endorsement' AND revoked_at IS NULL AND endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ?)", sg.ID).
		Count(&out.Given).Error; err != nil {
		return out, err
	}
	if err := db.Model(&Credential{}).Where("kind = 'endorsement' AND revoked_at IS NULL AND signatory_id = ?", sg.ID).
		Count(&out.Received).Error; err != nil {
		return out, err
	}
	// The endorsees whose tier MayCarry says this member's endorsement may carry, as SQL.
	var carried string
	switch sg.Tier {
	case "advocate":
		carried = "t.tier = 'advocate'"
	case "ambassador":
		carried = "(t.tier = 'advocate' OR (t.tier = 'ambassador' AND e.level = 'ambassador'))"
	default:
		return out, nil
	}
	err := db.Table("endorsements e").Joins("JOIN signatories t ON t.id = e.to_id").
		Where("e.from_id = ? AND (e.status = 'pending' OR e.status = 'accepted') AND t.listed", sg.ID).
		Where(carried).Where("NOT EXISTS (SELECT 1 FROM seeds d WHERE d.signatory_id = t.id)").
		Count(&out.Dependents).Error
	return out, err
}

// DeclineStakes returns, among the endorsements waiting for the answer of an account's entry,
// the endorsers (by public id) whose endorsement may carry the tier the entry holds: declining
// it may lower that tier. Empty for a founding Ambassador and for a Signatory.
func (s *Store) DeclineStakes(ctx context.Context, me *Signatory) (map[string]bool, error) {
	out := map[string]bool{}
	if TierRank(me.Tier) < 1 {
		return out, nil
	}
	if seed, err := s.IsSeed(ctx, me.ID); err != nil || seed {
		return out, err
	}
	var rows []struct{ PublicID, Tier, Level string }
	err := s.DB.WithContext(ctx).Table("endorsements e").Joins("JOIN signatories f ON f.id = e.from_id").
		Select("f.public_id, f.tier, e.level").
		Where("e.to_id = ? AND e.status = 'pending' AND f.listed", me.ID).Scan(&rows).Error
	for _, r := range rows {
		if MayCarry(r.Tier, me.Tier, r.Level) {
			out[r.PublicID] = true
		}
	}
	return out, err
}
