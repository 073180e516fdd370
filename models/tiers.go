// Loading the endorsement graph for the tier computation, and writing its outcome.

package models

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/open-recognition/registry/trust"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TrustInput is the graph the tier computation reads: every signatory (the inactive ones count
// for nothing) and every endorsement.
type TrustInput struct {
	// Version is the graph's version (GraphVersion) when it was read.
	Version string
	Members []trust.Member
	RowIDs  []int64
	Tiers   []string
	Listed  []bool
	Edges   []trust.Edge
	// Previous is what the previous computation lifted, which the scaled capacity schedule
	// follows; Schedule the capacities it used (nil before the first computation).
	Previous trust.Lifted
	Schedule *TierSchedule
}

// LoadTrust reads the graph: the signatories and the endorsements at once, the endorsements in
// ranges of ids on every core (a million rows cost a second read one by one; trust_read.go).
func (s *Store) LoadTrust(ctx context.Context) (*TrustInput, error) {
	in := &TrustInput{}
	var err error
	if in.Version, err = s.GraphVersion(ctx); err != nil {
		return nil, err
	}
	if in.Schedule, err = s.TierSchedule(ctx); err != nil {
		return nil, err
	}
	if err := s.readGraph(ctx, in); err != nil {
		return nil, err
	}
	if in.Schedule != nil {
		in.Previous = in.Schedule.Lifted
	} else {
		// Tiers computed before the schedule was recorded: what they hold is what was lifted.
		for i, t := range in.Tiers {
			if in.Members[i].Active && (t == "advocate" || t == "ambassador") {
				in.Previous.Advocate++
			}
			if in.Members[i].Active && t == "ambassador" {
				in.Previous.Ambassador++
			}
		}
	}
	return in, nil
}

// createdMillis is the SQL expression of an endorsement's creation time in milliseconds, read by
// the database itself, which the tier computation orders endorsements by and the published graph
// states (so that a recomputation from it meets them in the same order, ties included). On SQLite
// it counts from the Julian epoch (julianUnixMillis), on PostgreSQL from 1970.
func (s *Store) createdMillis(column string) string {
	if s.Dialect == Postgres {
		return "CAST(EXTRACT(EPOCH FROM " + column + ") * 1000 AS BIGINT)"
	}
	return "CAST(julianday(" + column + ") * 86400000 AS INTEGER)"
}

// TierCounts are exclusive counts over the signatories in the registry.
type TierCounts struct{ Signatory, Advocate, Ambassador int }

// ApplyTiers writes the tiers that changed, in one transaction with the badge jobs they call
// for: reaching Advocate or Ambassador issues that badge, losing it revokes it; and it queues
// whatever else the tiers held call for (reconcileTierBadges), however they were reached.
//
// It compares with the tiers as they are inside its transaction, not as they were read: a
// computation that read the graph before another one wrote (another process, a second server)
// changes nothing that other already changed, and queues no badge twice. Each update is checked
// against the tier it replaces (UPDATE … WHERE tier = old), and a badge job is queued only for a
// row that changed and is listed as the update finds it. Rows are updated in batches grouped by
// change, so that a first computation of a large registry stays a few statements.
func (s *Store) ApplyTiers(ctx context.Context, in *TrustInput, tiers []trust.Tier) (changed int, counts TierCounts, err error) {
	return s.applyTiers(ctx, in, tiers, nil)
}

// ApplyComputation writes a computation's tiers as ApplyTiers does, and records in the same
// transaction the capacity schedule it used and what it lifted, which the next computation's
// schedule follows and the published graph states.
func (s *Store) ApplyComputation(ctx context.Context, in *TrustInput, r *trust.Result) (changed int, counts TierCounts, err error) {
	sched := r.Schedule()
	return s.applyTiers(ctx, in, r.Tiers, &TierSchedule{Advocate: sched.Advocate, Ambassador: sched.Ambassador,
		AdvocateSize: sched.AdvocateSize, AmbassadorSize: sched.AmbassadorSize, Lifted: r.Lifted(), Version: in.Version})
}

