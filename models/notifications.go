// Notifications: what the registry has to tell a member on their next visit. The first kind is
// a lost tier: a recomputation, after someone else's change to the endorsement graph, lowered
// the member's tier. The tier computation writes them (ApplyTiers); the pages read them.
//
// Notifications are not part of the full dump (records.Exporter): they are messages about a
// moment, not the registry's state, and an import recomputes the tiers it needs. Account
// deletion erases them (eraseNotifications); a signatory row deleted outright takes them with it
// (ON DELETE CASCADE).

package models

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
)

// The kinds of notification. Each is written in the transaction of its event.
const (
	// KindTierLost: a recomputation lowered the member's tier.
	KindTierLost = "tier.lost"
	// KindTierReached: a recomputation raised it.
	KindTierReached = "tier.reached"
	// KindEndorsementReceived: another member endorsed this one (OtherID, Level).
	KindEndorsementReceived = "endorsement.received"
	// KindEndorsementAccepted and KindEndorsementDeclined: the endorsee (OtherID) answered
	// this member's endorsement.
	KindEndorsementAccepted = "endorsement.accepted"
	KindEndorsementDeclined = "endorsement.declined"
	// KindBadgeIssued: a badge credential was issued to the member (ToTier names the badge:
	// signatory, advocate or ambassador).
	KindBadgeIssued = "badge.issued"
	// KindOrganisationVerified: an administrator verified the member's organisation entry.
	KindOrganisationVerified = "organisation.verified"
	// KindDeclarationVersion: a new version of the Declaration (Version) awaits the member's
	// signature.
	KindDeclarationVersion = "declaration.version"
	// KindAccountDeleted: the member deleted their account. It has no row (the account and its
	// notifications are erased); its e-mail is the confirmation.
	KindAccountDeleted = "account.deleted"
)

// The categories of e-mail a member can turn off one by one on /account. Account mail (the
// deletion confirmation) cannot be turned off.
const (
	CategoryEndorsements = "endorsements"
	CategoryTiers        = "tiers"
	CategoryBadges       = "badges"
	CategoryOrganisation = "organisation"
	CategoryDeclaration  = "declaration"
	CategoryAccount      = "account"
)

// MailCategories are the categories a member can turn off, in the order /account lists them.
var MailCategories = []string{CategoryEndorsements, CategoryTiers, CategoryBadges, CategoryOrganisation, CategoryDeclaration}

// CategoryOf says which category of e-mail a kind of notification belongs to.
func CategoryOf(kind string) string {
	switch kind {
	case KindEndorsementReceived, KindEndorsementAccepted, KindEndorsementDeclined:
		return CategoryEndorsements
	case KindTierLost, KindTierReached:
		return CategoryTiers
	case KindBadgeIssued:
		return CategoryBadges
	case KindOrganisationVerified:
		return CategoryOrganisation
	case KindDeclarationVersion:
		return CategoryDeclaration
	}
	return CategoryAccount
}

// Notification is one message for the member holding an entry; ReadAt is nil until they saw or
// dismissed it.
type Notification struct {
	ID          int64 `gorm:"primaryKey"`
	SignatoryID int64
	Kind        string
	// FromTier and ToTier are the tiers before and after, for a tier notification.
	FromTier, ToTier *string
	// OtherID is the other party of an endorsement notification, Level the level endorsed.
	OtherID *int64
	Level   *string
	// Version is the Declaration version of a declaration.version notification.
	Version *int
	// Mail is the notification's e-mail: nil when none is wanted, "due" until a message holding
	// it is sent, then "sending" and "sent" (or "skipped"); MailMessageID that message.
	Mail          *string
	MailMessageID *int64
	CreatedAt     time.Time
	ReadAt        *time.Time
}

func (Notification) TableName() string { return "notifications" }

// TierRank orders the tiers: 0 for Signatory, 1 for Advocate, 2 for Ambassador, -1 for anything
// else.
func TierRank(tier string) int { return slices.Index(Tiers, tier) }

