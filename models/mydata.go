// What the registry holds about one person, for "download my data" (GDPR articles 15 and 20):
// read in one consistent snapshot, row for row as the full dump (records.Exporter) holds it, so
// that a test can compare the two. Never a secret (session tokens, login states, hashes) and
// never another person's private field: the other party of an endorsement is named by public id,
// and by name only when that name is public.

package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// MyData is everything about one account and its entry.
type MyData struct {
	Account Account
	// MailOff are the categories of e-mail the person turned off, by category; MailMessages the
	// messages the registry wrote to them, oldest first.
	MailOff      []MailSetting
	MailMessages []MailMessage
	Identities   []Identity
	Roles        []Role
	// Entry is nil for an account that never signed; Seed is set for a founding Ambassador.
	Entry       *Signatory
	Seed        *Seed
	Signatures  []Signature
	Withdrawals []Withdrawal
	// Given and Received are the endorsements both ways, the other party resolved.
	Given, Received []MyEndorsement
	Notifications   []MyNotification
	// Credentials are those the entry holds: its badges and the endorsements it received.
	Credentials []MyCredential
	// Audit is every entry the person made, or made about their account or entry.
	Audit []AuditEntry
	// Others are the account ids of the other people named in Roles, Seed and Audit: the export
	// leaves those ids out.
	Others map[int64]bool
}

// MyEndorsement is an endorsement with its other party as the public may see them.
type MyEndorsement struct {
	Endorsement
	FromPublicID, ToPublicID string
	// OtherName is the other party's name when they make it public and are listed; else empty.
	OtherName string
}

// MyNotification is a notification with its other party as the person may know them: the
// public id when that entry is listed or the two have an endorsement between them (the
// endorsements already name it), the name only when it is public and listed; else empty.
type MyNotification struct {
	Notification
	OtherPublicID, OtherName string
	// MessageID is the Message-ID of the e-mail that told it, if any.
	MessageID string
}

// MyCredential is a credential with what it refers to named by public ids.
type MyCredential struct {
	Credential
	EndorsementFrom, EndorsementTo string
	SignatureVersion               *int
	StatusIssuerPublicID           string
}

// MyData reads what the registry holds about the account, in one snapshot.
func (s *Store) MyData(ctx context.Context, accountID int64) (*MyData, error) {
	out := &MyData{Others: map[int64]bool{}}
	err := s.Snapshot(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&out.Account, accountID).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", accountID).Order("category").Find(&out.MailOff).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", accountID).Order("id").Find(&out.MailMessages).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", accountID).Order("id").Find(&out.Identities).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", accountID).Order("role").Find(&out.Roles).Error; err != nil {
			return err
		}
		for _, r := range out.Roles {
			out.other(r.GrantedBy)
		}
		var sg Signatory
		err := tx.Where("account_id = ?", accountID).Take(&sg).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
		case err != nil:
			return err
		default:
			out.Entry = &sg
			if err := out.readEntry(tx); err != nil {
				return err
			}
		}
		return out.readAudit(tx)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (d *MyData) other(id *int64) {
	if id != nil && *id != d.Account.ID {
		d.Others[*id] = true
	}
}

// readEntry reads what hangs on the entry: signatures, seed, endorsements, notifications,
// credentials.
func (d *MyData) readEntry(tx *gorm.DB) error {
	id := d.Entry.ID
	if err := tx.Where("signatory_id = ?", id).Order("id").Find(&d.Signatures).Error; err != nil {
		return err
	}
	if err := tx.Where("signatory_id = ?", id).Order("id").Find(&d.Withdrawals).Error; err != nil {
		return err
	}
	var seeds []Seed
	if err := tx.Where("signatory_id = ?", id).Find(&seeds).Error; err != nil {
		return err
	}
	if len(seeds) == 1 {
		d.Seed = &seeds[0]
		d.other(d.Seed.AppointedBy)
	}
	var err error
	if d.Given, err = myEndorsements(tx, "e.from_id = ?", "e.to_id", id); err != nil {
		return err
	}
	if d.Received, err = myEndorsements(tx, "e.to_id = ?", "e.from_id", id); err != nil {
		return err
	}
	if err := tx.Table("notifications n").
		Select(`n.*, CASE WHEN o.listed OR EXISTS (SELECT 1 FROM endorsements e
				WHERE (e.from_id = n.signatory_id AND e.to_id = o.id) OR (e.from_id = o.id AND e.to_id = n.signatory_id))
			THEN o.public_id ELSE '' END AS other_public_id,
			CASE WHEN o.listed AND o.vis_name = 'public' THEN o.name ELSE '' END AS other_name,
			COALESCE(m.message_id, '') AS message_id`).
		Joins("LEFT JOIN signatories o ON o.id = n.other_id").
		Joins("LEFT JOIN mail_messages m ON m.id = n.mail_message_id").
		Where("n.signatory_id = ?", id).Order("n.id").Scan(&d.Notifications).Error; err != nil {
		return err
	}
	return tx.Table("credentials c").
		Select("c.*, f.public_id AS endorsement_from, t.public_id AS endorsement_to, s.declaration_version AS signature_version, i.public_id AS status_issuer_public_id").
		Joins("LEFT JOIN endorsements e ON e.id = c.endorsement_id").
		Joins("LEFT JOIN signatories f ON f.id = e.from_id").
		Joins("LEFT JOIN signatories t ON t.id = e.to_id").
		Joins("LEFT JOIN signatures s ON s.id = c.signature_id").
		Joins("LEFT JOIN signatories i ON i.id = c.status_issuer").
		Where("c.signatory_id = ?", id).Order("c.issued_at, c.id").Scan(&d.Credentials).Error
}

// myEndorsements reads the endorsements on one side of the entry, the other party (joined on
// otherCol) named only as the public may see them.
func myEndorsements(tx *gorm.DB, where, otherCol string, id int64) ([]MyEndorsement, error) {
	var out []MyEndorsement
	err := tx.Table("endorsements e").
		Select("e.*, f.public_id AS from_public_id, t.public_id AS to_public_id, "+
			"CASE WHEN o.listed AND o.vis_name = 'public' THEN o.name ELSE '' END AS other_name").
		Joins("JOIN signatories f ON f.id = e.from_id").
		Joins("JOIN signatories t ON t.id = e.to_id").
		Joins("JOIN signatories o ON o.id = "+otherCol).
		Where(where, id).Order("e.id").Scan(&out).Error
	return out, err
}

// readAudit reads the audit entries the person made or that are about their account or entry.
func (d *MyData) readAudit(tx *gorm.DB) error {
	q := tx.Where("actor_account_id = ? OR (subject_type = 'account' AND subject_id = ?)", d.Account.ID, d.Account.PublicID)
	if d.Entry != nil {
		q = tx.Where("actor_account_id = ? OR (subject_type = 'account' AND subject_id = ?) OR (subject_type = 'signatory' AND subject_id = ?)",
			d.Account.ID, d.Account.PublicID, d.Entry.PublicID)
	}
	if err := q.Order("id").Find(&d.Audit).Error; err != nil {
		return err
	}
	for _, a := range d.Audit {
		d.other(a.ActorAccountID)
	}
	return nil
}
