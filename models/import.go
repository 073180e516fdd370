package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// insertBatch keeps every multi-row INSERT under both engines' limits on bound parameters.
const insertBatch = 500

// Progress is told how many of the import's records are written so far.
type Progress func(done, total int)

// Import writes a parsed file in ONE transaction: either every record is in the registry
// afterwards or, on the first error, nothing is. Records already present (same public id, same
// endorsement pair, same seed) are left as they are, so importing a file twice changes nothing.
func (s *Store) Import(ctx context.Context, set *ImportSet, progress Progress) (ImportResult, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	// The database calls run without the caller's cancellation: the SQLite driver would start a
	// goroutine per statement to watch it. tick checks it between batches instead, and a
	// cancelled import rolls back like any failed one.
	w := &importer{ctx: context.WithoutCancel(ctx), stop: ctx, s: s, set: set, ids: map[string]int64{}, created: map[int64]bool{}, accounts: map[string]int64{}, progress: progress,
		total: len(set.Signatories) + len(set.Endorsements) + len(set.Seeds)}
	// The words of each signatory are worked out and sorted on the other core while the
	// database is busy.
	w.termsDone = make(chan struct{})
	go func() {
		defer close(w.termsDone)
		w.terms = indexWords(set.Signatories)
	}()
	defer func() { <-w.termsDone }()
	err := s.bulkTransaction(w.ctx, set.size() > 10000, func(tx *gorm.DB, conn *sql.Conn) error {
		w.tx, w.conn = tx, conn
		steps := []func() error{w.declarations, w.accountsAndRoles, w.signatories, w.signatures, w.withdrawals,
			w.seeds, w.endorsements, w.credentials, w.issuance, w.mailKey, w.auditLog}
		rebuild, err := w.deferIndexes()
		if err != nil {
			return err
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		for _, r := range rebuild {
			if err := r(); err != nil {
				return err
			}
		}
		// The tiers an import sets (its founding Ambassadors, a backup's tiers) get their
		// badges like those a computation sets.
		queued, err := reconcileTierBadges(tx, s.now())
		if err != nil {
			return err
		}
		w.written += queued
		// Its accepted endorsements get their credentials from the worker, as bulk work.
		queued, err = queueEndorsementCredentials(tx, s.now(), PriorityBulk, "")
		if err != nil {
			return err
		}
		w.written += queued
		// The badges and revocations it wrote in bulk (new signatories, a backup's open outbox).
		if err := queueOpenIssuance(tx); err != nil {
			return err
		}
		if !w.changed() {
			return nil
		}
		return bumpGraph(tx)
	})
	if err != nil {
		return ImportResult{}, err
	}
	progress(w.total, w.total)
	return w.result, nil
}

type importer struct {
	ctx      context.Context // for database calls
	stop     context.Context // the caller's, cancelled by an interrupt
	s        *Store
	tx       *gorm.DB
	set      *ImportSet
	ids      map[string]int64 // signatory public id → row id
	accounts map[string]int64 // account public id → row id
	newRows  []*Signatory     // signatories this import added
	created  map[int64]bool   // their row ids
	newAccts int
	written  int64 // rows of other kinds (signatures, credentials, history…) this import added
	newIdx   []int // index in set.Signatories of each of newRows
	// terms are the search words of set.Signatories, ready once termsDone is closed.
	terms     *wordIndex
	termsDone chan struct{}
	// conn is the transaction's connection, for the SQLite bulk inserts.
	conn     *sql.Conn
	result   ImportResult
	progress Progress
	done     int
	total    int
}

func lineErr(line int, err error) error {
	var ie *ImportError
	if errors.As(err, &ie) {
		return err
	}
	return &ImportError{Line: line, Err: fromDB(err)}
}

func (w *importer) tick(n int) error {
	w.done += n
	w.progress(w.done, w.total)
	return w.stop.Err()
}

func (w *importer) declarations() error {
	for _, d := range w.set.Declarations {
		var have Declaration
		err := w.tx.Where("version = ? AND lang = ?", d.Version, d.Lang).Take(&have).Error
		switch {
		case err == nil:
			if have.SHA256 != d.SHA256 {
				return lineErr(d.Line, fmt.Errorf("declaration version %d (%s) differs from the one this registry published (sha256 %s, file %s)", d.Version, d.Lang, have.SHA256, d.SHA256))
			}
			if w.set.Full && d.PublishedAt.Before(have.PublishedAt) {
				// Moving a registry keeps the date the text was first published, not the day the
				// new server started.
				if err := w.tx.Model(&have).Where("version = ? AND lang = ?", d.Version, d.Lang).
					Update("published_at", d.PublishedAt).Error; err != nil {
					return lineErr(d.Line, err)
				}
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			decl := d.Declaration
			if err := w.tx.Create(&decl).Error; err != nil {
				return lineErr(d.Line, err)
			}
			w.written++
		default:
			return err
		}
	}
	return nil
}

func (w *importer) account(line int, publicID string) (*int64, error) {
	if publicID == "" {
		return nil, nil
	}
	if id, ok := w.accounts[publicID]; ok {
		return &id, nil
	}
	var a Account
	err := w.tx.Select("id").Where("public_id = ?", publicID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, lineErr(line, fmt.Errorf("account %s is neither in this file nor in the registry", publicID))
	}
	if err != nil {
		return nil, err
	}
	w.accounts[publicID] = a.ID
	return &a.ID, nil
}

func (w *importer) accountsAndRoles() error {
	for _, a := range w.set.Accounts {
		lang := a.Language
		if lang == "" {
			lang = DefaultLanguage
		}
		row := Account{PublicID: a.PublicID, DisplayName: a.DisplayName, Email: a.Email, EmailVerified: a.Verified,
			Language: lang, CreatedAt: a.CreatedAt, BlockedAt: a.BlockedAt, DeletedAt: a.DeletedAt}
		res := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return lineErr(a.Line, res.Error)
		}
		if res.RowsAffected == 0 {
			w.result.Present++
		} else {
			w.newAccts++
		}
		id, err := w.account(a.Line, a.PublicID)
		if err != nil {
			return err
		}
		if res.RowsAffected == 0 || len(a.MailOff) == 0 {
			// An account already here keeps the choices it has: the member may have turned a
			// category back on since the file was written.
			continue
		}
		off := make([]MailSetting, len(a.MailOff))
		for i, m := range a.MailOff {
			off[i] = MailSetting{AccountID: *id, Category: m.Category, OffAt: m.OffAt}
		}
		if err := w.tx.Create(&off).Error; err != nil {
			return lineErr(a.Line, fromDB(err))
		}
		w.written += int64(len(off))
	}
	for _, i := range w.set.Identities {
		acc, err := w.account(i.Line, i.Account)
		if err != nil {
			return err
		}
		row := Identity{AccountID: *acc, Provider: i.Provider, Subject: i.Subject, Email: i.Email, EmailVerified: i.EmailVerified, CreatedAt: i.CreatedAt}
		res := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return lineErr(i.Line, res.Error)
		}
		w.written += res.RowsAffected
	}
	for _, r := range w.set.Roles {
		acc, err := w.account(r.Line, r.Account)
		if err != nil {
			return err
		}
		by, err := w.account(r.Line, r.GrantedBy)
		if err != nil {
			return err
		}
		row := Role{AccountID: *acc, Role: r.Role, GrantedAt: r.GrantedAt, GrantedBy: by}
		res := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return lineErr(r.Line, res.Error)
		}
		w.written += res.RowsAffected
	}
	return nil
}

// signatory resolves a public id to a row id, from this import or from the registry.
func (w *importer) signatory(line int, t Target) (int64, error) {
	if id, ok := w.ids[t.PublicID]; ok {
		return id, nil
	}
	var sg Signatory
	err := w.tx.Select("id").Where("public_id = ?", t.PublicID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, lineErr(line, fmt.Errorf("signatory %s is neither in this file nor in the registry", t.PublicID))
	}
	if err != nil {
		return 0, err
	}
	w.ids[t.PublicID] = sg.ID
	return sg.ID, nil
}

func (searchTerm) TableName() string { return "search_terms" }
