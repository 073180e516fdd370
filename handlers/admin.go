package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/models"
)

// requireAdmin answers 401 to a visitor and 403 to a signed-in person who is not an
// administrator.
func requireAdmin(c echo.Context) (*models.Account, error) {
	acc, err := requireAccount(c)
	if err != nil {
		return nil, err
	}
	if admin, _ := c.Get("admin").(bool); !admin {
		return nil, httpError(http.StatusForbidden, "error.admin.only", "this page is for the registry's administrators")
	}
	return acc, nil
}

type adminView struct {
	Pending, Hidden []models.AdminSignatory
	Blocked         []models.Account
	Audit           []models.AuditRow
	MoreAudit       int64
	// Find is what the administrator looked for; Lookup the one entry found, Found the
	// entries to choose from when several match.
	Find        string
	Lookup      *models.AdminSignatory
	Found       []models.AdminSignatory
	Publish     formState
	NextVersion int
	Message     string

	// DeclarationLangs are the languages a declaration text can be published in.
	DeclarationLangs []string
	// Jobs is the background work that needs an administrator's eye.
	Jobs models.JobsView
}

// adminPage is the administrators' desk: organisations to verify, hidden entries, blocked
// accounts, publishing a declaration version, and the audit log.
func (h *Handler) adminPage(c echo.Context) error {
	if _, err := requireAdmin(c); err != nil {
		return err
	}
	return h.renderAdmin(c, http.StatusOK, "", formState{})
}

