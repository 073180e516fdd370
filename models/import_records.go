// Writing the records that hang off signatories: signatures, withdrawals, seeds,
// endorsements, credentials, the issuance outbox and the audit log.

package models

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

func (w *importer) signatures() error {
	var rows []Signature
	var lines []int
	published, err := w.publishedDates()
	if err != nil {
		return err
	}
	for _, sg := range w.set.Signatures {
		if err := signedAfterPublished(sg.Line, sg.SignedAt, sg.Version, published[declKey{sg.Version, sg.Lang}]); err != nil {
			return err
		}
		id, err := w.signatory(sg.Line, sg.Signatory)
		if err != nil {
			return err
		}
		rows = append(rows, Signature{SignatoryID: id, DeclarationVersion: sg.Version, Lang: sg.Lang, TextSHA256: sg.SHA256, SignedAt: sg.SignedAt})
		lines = append(lines, sg.Line)
	}
	if !w.set.Full && len(w.newRows) > 0 {
		more, err := w.newSignatures()
		if err != nil {
			return err
		}
		rows = append(rows, more...)
	}
	return w.createAll(rows, lines)
}

func currentIn(tx *gorm.DB, lang string) (Declaration, error) {
	d, err := currentDeclaration(tx, lang, "version, lang, sha256, published_at")
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ECONFLICT, "no declaration is published yet; start the registry once (or run migrate) before importing")
	}
	return d, err
}

type declKey struct {
	version int
	lang    string
}

// publishedDates tells when each declaration text was published.
func (w *importer) publishedDates() (map[declKey]time.Time, error) {
	var ds []Declaration
	if err := w.tx.Select("version", "lang", "published_at").Find(&ds).Error; err != nil {
		return nil, err
	}
	m := make(map[declKey]time.Time, len(ds))
	for _, d := range ds {
		m[declKey{d.Version, d.Lang}] = d.PublishedAt
	}
	return m, nil
}

// signedAfterPublished refuses a signature dated before the text it signs was published:
// nobody can have read it then.
func signedAfterPublished(line int, signedAt time.Time, version int, published time.Time) error {
	if published.IsZero() || !signedAt.Before(published) {
		return nil
	}
	return lineErr(line, FieldError("signed_at", "%s is before version %d of the Declaration was published (%s)",
		signedAt.UTC().Format(time.RFC3339), version, published.UTC().Format(time.DateOnly)))
}

// createAll inserts rows in batches, ignoring ones already present; lines (when given) name the
// record of each row for error messages.
func createAll[T any](w *importer, rows []T, lines []int) error {
	for start := 0; start < len(rows); start += insertBatch {
		chunk := rows[start:min(start+insertBatch, len(rows))]
		// In a savepoint, so that after a refusal (which aborts a PostgreSQL transaction) the
		// rows can be probed one by one to name the bad line.
		err := w.tx.Transaction(func(sp *gorm.DB) error {
			res := sp.Clauses(clause.OnConflict{DoNothing: true}).Create(chunk)
			w.written += res.RowsAffected
			return res.Error
		})
		if err == nil {
			continue
		}
		if len(lines) > start {
			for i := range chunk {
				one := chunk[i : i+1]
				if perr := w.tx.Transaction(func(sp *gorm.DB) error {
					if err := sp.Clauses(clause.OnConflict{DoNothing: true}).Create(one).Error; err != nil {
						return err
					}
					return errRollback
				}); perr != nil && !errors.Is(perr, errRollback) {
					return lineErr(lines[start+i], perr)
				}
			}
		}
		return fromDB(err)
	}
	return nil
}

