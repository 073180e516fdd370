package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"

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
		if err := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return lineErr(i.Line, err)
		}
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
		if err := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return lineErr(r.Line, err)
		}
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

func (w *importer) signatories() error {
	recs := w.set.Signatories
	for start := 0; start < len(recs); start += insertBatch {
		chunk := recs[start:min(start+insertBatch, len(recs))]
		// Which of these are already in the registry?
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
		if err := w.tx.Create(rows).Error; err != nil {
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
			return errors.New("rollback probe")
		})
		if err != nil && err.Error() != "rollback probe" {
			return lineErr(lines[i], err)
		}
	}
	return fromDB(batchErr)
}

type searchTerm struct {
	Term        string
	SignatoryID int64
}

func (searchTerm) TableName() string { return "search_terms" }

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
	_, err := bulk.insert(w.ctx, terms)
	return err
}

func (w *importer) signatures() error {
	var rows []Signature
	var lines []int
	for _, sg := range w.set.Signatures {
		id, err := w.signatory(sg.Line, sg.Signatory)
		if err != nil {
			return err
		}
		rows = append(rows, Signature{SignatoryID: id, DeclarationVersion: sg.Version, Lang: sg.Lang, TextSHA256: sg.SHA256, SignedAt: sg.SignedAt})
		lines = append(lines, sg.Line)
	}
	if !w.set.Full && len(w.newRows) > 0 {
		// Each new signatory signed the current declaration in the language its record names.
		current := map[string]Declaration{}
		langOf := map[string]string{}
		for _, r := range w.set.Signatories {
			langOf[r.Signatory.PublicID] = r.Lang
		}
		for _, sg := range w.newRows {
			lang := langOf[sg.PublicID]
			d, ok := current[lang]
			if !ok {
				var err error
				if d, err = currentIn(w.tx, lang); err != nil {
					return err
				}
				current[lang] = d
			}
			rows = append(rows, Signature{SignatoryID: sg.ID, DeclarationVersion: d.Version, Lang: d.Lang, TextSHA256: d.SHA256, SignedAt: sg.SignedAt})
		}
	}
	return w.createAll(rows, lines)
}

func currentIn(tx *gorm.DB, lang string) (Declaration, error) {
	var d Declaration
	err := tx.Select("version", "lang", "sha256").Where("lang = ?", lang).Order("version DESC").Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = tx.Select("version", "lang", "sha256").Order("version DESC, lang").Take(&d).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ECONFLICT, "no declaration is published yet; start the registry once (or run migrate) before importing")
	}
	return d, err
}

// createAll inserts rows in batches, ignoring ones already present; lines (when given) name the
// record of each row for error messages.
func createAll[T any](w *importer, rows []T, lines []int) error {
	for start := 0; start < len(rows); start += insertBatch {
		chunk := rows[start:min(start+insertBatch, len(rows))]
		res := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(chunk)
		if res.Error != nil {
			if len(lines) > start {
				for i := range chunk {
					one := chunk[i : i+1]
					if err := w.tx.Transaction(func(sp *gorm.DB) error {
						if err := sp.Clauses(clause.OnConflict{DoNothing: true}).Create(one).Error; err != nil {
							return err
						}
						return errors.New("rollback probe")
					}); err != nil && err.Error() != "rollback probe" {
						return lineErr(lines[start+i], err)
					}
				}
			}
			return fromDB(res.Error)
		}
	}
	return nil
}

func (w *importer) createAll(rows any, lines []int) error {
	switch r := rows.(type) {
	case []Signature:
		values := make([][]any, len(r))
		for i, x := range r {
			values[i] = []any{x.SignatoryID, x.DeclarationVersion, x.Lang, x.TextSHA256, x.SignedAt}
		}
		return w.bulk("signatures", []string{"signatory_id", "declaration_version", "lang", "text_sha256", "signed_at"}, values, lines)
	case []IssuanceJob:
		values := make([][]any, len(r))
		for i, x := range r {
			values[i] = []any{x.SignatoryID, x.Kind, x.Action, x.EndorsementID, x.Reason, x.CreatedAt, x.Attempts, x.LastError, x.DoneAt}
		}
		return w.bulk("issuance_outbox", []string{"signatory_id", "kind", "action", "endorsement_id", "reason", "created_at", "attempts", "last_error", "done_at"}, values, lines)
	case []Withdrawal:
		return createAll(w, r, lines)
	case []Seed:
		return createAll(w, r, lines)
	case []Endorsement:
		return createAll(w, r, lines)
	case []Credential:
		return createAll(w, r, lines)
	case []AuditEntry:
		return createAll(w, r, lines)
	}
	return fmt.Errorf("import: no writer for %T", rows)
}

