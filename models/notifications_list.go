// The notifications of an account, as /account lists them and the header counts them, and the
// endorsement notifications the endorsement flow writes.

package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// notifyEndorsement records, in the endorsement's transaction, a notification of kind for the
// member signatoryID about the other party. One unread notification per kind and other party is
// enough: a second one (the same endorsement sent twice at once, or changed before it was read)
// refreshes it instead of adding one. On PostgreSQL the second request waits on the endorsement
// row the first wrote, so it sees the first's notification once that one commits.
func notifyEndorsement(tx *gorm.DB, kind string, signatoryID, otherID int64, level string, now time.Time) error {
	var unread []Notification
	if err := tx.Select("id", "mail").Where("signatory_id = ? AND other_id = ? AND kind = ? AND read_at IS NULL",
		signatoryID, otherID, kind).Find(&unread).Error; err != nil {
		return err
	}
	if len(unread) == 0 {
		return Notify(tx, Notification{SignatoryID: signatoryID, Kind: kind, OtherID: &otherID, Level: &level, CreatedAt: now})
	}
	ids := make([]int64, len(unread))
	told := false
	for i, n := range unread {
		ids[i] = n.ID
		told = told || (n.Mail != nil && *n.Mail != MailDue)
	}
	change := map[string]any{"level": level, "created_at": now}
	var account int64
	if told {
		accounts, err := mailAccounts(tx, []int64{signatoryID})
		if err != nil {
			return err
		}
		account, told = accounts[signatoryID]
	}
	if !told {
		// Not mailed yet (or never to be): the next message tells the new level.
		return tx.Model(&Notification{}).Where("id IN ?", ids).Updates(change).Error
	}
	// Already mailed, being mailed or given up: the new level is news the member has not
	// heard. Due again, and out of the message that told the old level: a message in flight
	// goes as it is (or is dropped once it holds nothing), and the new level goes in the next
	// one, which the hourly rule spaces as it spaces any other. The job decides again whether
	// to send at all, as it does for a new notification.
	change["mail"], change["mail_message_id"] = MailDue, nil
	if err := tx.Model(&Notification{}).Where("id IN ?", ids).Updates(change).Error; err != nil {
		return err
	}
	return queueMail(tx, map[MailJob]bool{{AccountID: account, Category: CategoryOf(kind)}: true})
}

// NotificationRow is one notification as /account lists it.
type NotificationRow struct {
	ID   int64
	Kind string
	// PublicID is the member's own entry (for the trust page of a tier notification).
	PublicID         string
	FromTier, ToTier *string
	Level            *string
	// Version is the Declaration version of a declaration.version notification.
	Version *int
	// OtherPublicID, OtherName and OtherNameVis are the other party of an endorsement
	// notification; the page shows the name only when it is public, and links the entry only
	// while it is listed.
	OtherPublicID, OtherName, OtherNameVis *string
	OtherListed                            *bool
	// Listed says the member's own entry is in the public registry (its profile can be linked).
	Listed bool
	// Answerable says the endorsement of an endorsement.received notification still waits for
	// the member's answer, from a listed endorser: what the answer page can act on.
	Answerable bool
	// CredentialID is the live credential of a badge.issued notification's badge, for its
	// verification page; nil once that badge was revoked.
	CredentialID *string
	CreatedAt    time.Time
	ReadAt       *time.Time
}

// OtherPublicName is the other party's name when it may be shown to the member: only when that
// person made it public and their entry is listed. The pages and the e-mail both name people
// through it, so a private name never leaves the registry.
func (r NotificationRow) OtherPublicName() (string, bool) {
	if r.OtherName == nil || r.OtherNameVis == nil || *r.OtherNameVis != string(Public) || r.OtherListed == nil || !*r.OtherListed {
		return "", false
	}
	return CleanLine(*r.OtherName), true
}

// Notifications lists an account's newest notifications, newest first.
func (s *Store) Notifications(ctx context.Context, accountID int64, limit int) ([]NotificationRow, error) {
	var out []NotificationRow
	err := s.DB.WithContext(ctx).Table("notifications n").
		Select(`n.id, n.kind, s.public_id, n.from_tier, n.to_tier, n.level, n.version, o.public_id AS other_public_id,
			o.name AS other_name, o.vis_name AS other_name_vis, o.listed AS other_listed, s.listed, c.id AS credential_id, n.created_at, n.read_at,
			CASE WHEN n.kind = ? AND o.listed AND EXISTS (SELECT 1 FROM endorsements e
				WHERE e.from_id = n.other_id AND e.to_id = n.signatory_id AND e.status = 'pending') THEN 1 ELSE 0 END AS answerable`,
			KindEndorsementReceived).
		Joins("JOIN signatories s ON s.id = n.signatory_id").Joins("LEFT JOIN signatories o ON o.id = n.other_id").
		// At most one live credential per badge (credentials_one_live; SQLite uses that partial
		// index only when the query repeats "kind <> 'endorsement'").
		Joins(`LEFT JOIN credentials c ON n.kind = ? AND c.signatory_id = n.signatory_id AND c.kind = n.to_tier
			AND c.revoked_at IS NULL AND c.kind <> 'endorsement'`, KindBadgeIssued).
		Where("s.account_id = ?", accountID).Order("n.id DESC").Limit(limit).Scan(&out).Error
	return out, err
}

// Unread is what the header says of an account's unread notifications: how many, and the
// newest one's id, up to which "Mark all as read" marks (one written after the page was drawn
// stays unread).
type Unread struct {
	Count int64
	UpTo  int64
}

// UnreadNotifications counts an account's unread notifications, for the header. It only reads.
func (s *Store) UnreadNotifications(ctx context.Context, accountID int64) (Unread, error) {
	var u Unread
	err := s.DB.WithContext(ctx).Model(&Notification{}).Select("COUNT(*) AS count, COALESCE(MAX(id), 0) AS up_to").
		Where("read_at IS NULL AND signatory_id IN (SELECT id FROM signatories WHERE account_id = ?)", accountID).
		Scan(&u).Error
	return u, err
}

// MarkNotificationsRead marks read an account's notifications up to the newest one a page
// showed (one written after the page was drawn stays unread), and returns how many.
func (s *Store) MarkNotificationsRead(ctx context.Context, accountID, upTo int64) (int64, error) {
	res := s.DB.WithContext(ctx).Model(&Notification{}).
		Where("read_at IS NULL AND id <= ? AND signatory_id IN (SELECT id FROM signatories WHERE account_id = ?)", upTo, accountID).
		Update("read_at", s.now())
	return res.RowsAffected, res.Error
}
