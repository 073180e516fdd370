package handlers

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trustgraph"
)

// graphStreamLimit is how many downloads of the published graph run at once (6 s of database
// work each at 100,000 signatories and a million endorsements); a further one waits outside,
// told to come back shortly. Unchanged graphs cost nothing: their ETag answers 304.
const graphStreamLimit = 2

// apiGraph publishes everything the tier computation reads, without a private field (package
// trustgraph describes the format), so that anyone can compute every tier again: `registry
// tiers --verify` does. It streams from one read-only snapshot, a row at a time, so that a
// registry of a million endorsements costs no more memory than a small one; gzipped when the
// client takes it. While a recomputation is pending it still answers, saying tiers_current false.
func (h *Handler) apiGraph(c echo.Context) error {
	ctx := c.Request().Context()
	head, err := h.store.GraphHead(ctx)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Cache-Control", "public, max-age=30")
	hd.Set("Access-Control-Expose-Headers", "ETag")
	hd.Add("Vary", "Accept-Encoding")
	hd.Set("ETag", graphETag(head))
	if etagMatches(c.Request().Header.Get("If-None-Match"), hd.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	hd.Set(echo.HeaderContentType, trustgraph.ContentType)
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}
	select {
	case h.graphStreams <- struct{}{}:
		defer func() { <-h.graphStreams }()
	default:
		hd.Del("ETag") // not the graph's: nothing of it was sent
		hd.Set("Retry-After", "10")
		return httpError(http.StatusServiceUnavailable, "error.graph.busy",
			"the graph is being sent to other readers; try again in a few seconds")
	}
	var (
		w       *trustgraph.Writer
		zw      *gzip.Writer
		started bool
	)
	err = h.store.PublishedGraph(ctx, models.GraphLines{
		Head: func(head models.GraphHead) (bool, error) {
			// The snapshot's own head: the ETag sent is the one of what follows.
			hd.Set("ETag", graphETag(head))
			var out io.Writer = c.Response()
			if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
				hd.Set(echo.HeaderContentEncoding, "gzip")
				zw = gzip.NewWriter(out)
				out = zw
			}
			c.Response().WriteHeader(http.StatusOK)
			started = true
			w = trustgraph.NewWriter(out)
			return true, w.Header(graphHeader(head, h.store.Now()))
		},
		Signatory:   func(id, tier string, seed bool) error { return w.Signatory(id, tier, seed) },
		Endorsement: func(from, to, level string, at time.Time) error { return w.Endorsement(from, to, level, at) },
	})
	if err == nil {
		err = w.End()
	}
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err != nil && !started {
		return err
	}
	if err != nil && ctx.Err() == nil {
		// The status is sent: the stream stops without its end line, which tells any reader
		// that the graph was cut short.
		h.log.Error("graph: streaming", "err", err)
	}
	return nil
}

// graphHeader is the published header of a graph.
func graphHeader(head models.GraphHead, now time.Time) trustgraph.Header {
	out := trustgraph.Header{GraphVersion: head.Version, TiersCurrent: head.TiersCurrent(),
		GeneratedAt: now.UTC().Format(time.RFC3339)}
	if s := head.Schedule; s != nil {
		out.Capacities = trustgraph.Capacities{Advocate: s.Advocate, Ambassador: s.Ambassador}
		out.Sizes = trustgraph.Sizes{Advocate: s.AdvocateSize, Ambassador: s.AmbassadorSize}
		out.Lifted = s.Lifted
	}
	return out
}

// graphETag names a state of the published graph: its version, whether and with which
// schedule its tiers were computed, and the change counter, which tier writes bump. Weak: the
// gzipped and plain bodies, and the time in the header, differ.
func graphETag(head models.GraphHead) string {
	sum := sha256.Sum256([]byte(strconv.Itoa(trustgraph.Version) + "\n" + head.Version + "\n" + head.Computed + "\n" +
		head.ScheduleJSON + "\n" + strconv.FormatInt(head.Changes, 10)))
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:15]) + `"`
}
