package handlers

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/mail"
	"golang.org/x/time/rate"
)

// bodyLimit caps every request body; forms and API bodies are small.
const bodyLimit = "256K"

func (h *Handler) middleware(e *echo.Echo) {
	if h.metrics != nil {
		e.Use(h.observeRequests(e))
	}
	// Recover first, so that a panic anywhere below becomes a 500 through the error handler.
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			h.log.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRemoteIP: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelDebug
			if v.Status >= 500 {
				level = slog.LevelError
			}
			h.log.Log(c.Request().Context(), level, "request", "method", v.Method, "uri", v.URI, "status", v.Status,
				"latency_ms", float64(v.Latency.Microseconds())/1000, "ip", v.RemoteIP)
			return nil
		},
	}))
	// Background work (a backlog of badges) gives way to visitors: it reads how busy they keep
	// the server. Health checks are not visitors.
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().URL.Path == "/healthz" {
				return next(c)
			}
			defer h.traffic.Begin()()
			return next(c)
		}
	})
	e.Use(h.securityHeaders)
	e.Use(middleware.BodyLimit(bodyLimit))
	if h.cfg.RateLimit > 0 {
		e.Use(middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
			Skipper: func(c echo.Context) bool {
				p := c.Request().URL.Path
				return strings.HasPrefix(p, "/assets/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
			},
			Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
				Rate: rate.Limit(h.cfg.RateLimit), Burst: h.cfg.RateBurst, ExpiresIn: 3 * time.Minute,
			}),
			IdentifierExtractor: func(c echo.Context) (string, error) { return clientKey(c.RealIP()), nil },
			ErrorHandler: func(c echo.Context, err error) error {
				return httpError(http.StatusForbidden, "error.client_unknown", "client address unknown")
			},
			DenyHandler: func(c echo.Context, id string, err error) error {
				c.Response().Header().Set("Retry-After", "1")
				return httpError(http.StatusTooManyRequests, "error.429.text", "too many requests; wait a moment and try again")
			},
		}))
	}
	e.Use(h.language)
	e.Use(h.session)
	e.Use(h.rememberLanguage)
	// Every form carries a token the site set in a cookie: a form posted from another site
	// cannot, and gets 403. The API reads only.
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/assets/") || p == "/healthz" || p == "/readyz" {
				return true
			}
			if p == mail.UnsubscribePath && c.Request().Method == http.MethodPost {
				// RFC 8058: a mail program posts the one-click unsubscribe itself, with no
				// session and no page of ours before it, so it cannot carry a token. The link's
				// own HMAC (mail.VerifyUnsubscribe) is what proves it came from our message,
				// and all it can do is turn one category of e-mail off.
				return true
			}
			if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
				// A visitor's public pages hold no form: no cookie for them, so that they
				// stay cacheable.
				return account(c) == nil && !formPage(p)
			}
			return false
		},
		TokenLookup:    "form:_csrf",
		CookieName:     "registry_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieSecure:   strings.HasPrefix(h.cfg.BaseURL, "https://"),
		ErrorHandler: func(err error, c echo.Context) error {
			return httpError(http.StatusForbidden, "error.csrf", "this form has expired or was sent from another site; reload the page and try again")
		},
	}))
}

// formLimit caps the actions that create accounts, sessions and signatures per client, far
// below the general limit: 10 a minute, in bursts of up to 10. Off when rate limits are off.
func (h *Handler) formLimit() echo.MiddlewareFunc {
	if h.cfg.RateLimit <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Every(6 * time.Second), Burst: 10, ExpiresIn: 10 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return clientKey(c.RealIP()), nil },
		DenyHandler: func(c echo.Context, id string, err error) error {
			c.Response().Header().Set("Retry-After", "60")
			return httpError(http.StatusTooManyRequests, "error.rate.form", "too many attempts from your address; wait a minute and try again")
		},
	})
}

// formPage tells the pages that hold a form even for a visitor.
func formPage(path string) bool {
	for _, p := range []string{"/login", "/sign", "/account", "/admin"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// clientKey is whom a rate limit counts: one IPv4 address, or one IPv6 /64 (a single
// household or server gets a whole /64, and could otherwise rotate through it).
func clientKey(ip string) string {
	parsed := net.ParseIP(ip)
	if parsed == nil || parsed.To4() != nil {
		return ip
	}
	return parsed.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// securityHeaders sets the CSP and the other headers security.md asks for on every response.
func (h *Handler) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	csp := "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	if h.cfg.TileURL != "" {
		if u, err := url.Parse(h.cfg.TileURL); err == nil && u.Host != "" {
			csp = strings.Replace(csp, "img-src 'self' data:", "img-src 'self' data: "+u.Scheme+"://"+strings.NewReplacer("{s}", "*").Replace(u.Host), 1)
		}
	}
	hsts := strings.HasPrefix(h.cfg.BaseURL, "https://")
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()")
		if hsts {
			hd.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			// Open data: any site may read the public API.
			hd.Set("Access-Control-Allow-Origin", "*")
		}
		return next(c)
	}
}

type langKey struct{}

// language picks the interface language: ?lang= (remembered in a cookie), the cookie, then
// Accept-Language.
func (h *Handler) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		choice := r.URL.Query().Get("lang")
		if i18n.Supported(choice) {
			c.SetCookie(&http.Cookie{Name: "lang", Value: choice, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(h.cfg.BaseURL, "https://")})
		} else if ck, err := r.Cookie("lang"); err == nil {
			choice = ck.Value
		}
		lang := h.catalog.Negotiate(choice, r)
		if p := r.URL.Path; !strings.HasPrefix(p, "/assets/") && !strings.HasPrefix(p, "/api/") {
			// Pages differ by language; assets and the API do not, and stay cacheable by anyone.
			c.Response().Header().Add("Vary", "Accept-Language, Cookie")
		}
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), langKey{}, lang)))
		return next(c)
	}
}

// rememberLanguage records the language a signed-in member picks with ?lang= on their account,
// so that the registry's e-mail to them is written in it. It runs after the session is known;
// only a change writes.
func (h *Handler) rememberLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		acc := account(c)
		choice := c.QueryParam("lang")
		if acc != nil && i18n.Supported(choice) && acc.Language != choice {
			if err := h.store.SetAccountLanguage(c.Request().Context(), acc.ID, choice); err != nil {
				return err
			}
			acc.Language = choice
		}
		return next(c)
	}
}

// lang returns the request's interface language.
func lang(c echo.Context) string {
	if l, ok := c.Request().Context().Value(langKey{}).(string); ok {
		return l
	}
	return i18n.Languages[0]
}
