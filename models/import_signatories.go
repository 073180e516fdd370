// Writing the signatories of an import: rows, search words and the indexes around them.

package models

import (
	"errors"
	"sort"

	"gorm.io/gorm"
)

func (w *importer) signatories() error {
	recs := w.set.Signatories
	var before int64
	if err := w.tx.Model(&Signatory{}).Count(&before).Error; err != nil {
		return err
	}
	for start := 0; start < len(recs); start += insertBatch {
		chunk := recs[start:min(start+insertBatch, len(recs))]
		// Which of these are already in the registry? (In an empty one, none: the parser has
		// refused duplicates within the file.)
		if before > 0 {
			pids := make([]string, len(chunk))
			for i, r := range chunk {
				pids[i] = r.Signatory.PublicID
			}
			var existing []Signatory
			if err := w.tx.Select("id", "public_id").Where("public_id IN ?", pids).Find(&existing).Error; err != nil {
				return err
			}
			for _, e := range existing {
				w.ids[e.PublicID] = e.ID
			}
		}
		var fresh []*Signatory
		var freshLines []int
		for k, r := range chunk {
			if _, ok := w.ids[r.Signatory.PublicID]; ok {
				w.result.Present++
				continue
			}
			sg := r.Signatory
			acc, err := w.account(r.Line, r.Account)
			if err != nil {
				return err
			}
			sg.AccountID = acc
			sg.Listed = Listable(sg.Status, sg.Verified)
			fresh = append(fresh, &sg)
			freshLines = append(freshLines, r.Line)
			w.newIdx = append(w.newIdx, start+k)
		}
		if len(fresh) > 0 {
			if err := w.insertSignatories(fresh, freshLines); err != nil {
				return err
			}
			for _, sg := range fresh {
				w.ids[sg.PublicID] = sg.ID
				w.created[sg.ID] = true
			}
			w.newRows = append(w.newRows, fresh...)
			w.result.Signatories += len(fresh)
		}
		w.tick(len(chunk))
	}
	return w.searchTerms(w.newRows)
}

// signatoryColumns are written by a bulk insert, in this order.
var signatoryColumns = []string{"public_id", "account_id", "source", "ref", "kind", "name", "representative", "role", "email",
	"country", "city", "affiliation", "website", "statement", "vis_name", "vis_city", "vis_affiliation", "vis_representative",
	"vis_website", "vis_statement", "place_id", "lat", "lon", "tier", "status", "verified", "listed", "signed_at", "created_at", "updated_at"}

