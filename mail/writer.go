package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/sharelink"
	"github.com/open-recognition/registry/views"
)

// Writer writes the registry's messages: one notification, or a digest of several, in the
// member's language, with absolute links under BaseURL and an unsubscribe link signed with
// Secret. It names other people only by their public name, as the pages do.
type Writer struct {
	Catalog *i18n.Catalog
	// BaseURL is the registry's public origin, without a trailing slash.
	BaseURL string
	// Secret signs unsubscribe links; the handler that answers them holds the same one.
	Secret []byte
	// Store looks up what a notification row does not carry: a badge's credential. Without it a
	// badge message has no link to the badge.
	Store *models.Store
	// Templates are the parsed e-mail templates; nil parses them on each message (tests and
	// callers that did not load them at start-up).
	Templates *views.Mail
}

// lookupTimeout bounds the one query a message may need (a badge's credential): Composer has
// no context, and a message must not hang the outbox.
const lookupTimeout = 10 * time.Second

// letterView is what the templates show.
type letterView struct {
	Lang, Subject, Greeting, Intro string
	Digest                         bool
	Items                          []itemView
	// Closing are paragraphs after the items.
	Closing     []string
	Signature   string
	Why         string
	Settings    linkView
	Unsubscribe linkView
}

type itemView struct {
	Text, Detail string
	Links        []linkView
}

type linkView struct{ Text, URL string }

// Write implements Composer.
func (w Writer) Write(lt Letter) (Message, error) {
	if lt.Email == "" {
		return Message{}, errors.New("mail: a letter without an address")
	}
	l := w.Catalog.For(lt.Lang)
	base := strings.TrimRight(w.BaseURL, "/")
	v := letterView{Lang: l.Lang, Signature: l.T("site.name")}
	v.Greeting = l.T("mail.greeting_anonymous")
	if name := models.CleanLine(lt.Name); name != "" {
		v.Greeting = l.T("mail.greeting", name)
	}
	m := Message{To: lt.Email, ToName: lt.Name, MessageID: lt.MessageID, Lang: l.Lang}
	if lt.Deleted {
		v.Subject = l.T("mail.subject.account_deleted")
		v.Items = []itemView{{Text: l.T("mail.account_deleted")}}
		v.Closing = []string{l.T("mail.account_deleted.last")}
		v.Why = l.T("mail.why.account")
	} else {
		if len(lt.Notifications) == 0 {
			return Message{}, errors.New("mail: a letter with nothing to tell")
		}
		category := lt.Category
		if category == "" {
			category = models.CategoryOf(lt.Notifications[0].Kind)
		}
		if lt.AccountPublicID == "" || len(w.Secret) == 0 {
			return Message{}, errors.New("mail: an unsubscribe link needs the account's public id and a secret")
		}
		notes := append([]models.NotificationRow(nil), lt.Notifications...)
		sort.SliceStable(notes, func(i, j int) bool {
			if !notes[i].CreatedAt.Equal(notes[j].CreatedAt) {
				return notes[i].CreatedAt.After(notes[j].CreatedAt)
			}
			return notes[i].ID > notes[j].ID
		})
		for _, n := range notes {
			it, err := w.item(l, base, n)
			if err != nil {
				return Message{}, err
			}
			v.Items = append(v.Items, it)
		}
		if len(notes) == 1 {
			v.Subject = subject(l, notes[0])
		} else {
			v.Digest = true
			v.Subject = l.N("mail.subject.digest", int64(len(notes)))
			v.Intro = l.T("mail.digest.intro")
		}
		v.Why = l.T("mail.why." + category)
		v.Settings = linkView{l.T("mail.settings"), base + "/account#mail"}
		if category != models.CategoryAccount {
			m.Unsubscribe = UnsubscribeURL(base, w.Secret, lt.AccountPublicID, category)
			v.Unsubscribe = linkView{l.T("mail.unsubscribe"), m.Unsubscribe}
		}
	}
	m.Subject = v.Subject
	tpl := w.Templates
	if tpl == nil {
		var err error
		if tpl, err = views.LoadMail(); err != nil {
			return Message{}, err
		}
	}
	var text, html bytes.Buffer
	if err := tpl.Text.Execute(&text, v); err != nil {
		return Message{}, fmt.Errorf("mail: text: %w", err)
	}
	if err := tpl.HTML.Execute(&html, v); err != nil {
		return Message{}, fmt.Errorf("mail: html: %w", err)
	}
	m.Text, m.HTML = text.String(), html.String()
	return m, nil
}

// tierName is a tier's name in l's language, "" when the row has none.
func tierName(l *i18n.Localizer, t *string) string {
	if t == nil {
		return ""
	}
	return l.T("tier." + *t)
}

// other names the other party of an endorsement notification: their public name, or "a
// signatory" when the name is not public or their entry not listed.
func other(l *i18n.Localizer, n models.NotificationRow) string {
	if name, ok := n.OtherPublicName(); ok {
		return name
	}
	return l.T("endorse.someone")
}

