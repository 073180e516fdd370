// The change counter: how a process learns that the database changed, whoever changed it.

package models

import (
	"context"
	"strconv"

	"gorm.io/gorm"
)

// postgresSlot picks one of the 32 rows the counter is spread over on PostgreSQL (migration 18:
// one row bumped by every write transaction made each write wait for the previous one's commit).
// The transaction's id picks it: every bump in one transaction goes to
// the same row (two rows locked in different orders by two transactions could deadlock), and
// consecutive transactions go to different rows.
const postgresSlot = "1 + txid_current() % 32"

// ChangeCount returns the sum of the counter, which every write transaction bumps; a process
// compares it with the last value it saw to notice changes made by another process. It grows by
// one or more at every committed write and never goes back.
func (s *Store) ChangeCount(ctx context.Context) (int64, error) {
	var v int64
	err := s.DB.WithContext(ctx).Raw("SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM change_counter").Scan(&v).Error
	return v, err
}

// GraphVersion returns the version of the endorsement graph: the count of the changes made to
// it, as text (tiers_computed records the version the tiers were computed from).
func (s *Store) GraphVersion(ctx context.Context) (string, error) {
	return graphVersion(s.DB.WithContext(ctx))
}

func graphVersion(db *gorm.DB) (string, error) {
	var v int64
	err := db.Raw(graphVersionQuery).Scan(&v).Error
	return strconv.FormatInt(v, 10), err
}

const graphVersionQuery = "SELECT CAST(COALESCE(SUM(graph), 0) AS BIGINT) FROM change_counter"

// bumpGraph marks a change of the endorsement graph (who is an active signatory, endorsements,
// seeds) besides a change of the registry: the tier worker computes the tiers again. Every write
// that changes the graph calls it in its own transaction.
func bumpGraph(tx *gorm.DB) error {
	return bump(tx, "value = value + 1, graph = graph + 1")
}

// bumpChanges marks a change of the registry; every write transaction calls it.
func bumpChanges(tx *gorm.DB) error {
	return bump(tx, "value = value + 1")
}

func bump(tx *gorm.DB, set string) error {
	slot := "1"
	if tx.Dialector.Name() == string(Postgres) {
		slot = postgresSlot
	}
	if err := tx.Exec("UPDATE change_counter SET " + set + " WHERE id = " + slot).Error; err != nil {
		return err
	}
	// The commit is announced to the other servers (PostgreSQL).
	markChanged(tx)
	return nil
}
