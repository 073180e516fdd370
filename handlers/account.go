package handlers

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/models"
)

// pendingView is an endorsement waiting for an answer, its comment rendered as the profile will
// show it once accepted.
type pendingView struct {
	models.PendingEndorsement
	CommentHTML template.HTML
	// MayLower warns, next to "Decline", that this endorsement may be part of what carries the
	// tier the person holds.
	MayLower bool
}

type accountView struct {
	entryView
	// Entry is the account's registry entry, if it ever signed.
	Entry    *models.Signatory
	EntryURL string
	Saved    bool
	// NewVersion invites the signatory to sign a declaration version published since.
	NewVersion bool
	// Pending are endorsements waiting for the person's answer.
	Pending    []pendingView
	Identities []models.Identity
	// Attachable are the providers not attached yet.
	Attachable []auth.Info
	Message    string
	// Badges are the entry's badges, the same cards as on the profile.
	Badges badgeCards
	// Withdrawal says, next to the withdrawal button, what withdrawing revokes and whom it may
	// affect; nil unless the entry is active.
	Withdrawal *withdrawalView
	// TierNotice is a lowered tier the person had not been told of: shown here, and read.
	TierNotice *models.TierNotice
	// Notifications are the account's newest notifications, newest first (notices_list.go).
	Notifications []notificationView
	// Mail is the E-mail section (account_mail.go).
	Mail mailSettingsView
}

// withdrawalView is what withdrawing one's signature does, in words.
type withdrawalView struct {
	// Badges are the person's own badges that go; Others what it may do to others.
	Badges []string
	Others string
}

// accountPage shows who is signed in and the logins attached to the account; a visitor is sent
// to log in and comes back here.
func (h *Handler) accountPage(c echo.Context) error {
	acc := account(c)
	if acc == nil {
		return loginFirst(c)
	}
	// A lowered tier not told yet is told here, in the page, and is read from now on: the account
	// page is where a person looks after their standing.
	notice, err := h.store.UnreadTierNotice(c.Request().Context(), acc.ID)
	if err != nil {
		return err
	}
	if notice != nil {
		if _, err := h.store.MarkTierNoticesRead(c.Request().Context(), acc.ID, notice.ID); err != nil {
			return err
		}
	}
	// The list is read before it is marked read, so that the page shows which ones are new.
	notes, err := h.store.Notifications(c.Request().Context(), acc.ID, notificationsShown)
	if err != nil {
		return err
	}
	if len(notes) > 0 && notes[0].ReadAt == nil {
		if _, err := h.store.MarkNotificationsRead(c.Request().Context(), acc.ID, notes[0].ID); err != nil {
			return err
		}
	}
	return h.renderAccountWith(c, acc, http.StatusOK, "", nil, notice, notes)
}

// renderAccount shows the account page; f, when given, is an edit form coming back with errors.
func (h *Handler) renderAccount(c echo.Context, acc *models.Account, status int, message string, f *formState) error {
	return h.renderAccountWith(c, acc, status, message, f, nil, nil)
}

