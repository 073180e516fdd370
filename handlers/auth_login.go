package handlers

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/models"
)

type loginView struct {
	Providers []auth.Info
	ReturnTo  string
	Form      formState
}

// login shows the ways to log in.
func (h *Handler) login(c echo.Context) error {
	return h.renderLogin(c, http.StatusOK, formState{})
}

func (h *Handler) renderLogin(c echo.Context, status int, f formState) error {
	l := h.catalog.For(lang(c))
	ret := h.returnPath(c.QueryParam("return_to"))
	if v := c.FormValue("return_to"); v != "" {
		ret = h.returnPath(v)
	}
	return h.render(c, status, "login", l.T("login.title"), "login", loginView{Providers: h.providers.List(), ReturnTo: ret, Form: f})
}

// loginFirst sends a visitor who asked for a page of their own (signing, their account) to the
// login page, which brings them back to the address they asked for.
func loginFirst(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/login?return_to="+url.QueryEscape(c.Request().URL.RequestURI()))
}

// authBegin sends the browser to a provider. The state is ours (256 random bits), kept hashed
// in the database and in a cookie bound to this browser; a state the caller supplies is ignored.
func (h *Handler) authBegin(c echo.Context) error {
	name := c.Param("provider")
	prov, err := h.providers.Get(name)
	if err != nil {
		return providerError(err)
	}
	state := auth.NewToken()
	sess, err := prov.BeginAuth(state)
	if err != nil {
		return err
	}
	to, err := sess.GetAuthURL()
	if err != nil {
		return err
	}
	st := models.LoginState{StateHash: h.hasher.Hash(state), Provider: name, Session: sess.Marshal(),
		ReturnTo: h.returnPath(c.FormValue("return_to")), ExpiresAt: h.store.Now().Add(loginStateTTL)}
	if acc := account(c); acc != nil && c.FormValue("attach") == "1" {
		st.AccountID = &acc.ID
	}
	if err := h.store.SaveLoginState(c.Request().Context(), st); err != nil {
		return err
	}
	c.SetCookie(h.cookie(loginStateCookie, state, "/auth/", loginStateTTL))
	return h.continueToProvider(c, name, to)
}

type loginContinueView struct {
	Label string
	To    string
}

// continueToProvider answers the login form with a page that moves on to the provider at once
// (a Refresh of 0 seconds: an instant client-side redirect, WCAG technique G110), with a link
// for a browser that does not follow it.
//
// Why not a redirect: browsers apply the login page's CSP `form-action 'self'` to every
// redirect that follows a form post, a chain of same-origin 303s included (checked in
// Chromium), so a 303 to the provider leaves the person on /login. Listing the providers'
// origins in form-action would not hold either: a provider may pass the browser through other
// hosts of its own (an organisation's single sign-on, a consent host) before coming back. A
// page that loads ends the form's navigation; the refresh is a new navigation that form-action
// does not govern. The login still starts only from a POST with this site's CSRF token, so
// another site cannot start one in a visitor's browser, and the CSP stays the same everywhere.
func (h *Handler) continueToProvider(c echo.Context, name, to string) error {
	label := name
	for _, p := range h.providers.List() {
		if p.Name == name {
			label = p.Label
		}
	}
	hd := c.Response().Header()
	hd.Set("Refresh", "0; url="+to)
	// The page holds the login's state: never cached, never sent on as a referrer.
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	l := h.catalog.For(lang(c))
	return h.render(c, http.StatusOK, "login_continue", l.T("login.continue.title", label), "login", loginContinueView{Label: label, To: to})
}