func (w *importer) createAll(rows any, lines []int) error {
	switch r := rows.(type) {
	case []Signature:
		return w.bulk("signatures", []string{"signatory_id", "declaration_version", "lang", "text_sha256", "signed_at"}, len(r),
			func(i int, v []any) {
				x := &r[i]
				v[0], v[1], v[2], v[3], v[4] = x.SignatoryID, int64(x.DeclarationVersion), x.Lang, x.TextSHA256, x.SignedAt
			}, lines)
	case []IssuanceJob:
		return w.bulk("issuance_outbox", []string{"signatory_id", "kind", "action", "endorsement_id", "reason", "created_at", "attempts", "last_error", "done_at", "priority"}, len(r),
			func(i int, v []any) {
				x := &r[i]
				v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8] = x.SignatoryID, x.Kind, x.Action, x.EndorsementID, x.Reason, x.CreatedAt, int64(x.Attempts), x.LastError, x.DoneAt
				v[9] = int64(x.Priority)
			}, lines)
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
func (w *importer) bulk(table string, columns []string, n int, row rowValues, lines []int) error {
	b := &bulkInserter{tx: w.tx, conn: w.conn, dialect: w.s.Dialect, table: table, columns: columns, ignoreDuplicates: true}
	written, i, err := b.insert(w.ctx, n, row, nil)
	n = int(written)
	w.written += int64(n)
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
			if err := w.tx.Model(&Signatory{}).Where("id IN ? AND tier <> ?", chunk, "ambassador").Updates(map[string]any{"tier": "ambassador", "tier_since": w.s.now()}).Error; err != nil {
				return err
			}
		}
	}
	return w.tick(len(rows))
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
	bulk := &bulkInserter{tx: w.tx, conn: w.conn, dialect: w.s.Dialect, table: "endorsements", ignoreDuplicates: true,
		columns: []string{"from_id", "to_id", "level", "status", "comment", "created_at", "updated_at"}}
	for start := 0; start < len(sorted); start += insertBatch * 10 {
		end := min(start+insertBatch*10, len(sorted))
		batch := sorted[start:end]
		row := func(i int, v []any) {
			r := &batch[i]
			v[0], v[1], v[2], v[3], v[4], v[5], v[6] = r.FromID, r.ToID, r.Level, r.Status, r.Comment, r.CreatedAt, r.UpdatedAt
		}
		if _, i, err := bulk.insert(w.ctx, len(batch), row, nil); err != nil {
			if i >= 0 {
				return lineErr(sortedLines[start+i], err)
			}
			return fromDB(err)
		}
		if err := w.tick(end - start); err != nil {
			return err
		}
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
	var revoked int64
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
		var issuer *int64
		if c.StatusIssuer != nil {
			id, err := w.signatory(c.Line, *c.StatusIssuer)
			if err != nil {
				return err
			}
			issuer = &id
		}
		rows = append(rows, Credential{ID: c.ID, SignatoryID: sid, Kind: c.Kind, EndorsementID: eid, SignatureID: sigID,
			StatusList: c.StatusList, StatusIndex: c.StatusIndex, Document: c.Document, IssuedAt: c.IssuedAt,
			RevokedAt: c.RevokedAt, RevokedReason: c.RevokedReason, ErasedAt: c.ErasedAt, StatusIssuer: issuer, IssuerIndex: c.IssuerIndex})
		lines = append(lines, c.Line)
		if c.RevokedAt != nil {
			revoked++
		}
	}
	if err := w.createAll(rows, lines); err != nil {
		return err
	}
	// The lists holding revoked credentials are stale (by trigger): sign them once, for every server.
	return queueStatusSigning(w.tx, revoked)
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
			CreatedAt: j.CreatedAt, Attempts: j.Attempts, LastError: j.LastError, DoneAt: j.DoneAt, Priority: PriorityBulk})
		lines = append(lines, j.Line)
	}
	if !w.set.Full {
		more, err := w.newBadgeJobs()
		if err != nil {
			return err
		}
		rows = append(rows, more...)
	}
	return w.createAll(rows, lines)
}

// changed tells whether the import added anything; a repeated import adds nothing, not even an
// audit entry.
func (w *importer) changed() bool {
	return w.result.Signatories+w.result.Endorsements+w.result.Seeds+w.newAccts > 0 || w.written > 0
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
