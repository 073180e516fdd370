// What every new signatory of an import gets besides its row: its signature of the current
// declaration and the job that issues its Signatory badge.

package models

// idRun is a run of an import's new signatories whose row ids follow each other and who share
// a key.
type idRun struct {
	first, last int64
	key         string
}

// idRuns groups the new signatories, in the order they were written, into runs of consecutive
// ids with the same key. On SQLite a whole run is then written by one INSERT … SELECT, so its
// rows never cross from Go to the database: a bulk import is mostly one run.
func (w *importer) idRuns(key func(i int) string) []idRun {
	var runs []idRun
	for i, sg := range w.newRows {
		k := key(i)
		if n := len(runs); n > 0 && runs[n-1].key == k && runs[n-1].last+1 == sg.ID {
			runs[n-1].last = sg.ID
			continue
		}
		runs = append(runs, idRun{first: sg.ID, last: sg.ID, key: k})
	}
	return runs
}

// newSignatures records that each new signatory signed the current declaration in the
// language its record names.
func (w *importer) newSignatures() ([]Signature, error) {
	current := map[string]Declaration{}
	declarationIn := func(lang string) (Declaration, error) {
		d, ok := current[lang]
		if !ok {
			var err error
			if d, err = currentIn(w.tx, lang); err != nil {
				return d, err
			}
			current[lang] = d
		}
		return d, nil
	}
	langOf := func(i int) string { return w.set.Signatories[w.newIdx[i]].Lang }
	for i, sg := range w.newRows {
		d, err := declarationIn(langOf(i))
		if err != nil {
			return nil, err
		}
		if err := signedAfterPublished(w.set.Signatories[w.newIdx[i]].Line, sg.SignedAt, d.Version, d.PublishedAt); err != nil {
			return nil, err
		}
	}
	if w.s.Dialect == SQLite {
		for _, r := range w.idRuns(langOf) {
			d, err := declarationIn(r.key)
			if err != nil {
				return nil, err
			}
			res := w.tx.Exec(`INSERT INTO signatures (signatory_id, declaration_version, lang, text_sha256, signed_at)
				SELECT id, ?, ?, ?, signed_at FROM signatories WHERE id BETWEEN ? AND ?`, d.Version, d.Lang, d.SHA256, r.first, r.last)
			if res.Error != nil {
				return nil, res.Error
			}
			w.written += res.RowsAffected
		}
		return nil, nil
	}
	rows := make([]Signature, 0, len(w.newRows))
	for i, sg := range w.newRows {
		d, err := declarationIn(langOf(i))
		if err != nil {
			return nil, err
		}
		rows = append(rows, Signature{SignatoryID: sg.ID, DeclarationVersion: d.Version, Lang: d.Lang, TextSHA256: d.SHA256, SignedAt: sg.SignedAt})
	}
	return rows, nil
}

// newBadgeJobs queues the Signatory badge of each new listed signatory: they earn it through
// the same queue as everyone, as bulk work, behind anyone who signs meanwhile.
func (w *importer) newBadgeJobs() ([]IssuanceJob, error) {
	now := w.s.now()
	if w.s.Dialect == SQLite {
		for _, r := range w.idRuns(func(int) string { return "" }) {
			res := w.tx.Exec(`INSERT INTO issuance_outbox (signatory_id, kind, action, reason, created_at, attempts, last_error, priority)
				SELECT id, 'signatory', 'issue', '', ?, 0, '', ? FROM signatories WHERE id BETWEEN ? AND ? AND listed`, now, PriorityBulk, r.first, r.last)
			if res.Error != nil {
				return nil, res.Error
			}
			w.written += res.RowsAffected
		}
		return nil, nil
	}
	var rows []IssuanceJob
	for _, sg := range w.newRows {
		if sg.Listed {
			rows = append(rows, IssuanceJob{SignatoryID: sg.ID, Kind: "signatory", Action: "issue", CreatedAt: now, Priority: PriorityBulk})
		}
	}
	return rows, nil
}
