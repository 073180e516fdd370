// Reading the endorsement graph as it is published (GET /api/v1/graph): what the tier
// computation reads, without a private field.

package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// GraphHead is what the published graph's header states: the graph's version, whether the
// stored tiers were computed from it, the capacity schedule of that computation, and the
// registry's change counter (for the ETag: tier writes bump it without changing the version).
type GraphHead struct {
	Version string
	// Computed is the setting tiers_computed: "v"+Version when the tiers are current.
	Computed string
	// ScheduleJSON is the recorded schedule as stored, Schedule the same read; nil before the
	// first computation.
	ScheduleJSON string
	Schedule     *TierSchedule
	Changes      int64
}

// TiersCurrent reports whether the published tiers are those of this graph: computed from its
// version, with the schedule recorded for that version.
func (h GraphHead) TiersCurrent() bool {
	return h.Computed == "v"+h.Version && h.Schedule != nil && h.Schedule.Version == h.Version
}

// headQuery reads the head in one statement: consistent on both engines without a transaction.
const headQuery = `SELECT
	(SELECT CAST(COALESCE(SUM(graph), 0) AS TEXT) FROM change_counter),
	COALESCE((SELECT value FROM settings WHERE key = 'tiers_computed'), ''),
	COALESCE((SELECT value FROM settings WHERE key = '` + tierScheduleKey + `'), ''),
	(SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM change_counter)`

// GraphHead reads the head alone: enough to answer a conditional request.
func (s *Store) GraphHead(ctx context.Context) (GraphHead, error) {
	return readGraphHead(s.DB.WithContext(ctx))
}

func readGraphHead(db *gorm.DB) (GraphHead, error) {
	var h GraphHead
	if err := db.Raw(headQuery).Row().Scan(&h.Version, &h.Computed, &h.ScheduleJSON, &h.Changes); err != nil {
		return h, err
	}
	if h.ScheduleJSON != "" {
		h.Schedule = &TierSchedule{}
		if err := json.Unmarshal([]byte(h.ScheduleJSON), h.Schedule); err != nil {
			return h, fmt.Errorf("the recorded capacity schedule (settings.tier_schedule) is unreadable: %w", err)
		}
	}
	return h, nil
}

// GraphLines receives the published graph in order: Head first (false ends the reading there),
// then every active listed signatory in order of public id, then every endorsement that counts
// in the order the computation takes them.
type GraphLines struct {
	Head        func(GraphHead) (bool, error)
	Signatory   func(publicID, tier string, seed bool) error
	Endorsement func(from, to, level string, created time.Time) error
}

// julianUnixMillis is 1970-01-01 as a Julian day in milliseconds: SQLite's creation times below
// count from the Julian epoch.
const julianUnixMillis = 2440587.5 * 86400000

// PublishedGraph streams the graph from one consistent read-only snapshot, so that the head,
// the signatories and the endorsements describe the same registry; it holds one row at a time.
func (s *Store) PublishedGraph(ctx context.Context, out GraphLines) error {
	// Creation times in milliseconds, by the very expression LoadTrust orders by: the published
	// times then give the computation's order exactly, ties included. The order of public ids
	// is the computation's too: bytes, not the PostgreSQL locale's collation.
	created, offset, collate := s.createdMillis("e.created_at"), int64(julianUnixMillis), ""
	if s.Dialect == Postgres {
		offset, collate = 0, ` COLLATE "C"`
	}
	return s.Snapshot(ctx, func(tx *gorm.DB) error {
		head, err := readGraphHead(tx)
		if err != nil {
			return err
		}
		if more, err := out.Head(head); err != nil || !more {
			return err
		}
		return streamGraph(tx, created, offset, collate, out)
	})
}

func streamGraph(tx *gorm.DB, created string, offset int64, collate string, out GraphLines) error {
	rows, err := tx.Raw(`SELECT s.public_id, s.tier, d.signatory_id IS NOT NULL FROM signatories s
		LEFT JOIN seeds d ON d.signatory_id = s.id WHERE s.listed ORDER BY s.public_id` + collate).Rows()
	if err != nil {
		return err
	}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id, tier string
		var seed bool
		if err := r.Scan(&id, &tier, &seed); err != nil {
			return err
		}
		return out.Signatory(id, tier, seed)
	})
	if err != nil {
		return err
	}
	// The edges that count, as LoadTrust and the computation select them: pending or accepted,
	// between two active signatories; in the computation's order.
	rows, err = tx.Raw(`SELECT f.public_id, t.public_id, e.level, ` + created + ` AS ms FROM endorsements e
		JOIN signatories f ON f.id = e.from_id AND f.listed
		JOIN signatories t ON t.id = e.to_id AND t.listed
		WHERE e.status IN ('pending', 'accepted') AND e.from_id <> e.to_id
		ORDER BY ms, f.public_id` + collate + `, t.public_id` + collate + `, e.level`).Rows()
	if err != nil {
		return err
	}
	return eachRow(rows, func(r *sql.Rows) error {
		var from, to, level string
		var ms int64
		if err := r.Scan(&from, &to, &level, &ms); err != nil {
			return err
		}
		return out.Endorsement(from, to, level, time.UnixMilli(ms-offset).UTC())
	})
}

// eachRow calls fn for every row and closes the rows.
func eachRow(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