func (s *Store) applyTiers(ctx context.Context, in *TrustInput, tiers []trust.Tier, sched *TierSchedule) (changed int, counts TierCounts, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		changed = 0
		counts = TierCounts{}
		current, err := currentTiers(tx)
		if err != nil {
			return err
		}
		type move struct{ from, to string }
		moves := map[move][]int64{}
		for i, t := range tiers {
			cur, ok := current[in.RowIDs[i]]
			if !ok {
				continue
			}
			name := t.String()
			if cur.listed {
				switch t {
				case trust.Ambassador:
					counts.Ambassador++
				case trust.Advocate:
					counts.Advocate++
				default:
					counts.Signatory++
				}
			}
			if cur.tier != name {
				m := move{cur.tier, name}
				moves[m] = append(moves[m], in.RowIDs[i])
			}
		}
		order := make([]move, 0, len(moves))
		for m := range moves {
			order = append(order, m)
		}
		sort.Slice(order, func(a, b int) bool {
			return order[a].from+"→"+order[a].to < order[b].from+"→"+order[b].to
		})
		var jobs []IssuanceJob
		for _, m := range order {
			for ids := range slices.Chunk(moves[m], 500) {
				rows, err := tx.Raw("UPDATE signatories SET tier = ?, tier_since = ? WHERE tier = ? AND id IN ? RETURNING id, listed", m.to, now, m.from, ids).Rows()
				if err != nil {
					return err
				}
				var moved []int64 // listed members moved: told on their next visit
				for rows.Next() {
					var id int64
					var listed bool
					if err := rows.Scan(&id, &listed); err != nil {
						rows.Close()
						return err
					}
					changed++
					if !listed {
						// Nobody outside the registry holds a badge: leaving revoked them all, and
						// coming back issues those of the tier held then.
						continue
					}
					moved = append(moved, id)
					if m.from != "signatory" {
						jobs = append(jobs, IssuanceJob{SignatoryID: id, Kind: m.from, Action: "revoke", Reason: ReasonTierChanged, CreatedAt: now})
					}
					if m.to != "signatory" {
						jobs = append(jobs, IssuanceJob{SignatoryID: id, Kind: m.to, Action: "issue", CreatedAt: now})
					}
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				if err := notifyTierMoved(tx, m.from, m.to, moved, now); err != nil {
					return err
				}
			}
		}
		if changed > 0 {
			// A computation that follows one endorsement changes a few tiers, and those people
			// are waiting for their badge; a first computation of a large registry is bulk work.
			priority := PriorityInteractive
			if len(jobs) > interactiveTierJobs {
				priority = PriorityBulk
			}
			if err := queueJobs(tx, jobs, priority, now); err != nil {
				return err
			}
		}
		// Whatever the changes, every listed holder of a tier gets that tier's badge, and a badge
		// of a tier no longer held goes: tiers reached without a change seen here (an import's
		// founding Ambassadors, a restored backup) converge at every computation.
		if _, err := reconcileTierBadges(tx, now); err != nil {
			return err
		}
		if sched != nil {
			if err := saveTierSchedule(tx, sched); err != nil {
				return err
			}
		}
		if changed == 0 {
			return nil
		}
		if err := audit(tx, AuditEntry{At: now, Actor: "system", Action: "tiers.recompute",
			Detail: formatCounts(changed, counts)}); err != nil {
			return err
		}
		return bumpChanges(tx)
	})
	return changed, counts, err
}

// interactiveTierJobs is the most badge jobs a tier computation queues ahead of bulk work.
const interactiveTierJobs = 20

