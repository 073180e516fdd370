package handlers

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// observeRequests records every request's latency under its route's pattern
// (/signatories/:id), never its URL: a client asking for a million different URLs adds no
// series. Requests that match no route (404, 405) are recorded as "unmatched". It runs
// outermost, so that the status it records is the one the error handler wrote.
func (h *Handler) observeRequests(e *echo.Echo) echo.MiddlewareFunc {
	var once sync.Once
	var routes map[[2]string]bool // method, path
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			once.Do(func() {
				// Read at the first request, when every route is registered.
				routes = map[[2]string]bool{}
				for _, r := range e.Routes() {
					routes[[2]string{r.Method, r.Path}] = true
				}
			})
			method := c.Request().Method
			route := c.Path()
			if !routes[[2]string{method, route}] {
				// The router sets a path of sorts for a URL it could not match; it names no route.
				route = "unmatched"
			}
			status := c.Response().Status
			if err != nil && !c.Response().Committed {
				// An error nothing below has answered yet: the error handler will.
				status = http.StatusInternalServerError
				var he *echo.HTTPError
				if errors.As(err, &he) {
					status = he.Code
				}
			}
			h.metrics.ObserveRequest(methodLabel(method), route, status, time.Since(start))
			return err
		}
	}
}

// methodLabel keeps the method label to the methods the registry answers: anything else a
// client sends counts as "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// metricsPage serves the Prometheus series on the public port to a scraper that shows the
// token (--metrics-token) as a bearer token; anyone else gets 401 and learns nothing.
func (h *Handler) metricsPage() echo.HandlerFunc {
	want := sha256.Sum256([]byte(h.cfg.MetricsToken))
	serve := echo.WrapHandler(h.metrics.Handler())
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, _ := strings.Cut(auth, " ")
		// Hashes of equal length, compared in constant time: neither the token nor its length
		// can be found by timing the answers.
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			return c.String(http.StatusUnauthorized, "a bearer token is required\n")
		}
		return serve(c)
	}
}
