// Loading the endorsement graph for the tier computation, and writing its outcome.

package models

import (
	"context"
	"errors"
	"fmt"

	"github.com/open-recognition/registry/trust"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TrustInput is the graph the tier computation reads: every signatory (the inactive ones count
// for nothing) and every endorsement.
type TrustInput struct {
	// Version is the graph's version (trust_version) when it was read.
	Version string
	Members []trust.Member
	RowIDs  []int64
	Tiers   []string
	Listed  []bool
	Edges   []trust.Edge
}

// LoadTrust reads the graph in two queries.
func (s *Store) LoadTrust(ctx context.Context) (*TrustInput, error) {
	db := s.SQL()
	in := &TrustInput{}
	var err error
	if in.Version, _, err = s.Setting(ctx, "trust_version"); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT s.id, s.public_id, s.tier, s.listed, s.status = 'active' AND s.verified, d.signatory_id IS NOT NULL
		FROM signatories s LEFT JOIN seeds d ON d.signatory_id = s.id ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for rows.Next() {
		var id int64
		var m trust.Member
		var tier string
		var listed bool
		if err := rows.Scan(&id, &m.ID, &tier, &listed, &m.Active, &m.Seed); err != nil {
			rows.Close()
			return nil, err
		}
		index[id] = len(in.Members)
		in.Members, in.RowIDs, in.Tiers, in.Listed = append(in.Members, m), append(in.RowIDs, id), append(in.Tiers, tier), append(in.Listed, listed)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Creation times in milliseconds, read by the database itself: the computation only orders by
	// them.
	created := "CAST(julianday(created_at) * 86400000 AS INTEGER)"
	if s.Dialect == Postgres {
		created = "CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS BIGINT)"
	}
	rows, err = db.QueryContext(ctx, `SELECT from_id, to_id, level = 'ambassador', status = 'pending' OR status = 'accepted', `+created+` FROM endorsements`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var from, to, at int64
		var amb, counts bool
		if err := rows.Scan(&from, &to, &amb, &counts, &at); err != nil {
			return nil, err
		}
		e := trust.Edge{From: index[from], To: index[to], Level: trust.LevelAdvocate, Counts: counts, Created: at}
		if amb {
			e.Level = trust.LevelAmbassador
		}
		in.Edges = append(in.Edges, e)
	}
	return in, rows.Err()
}

// TierCounts are exclusive counts over the signatories in the registry.
type TierCounts struct{ Signatory, Advocate, Ambassador int }

// ApplyTiers writes the tiers that changed, in one transaction with the badge jobs they call
// for: reaching Advocate or Ambassador issues that badge, losing it revokes it.
func (s *Store) ApplyTiers(ctx context.Context, in *TrustInput, tiers []trust.Tier) (changed int, counts TierCounts, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		changed = 0
		counts = TierCounts{}
		for i, t := range tiers {
			name := t.String()
			if in.Listed[i] {
				switch t {
				case trust.Ambassador:
					counts.Ambassador++
				case trust.Advocate:
					counts.Advocate++
				default:
					counts.Signatory++
				}
			}
			old := in.Tiers[i]
			if old == name {
				continue
			}
			if err := tx.Model(&Signatory{}).Where("id = ?", in.RowIDs[i]).Update("tier", name).Error; err != nil {
				return err
			}
			changed++
			if !in.Listed[i] {
				continue
			}
			if old != "signatory" {
				if err := tx.Create(&IssuanceJob{SignatoryID: in.RowIDs[i], Kind: old, Action: "revoke", Reason: "tier changed", CreatedAt: now}).Error; err != nil {
					return err
				}
			}
			if name != "signatory" {
				if err := tx.Create(&IssuanceJob{SignatoryID: in.RowIDs[i], Kind: name, Action: "issue", CreatedAt: now}).Error; err != nil {
					return err
				}
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

func formatCounts(changed int, c TierCounts) string {
	return fmt.Sprintf("%d changed; signatory %d, advocate %d, ambassador %d", changed, c.Signatory, c.Advocate, c.Ambassador)
}

// MarkTiersCurrent records that the tiers reflect the graph of a version, unless it changed
// meanwhile: a server starting later does not compute them again for nothing.
func (s *Store) MarkTiersCurrent(ctx context.Context, version string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var now setting
		err := tx.Where("key = ?", "trust_version").Take(&now).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if now.Value != version {
			return nil // the graph changed meanwhile: the next round computes again
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&setting{Key: "tiers_computed", Value: "v" + version}).Error
	})
}

// TiersCurrent reports whether the tiers reflect the graph as it is, and the graph's version.
func (s *Store) TiersCurrent(ctx context.Context) (bool, string, error) {
	version, _, err := s.Setting(ctx, "trust_version")
	if err != nil {
		return false, "", err
	}
	done, ok, err := s.Setting(ctx, "tiers_computed")
	if err != nil {
		return false, "", err
	}
	return ok && done == "v"+version, version, nil
}