// notifyTierMoved records, in the tier computation's transaction, that the listed signatories ids
// went from one tier to another: a loss or a tier reached.
func notifyTierMoved(tx *gorm.DB, from, to string, ids []int64, now time.Time) error {
	if len(ids) == 0 || TierRank(to) == TierRank(from) {
		return nil
	}
	kind := KindTierLost
	if TierRank(to) > TierRank(from) {
		kind = KindTierReached
	}
	rows := make([]Notification, len(ids))
	for i, id := range ids {
		rows[i] = Notification{SignatoryID: id, Kind: kind, FromTier: &from, ToTier: &to, CreatedAt: now}
	}
	// One INSERT for the chunk ApplyTiers updated (at most a few hundred rows).
	return Notify(tx, rows...)
}

// Notify records notifications in tx, the transaction of their event, so that they exist
// exactly when the event does. Every kind goes through here: the in-app list on /account and
// the e-mail outbox both start from these rows. A notification to a member with an account is
// due to be mailed, and its account's mail job for the category is queued in the same
// transaction (the job decides later whether a message goes: verified address, the member's
// settings, the hourly rule). Call the job engine's Wake after the commit.
// One exception: a new Declaration version (notifyNewVersion) may address a hundred thousand
// members and writes its rows with one INSERT … SELECT, mail = 'due', which the mail sweep
// (mail.sweep, every minute) queues.
func Notify(tx *gorm.DB, rows ...Notification) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.SignatoryID)
	}
	slices.Sort(ids)
	accounts, err := mailAccounts(tx, slices.Compact(ids))
	if err != nil {
		return err
	}
	keys := map[MailJob]bool{}
	for i := range rows {
		account, ok := accounts[rows[i].SignatoryID]
		category := CategoryOf(rows[i].Kind)
		if !ok || category == CategoryAccount {
			continue
		}
		due := MailDue
		rows[i].Mail = &due
		keys[MailJob{AccountID: account, Category: category}] = true
	}
	if err := tx.Create(&rows).Error; err != nil {
		return err
	}
	return queueMail(tx, keys)
}

// eraseNotifications removes every notification of an entry, in account deletion's transaction:
// the tombstone that stays keeps nothing addressed to the person.
func eraseNotifications(tx *gorm.DB, signatoryID int64) error {
	return tx.Where("signatory_id = ?", signatoryID).Delete(&Notification{}).Error
}

// TierNotice is what the pages tell a member whose tier a recomputation lowered: the tier they
// hold now, and their entry's trust page.
type TierNotice struct {
	// ID is the newest unread tier notification: dismissing marks read it and those before.
	ID int64
	// PublicID is the member's entry; Tier the tier it holds now, From the one it held before
	// the newest loss.
	PublicID, Tier, From string
}

// UnreadTierNotice returns the notice for an account's listed entry when a recomputation lowered
// its tier and the member has not seen it yet; nil otherwise, and nil too when the tier has come
// back since (the newest loss is undone). It only reads: a page view never writes.
func (s *Store) UnreadTierNotice(ctx context.Context, accountID int64) (*TierNotice, error) {
	var rows []struct {
		ID       int64
		PublicID string
		Tier     string
		FromTier string
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT n.id, s.public_id, s.tier, n.from_tier
		FROM signatories s JOIN notifications n ON n.signatory_id = s.id
		WHERE s.account_id = ? AND s.listed AND n.read_at IS NULL AND n.kind = ?
		ORDER BY n.id DESC LIMIT 1`, accountID, KindTierLost).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	r := rows[0]
	if TierRank(r.Tier) >= TierRank(r.FromTier) {
		return nil, nil
	}
	return &TierNotice{ID: r.ID, PublicID: r.PublicID, Tier: r.Tier, From: r.FromTier}, nil
}

// MarkTierNoticesRead marks read the unread tier notifications of an account's entry up to the
// one shown (a loss recorded after the page was drawn stays unread), and returns how many.
func (s *Store) MarkTierNoticesRead(ctx context.Context, accountID, upTo int64) (int64, error) {
	res := s.DB.WithContext(ctx).Model(&Notification{}).
		Where("read_at IS NULL AND kind = ? AND id <= ? AND signatory_id IN (SELECT id FROM signatories WHERE account_id = ?)",
			KindTierLost, upTo, accountID).
		Update("read_at", s.now())
	return res.RowsAffected, res.Error
}
