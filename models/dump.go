package models

import (
	"time"

	"gorm.io/gorm"
)

// Dump reads every table in a consistent snapshot for export, naming signatories and accounts
// by their public ids.
type Dump struct {
	tx         *gorm.DB
	signatory  map[int64]string
	account    map[int64]string
	endorsePub map[int64][2]string
}

// NewDump prepares the id maps of a snapshot.
func NewDump(tx *gorm.DB) (*Dump, error) {
	d := &Dump{tx: tx, signatory: map[int64]string{}, account: map[int64]string{}}
	var ids []struct {
		ID       int64
		PublicID string
	}
	if err := tx.Model(&Signatory{}).Select("id", "public_id").Find(&ids).Error; err != nil {
		return nil, err
	}
	for _, r := range ids {
		d.signatory[r.ID] = r.PublicID
	}
	ids = ids[:0]
	if err := tx.Model(&Account{}).Select("id", "public_id").Find(&ids).Error; err != nil {
		return nil, err
	}
	for _, r := range ids {
		d.account[r.ID] = r.PublicID
	}
	return d, nil
}

// SignatoryPublicID and AccountPublicID translate row ids; the empty string for none.
func (d *Dump) SignatoryPublicID(id int64) string { return d.signatory[id] }

// OptSignatoryPublicID is SignatoryPublicID for an optional row id.
func (d *Dump) OptSignatoryPublicID(id *int64) string {
	if id == nil {
		return ""
	}
	return d.signatory[*id]
}

func (d *Dump) AccountPublicID(id *int64) string {
	if id == nil {
		return ""
	}
	return d.account[*id]
}

// Pair names an endorsement by its endorser's and endorsee's public ids; nil for none.
func (d *Dump) Pair(from, to *int64) *[2]string {
	if from == nil || to == nil {
		return nil
	}
	return &[2]string{d.signatory[*from], d.signatory[*to]}
}

// CredentialRow is a credential with the endorsement and signature it refers to.
type CredentialRow struct {
	Credential
	EFrom, ETo *int64
	SigVersion *int
}

// IssuanceRow is an outbox row with the endorsement it refers to.
type IssuanceRow struct {
	IssuanceJob
	EFrom, ETo *int64
}

// EachCredential streams credentials with their references resolved in the same query (a
// second query while rows are open is not allowed on one PostgreSQL connection).
func (d *Dump) EachCredential(fn func(*CredentialRow) error) error {
	return each(d.tx.Table("credentials c").
		Select("c.*, e.from_id AS e_from, e.to_id AS e_to, s.declaration_version AS sig_version").
		Joins("LEFT JOIN endorsements e ON e.id = c.endorsement_id").
		Joins("LEFT JOIN signatures s ON s.id = c.signature_id").Order("c.issued_at, c.id"), d.tx, fn)
}

// AccountRow is an account with the categories of e-mail it turned off, by category.
type AccountRow struct {
	Account
	MailOff []MailSetting
}

// accountMailRow is one row of the join EachAccount reads: an account, and one category it
// turned off (none when it turned nothing off).
type accountMailRow struct {
	Account
	MailCategory *string
	MailOffAt    *time.Time
}

// EachAccount streams the accounts by id, each with its mail choices. One query, grouped as the
// rows come: a second query while rows are open is not allowed on one PostgreSQL connection,
// and holding every choice in memory would not scale with the accounts.
func (d *Dump) EachAccount(fn func(*AccountRow) error) error {
	var cur *AccountRow
	err := each(d.tx.Table("accounts a").Select("a.*, m.category AS mail_category, m.off_at AS mail_off_at").
		Joins("LEFT JOIN mail_settings m ON m.account_id = a.id").Order("a.id, m.category"), d.tx,
		func(r *accountMailRow) error {
			if cur != nil && cur.ID != r.ID {
				if err := fn(cur); err != nil {
					return err
				}
				cur = nil
			}
			if cur == nil {
				cur = &AccountRow{Account: r.Account}
			}
			if r.MailCategory != nil && r.MailOffAt != nil {
				cur.MailOff = append(cur.MailOff, MailSetting{AccountID: r.ID, Category: *r.MailCategory, OffAt: *r.MailOffAt})
			}
			return nil
		})
	if err != nil || cur == nil {
		return err
	}
	return fn(cur)
}

// EachPublicEndorsement streams the accepted endorsements between listed signatories, oldest
// first. A join, not "IN (SELECT …)" twice: SQLite would try every pair of the two lists.
func (d *Dump) EachPublicEndorsement(fn func(*Endorsement) error) error {
	return each(d.tx.Table("endorsements e").Select("e.*").
		Joins("JOIN signatories f ON f.id = e.from_id AND f.listed = ?", true).
		Joins("JOIN signatories t ON t.id = e.to_id AND t.listed = ?", true).
		Where("e.status = ?", "accepted").Order("e.created_at, e.id"), d.tx, fn)
}

// CountPublicEndorsements counts what EachPublicEndorsement streams.
func (d *Dump) CountPublicEndorsements() (int64, error) {
	var n int64
	err := d.tx.Table("endorsements e").
		Joins("JOIN signatories f ON f.id = e.from_id AND f.listed = ?", true).
		Joins("JOIN signatories t ON t.id = e.to_id AND t.listed = ?", true).
		Where("e.status = ?", "accepted").Count(&n).Error
	return n, err
}

// EachIssuance streams the outbox with endorsement references resolved.
func (d *Dump) EachIssuance(fn func(*IssuanceRow) error) error {
	return each(d.tx.Table("issuance_outbox o").Select("o.*, e.from_id AS e_from, e.to_id AS e_to").
		Joins("LEFT JOIN endorsements e ON e.id = o.endorsement_id").Order("o.id"), d.tx, fn)
}

func each[T any](q *gorm.DB, tx *gorm.DB, fn func(*T) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := tx.ScanRows(rows, &v); err != nil {
			return err
		}
		if err := fn(&v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Each streams the rows of one table in the given order with one query. A public dump passes a
// condition (such as "listed = true") to keep only what may be published.
func Each[T any](d *Dump, order string, where string, args []any, fn func(*T) error) error {
	q := d.tx.Model(new(T)).Order(order)
	if where != "" {
		q = q.Where(where, args...)
	}
	return each(q, d.tx, fn)
}

// Count returns the number of rows of a table matching where.
func Count[T any](d *Dump, where string, args ...any) (int64, error) {
	var n int64
	q := d.tx.Model(new(T))
	if where != "" {
		q = q.Where(where, args...)
	}
	return n, q.Count(&n).Error
}