// authCallback completes a login. Without this browser's login cookie, with a state that is not
// the one we sent, or with one already used, nobody is signed in.
func (h *Handler) authCallback(c echo.Context) error {
	name := c.Param("provider")
	prov, err := h.providers.Get(name)
	if err != nil {
		return providerError(err)
	}
	ck, err := c.Cookie(loginStateCookie)
	if err != nil || ck.Value == "" {
		return httpError(http.StatusUnauthorized, "error.login.not_started", "this login did not start in this browser, or took too long; log in again")
	}
	h.clearCookie(c, loginStateCookie, "/auth/")
	if subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.QueryParam("state"))) != 1 {
		return httpError(http.StatusUnauthorized, "error.login.mismatch", "the login answer does not belong to this login; log in again")
	}
	st, err := h.store.TakeLoginState(c.Request().Context(), h.hasher.Hash(ck.Value))
	if err != nil || st.Provider != name {
		return httpError(http.StatusUnauthorized, "error.login.expired", "this login has expired or was already used; log in again")
	}
	if e := c.QueryParam("error"); e != "" {
		return httpError(http.StatusUnauthorized, "error.login.refused", "the provider did not log you in ("+e+")", e)
	}
	sess, err := prov.UnmarshalSession(st.Session)
	if err != nil {
		return err
	}
	if _, err := sess.Authorize(prov, c.QueryParams()); err != nil {
		h.log.Warn("login refused by provider", "provider", name, "err", err)
		return httpError(http.StatusUnauthorized, "error.login.unconfirmed", "the provider did not confirm this login; log in again")
	}
	user, err := prov.FetchUser(sess)
	if err != nil {
		h.log.Warn("login provider gave no user", "provider", name, "err", err)
		return httpError(http.StatusBadGateway, "error.login.no_user", "the login provider did not say who you are; try again")
	}
	who := auth.Identity(name, user)
	who.Lang = lang(c)
	acc, err := h.store.Login(c.Request().Context(), who, st.AccountID)
	if err != nil {
		return err
	}
	if err := h.startSession(c, acc); err != nil {
		return err
	}
	h.log.Info("login", "provider", name, "account", acc.PublicID)
	// Checked again on the way out: a state stored by an older version may hold any address.
	return c.Redirect(http.StatusSeeOther, h.returnPath(st.ReturnTo))
}

func providerError(err error) error {
	if errors.Is(err, auth.ErrNotReady) {
		return httpError(http.StatusServiceUnavailable, "error.login.not_ready", err.Error())
	}
	return echo.ErrNotFound
}

// devLogin signs in under any name and e-mail: --dev-login only, which runs on loopback only.
func (h *Handler) devLogin(c echo.Context) error {
	if !h.cfg.DevLogin {
		return echo.ErrNotFound
	}
	if !fromThisMachine(c.Request()) {
		return httpError(http.StatusForbidden, "error.login.dev_local", "the development login answers only a browser on the server's own machine")
	}
	name := strings.TrimSpace(c.FormValue("name"))
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	f := formState{Values: map[string]string{"name": name, "email": email}, Errors: map[string]string{}}
	l := h.catalog.For(lang(c))
	if name == "" {
		f.Errors["name"] = l.T("form.required")
	}
	if email == "" || models.ValidateEmail(email) != nil {
		f.Errors["email"] = l.T("form.email")
	}
	if len(f.Errors) > 0 {
		return h.renderLogin(c, http.StatusBadRequest, f)
	}
	acc, err := h.store.Login(c.Request().Context(), models.LoginIdentity{Provider: "dev", Subject: email, Email: email, EmailVerified: true, Name: name, Lang: lang(c)}, nil)
	if err != nil {
		return err
	}
	if err := h.startSession(c, acc); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.returnPath(c.FormValue("return_to")))
}

// fromThisMachine tells whether a request came over a loopback connection, directly: the
// connection's own address decides (never X-Forwarded-For, which anyone can write), and a request
// relayed by a proxy, even one on this machine, is from somewhere else.
func fromThisMachine(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// logout ends the session here and in the database: the cookie is worthless afterwards.
func (h *Handler) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := h.store.EndSession(c.Request().Context(), h.hasher.Hash(ck.Value)); err != nil {
			return err
		}
	}
	h.clearCookie(c, sessionCookie, "/")
	return c.Redirect(http.StatusSeeOther, "/")
}
