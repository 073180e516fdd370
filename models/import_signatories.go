// Writing the signatories of an import: rows, search words and the indexes around them.

package models

import (
	"errors"
	"slices"
	"strings"

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
			sg := &r.Signatory // Import fills in the ids of the set's new signatories
			acc, err := w.account(r.Line, r.Account)
			if err != nil {
				return err
			}
			sg.ID, sg.AccountID = 0, acc
			if sg.Status != StatusDeleted && !sg.validPlace() {
				// A full dump carries its places (an administrator may have corrected one);
				// everything else, and any place this registry cannot show, is located here.
				sg.Locate()
			}
			sg.Listed = Listable(sg.Status, sg.Verified)
			sg.NameKey = NameKey(sg)
			fresh = append(fresh, sg)
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
		if err := w.tick(len(chunk)); err != nil {
			return err
		}
	}
	return w.searchTerms(w.newRows)
}

// signatoryColumns are written by a bulk insert, in this order.
var signatoryColumns = []string{"public_id", "account_id", "source", "ref", "kind", "name", "representative", "role", "email",
	"country", "city", "affiliation", "website", "statement", "vis_name", "vis_city", "vis_affiliation", "vis_representative",
	"vis_website", "vis_statement", "place_id", "lat", "lon", "tier", "status", "verified", "listed", "signed_at", "created_at", "updated_at", "tier_since",
	"name_key", "rejected_at", "rejection"}

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
	ids := make([]int64, len(rows))
	b := &bulkInserter{tx: w.tx, conn: w.conn, dialect: SQLite, table: "signatories", columns: signatoryColumns, rowByRow: true}
	_, failed, err := b.insert(w.ctx, len(rows), func(i int, v []any) {
		sg := rows[i]
		vis := &sg.Visibility
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9] = sg.PublicID, sg.AccountID, sg.Source, sg.Ref, sg.Kind, sg.Name, sg.Representative, sg.Role, sg.Email, sg.Country
		v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19] = sg.City, sg.Affiliation, sg.Website, sg.Statement, vis.Name, vis.City, vis.Affiliation, vis.Representative, vis.Website, vis.Statement
		v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28], v[29] = sg.PlaceID, sg.Lat, sg.Lon, sg.Tier, sg.Status, sg.Verified, sg.Listed, sg.SignedAt, sg.CreatedAt, sg.UpdatedAt
		v[30], v[31], v[32], v[33] = sg.TierSince, sg.NameKey, sg.RejectedAt, sg.Rejection
	}, ids)
	if err != nil {
		if failed >= 0 {
			return lineErr(lines[failed], err)
		}
		return err
	}
	for i, sg := range rows {
		sg.ID = ids[i]
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

// wordIndex maps each search word of an import's signatories, in sorted order, to the indexes
// (ascending) of the signatories that have it. New rows get increasing ids in index order, so
// the words reach the (term, signatory_id) key in order and the index is appended to rather
// than written all over. Sorting the distinct words only is far cheaper than sorting every
// (word, signatory) pair.
type wordIndex struct {
	words []string
	rows  [][]int32
	pairs int
}

func indexWords(recs []*SignatoryIn) *wordIndex {
	at := map[string]int{}
	ix := &wordIndex{}
	for i := range recs {
		for _, t := range SearchTerms(&recs[i].Signatory) {
			k, ok := at[t]
			if !ok {
				k = len(ix.words)
				at[t] = k
				ix.words = append(ix.words, t)
				ix.rows = append(ix.rows, nil)
			}
			ix.rows[k] = append(ix.rows[k], int32(i))
			ix.pairs++
		}
	}
	order := make([]int, len(ix.words))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(ix.words[a], ix.words[b]) })
	words, rows := make([]string, len(order)), make([][]int32, len(order))
	for i, k := range order {
		words[i], rows[i] = ix.words[k], ix.rows[k]
	}
	ix.words, ix.rows = words, rows
	return ix
}

// searchTerms writes the words of the signatories this import added.
func (w *importer) searchTerms(rows []*Signatory) error {
	<-w.termsDone
	idOf := make([]int64, len(w.set.Signatories))
	for i, sg := range rows {
		idOf[w.newIdx[i]] = sg.ID
	}
	terms := make([]searchTerm, 0, w.terms.pairs)
	for k, word := range w.terms.words {
		for _, i := range w.terms.rows[k] {
			if id := idOf[i]; id != 0 {
				terms = append(terms, searchTerm{Term: word, SignatoryID: id})
			}
		}
	}
	bulk := &bulkInserter{tx: w.tx, conn: w.conn, dialect: w.s.Dialect, table: "search_terms", columns: []string{"term", "signatory_id"}, ignoreDuplicates: true}
	_, _, err := bulk.insert(w.ctx, len(terms), func(i int, v []any) { v[0], v[1] = terms[i].Term, terms[i].SignatoryID }, nil)
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