func (h *Handler) renderAdmin(c echo.Context, status int, message string, publish formState) error {
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	v := adminView{Message: message, Publish: publish, DeclarationLangs: declaration.Languages}
	if v.Message == "" {
		if done := c.QueryParam("done"); done != "" {
			v.Message = l.T("admin.done." + done)
		}
	}
	var err error
	if v.Pending, v.Hidden, err = h.store.Moderation(ctx); err != nil {
		return err
	}
	if v.Blocked, err = h.store.BlockedAccounts(ctx); err != nil {
		return err
	}
	if v.Jobs, err = h.adminJobs(ctx); err != nil {
		return err
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	if v.Audit, err = h.store.AuditLog(ctx, before, 50); err != nil {
		return err
	}
	if len(v.Audit) == 50 {
		v.MoreAudit = v.Audit[len(v.Audit)-1].ID
	}
	if v.Find = strings.TrimSpace(c.QueryParam("signatory")); v.Find != "" {
		found, err := h.store.AdminFind(ctx, v.Find)
		if err != nil {
			return err
		}
		switch {
		case len(found) == 1:
			v.Lookup = &found[0]
		case len(found) == 0 && v.Message == "":
			v.Message = l.T("admin.lookup.none")
		default:
			v.Found = found
		}
	}
	if d, err := h.store.CurrentDeclaration(ctx, l.Lang); err == nil {
		v.NextVersion = d.Version + 1
	}
	if v.Publish.Values == nil {
		v.Publish = formState{Values: map[string]string{"version": strconv.Itoa(v.NextVersion), "lang": l.Lang,
			"published": time.Now().UTC().Format(time.DateOnly)}, Errors: map[string]string{}}
	}
	return h.render(c, status, "admin", l.T("admin.title"), "admin", v)
}

// adminAction runs one moderation action from the admin page and comes back to it.
func (h *Handler) adminAction(c echo.Context) error {
	acc, err := requireAdmin(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	by := models.ActorOf(acc)
	id := c.Param("id")
	action := c.Param("action")
	onAccount := action == "block" || action == "unblock"
	if (c.Param("kind") == "accounts") != onAccount {
		return echo.ErrNotFound
	}
	switch action {
	case "verify":
		err = h.store.VerifyOrganisation(ctx, by, id)
	case "reject":
		if models.CleanLine(c.FormValue("reason")) == "" {
			// The organisation is owed a reason: nothing is written without one.
			return h.renderAdmin(c, http.StatusBadRequest, h.catalog.For(lang(c)).T("admin.reject.reason_required"), formState{})
		}
		err = h.store.RejectOrganisation(ctx, by, id, c.FormValue("reason"))
	case "hide":
		err = h.store.HideSignatory(ctx, by, id, c.FormValue("reason"))
	case "restore":
		err = h.store.RestoreSignatory(ctx, by, id)
	case "place":
		_, err = h.store.SetPlace(ctx, by, id, c.FormValue("place"))
	case "seed", "unseed":
		err = h.store.SetSeed(ctx, by, id, action == "seed")
	case "block", "unblock":
		err = h.store.BlockAccount(ctx, by, id, action == "block")
	default:
		return echo.ErrNotFound
	}
	if err != nil {
		switch models.ErrorCode(err) {
		case models.ECONFLICT, models.ENOTFOUND, models.EINVALID:
			return h.renderAdmin(c, statusOf[models.ErrorCode(err)], errorWords(h.catalog.For(lang(c)), err), formState{})
		}
		return err
	}
	h.log.Info("admin action", "action", action, "subject", id, "by", acc.PublicID)
	h.wake()
	if action == "place" || action == "seed" || action == "unseed" || action == "reject" {
		// Back to the entry acted on, to see the change.
		return c.Redirect(http.StatusSeeOther, "/admin?done="+action+"&signatory="+url.QueryEscape(id)+"#lookup")
	}
	return c.Redirect(http.StatusSeeOther, "/admin?done="+action)
}

// adminPublish publishes a declaration version written on the admin page.
func (h *Handler) adminPublish(c echo.Context) error {
	acc, err := requireAdmin(c)
	if err != nil {
		return err
	}
	l := h.catalog.For(lang(c))
	f := formState{Values: map[string]string{"version": c.FormValue("version"), "lang": c.FormValue("lang"), "body": c.FormValue("body"),
		"published": strings.TrimSpace(c.FormValue("published"))}, Errors: map[string]string{}}
	version, err := strconv.Atoi(f.Values["version"])
	if err != nil || version < 1 {
		f.Errors["version"] = l.T("admin.publish.bad_version")
	}
	if !declaration.KnownLanguage(f.Values["lang"]) {
		f.Errors["lang"] = l.T("form.required")
	}
	// The day the text is published belongs to the text: signatures cannot be older.
	published, derr := declaration.ParseDate(f.Values["published"])
	switch {
	case f.Values["published"] == "":
		f.Errors["published"] = l.T("form.required")
	case derr != nil:
		f.Errors["published"] = l.T("admin.publish.bad_date")
	case published.After(time.Now()):
		f.Errors["published"] = l.T("admin.publish.future_date")
	}
	body := strings.ReplaceAll(f.Values["body"], "\r\n", "\n")
	text, perr := declaration.Parse(version, f.Values["lang"], []byte(body))
	if perr != nil {
		f.Errors["body"] = l.T("admin.publish.bad_body")
	}
	if len(f.Errors) > 0 {
		return h.renderAdmin(c, http.StatusBadRequest, l.T("form.fix"), f)
	}
	err = h.store.PublishVersion(c.Request().Context(), models.ActorOf(acc), models.Declaration{Version: text.Version, Lang: text.Lang,
		Title: text.Title, Body: text.Body, SHA256: text.SHA256, PublishedAt: published})
	if err != nil {
		if fieldError(f, err) || models.ErrorCode(err) == models.ECONFLICT {
			if e, ok := err.(*models.Error); ok && e.Field != "" {
				f.Errors[e.Field] = e.Message
			}
			return h.renderAdmin(c, statusOf[models.ErrorCode(err)], l.T("form.fix"), f)
		}
		return err
	}
	h.log.Info("declaration published", "version", text.Version, "lang", text.Lang, "by", acc.PublicID)
	return c.Redirect(http.StatusSeeOther, "/admin?done=publish")
}
