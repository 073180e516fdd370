package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// With read replicas (serve --db-replica), what a visitor reads comes from a replica, and
// everything else from the primary: a signed-in person's pages, forms and every write, and for
// a few seconds after a browser wrote (wroteCookie) its pages too, so that nobody ever misses
// their own change behind a replica's lag.

// wroteCookie marks a browser that has just changed something: its next reads go to the
// primary, which has the change, while the replicas catch up.
const wroteCookie = "registry_wrote"

// wroteWindow is how long after a write a browser keeps reading from the primary: replicas
// follow within a second when healthy; this leaves room for a slow one.
const wroteWindow = 10 * time.Second

// replicaRoutes are the pages and documents every visitor sees alike: reads only, no form, no
// write on the way. Anything else reads from the primary.
var replicaRoutes = map[string]bool{
	"/":                            true,
	"/declaration":                 true,
	"/declaration/:version":        true,
	"/signatories":                 true,
	"/signatories.atom":            true,
	"/signatories/:id":             true,
	"/signatories/:id/trust":       true,
	"/signatories/:id/graph.svg":   true,
	"/signatories/:id/embed":       true,
	"/signatories/:id/embed.svg":   true,
	"/embed/count.svg":             true,
	"/map":                         true,
	"/map.json":                    true,
	"/places":                      true,
	"/credentials/:file":           true,
	"/ob2/assertions/:id":          true,
	"/achievements/:slug":          true,
	"/achievements/:slug/criteria": true,
	"/api/v1/signatories":          true,
	"/api/v1/signatories/:id":      true,
	"/api/v1/stats":                true,
}

// replicaChangeKey holds, in a request read from a replica, that replica's change counter as
// the request began.
const replicaChangeKey = "replica_change"

// replicaReads sends a visitor's reads of a public page to a replica, and marks a browser that
// wrote. It runs after the session is known.
func (h *Handler) replicaReads(next echo.HandlerFunc) echo.HandlerFunc {
	if !h.store.HasReplicas() {
		return next
	}
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.markWrites(c)
			return next(c)
		}
		if account(c) != nil || !replicaRoutes[c.Path()] {
			return next(c)
		}
		if wroteRecently(c) {
			return next(c)
		}
		ctx, i := h.store.OnReplica(r.Context())
		if i < 0 {
			return next(c) // every replica rests after failing
		}
		// The replica's change counter says how far it has followed the primary: a page read
		// from a replica behind the primary is served but never kept as current (visitor_pages.go).
		// A replica that does not answer soon leaves the request on the primary, and rests.
		change, err := h.replicaChange(ctx)
		if err != nil {
			if h.store.ReplicaFailed(i) {
				h.log.Warn("read replica does not answer; its reads go elsewhere for a few seconds", "replica", i+1, "err", err)
			}
			return next(c)
		}
		c.SetRequest(r.WithContext(ctx))
		c.Set(replicaChangeKey, change)
		return next(c)
	}
}

// replicaTimeout bounds the first read of a request on a replica: one that cannot answer a
// one-row read by then is taken for gone.
const replicaTimeout = time.Second

func (h *Handler) replicaChange(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, replicaTimeout)
	defer cancel()
	return h.store.PageCount(ctx)
}

// wroteRecently tells whether the browser changed something within the last few seconds.
func wroteRecently(c echo.Context) bool {
	ck, err := c.Cookie(wroteCookie)
	return err == nil && ck.Value != ""
}

// markWrites sets the cookie that keeps the browser on the primary, when the request succeeds.
func (h *Handler) markWrites(c echo.Context) {
	res := c.Response()
	res.Before(func() {
		if res.Status >= http.StatusBadRequest {
			return
		}
		http.SetCookie(res, &http.Cookie{Name: wroteCookie, Value: "1", Path: "/", MaxAge: int(wroteWindow / time.Second),
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(h.cfg.BaseURL, "https://")})
	})
}

// replicaBehind tells whether the request reads from a replica that had not yet reached the
// primary's change counter change: what it reads may be older than that state of the registry,
// so it must not be kept as that state's.
func replicaBehind(c echo.Context, change int64) bool {
	if models.ReplicaOf(c.Request().Context()) < 0 {
		return false
	}
	seen, ok := c.Get(replicaChangeKey).(int64)
	return !ok || seen < change
}
