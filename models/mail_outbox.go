// The e-mail outbox: which notifications are still to be mailed, the messages that hold them,
// and the jobs that send them. Every query the mail jobs run is here; package mail decides when
// to run them and talks to the SMTP server.
//
// The rule that makes a message go exactly once: a message is recorded ('sending', with its
// Message-ID and its notifications) and committed before it goes to the server, and marked
// 'sent' after the server accepted it. A process that dies in between leaves the message
// 'sending'; the next run sends that same message again, same Message-ID and same
// notifications, and never composes another one for those events.

package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The kinds of mail job.
const (
	// JobMailNotify sends the due notifications of one account in one category (payload
	// MailJob), one message at most per hour, the rest as a digest.
	JobMailNotify = "mail.notify"
	// JobMailSweep is the periodic job that queues JobMailNotify for due notifications that have
	// no job: those written by bulk INSERT … SELECT, and one written as its account's job was
	// finishing.
	JobMailSweep = "mail.sweep"
	// JobMailAccountDeleted sends the confirmation of an account's deletion (payload
	// AccountDeletedMail, erased once the job is closed).
	JobMailAccountDeleted = "mail.account_deleted"
)

// The states of a notification's e-mail (notifications.mail) and of a message.
const (
	MailDue     = "due"
	MailSending = "sending"
	MailSent    = "sent"
	MailSkipped = "skipped"
)

// MailJob is the payload of a JobMailNotify job.
type MailJob struct {
	AccountID int64  `json:"account_id"`
	Category  string `json:"category"`
}

// MailJobKey is the unique key of an account's mail job in a category: one open job at a time.
func MailJobKey(accountID int64, category string) string {
	return fmt.Sprintf("mail:%d:%s", accountID, category)
}

// AccountDeletedMail is the payload of a JobMailAccountDeleted job: where the confirmation goes,
// since the account itself no longer holds the address.
type AccountDeletedMail struct {
	Email           string `json:"email"`
	Name            string `json:"name"`
	Language        string `json:"language"`
	AccountPublicID string `json:"account_public_id"`
}

// MailMessage is one message of the outbox.
type MailMessage struct {
	ID            int64 `gorm:"primaryKey"`
	AccountID     *int64
	Category      string
	MessageID     string
	State         string
	Notifications int
	CreatedAt     time.Time
	SentAt        *time.Time
}

func (MailMessage) TableName() string { return "mail_messages" }

// mailAccounts maps the given entries to their accounts; entries without one are left out.
func mailAccounts(tx *gorm.DB, signatoryIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for chunk := range slices.Chunk(signatoryIDs, 500) {
		var rows []struct{ ID, AccountID int64 }
		if err := tx.Raw("SELECT id, account_id FROM signatories WHERE id IN ? AND account_id IS NOT NULL", chunk).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r.AccountID
		}
	}
	return out, nil
}

// queueMail queues, in the transaction of the notifications, one mail job per account and
// category; an open job already holding the key will pick the new notifications up.
func queueMail(tx *gorm.DB, keys map[MailJob]bool) error {
	if len(keys) == 0 {
		return nil
	}
	pairs := make([]MailJob, 0, len(keys))
	for k := range keys {
		pairs = append(pairs, k)
	}
	// One order for every transaction: two that queue the same keys wait for each other
	// instead of deadlocking on PostgreSQL.
	slices.SortFunc(pairs, func(a, b MailJob) int {
		if a.AccountID != b.AccountID {
			return int(a.AccountID - b.AccountID)
		}
		return cmpString(a.Category, b.Category)
	})
	now := tx.NowFunc().UTC().Truncate(time.Microsecond)
	jobs := make([]Job, len(pairs))
	for i, p := range pairs {
		payload, _ := json.Marshal(p)
		key := MailJobKey(p.AccountID, p.Category)
		jobs[i] = Job{Kind: JobMailNotify, Payload: string(payload), Priority: JobBulk, UniqueKey: &key, RunAt: now,
			MaxAttempts: JobMaxAttempts, CreatedAt: now}
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&jobs, 100).Error
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// QueueDueMail queues a mail job for every account and category with notifications still to be
// mailed and no open job, and returns how many it queued. A key whose job died less than
// retryDead ago waits: administrators see the dead job, and the sweep tries again later.
func (s *Store) QueueDueMail(ctx context.Context, retryDead time.Duration) (int, error) {
	var n int
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []struct {
			AccountID int64
			Kind      string
		}
		if err := tx.Raw(`SELECT DISTINCT s.account_id, n.kind FROM notifications n JOIN signatories s ON s.id = n.signatory_id
			WHERE (n.mail = ? OR n.mail = ?) AND s.account_id IS NOT NULL`, MailDue, MailSending).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		var dead []string
		if err := tx.Model(&Job{}).Where("kind = ? AND failed_at > ?", JobMailNotify, s.now().Add(-retryDead)).
			Pluck("unique_key", &dead).Error; err != nil {
			return err
		}
		var open []string
		if err := tx.Model(&Job{}).Where("kind = ? AND done_at IS NULL AND failed_at IS NULL", JobMailNotify).
			Pluck("unique_key", &open).Error; err != nil {
			return err
		}
		keys := map[MailJob]bool{}
		for _, r := range rows {
			k := MailJob{AccountID: r.AccountID, Category: CategoryOf(r.Kind)}
			key := MailJobKey(k.AccountID, k.Category)
			if k.Category != CategoryAccount && !slices.Contains(dead, key) && !slices.Contains(open, key) {
				keys[k] = true
			}
		}
		n = len(keys)
		return queueMail(tx, keys)
	})
	return n, err
}