// reconcileTierBadges queues, as bulk work, the badge of every listed signatory whose tier has
// neither a live credential nor an open issuance, and the revocation of every live Advocate or
// Ambassador badge whose holder no longer holds that tier or left the registry and has no open
// revocation. Two INSERT … SELECT, each served by the unique partial indexes credentials_one_live
// and issuance_outbox_one_open (SQLite uses a partial index only when the query repeats its
// condition, hence "kind <> 'endorsement'": without it the revocation query reads every
// credential's row, endorsement credentials and their documents included); on a registry where
// every badge is as it should be they write nothing. It returns how many jobs it queued.
func reconcileTierBadges(tx *gorm.DB, now time.Time) (int64, error) {
	issue := tx.Exec(`INSERT INTO issuance_outbox (signatory_id, kind, action, reason, created_at, attempts, last_error, priority)
		SELECT s.id, s.tier, 'issue', '', ?, 0, '', ? FROM signatories s
		WHERE s.listed AND s.tier IN ('advocate', 'ambassador')
		  AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.signatory_id = s.id AND c.kind = s.tier
		                  AND c.revoked_at IS NULL AND c.kind <> 'endorsement')
		  AND NOT EXISTS (SELECT 1 FROM issuance_outbox o WHERE o.signatory_id = s.id AND o.kind = s.tier
		                  AND o.action = 'issue' AND o.done_at IS NULL)
		ON CONFLICT DO NOTHING`, now, PriorityBulk)
	if issue.Error != nil {
		return 0, fromDB(issue.Error)
	}
	revoke := tx.Exec(`INSERT INTO issuance_outbox (signatory_id, kind, action, reason, created_at, attempts, last_error, priority)
		SELECT c.signatory_id, c.kind, 'revoke', 'tier changed', ?, 0, '', ? FROM credentials c JOIN signatories s ON s.id = c.signatory_id
		WHERE c.revoked_at IS NULL AND c.kind <> 'endorsement' AND c.kind IN ('advocate', 'ambassador') AND (c.kind <> s.tier OR NOT s.listed)
		  AND NOT EXISTS (SELECT 1 FROM issuance_outbox o WHERE o.signatory_id = c.signatory_id AND o.kind = c.kind
		                  AND o.action = 'revoke' AND o.done_at IS NULL)
		ON CONFLICT DO NOTHING`, now, PriorityBulk)
	if revoke.Error != nil {
		return 0, fromDB(revoke.Error)
	}
	queued := issue.RowsAffected + revoke.RowsAffected
	if queued > 0 {
		if err := queueIssuance(tx, PriorityBulk); err != nil {
			return 0, err
		}
	}
	return queued, nil
}

type standing struct {
	tier   string
	listed bool
}

// currentTiers reads every signatory's tier and place in the registry, inside the caller's
// transaction: one query, whatever the size.
func currentTiers(tx *gorm.DB) (map[int64]standing, error) {
	rows, err := tx.Raw("SELECT id, tier, listed FROM signatories").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]standing{}
	for rows.Next() {
		var id int64
		var st standing
		if err := rows.Scan(&id, &st.tier, &st.listed); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}

func formatCounts(changed int, c TierCounts) string {
	return fmt.Sprintf("%d changed; signatory %d, advocate %d, ambassador %d", changed, c.Signatory, c.Advocate, c.Ambassador)
}

// MarkTiersCurrent records that the tiers reflect the graph of a version, unless it changed
// meanwhile: a server starting later does not compute them again for nothing. Like every write it
// moves the change counter: the other servers' trust pages then show this computation at once.
func (s *Store) MarkTiersCurrent(ctx context.Context, version string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now, err := graphVersion(tx)
		if err != nil {
			return err
		}
		if now != version {
			return nil // the graph changed meanwhile: the next round computes again
		}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&setting{Key: "tiers_computed", Value: "v" + version}).Error; err != nil {
			return err
		}
		return bumpChanges(tx)
	})
}

// TiersCurrent reports whether the tiers reflect the graph as it is, and the graph's version.
func (s *Store) TiersCurrent(ctx context.Context) (bool, string, error) {
	version, err := s.GraphVersion(ctx)
	if err != nil {
		return false, "", err
	}
	done, ok, err := s.Setting(ctx, "tiers_computed")
	if err != nil {
		return false, "", err
	}
	return ok && done == "v"+version, version, nil
}
