package main

import (
	"html/template"
	"strings"

	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
)

// noticeComposer writes a message with the words of the in-app notifications (/account), in the
// member's language: the count as subject, one line per notification and a link to /account.
// The deletion confirmation says the account was deleted.
type noticeComposer struct {
	catalog *i18n.Catalog
	baseURL string
}

func (c *noticeComposer) Write(l mail.Letter) (mail.Message, error) {
	loc := c.catalog.For(l.Lang)
	m := mail.Message{To: l.Email, ToName: l.Name, MessageID: l.MessageID, Lang: loc.Lang}
	site := loc.T("site.name")
	if l.Deleted {
		m.Subject = site + ": " + loc.T("admin.audit.action.account.delete")
		m.Text = m.Subject + "\n"
		m.HTML = "<p>" + template.HTMLEscapeString(m.Subject) + "</p>"
		return m, nil
	}
	m.Subject = site + ": " + loc.N("notification.count", int64(len(l.Notifications)))
	var text, html strings.Builder
	html.WriteString("<ul>")
	for _, n := range l.Notifications {
		line := noticeLine(loc, n)
		text.WriteString("- " + line + "\n")
		html.WriteString("<li>" + template.HTMLEscapeString(line) + "</li>")
	}
	account := c.baseURL + "/account"
	text.WriteString("\n" + loc.T("nav.account") + ": " + account + "\n")
	html.WriteString(`</ul><p><a href="` + template.HTMLEscapeString(account) + `">` + template.HTMLEscapeString(loc.T("nav.account")) + "</a></p>")
	m.Text, m.HTML = text.String(), html.String()
	return m, nil
}

// noticeLine words one notification as /account does, naming the other party only when their
// name is public.
func noticeLine(l *i18n.Localizer, r models.NotificationRow) string {
	tier := func(t *string) string {
		if t == nil {
			return ""
		}
		return l.T("tier." + *t)
	}
	other := l.T("endorse.someone")
	if r.OtherName != nil && r.OtherNameVis != nil && *r.OtherNameVis == string(models.Public) && r.OtherListed != nil && *r.OtherListed {
		other = models.CleanLine(*r.OtherName)
	}
	switch r.Kind {
	case models.KindTierLost:
		return l.T("notification.tier_lost", tier(r.FromTier), tier(r.ToTier))
	case models.KindTierReached:
		return l.T("notification.tier_reached", tier(r.ToTier))
	case models.KindEndorsementReceived:
		return l.T("notification.endorsement_received", other, tier(r.Level))
	case models.KindEndorsementAccepted:
		return l.T("notification.endorsement_accepted", other, tier(r.Level))
	case models.KindEndorsementDeclined:
		return l.T("notification.endorsement_declined", other, tier(r.Level))
	}
	return l.T("notification.title")
}