// subject is the subject of a message telling one notification.
func subject(l *i18n.Localizer, n models.NotificationRow) string {
	switch n.Kind {
	case models.KindEndorsementReceived:
		return l.T("mail.subject.endorsement_received", other(l, n), tierName(l, n.Level))
	case models.KindEndorsementAccepted:
		return l.T("mail.subject.endorsement_accepted", other(l, n))
	case models.KindEndorsementDeclined:
		return l.T("mail.subject.endorsement_declined", other(l, n))
	case models.KindTierReached:
		return l.T("mail.subject.tier_reached", tierName(l, n.ToTier))
	case models.KindTierLost:
		return l.T("mail.subject.tier_lost", tierName(l, n.ToTier))
	case models.KindBadgeIssued:
		return l.T("mail.subject.badge_issued", tierName(l, n.ToTier))
	case models.KindOrganisationVerified:
		return l.T("mail.subject.organisation_verified")
	case models.KindDeclarationVersion:
		if n.Version != nil {
			return l.T("mail.subject.declaration_version", *n.Version)
		}
		return l.T("mail.subject.declaration_version_any")
	}
	return l.N("mail.subject.digest", 1)
}

// item is one notification told in a message: what happened, why when it is not obvious, and
// the links to act on it.
func (w Writer) item(l *i18n.Localizer, base string, n models.NotificationRow) (itemView, error) {
	trust := linkView{l.T("notification.see_trust"), base + "/signatories/" + n.PublicID + "/trust"}
	switch n.Kind {
	case models.KindEndorsementReceived:
		it := itemView{Text: l.T("notification.endorsement_received", other(l, n), tierName(l, n.Level)), Detail: l.T("mail.endorsement_received.answer")}
		if n.OtherPublicID != nil {
			// Each link lands on a page that asks for the answer again, signed in, by POST: a
			// link followed by a mail scanner answers nothing.
			to := base + "/account/endorsements/" + *n.OtherPublicID
			it.Links = []linkView{{l.T("endorse.accept"), to + "/accept"}, {l.T("endorse.decline"), to + "/decline"}}
		} else {
			it.Links = []linkView{{l.T("notification.answer"), base + "/account#endorsements"}}
		}
		return it, nil
	case models.KindEndorsementAccepted:
		it := itemView{Text: l.T("notification.endorsement_accepted", other(l, n), tierName(l, n.Level))}
		if n.OtherPublicID != nil && n.OtherListed != nil && *n.OtherListed {
			it.Links = []linkView{{l.T("notification.see_endorsement"), base + "/signatories/" + *n.OtherPublicID + "/endorsements/" + n.PublicID}}
		}
		return it, nil
	case models.KindEndorsementDeclined:
		return itemView{Text: l.T("notification.endorsement_declined", other(l, n), tierName(l, n.Level)),
			Links: []linkView{{l.T("mail.see_network"), base + "/account/network"}}}, nil
	case models.KindTierReached:
		return itemView{Text: l.T("notification.tier_reached", tierName(l, n.ToTier)), Detail: l.T("mail.tier_reached.why"), Links: []linkView{trust}}, nil
	case models.KindTierLost:
		return itemView{Text: l.T("notification.tier_lost", tierName(l, n.FromTier), tierName(l, n.ToTier)), Detail: l.T("mail.tier_lost.why"), Links: []linkView{trust}}, nil
	case models.KindBadgeIssued:
		return w.badgeItem(l, base, n)
	case models.KindOrganisationVerified:
		return itemView{Text: l.T("mail.organisation_verified"), Links: []linkView{{l.T("mail.see_entry"), base + "/signatories/" + n.PublicID}}}, nil
	case models.KindDeclarationVersion:
		text := l.T("mail.declaration_version_any")
		if n.Version != nil {
			text = l.T("mail.declaration_version", *n.Version)
		}
		return itemView{Text: text, Detail: l.T("mail.declaration_version.why"), Links: []linkView{{l.T("mail.declaration.sign"), base + "/sign"}}}, nil
	}
	// A kind this writer does not know yet still tells the member there is news, rather than
	// holding back the other notifications of its message.
	return itemView{Text: l.T("mail.other"), Links: []linkView{{l.T("notification.title"), base + "/account#notifications"}}}, nil
}

// badgeItem tells a badge issued, with the links the badge pages offer: the badge's
// verification page and LinkedIn's add-to-profile form.
func (w Writer) badgeItem(l *i18n.Localizer, base string, n models.NotificationRow) (itemView, error) {
	it := itemView{Text: l.T("mail.badge_issued", tierName(l, n.ToTier))}
	if w.Store == nil || n.ToTier == nil {
		return it, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	cr, err := w.Store.LiveBadge(ctx, n.PublicID, *n.ToTier)
	if err != nil {
		// The outbox tries the message again later, rather than send it without its links.
		return it, fmt.Errorf("mail: the badge of %s: %w", n.PublicID, err)
	}
	if cr == nil {
		// Revoked since: the message still says the badge was issued, and the account page
		// lists the badges there are.
		it.Links = []linkView{{l.T("mail.badge.see"), base + "/account#badges"}}
		return it, nil
	}
	b := sharelink.Badge{Kind: cr.Kind, CredentialID: cr.ID, IssuedAt: cr.IssuedAt}
	it.Links = []linkView{{l.T("mail.badge.see"), b.PageURL(base)}, {l.T("mail.badge.linkedin"), b.LinkedIn(l, base)}}
	return it, nil
}