// MailRecipient is what the mail job needs of an account.
type MailRecipient struct {
	ID                           int64
	PublicID                     string
	Email, DisplayName, Language string
	EmailVerified                bool
	BlockedAt, DeletedAt         *time.Time
}

// Reachable tells whether mail may go to the account: a verified address, not deleted or
// blocked.
func (r *MailRecipient) Reachable() bool {
	return r != nil && r.Email != "" && r.EmailVerified && r.DeletedAt == nil && r.BlockedAt == nil
}

// MailRecipientOf reads an account for its mail; nil when there is no such account.
func (s *Store) MailRecipientOf(ctx context.Context, accountID int64) (*MailRecipient, error) {
	var rows []MailRecipient
	err := s.DB.WithContext(ctx).Raw(`SELECT id, public_id, email, display_name, language, email_verified, blocked_at, deleted_at
		FROM accounts WHERE id = ?`, accountID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// mailIDs lists an account's notifications of a category whose mail is in state, oldest first.
func mailIDs(tx *gorm.DB, accountID int64, category, state string) ([]int64, error) {
	var rows []struct {
		ID   int64
		Kind string
	}
	err := tx.Raw(`SELECT n.id, n.kind FROM notifications n JOIN signatories s ON s.id = n.signatory_id
		WHERE s.account_id = ? AND n.mail = ? ORDER BY n.id`, accountID, state).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range rows {
		if CategoryOf(r.Kind) == category {
			ids = append(ids, r.ID)
		}
	}
	return ids, nil
}

// MailDueCount counts an account's notifications of a category still to be mailed.
func (s *Store) MailDueCount(ctx context.Context, accountID int64, category string) (int, error) {
	ids, err := mailIDs(s.DB.WithContext(ctx), accountID, category, MailDue)
	return len(ids), err
}

// MailInFlight returns the message of an account and category recorded but not known to be
// sent (its process stopped): it is to be sent again as it is. Nil when there is none.
func (s *Store) MailInFlight(ctx context.Context, accountID int64, category string) (*MailMessage, error) {
	return lastMail(s.DB.WithContext(ctx).Where("state = ?", MailSending), accountID, category)
}

// LastMail returns the newest message of an account and category, for the hourly rule.
func (s *Store) LastMail(ctx context.Context, accountID int64, category string) (*MailMessage, error) {
	return lastMail(s.DB.WithContext(ctx), accountID, category)
}

func lastMail(db *gorm.DB, accountID int64, category string) (*MailMessage, error) {
	var m MailMessage
	err := db.Where("account_id = ? AND category = ?", accountID, category).Order("id DESC").Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// StartMail records a new message for an account's due notifications of a category (at most
// most of them, oldest first) under messageID, and moves them to 'sending'. It returns nil when
// nothing is due, and the message in flight instead of a new one when there is one.
func (s *Store) StartMail(ctx context.Context, accountID int64, category, messageID string, most int) (*MailMessage, error) {
	var out *MailMessage
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.Dialect == Postgres {
			// One mail decision per account at a time (SQLite's write transactions are one at a
			// time already).
			if err := tx.Exec("SELECT id FROM accounts WHERE id = ? FOR UPDATE", accountID).Error; err != nil {
				return err
			}
		}
		inFlight, err := lastMail(tx.Where("state = ?", MailSending), accountID, category)
		if err != nil || inFlight != nil {
			out = inFlight
			return err
		}
		ids, err := mailIDs(tx, accountID, category, MailDue)
		if err != nil || len(ids) == 0 {
			return err
		}
		if len(ids) > most {
			ids = ids[:most]
		}
		m := MailMessage{AccountID: &accountID, Category: category, MessageID: messageID, State: MailSending,
			Notifications: len(ids), CreatedAt: s.now()}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		res := tx.Model(&Notification{}).Where("id IN ? AND mail = ?", ids, MailDue).
			Updates(map[string]any{"mail": MailSending, "mail_message_id": m.ID})
		if res.Error != nil {
			return res.Error
		}
		if int(res.RowsAffected) != len(ids) {
			return fmt.Errorf("mail: %d of %d notifications moved to message %s", res.RowsAffected, len(ids), messageID)
		}
		out = &m
		return nil
	})
	return out, err
}

// MailNotifications lists the notifications a message holds, oldest first, as /account shows
// them.
func (s *Store) MailNotifications(ctx context.Context, messageRowID int64) ([]NotificationRow, error) {
	var out []NotificationRow
	err := s.DB.WithContext(ctx).Table("notifications n").
		Select(`n.id, n.kind, s.public_id, n.from_tier, n.to_tier, n.level, n.version, o.public_id AS other_public_id,
			o.name AS other_name, o.vis_name AS other_name_vis, o.listed AS other_listed, n.created_at, n.read_at`).
		Joins("JOIN signatories s ON s.id = n.signatory_id").Joins("LEFT JOIN signatories o ON o.id = n.other_id").
		Where("n.mail_message_id = ?", messageRowID).Order("n.id").Scan(&out).Error
	return out, err
}

// MailSent records that the server accepted a message: it and its notifications are 'sent'.
func (s *Store) MailSent(ctx context.Context, m *MailMessage) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&MailMessage{}).Where("id = ? AND state = ?", m.ID, MailSending).
			Updates(map[string]any{"state": MailSent, "sent_at": now}).Error; err != nil {
			return err
		}
		return tx.Model(&Notification{}).Where("mail_message_id = ? AND mail = ?", m.ID, MailSending).Update("mail", MailSent).Error
	})
}

