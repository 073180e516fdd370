// What an operator's monitoring reads at each scrape: the background work waiting and the
// graph's version. Two queries, each answered from partial indexes over open rows, so that a
// scrape every few seconds costs nothing a visitor would notice, even during a large backlog.

package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mattn/go-sqlite3"
)

// JobQueue is the open work of one job kind.
type JobQueue struct {
	Kind string
	// Open counts the jobs not done and not dead: due, running or waiting (a retry, a periodic
	// job's next round). Due counts those that could start now; Running those under a lease.
	Open, Due, Running int64
	// OldestDue is when the longest-waiting due job became due; zero when none is due.
	OldestDue time.Time
	// Dead counts the jobs that failed for good and wait for an administrator.
	Dead int64
}

// OpsStats is the registry's work in progress.
type OpsStats struct {
	// Jobs holds one entry per kind that has an open or dead job, in kind order.
	Jobs []JobQueue
	// IssuanceOpen counts the credential outbox rows not done yet (badges to sign or revoke).
	IssuanceOpen int64
	// MailDue counts the notifications waiting to be e-mailed (due, or in a message being sent).
	MailDue int64
	// GraphVersion is the trust graph's version (the change counter's graph count), which every change to the
	// graph bumps; TiersComputed says whether the stored tiers were computed from it.
	GraphVersion  string
	TiersComputed bool
}

// OpsStats reads the work in progress.
func (s *Store) OpsStats(ctx context.Context) (OpsStats, error) {
	var out OpsStats
	now := s.now()
	db := s.SQL()
	// Open jobs through jobs_due and dead ones through jobs_trouble, both partial indexes:
	// finished jobs, most of the table, are never read.
	rows, err := db.QueryContext(ctx, `SELECT kind, COUNT(*),
	SUM(CASE WHEN run_at <= $1 AND (lease_until IS NULL OR lease_until < $1) THEN 1 ELSE 0 END),
	SUM(CASE WHEN lease_until >= $1 THEN 1 ELSE 0 END),
	MIN(CASE WHEN run_at <= $1 AND (lease_until IS NULL OR lease_until < $1) THEN run_at END),
	0
FROM jobs WHERE done_at IS NULL AND failed_at IS NULL GROUP BY kind
UNION ALL
SELECT kind, 0, 0, 0, NULL, COUNT(*) FROM jobs WHERE failed_at IS NOT NULL GROUP BY kind
ORDER BY 1`, now)
	if err != nil {
		return out, fmt.Errorf("reading the job queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q JobQueue
		var oldest any
		if err := rows.Scan(&q.Kind, &q.Open, &q.Due, &q.Running, &oldest, &q.Dead); err != nil {
			return out, fmt.Errorf("reading the job queue: %w", err)
		}
		if q.OldestDue, err = aggregateTime(oldest); err != nil {
			return out, fmt.Errorf("reading the job queue: %w", err)
		}
		if i := len(out.Jobs) - 1; i >= 0 && out.Jobs[i].Kind == q.Kind {
			// A kind with open and dead jobs has two rows, one from each half.
			p := &out.Jobs[i]
			p.Open, p.Due, p.Running, p.Dead = p.Open+q.Open, p.Due+q.Due, p.Running+q.Running, p.Dead+q.Dead
			if p.OldestDue.IsZero() {
				p.OldestDue = q.OldestDue
			}
			continue
		}
		out.Jobs = append(out.Jobs, q)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("reading the job queue: %w", err)
	}
	var version int64
	var computed string
	err = db.QueryRowContext(ctx, `SELECT
	(SELECT COUNT(*) FROM issuance_outbox WHERE done_at IS NULL),
	(SELECT COUNT(*) FROM notifications WHERE mail = 'due' OR mail = 'sending'),
	(`+graphVersionQuery+`),
	COALESCE((SELECT value FROM settings WHERE key = 'tiers_computed'), '')`).
		Scan(&out.IssuanceOpen, &out.MailDue, &version, &computed)
	if err != nil {
		return out, fmt.Errorf("reading the outboxes: %w", err)
	}
	out.GraphVersion = strconv.FormatInt(version, 10)
	out.TiersComputed = computed != "" && computed == "v"+out.GraphVersion
	return out, nil
}

// aggregateTime reads a MIN() over a timestamp column: PostgreSQL gives a time, SQLite the
// stored text (an aggregate loses the column's declared type, so the driver does not parse it).
func aggregateTime(v any) (time.Time, error) {
	var text string
	switch t := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return t.UTC(), nil
	case string:
		text = t
	case []byte:
		text = string(t)
	default:
		return time.Time{}, fmt.Errorf("unexpected timestamp %T", v)
	}
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unexpected timestamp %q", text)
}
