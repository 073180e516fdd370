package handlers

import (
	"crypto/subtle"
	"errors"
	"net/http"
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
	ret := localPath(c.QueryParam("return_to"))
	if v := c.FormValue("return_to"); v != "" {
		ret = localPath(v)
	}
	return h.render(c, status, "login", l.T("login.title"), "login", loginView{Providers: h.providers.List(), ReturnTo: ret, Form: f})
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
		ReturnTo: localPath(c.FormValue("return_to")), ExpiresAt: h.store.Now().Add(loginStateTTL)}
	if acc := account(c); acc != nil && c.FormValue("attach") == "1" {
		st.AccountID = &acc.ID
	}
	if err := h.store.SaveLoginState(c.Request().Context(), st); err != nil {
		return err
	}
	c.SetCookie(h.cookie(loginStateCookie, state, "/auth/", loginStateTTL))
	return c.Redirect(http.StatusSeeOther, to)
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
		return echo.NewHTTPError(http.StatusUnauthorized, "this login did not start in this browser, or took too long; log in again")
	}
	h.clearCookie(c, loginStateCookie, "/auth/")
	if subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.QueryParam("state"))) != 1 {
		return echo.NewHTTPError(http.StatusUnauthorized, "the login answer does not belong to this login; log in again")
	}
	st, err := h.store.TakeLoginState(c.Request().Context(), h.hasher.Hash(ck.Value))
	if err != nil || st.Provider != name {
		return echo.NewHTTPError(http.StatusUnauthorized, "this login has expired or was already used; log in again")
	}
	if e := c.QueryParam("error"); e != "" {
		return echo.NewHTTPError(http.StatusUnauthorized, "the provider did not log you in ("+e+")")
	}
	sess, err := prov.UnmarshalSession(st.Session)
	if err != nil {
		return err
	}
	if _, err := sess.Authorize(prov, c.QueryParams()); err != nil {
		h.log.Warn("login refused by provider", "provider", name, "err", err)
		return echo.NewHTTPError(http.StatusUnauthorized, "the provider did not confirm this login; log in again")
	}
	user, err := prov.FetchUser(sess)
	if err != nil {
		h.log.Warn("login provider gave no user", "provider", name, "err", err)
		return echo.NewHTTPError(http.StatusBadGateway, "the login provider did not say who you are; try again")
	}
	acc, err := h.store.Login(c.Request().Context(), auth.Identity(name, user), st.AccountID)
	if err != nil {
		return err
	}
	if err := h.startSession(c, acc); err != nil {
		return err
	}
	h.log.Info("login", "provider", name, "account", acc.PublicID)
	return c.Redirect(http.StatusSeeOther, st.ReturnTo)
}

func providerError(err error) error {
	if errors.Is(err, auth.ErrNotReady) {
		return echo.NewHTTPError(http.StatusServiceUnavailable, err.Error())
	}
	return echo.ErrNotFound
}

// devLogin signs in under any name and e-mail: --dev-login only, which runs on loopback only.
func (h *Handler) devLogin(c echo.Context) error {
	if !h.cfg.DevLogin {
		return echo.ErrNotFound
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
	acc, err := h.store.Login(c.Request().Context(), models.LoginIdentity{Provider: "dev", Subject: email, Email: email, EmailVerified: true, Name: name}, nil)
	if err != nil {
		return err
	}
	if err := h.startSession(c, acc); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("return_to")))
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
