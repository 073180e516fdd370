package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// notificationView is one notification on /account, worded in the page's language: the other
// party by public name only when that name is public.
type notificationView struct {
	Text      string
	Links     []notificationLink
	Unread    bool
	CreatedAt time.Time
}

// notificationLink is one link of a notification: where to act on it or see more.
type notificationLink struct {
	Href, Text string
}

// link sets a notification's one link.
func (v *notificationView) link(href, text string) {
	v.Links = []notificationLink{{href, text}}
}

// notificationsShown is how many notifications /account lists.
const notificationsShown = 50

// unreadCount is the header's count of a signed-in member's unread notifications. A visitor
// costs no query; like the tier notice, a failure is logged and the page shown without it.
func (h *Handler) unreadCount(c echo.Context) models.Unread {
	acc := account(c)
	if acc == nil {
		return models.Unread{}
	}
	n, err := h.store.UnreadNotifications(c.Request().Context(), acc.ID)
	if err != nil {
		h.log.Error("counting the notifications", "account", acc.PublicID, "err", err)
		return models.Unread{}
	}
	return n
}

// notificationViews words the notifications of /account.
func notificationViews(l *i18n.Localizer, rows []models.NotificationRow) []notificationView {
	out := make([]notificationView, 0, len(rows))
	tier := func(t *string) string {
		if t == nil {
			return ""
		}
		return l.T("tier." + *t)
	}
	for _, r := range rows {
		v := notificationView{Unread: r.ReadAt == nil, CreatedAt: r.CreatedAt}
		other, ok := r.OtherPublicName()
		if !ok {
			other = l.T("endorse.someone")
		}
		switch r.Kind {
		case models.KindTierLost:
			v.Text = l.T("notification.tier_lost", tier(r.FromTier), tier(r.ToTier))
			v.link("/signatories/"+r.PublicID+"/trust", l.T("notification.see_trust"))
		case models.KindTierReached:
			v.Text = l.T("notification.tier_reached", tier(r.ToTier))
			v.link("/signatories/"+r.PublicID+"/trust", l.T("notification.see_trust"))
		case models.KindEndorsementReceived:
			v.Text = l.T("notification.endorsement_received", other, tier(r.Level))
			switch {
			case r.Answerable:
				// The links of the e-mail: each lands on the page that answers by a signed-in POST.
				to := "/account/endorsements/" + *r.OtherPublicID
				v.Links = []notificationLink{{to + "/accept", l.T("endorse.accept")}, {to + "/decline", l.T("endorse.decline")}}
			case r.OtherPublicID != nil:
				// Answered or withdrawn since: its history is in the member's network.
				v.link("/account/network", l.T("mail.see_network"))
			}
		case models.KindEndorsementAccepted:
			v.Text = l.T("notification.endorsement_accepted", other, tier(r.Level))
			if r.OtherPublicID != nil && r.OtherListed != nil && *r.OtherListed {
				v.link("/signatories/"+*r.OtherPublicID+"/endorsements/"+r.PublicID, l.T("notification.see_endorsement"))
			}
		case models.KindEndorsementDeclined:
			v.Text = l.T("notification.endorsement_declined", other, tier(r.Level))
		case models.KindBadgeIssued:
			v.Text = l.T("notification.badge_issued", tier(r.ToTier))
			switch {
			case r.CredentialID != nil:
				v.link("/credentials/"+*r.CredentialID, l.T("notification.see_badge"))
			case r.Listed:
				// The badge was revoked since: the profile shows the ones held now.
				v.link("/signatories/"+r.PublicID, l.T("notification.see_profile"))
			}
		case models.KindOrganisationVerified:
			v.Text = l.T("notification.organisation_verified")
			if r.Listed {
				v.link("/signatories/"+r.PublicID, l.T("notification.see_profile"))
			}
		case models.KindDeclarationVersion:
			if r.Version == nil {
				continue
			}
			v.Text = l.T("notification.declaration_version", *r.Version)
			v.link("/sign", l.T("notification.sign_version", *r.Version))
		default:
			continue
		}
		out = append(out, v)
	}
	return out
}
