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
	w := &importer{ctx: ctx, s: s, set: set, ids: map[string]int64{}, created: map[int64]bool{}, accounts: map[string]int64{}, progress: progress,
		total: len(set.Signatories) + len(set.Endorsements) + len(set.Seeds)}
	// The words of each signatory are worked out on the other core while the database is busy.
	w.terms = make([][]string, len(set.Signatories))
	w.termsDone = make(chan struct{})
	go func() {
		defer close(w.termsDone)
		for i := range set.Signatories {
			w.terms[i] = SearchTerms(&set.Signatories[i].Signatory)
		}
	}()
	defer func() { <-w.termsDone }()
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		w.tx = tx
		if s.Dialect == SQLite && set.size() > 10000 {
			// A large import would otherwise spill SQLite's 2 MB page cache to the WAL over and
			// over while inserting into its indexes. The setting belongs to this connection
			// only and is put back afterwards.
			if err := tx.Exec("PRAGMA cache_size = -262144").Error; err != nil {
				return err
			}
			defer tx.Exec("PRAGMA cache_size = -2000")
		}
		steps := []func() error{w.declarations, w.accountsAndRoles, w.signatories, w.signatures, w.withdrawals,
			w.seeds, w.endorsements, w.credentials, w.issuance, w.auditLog}
		defer func() {
			for _, st := range []*sql.Stmt{w.insertOne, w.insertMany} {
				if st != nil {
					st.Close()
				}
			}
		}()
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
		if !w.changed() {
			return nil
		}
		return bumpChanges(tx)
	})
	if err != nil {
		return ImportResult{}, err
	}
	progress(w.total, w.total)
	return w.result, nil
}

type importer struct {
	ctx      context.Context
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
	// terms[i] are the search words of set.Signatories[i], ready once termsDone is closed.
	terms     [][]string
	termsDone chan struct{}
	// insertOne and insertMany are the prepared signatory INSERTs of a SQLite import (one row,
	// a group of rows), closed with the transaction.
	insertOne, insertMany *sql.Stmt
	result                ImportResult
	progress              Progress
	done                  int
	total                 int
}

func lineErr(line int, err error) error {
	var ie *ImportError
	if errors.As(err, &ie) {
		return err
	}
	return &ImportError{Line: line, Err: fromDB(err)}
}

func (w *importer) tick(n int) {
	w.done += n
	w.progress(w.done, w.total)
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
		row := Account{PublicID: a.PublicID, DisplayName: a.DisplayName, Email: a.Email, EmailVerified: a.Verified,
			CreatedAt: a.CreatedAt, BlockedAt: a.BlockedAt, DeletedAt: a.DeletedAt}
		res := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return lineErr(a.Line, res.Error)
		}
		if res.RowsAffected == 0 {
			w.result.Present++
		} else {
			w.newAccts++
		}
		if _, err := w.account(a.Line, a.PublicID); err != nil {
			return err
		}
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