// bulk inserts many rows of a table, skipping ones already present; lines (when given) name the
// record of each row in error messages.
func (w *importer) bulk(table string, columns []string, values [][]any, lines []int) error {
	b := &bulkInserter{tx: w.tx, dialect: w.s.Dialect, table: table, columns: columns, ignoreDuplicates: true}
	i, err := b.insert(w.ctx, values)
	if err != nil {
		if i >= 0 && i < len(lines) {
			return lineErr(lines[i], err)
		}
		return fromDB(err)
	}
	return nil
}

func (w *importer) withdrawals() error {
	var rows []Withdrawal
	var lines []int
	for _, wd := range w.set.Withdrawals {
		id, err := w.signatory(wd.Line, wd.Signatory)
		if err != nil {
			return err
		}
		if !w.created[id] {
			continue // history of a signatory already here: importing it again would repeat it
		}
		rows = append(rows, Withdrawal{SignatoryID: id, WithdrawnAt: wd.WithdrawnAt, Reason: wd.Reason, ResignedAt: wd.ResignedAt})
		lines = append(lines, wd.Line)
	}
	return w.createAll(rows, lines)
}

func (w *importer) seeds() error {
	var rows []Seed
	var lines []int
	var seedIDs []int64
	for _, sd := range w.set.Seeds {
		id, err := w.signatory(sd.Line, sd.Signatory)
		if err != nil {
			return err
		}
		by, err := w.account(sd.Line, sd.AppointedBy)
		if err != nil {
			return err
		}
		at := sd.AppointedAt
		if at.IsZero() {
			at = w.s.now()
		}
		rows = append(rows, Seed{SignatoryID: id, AppointedAt: at, AppointedBy: by})
		lines = append(lines, sd.Line)
		seedIDs = append(seedIDs, id)
	}
	before := w.count(&Seed{})
	if err := w.createAll(rows, lines); err != nil {
		return err
	}
	added := int(w.count(&Seed{}) - before)
	w.result.Seeds += added
	w.result.Present += len(rows) - added
	if !w.set.Full && len(seedIDs) > 0 {
		// Founding Ambassadors are Ambassadors from the moment they are appointed.
		for start := 0; start < len(seedIDs); start += insertBatch {
			chunk := seedIDs[start:min(start+insertBatch, len(seedIDs))]
			if err := w.tx.Model(&Signatory{}).Where("id IN ? AND tier <> ?", chunk, "ambassador").Update("tier", "ambassador").Error; err != nil {
				return err
			}
		}
	}
	w.tick(len(rows))
	return nil
}

func (w *importer) count(model any) int64 {
	var n int64
	w.tx.Model(model).Count(&n)
	return n
}

func (w *importer) endorsements() error {
	before := w.count(&Endorsement{})
	recs := w.set.Endorsements
	rows := make([]Endorsement, 0, len(recs))
	lines := make([]int, 0, len(recs))
	for _, e := range recs {
		from, err := w.signatory(e.Line, e.From)
		if err != nil {
			return err
		}
		to, err := w.signatory(e.Line, e.To)
		if err != nil {
			return err
		}
		if from == to {
			return lineErr(e.Line, FieldError("to", "a signatory cannot endorse themselves"))
		}
		updated := e.UpdatedAt
		if updated.IsZero() {
			updated = e.CreatedAt
		}
		rows = append(rows, Endorsement{FromID: from, ToID: to, Level: e.Level, Status: e.Status, Comment: e.Comment, CreatedAt: e.CreatedAt, UpdatedAt: updated})
		lines = append(lines, e.Line)
	}
	// Inserting in key order appends to the (from_id, to_id) index instead of writing all over it.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := rows[order[a]], rows[order[b]]
		return x.FromID < y.FromID || (x.FromID == y.FromID && x.ToID < y.ToID)
	})
	sorted := make([]Endorsement, len(rows))
	sortedLines := make([]int, len(rows))
	for i, j := range order {
		sorted[i], sortedLines[i] = rows[j], lines[j]
	}
	bulk := &bulkInserter{tx: w.tx, dialect: w.s.Dialect, table: "endorsements", ignoreDuplicates: true,
		columns: []string{"from_id", "to_id", "level", "status", "comment", "created_at", "updated_at"}}
	for start := 0; start < len(sorted); start += insertBatch * 10 {
		end := min(start+insertBatch*10, len(sorted))
		batch := make([][]any, 0, end-start)
		for _, r := range sorted[start:end] {
			batch = append(batch, []any{r.FromID, r.ToID, r.Level, r.Status, r.Comment, r.CreatedAt, r.UpdatedAt})
		}
		if i, err := bulk.insert(w.ctx, batch); err != nil {
			if i >= 0 {
				return lineErr(sortedLines[start+i], err)
			}
			return fromDB(err)
		}
		w.tick(end - start)
	}
	added := int(w.count(&Endorsement{}) - before)
	w.result.Endorsements = added
	w.result.Present += len(recs) - added
	return nil
}

