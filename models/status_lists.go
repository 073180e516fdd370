// Signed status list credentials, kept in the database so that every server on it serves the
// same copy (table status_lists, migration 00017). Triggers on credentials mark a list stale in
// the transaction that revokes one of its entries; the credentials.status job signs stale lists
// once and stores them under a compare-and-swap on the version they were signed from.

package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// StatusJobKind is the kind of the job that signs stale status lists and stores them.
const StatusJobKind = "credentials.status"

// statusJobKey keeps one credentials.status job open across every process on the database: the
// stale lists are its queue, as the outbox is credentials.issue's.
var statusJobKey = StatusJobKind

// StatusListRef names one status list: the registry's list number List (/status/{n}), or the list
// of the endorser whose signatory row is Issuer (/signatories/{IssuerPublicID}/status).
type StatusListRef struct {
	List           int
	Issuer         int64
	IssuerPublicID string
}

// Endorser says the list is an endorser's.
func (r StatusListRef) Endorser() bool { return r.Issuer != 0 }

// where selects the list's row in status_lists.
func (r StatusListRef) where(db *gorm.DB) *gorm.DB {
	if r.Endorser() {
		return db.Where("status_issuer = ?", r.Issuer)
	}
	return db.Where("status_list = ?", r.List)
}

// StoredStatusList is one row of status_lists.
type StoredStatusList struct {
	ID           int64
	StatusList   *int
	StatusIssuer *int64
	// Version counts the changes of the list's bits; SignedVersion is the version Document was
	// signed from (0: none stored yet).
	Version, SignedVersion int64
	Document               *string
	// SignedBy is the verification method of the stored proof: a copy signed by an earlier key
	// is signed again.
	SignedBy *string
	SignedAt *time.Time
}

func (StoredStatusList) TableName() string { return "status_lists" }

// Current says the stored document is the list as it is now, signed by method.
func (l *StoredStatusList) Current(method string) bool {
	return l != nil && l.Document != nil && l.SignedVersion == l.Version && l.SignedBy != nil && *l.SignedBy == method
}

// StatusListRow returns the stored row of a list, or nil when it has none yet.
func (s *Store) StatusListRow(ctx context.Context, ref StatusListRef) (*StoredStatusList, error) {
	var row StoredStatusList
	err := ref.where(s.DB.WithContext(ctx)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// StatusListBits says whether a list holds any credential, and which of its entries are revoked.
// Read after the list's version, they are at least as new as that version.
func (s *Store) StatusListBits(ctx context.Context, ref StatusListRef) (exists bool, revoked []int, err error) {
	if ref.Endorser() {
		return s.EndorserStatus(ctx, ref.Issuer)
	}
	if exists, err = s.StatusListExists(ctx, ref.List); err != nil || !exists {
		return exists, nil, err
	}
	revoked, err = s.RevokedIndexes(ctx, ref.List)
	return true, revoked, err
}

// StoreStatusList stores a list signed from version (0: no row was there when its bits were
// read), unless a copy signed from that version or a later one is stored already by the same
// method: a list revoked again while it was being signed stays stale, and one stored by another
// server is kept, so that every server serves the same bytes. It reports whether it stored.
func (s *Store) StoreStatusList(ctx context.Context, ref StatusListRef, version int64, doc, method string, at time.Time) (bool, error) {
	db := s.DB.WithContext(ctx)
	at = at.UTC().Truncate(time.Microsecond)
	if version == 0 {
		// A row that appeared meanwhile (a revocation, another server) wins: its version is the
		// newer, or its copy is as new as this one.
		var list *int
		var issuer *int64
		if ref.Endorser() {
			issuer = &ref.Issuer
		} else {
			list = &ref.List
		}
		res := db.Exec(`INSERT INTO status_lists (status_list, status_issuer, version, signed_version, document, signed_by, signed_at)
			VALUES (?, ?, 1, 1, ?, ?, ?) ON CONFLICT DO NOTHING`, list, issuer, doc, method, at)
		return res.RowsAffected > 0, fromDB(res.Error)
	}
	res := ref.where(db.Model(&StoredStatusList{})).
		Where("signed_version < ? OR (signed_version = ? AND signed_by <> ?)", version, version, method).
		Updates(map[string]any{"document": doc, "signed_by": method, "signed_at": at, "signed_version": version})
	return res.RowsAffected > 0, res.Error
}

// StaleStatusList is a list whose stored copy is older than its bits, with the version to sign.
type StaleStatusList struct {
	Ref     StatusListRef
	Version int64
}

// StaleStatusLists returns up to n stale lists, oldest row first.
func (s *Store) StaleStatusLists(ctx context.Context, n int) ([]StaleStatusList, error) {
	var rows []struct {
		StatusList   *int
		StatusIssuer *int64
		PublicID     *string
		Version      int64
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT l.status_list, l.status_issuer, s.public_id, l.version FROM status_lists l
		LEFT JOIN signatories s ON s.id = l.status_issuer
		WHERE l.signed_version < l.version ORDER BY l.id LIMIT ?`, n).Scan(&rows).Error
	out := make([]StaleStatusList, 0, len(rows))
	for _, r := range rows {
		l := StaleStatusList{Version: r.Version}
		switch {
		case r.StatusIssuer != nil && r.PublicID != nil:
			l.Ref = StatusListRef{Issuer: *r.StatusIssuer, IssuerPublicID: *r.PublicID}
		case r.StatusList != nil:
			l.Ref = StatusListRef{List: *r.StatusList}
		default:
			continue
		}
		out = append(out, l)
	}
	return out, err
}

// queueStatusSigning asks for the credentials.status job in tx, the transaction that has just
// revoked revoked credentials (their lists' versions moved with them, by trigger). Nothing is
// queued when nothing was revoked. Like credentials.issue, a running job is asked for again
// (EnqueueAgain): it may have read the stale lists before this change committed.
func queueStatusSigning(tx *gorm.DB, revoked int64) error {
	if revoked == 0 {
		return nil
	}
	return EnqueueAgain(tx, Job{Kind: StatusJobKind, UniqueKey: &statusJobKey, Priority: JobInteractive})
}

// staleStatusLists counts the stale status lists (revocations not yet signed into them), up to one.
func staleStatusLists(db *gorm.DB) (int64, error) {
	var stale int64
	err := db.Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM status_lists WHERE signed_version < version LIMIT 1) s`).Scan(&stale).Error
	return stale, err
}

// QueueStaleStatusLists asks for the credentials.status job when a list is stale: for a server
// starting on a database whose lists went stale without a job (an import, a restored backup).
func (s *Store) QueueStaleStatusLists(ctx context.Context) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		stale, err := staleStatusLists(tx)
		if err != nil {
			return err
		}
		return queueStatusSigning(tx, stale)
	})
}