// renderAccountWith is renderAccount with the tier notice the page tells, if any.
// notes, when nil, are read here.
func (h *Handler) renderAccountWith(c echo.Context, acc *models.Account, status int, message string, f *formState, notice *models.TierNotice, notes []models.NotificationRow) error {
	ctx := c.Request().Context()
	if notes == nil {
		var err error
		if notes, err = h.store.Notifications(ctx, acc.ID, notificationsShown); err != nil {
			return err
		}
	}
	ids, err := h.store.Identities(ctx, acc.ID)
	if err != nil {
		return err
	}
	mine, err := h.store.MySignatory(ctx, acc.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, id := range ids {
		have[id.Provider] = true
	}
	l := h.catalog.For(lang(c))
	v := accountView{Identities: ids, Message: message, Entry: mine, Saved: c.QueryParam("saved") == "1", TierNotice: notice, Notifications: notificationViews(h.catalog.For(lang(c)), notes)}
	if v.Mail, err = h.mailSettings(c, l, acc); err != nil {
		return err
	}
	pending, err := h.store.PendingEndorsements(ctx, acc.ID)
	if err != nil {
		return err
	}
	carrying := map[string]bool{}
	if mine != nil && mine.Listed && len(pending) > 0 {
		if carrying, err = h.store.DeclineStakes(ctx, mine); err != nil {
			return err
		}
	}
	for _, p := range pending {
		pv := pendingView{PendingEndorsement: p, MayLower: carrying[p.FromPublicID]}
		if p.Comment != "" {
			pv.CommentHTML = h.md.HTML(p.Comment)
		}
		v.Pending = append(v.Pending, pv)
	}
	if mine != nil {
		form := entryFormState(mine)
		if f != nil {
			form = *f
		}
		v.entryView = h.entryView(c, l, mine.Kind, form)
		v.EntryURL = "/signatories/" + mine.PublicID
		if v.Badges, err = h.badgeCards(c, l, mine); err != nil {
			return err
		}
		if mine.Status == models.StatusActive {
			d, err := h.store.CurrentDeclaration(ctx, l.Lang)
			if err != nil {
				return err
			}
			signed, err := h.store.HasSigned(ctx, mine.ID, d.Version)
			if err != nil {
				return err
			}
			v.NewVersion = !signed
			if v.Withdrawal, err = h.withdrawalView(c, l, mine); err != nil {
				return err
			}
		}
	}
	for _, p := range h.providers.List() {
		if !have[p.Name] {
			v.Attachable = append(v.Attachable, p)
		}
	}
	return h.render(c, status, "account", l.T("account.title"), "account", v)
}

// detachIdentity removes one login from the account.
func (h *Handler) detachIdentity(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.FormValue("identity"), 10, 64)
	if err != nil {
		return models.FieldError("identity", "is not a login of this account")
	}
	if err := h.store.DetachIdentity(c.Request().Context(), acc, id); err != nil {
		switch models.ErrorCode(err) {
		case models.ECONFLICT:
			return h.renderAccount(c, acc, http.StatusConflict, errorWords(h.catalog.For(lang(c)), err), nil)
		case models.ENOTFOUND:
			// A stale page or a forged form: say so on the account page, where the logins are.
			l := h.catalog.For(lang(c))
			return h.renderAccount(c, acc, http.StatusNotFound, l.T("account.identity_unknown"), nil)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}

// updateEntry saves the edit form of the account's entry.
func (h *Handler) updateEntry(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	mine, err := h.store.MySignatory(ctx, acc.ID)
	if err != nil {
		return err
	}
	if mine == nil {
		return c.Redirect(http.StatusSeeOther, "/sign")
	}
	l := h.catalog.For(lang(c))
	sg, f := readEntry(c, l, mine.Kind)
	if len(f.Errors) > 0 {
		return h.renderAccount(c, acc, http.StatusBadRequest, l.T("form.fix"), &f)
	}
	if _, err := h.store.UpdateEntry(ctx, acc, sg); err != nil {
		if fieldError(f, err) {
			return h.renderAccount(c, acc, http.StatusBadRequest, l.T("form.fix"), &f)
		}
		if models.ErrorCode(err) == models.ECONFLICT {
			return h.renderAccount(c, acc, http.StatusConflict, errorWords(h.catalog.For(lang(c)), err), nil)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?saved=1")
}

// withdraw takes the account's entry off the registry.
func (h *Handler) withdraw(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	if _, err := h.store.Withdraw(c.Request().Context(), acc, c.FormValue("reason")); err != nil {
		switch models.ErrorCode(err) {
		case models.ECONFLICT, models.EINVALID:
			return h.renderAccount(c, acc, statusOf[models.ErrorCode(err)], errorWords(h.catalog.For(lang(c)), err), nil)
		}
		return err
	}
	h.wake()
	return c.Redirect(http.StatusSeeOther, "/account?withdrawn=1")
}

// deleteAccount erases the account after an explicit confirmation.
func (h *Handler) deleteAccount(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		l := h.catalog.For(lang(c))
		return h.renderAccount(c, acc, http.StatusBadRequest, l.T("account.delete_confirm_missing"), nil)
	}
	if err := h.store.DeleteAccount(c.Request().Context(), acc); err != nil {
		return err
	}
	h.wake()
	h.clearCookie(c, sessionCookie, "/")
	return c.Redirect(http.StatusSeeOther, "/?deleted=1")
}
