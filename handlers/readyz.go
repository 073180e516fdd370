package handlers

import (
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"
)

// Readiness says whether a server should be sent traffic: its migrations are applied, its
// issuer keys loaded and its background job engine running, and it is not shutting down.
// /healthz says only that the process and its database answer (liveness: restart me if not);
// /readyz says whether a load balancer should route to it now.
type Readiness struct {
	migrated, keys, stopping atomic.Bool

	mu   sync.Mutex
	jobs func() bool
}

// Migrated records that the database's migrations are applied.
func (r *Readiness) Migrated() { r.migrated.Store(true) }

// KeysLoaded records that the issuer's signing keys are loaded.
func (r *Readiness) KeysLoaded() { r.keys.Store(true) }

// WatchJobs makes readiness follow the job engine: running reports whether it is working.
func (r *Readiness) WatchJobs(running func() bool) {
	r.mu.Lock()
	r.jobs = running
	r.mu.Unlock()
}

// Stopping records that the server is shutting down: from now on it is not ready, so that a
// load balancer stops sending it new requests while the ones under way finish.
func (r *Readiness) Stopping() { r.stopping.Store(true) }

// Ready tells whether the server is ready, and if not, why (one short phrase).
func (r *Readiness) Ready() (bool, string) {
	if r == nil {
		return true, ""
	}
	r.mu.Lock()
	jobs := r.jobs
	r.mu.Unlock()
	switch {
	case r.stopping.Load():
		return false, "shutting down"
	case !r.migrated.Load():
		return false, "migrations not applied yet"
	case !r.keys.Load():
		return false, "issuer keys not loaded yet"
	case jobs == nil || !jobs():
		return false, "background jobs not running"
	}
	return true, ""
}

// readyz answers 200 "ready" when the server is ready and its database answers, else 503 with
// the reason. Without a Readiness (a handler built by a test) only the database counts.
func (h *Handler) readyz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if ok, why := h.ready.Ready(); !ok {
		return c.String(http.StatusServiceUnavailable, "not ready: "+why)
	}
	if err := h.store.Ping(c.Request().Context()); err != nil {
		h.log.Warn("readiness check: the database does not answer", "err", err)
		return c.String(http.StatusServiceUnavailable, "not ready: database unavailable")
	}
	return c.String(http.StatusOK, "ready")
}
