// A member's network, for /account/network: the endorsements they gave and received, a page at
// a time (a hub gives and receives thousands), newest first by keyset on the endorsement id.

package models

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
)

// NetworkPage is how many endorsements one page of a network list shows.
const NetworkPage = 50

// NetworkEndorsement is one endorsement seen from the entry on one side of it: the other party
// as the public may see them.
type NetworkEndorsement struct {
	ID      int64
	Level   string
	Status  string
	Comment string
	// OtherPublicID and OtherName are the other party's; OtherName is empty unless they make
	// their name public and are listed.
	OtherPublicID string
	OtherName     string
	OtherTier     string
	OtherListed   bool
	// OtherSeed: the other party is a founding Ambassador, whose tier rests on nothing.
	OtherSeed            bool
	CreatedAt, UpdatedAt time.Time
}

// EndorsementEvent is one recorded step of an endorsement's history: made or changed (with its
// level), withdrawn, accepted, declined.
type EndorsementEvent struct {
	At     time.Time
	Action string
	Level  string
}

const networkSelect = `e.id, e.level, e.status, e.comment, e.created_at, e.updated_at, o.public_id AS other_public_id,
	CASE WHEN o.listed AND o.vis_name = 'public' THEN o.name ELSE '' END AS other_name, o.tier AS other_tier, o.listed AS other_listed,
	EXISTS (SELECT 1 FROM seeds d WHERE d.signatory_id = o.id) AS other_seed`

// EndorsementsGiven lists the live endorsements (pending, accepted, declined) the entry gave,
// newest first, before the endorsement id before (0: from the newest).
func (s *Store) EndorsementsGiven(ctx context.Context, signatoryID, before int64) ([]NetworkEndorsement, error) {
	q := s.DB.WithContext(ctx).Table("endorsements e").Select(networkSelect).Joins("JOIN signatories o ON o.id = e.to_id").
		Where("e.from_id = ? AND e.status <> 'withdrawn'", signatoryID)
	return networkPage(q, before)
}

// EndorsementsReceived lists every endorsement the entry received, withdrawn ones too (they are
// part of its history), newest first.
func (s *Store) EndorsementsReceived(ctx context.Context, signatoryID, before int64) ([]NetworkEndorsement, error) {
	q := s.DB.WithContext(ctx).Table("endorsements e").Select(networkSelect).Joins("JOIN signatories o ON o.id = e.from_id").
		Where("e.to_id = ?", signatoryID)
	return networkPage(q, before)
}

// LiftCandidates lists the endorsements the entry gave whose endorsee's tier MayCarry says they
// may carry (the same rule as WithdrawalStakes' dependents, as SQL), newest first: the page asks
// the latest computation which of them it really went through.
func (s *Store) LiftCandidates(ctx context.Context, me *Signatory, before int64) ([]NetworkEndorsement, error) {
	var carried string
	switch me.Tier {
	case "advocate":
		carried = "o.tier = 'advocate'"
	case "ambassador":
		carried = "(o.tier = 'advocate' OR (o.tier = 'ambassador' AND e.level = 'ambassador'))"
	default:
		return nil, nil
	}
	q := s.DB.WithContext(ctx).Table("endorsements e").Select(networkSelect).Joins("JOIN signatories o ON o.id = e.to_id").
		Where("e.from_id = ? AND (e.status = 'pending' OR e.status = 'accepted') AND o.listed", me.ID).Where(carried).
		Where("NOT EXISTS (SELECT 1 FROM seeds d WHERE d.signatory_id = o.id)")
	return networkPage(q, before)
}

// networkPage reads one page of q, newest first, before the endorsement id before (0: the newest).
func networkPage(q *gorm.DB, before int64) ([]NetworkEndorsement, error) {
	if before > 0 {
		q = q.Where("e.id < ?", before)
	}
	var out []NetworkEndorsement
	err := q.Order("e.id DESC").Limit(NetworkPage).Scan(&out).Error
	return out, err
}

// ReceivedHistory reads, from the audit log, the recorded steps of the endorsements the entry
// me received from the endorsers named (public ids): what each endorser did (made, changed,
// withdrew) and how me answered. Endorsements imported, or made before the audit log, have no
// steps: their page shows when they were made and their status.
func (s *Store) ReceivedHistory(ctx context.Context, me *Signatory, from []string) (map[string][]EndorsementEvent, error) {
	out := map[string][]EndorsementEvent{}
	if len(from) == 0 || me.AccountID == nil {
		return out, nil
	}
	var rows []struct {
		At                    time.Time
		Action, Detail, Party string
	}
	db := s.DB.WithContext(ctx)
	// The endorsers' own steps: the subject is me, the actor the endorser's account.
	err := db.Table("audit_log a").Select("a.at, a.action, a.detail, f.public_id AS party").
		Joins("JOIN signatories f ON f.account_id = a.actor_account_id").
		Where("a.subject_type = 'signatory' AND a.subject_id = ? AND a.action IN ? AND f.public_id IN ?",
			me.PublicID, []string{"endorsement.set", "endorsement.withdraw"}, from).
		Order("a.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var answers []struct {
		At                    time.Time
		Action, Detail, Party string
	}
	err = db.Table("audit_log a").Select("a.at, a.action, a.detail, a.subject_id AS party").
		Where("a.actor_account_id = ? AND a.subject_type = 'signatory' AND a.action IN ? AND a.subject_id IN ?",
			*me.AccountID, []string{"endorsement.accept", "endorsement.decline"}, from).
		Order("a.id").Scan(&answers).Error
	if err != nil {
		return nil, err
	}
	for _, r := range append(rows, answers...) {
		ev := EndorsementEvent{At: r.At, Action: r.Action}
		if r.Action == "endorsement.set" {
			ev.Level = r.Detail
		}
		out[r.Party] = append(out[r.Party], ev)
	}
	for k := range out {
		slices.SortStableFunc(out[k], func(a, b EndorsementEvent) int { return a.At.Compare(b.At) })
	}
	return out, nil
}