// SkipMail gives up an account's mail in a category (no verified address any more, the member
// turned the category off, or this server sends no mail): its due notifications, and those of
// a message in flight, become 'skipped', and that message is dropped. It returns how many
// notifications it skipped.
func (s *Store) SkipMail(ctx context.Context, accountID int64, category string) (int, error) {
	var n int
	err := s.groupWrite(ctx, func(tx *gorm.DB) error {
		due, err := mailIDs(tx, accountID, category, MailDue)
		if err != nil {
			return err
		}
		sending, err := mailIDs(tx, accountID, category, MailSending)
		if err != nil {
			return err
		}
		ids := append(due, sending...)
		if len(ids) == 0 {
			return nil
		}
		n = len(ids)
		for chunk := range slices.Chunk(ids, 500) {
			if err := tx.Model(&Notification{}).Where("id IN ?", chunk).
				Updates(map[string]any{"mail": MailSkipped, "mail_message_id": nil}).Error; err != nil {
				return err
			}
		}
		return tx.Where("account_id = ? AND category = ? AND state = ?", accountID, category, MailSending).Delete(&MailMessage{}).Error
	})
	return n, err
}

// queueAccountDeletedMail queues, in account deletion's transaction, the confirmation to the
// account's address, when it was verified.
func queueAccountDeletedMail(tx *gorm.DB, accountID int64, entryName string) error {
	var a Account
	if err := tx.Take(&a, accountID).Error; err != nil {
		return err
	}
	if a.Email == "" || !a.EmailVerified || a.DeletedAt != nil {
		return nil
	}
	name := a.DisplayName
	if name == "" {
		name = entryName
	}
	payload, err := json.Marshal(AccountDeletedMail{Email: a.Email, Name: name, Language: a.Language, AccountPublicID: a.PublicID})
	if err != nil {
		return err
	}
	_, err = EnqueueJob(tx, &Job{Kind: JobMailAccountDeleted, Payload: string(payload), Priority: JobInteractive})
	return err
}

// DropMail deletes a message in flight that holds no notification any more (they went with
// their entry): there is nothing left to send.
func (s *Store) DropMail(ctx context.Context, m *MailMessage) error {
	return s.DB.WithContext(ctx).Where("id = ? AND state = ?", m.ID, MailSending).Delete(&MailMessage{}).Error
}
