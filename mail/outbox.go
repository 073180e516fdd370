package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
)

// Outbox sends the registry's e-mail as background jobs: mail.notify for the due notifications
// of one member in one category, mail.sweep to queue the ones no job holds, and
// mail.account_deleted for the confirmation of a deletion.
type Outbox struct {
	Store *models.Store
	// Sender hands messages to the SMTP server; nil when this server sends no mail, and then
	// due notifications are marked skipped (the in-app list still shows them).
	Sender   Sender
	Composer Composer
	// Host ends every Message-ID (random@Host): the host of the base URL.
	Host string
	Log  *slog.Logger
	// Spacing is the least time between two messages to a member in one category; what comes
	// meanwhile waits and goes as one digest. An hour by default.
	Spacing time.Duration
	// Most is how many notifications one message holds at most; 50 by default.
	Most int
	// RetryDead is how long a member's mail waits after its job died before the sweep queues
	// another; an hour by default.
	RetryDead time.Duration
}

// sweepEvery is how often the sweep looks for due notifications that no job holds.
const sweepEvery = time.Minute

// Register adds the mail jobs to an engine. Call it before the engine runs.
func (o *Outbox) Register(e *jobs.Engine) {
	if o.Spacing <= 0 {
		o.Spacing = time.Hour
	}
	if o.Most <= 0 {
		o.Most = 50
	}
	if o.RetryDead <= 0 {
		o.RetryDead = time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if e.Handlers == nil {
		e.Handlers = map[string]jobs.Handler{}
	}
	e.Handlers[models.JobMailNotify] = o.notify
	e.Handlers[models.JobMailSweep] = o.sweep
	e.Handlers[models.JobMailAccountDeleted] = o.accountDeleted
	e.Every(models.JobMailSweep, sweepEvery)
	// A deleted member's address stays only until the confirmation is sent (or given up).
	e.ForgetPayload(models.JobMailAccountDeleted)
}

// notify sends one member's due notifications of one category: at most one message per
// Spacing, the rest together in the next one.
func (o *Outbox) notify(ctx context.Context, j *jobs.Job) error {
	var p models.MailJob
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil || p.AccountID == 0 || p.Category == "" {
		return fmt.Errorf("mail.notify: payload %q: want an account and a category", j.Payload)
	}
	to, err := o.Store.MailRecipientOf(ctx, p.AccountID)
	if err != nil {
		return err
	}
	off := false
	if to.Reachable() {
		// The member's setting on /account.
		wanted, err := models.MailWanted(o.Store.DB.WithContext(ctx), p.AccountID, p.Category)
		if err != nil {
			return err
		}
		off = !wanted
	}
	if o.Sender == nil || !to.Reachable() || off {
		n, err := o.Store.SkipMail(ctx, p.AccountID, p.Category)
		if n > 0 {
			o.Log.Debug("mail: not sent", "account", p.AccountID, "category", p.Category, "notifications", n,
				"mail_off", o.Sender == nil, "reachable", to.Reachable(), "category_off", off)
		}
		return err
	}
	// A message recorded by a run that stopped before it knew the outcome goes again as it was:
	// same Message-ID, same notifications.
	m, err := o.Store.MailInFlight(ctx, p.AccountID, p.Category)
	if err != nil {
		return err
	}
	if m == nil {
		due, err := o.Store.MailDueCount(ctx, p.AccountID, p.Category)
		if err != nil || due == 0 {
			return err
		}
		last, err := o.Store.LastMail(ctx, p.AccountID, p.Category)
		if err != nil {
			return err
		}
		if last != nil {
			if next := last.CreatedAt.Add(o.Spacing); o.Store.Now().Before(next) {
				return jobs.Again(next)
			}
		}
		if m, err = o.Store.StartMail(ctx, p.AccountID, p.Category, uuid.NewString()+"@"+o.Host, o.Most); err != nil || m == nil {
			return err
		}
	}
	if err := o.send(ctx, to, m); err != nil {
		return err
	}
	// Notifications that came while this one was written wait for the next message: the digest.
	due, err := o.Store.MailDueCount(ctx, p.AccountID, p.Category)
	if err != nil {
		return err
	}
	if due > 0 {
		return jobs.Again(m.CreatedAt.Add(o.Spacing))
	}
	return nil
}

// send writes a recorded message and hands it to the server, then records it sent.
func (o *Outbox) send(ctx context.Context, to *models.MailRecipient, m *models.MailMessage) error {
	notes, err := o.Store.MailNotifications(ctx, m.ID)
	if err != nil {
		return err
	}
	if len(notes) == 0 {
		// Its notifications went with their entry (deleted outright): nothing left to tell.
		return o.Store.DropMail(ctx, m)
	}
	msg, err := o.Composer.Write(Letter{AccountID: to.ID, AccountPublicID: to.PublicID, Email: to.Email, Name: to.DisplayName, Lang: to.Language,
		Category: m.Category, Notifications: notes, MessageID: m.MessageID})
	if err != nil {
		return fmt.Errorf("mail: writing message %s: %w", m.MessageID, err)
	}
	msg.To, msg.MessageID = to.Email, m.MessageID
	if msg.ToName == "" {
		msg.ToName = to.DisplayName
	}
	if err := o.Sender.Send(ctx, msg); err != nil {
		return err
	}
	o.Log.Info("mail: sent", "account", to.ID, "category", m.Category, "notifications", len(notes), "message_id", m.MessageID)
	return o.Store.MailSent(ctx, m)
}

// sweep queues mail jobs for due notifications that no job holds.
func (o *Outbox) sweep(ctx context.Context, _ *jobs.Job) error {
	n, err := o.Store.QueueDueMail(ctx, o.RetryDead)
	if n > 0 {
		o.Log.Debug("mail: queued due notifications without a job", "jobs", n)
	}
	return err
}

// accountDeleted sends the confirmation of an account's deletion. Its Message-ID is derived
// from the job, so that a run after a crash sends the same message again, not another one.
func (o *Outbox) accountDeleted(ctx context.Context, j *jobs.Job) error {
	if o.Sender == nil {
		return nil
	}
	var p models.AccountDeletedMail
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return fmt.Errorf("mail.account_deleted: payload: %w", err)
	}
	if p.Email == "" {
		return nil
	}
	id := fmt.Sprintf("account-deleted.%d@%s", j.ID, o.Host)
	msg, err := o.Composer.Write(Letter{AccountPublicID: p.AccountPublicID, Email: p.Email, Name: p.Name, Lang: p.Language, Category: models.CategoryAccount,
		Deleted: true, MessageID: id})
	if err != nil {
		return fmt.Errorf("mail: writing the deletion confirmation: %w", err)
	}
	msg.To, msg.MessageID, msg.Unsubscribe = p.Email, id, ""
	if msg.ToName == "" {
		msg.ToName = p.Name
	}
	return o.Sender.Send(ctx, msg)
}