// endorsementID finds the row of an endorsement by its endorser and endorsee.
func (w *importer) endorsementID(line int, pair *[2]Target) (*int64, error) {
	if pair == nil {
		return nil, nil
	}
	from, err := w.signatory(line, pair[0])
	if err != nil {
		return nil, err
	}
	to, err := w.signatory(line, pair[1])
	if err != nil {
		return nil, err
	}
	var e Endorsement
	err = w.tx.Select("id").Where("from_id = ? AND to_id = ?", from, to).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, lineErr(line, fmt.Errorf("no endorsement from %s to %s", pair[0].PublicID, pair[1].PublicID))
	}
	if err != nil {
		return nil, err
	}
	return &e.ID, nil
}

func (w *importer) credentials() error {
	var rows []Credential
	var lines []int
	for _, c := range w.set.Credentials {
		sid, err := w.signatory(c.Line, c.Signatory)
		if err != nil {
			return err
		}
		eid, err := w.endorsementID(c.Line, c.Endorsement)
		if err != nil {
			return err
		}
		var sigID *int64
		if c.SignatureVer > 0 {
			var sg Signature
			if err := w.tx.Select("id").Where("signatory_id = ? AND declaration_version = ?", sid, c.SignatureVer).Take(&sg).Error; err != nil {
				return lineErr(c.Line, fmt.Errorf("no signature of declaration version %d for this credential", c.SignatureVer))
			}
			sigID = &sg.ID
		}
		rows = append(rows, Credential{ID: c.ID, SignatoryID: sid, Kind: c.Kind, EndorsementID: eid, SignatureID: sigID,
			StatusList: c.StatusList, StatusIndex: c.StatusIndex, Document: c.Document, IssuedAt: c.IssuedAt,
			RevokedAt: c.RevokedAt, RevokedReason: c.RevokedReason})
		lines = append(lines, c.Line)
	}
	return w.createAll(rows, lines)
}

func (w *importer) issuance() error {
	var rows []IssuanceJob
	var lines []int
	for _, j := range w.set.Issuance {
		sid, err := w.signatory(j.Line, j.Signatory)
		if err != nil {
			return err
		}
		if !w.created[sid] {
			continue
		}
		eid, err := w.endorsementID(j.Line, j.Endorsement)
		if err != nil {
			return err
		}
		rows = append(rows, IssuanceJob{SignatoryID: sid, Kind: j.Kind, Action: j.Action, EndorsementID: eid, Reason: j.Reason,
			CreatedAt: j.CreatedAt, Attempts: j.Attempts, LastError: j.LastError, DoneAt: j.DoneAt})
		lines = append(lines, j.Line)
	}
	if !w.set.Full {
		// New listed signatories earn their Signatory badge through the same queue as everyone.
		now := w.s.now()
		for _, sg := range w.newRows {
			if sg.Listed {
				rows = append(rows, IssuanceJob{SignatoryID: sg.ID, Kind: "signatory", Action: "issue", CreatedAt: now})
			}
		}
	}
	return w.createAll(rows, lines)
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

// changed tells whether the import added anything; a repeated import adds nothing, not even an
// audit entry.
func (w *importer) changed() bool {
	return w.result.Signatories+w.result.Endorsements+w.result.Seeds+w.newAccts > 0
}

func (w *importer) auditLog() error {
	if !w.changed() {
		return nil
	}
	var rows []AuditEntry
	var lines []int
	for _, a := range w.set.Audit {
		acc, err := w.account(a.Line, a.Actor)
		if err != nil {
			return err
		}
		e := a.AuditEntry
		e.ID = 0
		e.ActorAccountID = acc
		rows = append(rows, e)
		lines = append(lines, a.Line)
	}
	rows = append(rows, AuditEntry{At: w.s.now(), Actor: "cli", Action: "import", SubjectType: "source", SubjectID: w.set.Source,
		Detail: "signatories +" + strconv.Itoa(w.result.Signatories) + ", endorsements +" + strconv.Itoa(w.result.Endorsements) +
			", seeds +" + strconv.Itoa(w.result.Seeds)})
	return w.createAll(rows, lines)
}
