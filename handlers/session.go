package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/models"
)

const (
	sessionCookie    = "registry_session"
	loginStateCookie = "registry_login"
	sessionTTL       = 30 * 24 * time.Hour
	loginStateTTL    = 10 * time.Minute
)

type accountKey struct{}

// session finds the signed-in account, if the browser has a live session. Pages seen by a
// signed-in person are never stored by caches.
func (h *Handler) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" || strings.HasPrefix(c.Request().URL.Path, "/assets/") {
			return next(c)
		}
		sess, err := h.store.SessionAccount(c.Request().Context(), h.hasher.Hash(ck.Value))
		if err != nil {
			return err
		}
		if sess == nil {
			// Expired, logged out or blocked: forget the cookie.
			h.clearCookie(c, sessionCookie, "/")
			return next(c)
		}
		c.Set("account", &sess.Account)
		c.Set("admin", sess.Admin)
		c.Set("pending", sess.Pending)
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// account returns the signed-in account, or nil.
func account(c echo.Context) *models.Account {
	acc, _ := c.Get("account").(*models.Account)
	return acc
}

// requireAccount answers 401 with a way to log in when nobody is signed in.
func requireAccount(c echo.Context) (*models.Account, error) {
	if acc := account(c); acc != nil {
		return acc, nil
	}
	return nil, httpError(http.StatusUnauthorized, "error.401.text", "log in first")
}

// configuredAdmin gives the administrator role to an account whose verified e-mail is listed
// in REGISTRY_ADMINS.
func (h *Handler) configuredAdmin(c echo.Context, acc models.Account) error {
	if !acc.EmailVerified || acc.Email == "" {
		return nil
	}
	for _, a := range h.cfg.Admins {
		if strings.EqualFold(strings.TrimSpace(a), acc.Email) {
			_, err := h.store.SetAdmin(c.Request().Context(), models.Actor{Name: "config:REGISTRY_ADMINS"}, acc, true)
			return err
		}
	}
	return nil
}

// startSession signs the browser in with a fresh session id: any id it had before is ended, so
// a session fixed by someone else before login is worth nothing after it.
func (h *Handler) startSession(c echo.Context, acc models.Account) error {
	var old string
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		old = h.hasher.Hash(ck.Value)
	}
	if err := h.configuredAdmin(c, acc); err != nil {
		return err
	}
	token := auth.NewToken()
	if err := h.store.StartSession(c.Request().Context(), acc.ID, h.hasher.Hash(token), old, sessionTTL); err != nil {
		return err
	}
	c.SetCookie(h.cookie(sessionCookie, token, "/", sessionTTL))
	return nil
}

func (h *Handler) cookie(name, value, path string, ttl time.Duration) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(ttl.Seconds()), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(h.cfg.BaseURL, "https://")}
}

func (h *Handler) clearCookie(c echo.Context, name, path string) {
	ck := h.cookie(name, "", path, 0)
	ck.MaxAge = -1
	c.SetCookie(ck)
}