// insertSignatories writes new rows and sets their ids. SQLite takes them one prepared
// statement at a time (its last insert id is the row's id); PostgreSQL takes GORM's multi-row
// INSERT … RETURNING.
func (w *importer) insertSignatories(rows []*Signatory, lines []int) error {
	now := w.s.now()
	for _, sg := range rows {
		if sg.CreatedAt.IsZero() {
			sg.CreatedAt = now
		}
		if sg.UpdatedAt.IsZero() {
			sg.UpdatedAt = sg.CreatedAt
		}
	}
	if w.s.Dialect != SQLite {
		// In a savepoint: a refused batch aborts a PostgreSQL transaction, and blame needs it back.
		if err := w.tx.Transaction(func(sp *gorm.DB) error { return sp.Create(rows).Error }); err != nil {
			return w.blame(err, lines, rows)
		}
		return nil
	}
	const group = 32 // rows per statement: 32 × 30 columns stays under SQLite's limits
	b := &bulkInserter{dialect: SQLite, table: "signatories", columns: signatoryColumns}
	if w.insertOne == nil {
		var err error
		if w.insertOne, err = w.tx.Statement.ConnPool.PrepareContext(w.ctx, b.sql(1)); err != nil {
			return err
		}
		if w.insertMany, err = w.tx.Statement.ConnPool.PrepareContext(w.ctx, b.sql(group)); err != nil {
			return err
		}
	}
	values := func(sg *Signatory) []any {
		v := sg.Visibility
		return []any{sg.PublicID, sg.AccountID, sg.Source, sg.Ref, sg.Kind, sg.Name, sg.Representative,
			sg.Role, sg.Email, sg.Country, sg.City, sg.Affiliation, sg.Website, sg.Statement, v.Name, v.City, v.Affiliation,
			v.Representative, v.Website, v.Statement, sg.PlaceID, sg.Lat, sg.Lon, sg.Tier, sg.Status, sg.Verified, sg.Listed,
			sg.SignedAt, sg.CreatedAt, sg.UpdatedAt}
	}
	i := 0
	args := make([]any, 0, group*len(signatoryColumns))
	for ; i+group <= len(rows); i += group {
		args = args[:0]
		for _, sg := range rows[i : i+group] {
			args = append(args, values(sg)...)
		}
		res, err := w.insertMany.ExecContext(w.ctx, args...)
		if err != nil {
			break // the rows are tried one by one below, to name the bad one
		}
		last, err := res.LastInsertId()
		if err != nil {
			return err
		}
		// Without AUTOINCREMENT, SQLite gives each new row the largest rowid plus one, and this
		// transaction holds the only write lock: the group's ids are consecutive.
		for k, sg := range rows[i : i+group] {
			sg.ID = last - int64(group-1-k)
		}
	}
	for ; i < len(rows); i++ {
		res, err := w.insertOne.ExecContext(w.ctx, values(rows[i])...)
		if err != nil {
			return lineErr(lines[i], err)
		}
		if rows[i].ID, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	return nil
}

// blame finds which row of a failed batch broke a constraint, so the message names its line.
func (w *importer) blame(batchErr error, lines []int, rows []*Signatory) error {
	for i, sg := range rows {
		probe := *sg
		probe.ID = 0
		err := w.tx.Transaction(func(sp *gorm.DB) error {
			if err := sp.Create(&probe).Error; err != nil {
				return err
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			return lineErr(lines[i], err)
		}
	}
	return fromDB(batchErr)
}

type searchTerm struct {
	Term        string
	SignatoryID int64
}

func (w *importer) searchTerms(rows []*Signatory) error {
	type term struct {
		word string
		id   int64
	}
	<-w.termsDone
	var all []term
	for i, sg := range rows {
		for _, t := range w.terms[w.newIdx[i]] {
			all = append(all, term{t, sg.ID})
		}
	}
	// In key order, the index is appended to rather than written all over.
	sort.Slice(all, func(i, j int) bool {
		return all[i].word < all[j].word || (all[i].word == all[j].word && all[i].id < all[j].id)
	})
	terms := make([][]any, len(all))
	for i, t := range all {
		terms[i] = []any{t.word, t.id}
	}
	bulk := &bulkInserter{tx: w.tx, dialect: w.s.Dialect, table: "search_terms", columns: []string{"term", "signatory_id"}, ignoreDuplicates: true}
	_, _, err := bulk.insert(w.ctx, terms)
	return err
}

// deferIndexes drops the secondary indexes of the tables this import at least doubles (SQLite
// only) and returns what rebuilds them before the commit.
func (w *importer) deferIndexes() ([]func() error, error) {
	if w.s.Dialect != SQLite {
		return nil, nil
	}
	var out []func() error
	for _, t := range []struct {
		table  string
		adding int
	}{
		{"signatories", len(w.set.Signatories)},
		{"search_terms", len(w.set.Signatories)},
		{"endorsements", len(w.set.Endorsements)},
	} {
		if t.adding < 10000 {
			continue
		}
		var have int64
		if err := w.tx.Table(t.table).Count(&have).Error; err != nil {
			return nil, err
		}
		if int64(t.adding) < have {
			continue
		}
		rebuild, err := deferIndexes(w.tx, t.table)
		if err != nil {
			return nil, err
		}
		out = append(out, rebuild)
	}
	return out, nil
}
