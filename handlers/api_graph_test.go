package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
	"github.com/open-recognition/registry/trustgraph"
)

// graphExtra adds to the fixture what the graph must leave out: a declined endorsement, and
// endorsements given by or to signatories outside the registry (withdrawn, hidden by a
// moderator, unverified).
const graphExtra = `{"type":"endorsement","from":"zoe","to":"ada","level":"ambassador","status":"declined","created_at":"2024-06-03T12:00:00Z"}
{"type":"endorsement","from":"ada","to":"gone","level":"advocate","created_at":"2024-06-04T12:00:00Z"}
{"type":"endorsement","from":"mod","to":"zoe","level":"advocate","created_at":"2024-06-05T12:00:00Z"}
{"type":"endorsement","from":"unv","to":"org","level":"advocate","created_at":"2024-06-06T12:00:00Z"}
`

// storeTiers computes and stores the tiers as the tier worker does.
func storeTiers(t *testing.T, s *models.Store) {
	t.Helper()
	ctx := context.Background()
	in, err := s.LoadTrust(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := trust.Config{Previous: in.Previous}
	if _, _, err := s.ApplyComputation(ctx, in, trust.Compute(in.Members, in.Edges, cfg)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkTiersCurrent(ctx, in.Version); err != nil {
		t.Fatal(err)
	}
}

func TestAPIGraph(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture+graphExtra)
		storeTiers(t, s)
		s.Now = func() time.Time { return time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) }
		a := newApp(t, s, handlers.Config{})

		rec := a.get("/api/v1/graph")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /api/v1/graph = %d\n%s", rec.Code, rec.Body.String())
		}
		body := rec.Body.String()
		if ct := rec.Header().Get("Content-Type"); ct != "application/x-ndjson; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		etag := rec.Header().Get("ETag")
		if !strings.HasPrefix(etag, `W/"`) || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age=") {
			t.Errorf("ETag %q, Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
		}

		// Nothing private: no name, e-mail, comment or status; nobody outside the registry.
		noSecrets(t, "/api/v1/graph", body)
		for _, word := range []string{"Ada Lovelace", "Zoé", "Università", `"accepted"`, `"pending"`, `"declined"`, "comment", "signed_at", id("gone"), id("mod"), id("unv")} {
			if strings.Contains(body, word) {
				t.Errorf("the graph holds %s:\n%s", word, body)
			}
		}
		g, err := trustgraph.Read(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		var ids []string
		for _, m := range g.Members {
			ids = append(ids, m.ID)
		}
		want := []string{id("ada"), id("hid"), id("org"), id("zoe")}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("signatories %v, want the four listed ones in id order %v", ids, want)
		}
		if seed := g.Members[slices.Index(ids, id("ada"))]; !seed.Seed {
			t.Error("the founding Ambassador is not marked seed")
		}
		// The accepted and the pending endorsement, in the computation's order (oldest first).
		var edges []string
		for _, e := range g.Edges {
			edges = append(edges, g.Members[e.From].ID+"→"+g.Members[e.To].ID)
		}
		if wantEdges := []string{id("ada") + "→" + id("zoe"), id("org") + "→" + id("zoe")}; !slices.Equal(edges, wantEdges) {
			t.Errorf("endorsements %v, want %v", edges, wantEdges)
		}
		if !strings.Contains(body, `"created_at":"2024-06-01T12:00:00.000Z"`) {
			t.Errorf("creation times are not published to the millisecond:\n%s", body)
		}
		h := g.Header
		if !h.TiersCurrent || h.GraphVersion == "" || len(h.Capacities.Advocate) == 0 || len(h.Capacities.Ambassador) == 0 ||
			h.Sizes.Advocate == 0 || h.GeneratedAt != "2025-03-01T09:00:00Z" {
			t.Errorf("header %+v", h)
		}
		if rep := g.Verify(); !rep.Agrees() {
			t.Errorf("the served graph does not give its own tiers back: %+v", rep.Differences)
		}

		// The same state gives the same bytes.
		if again := a.get("/api/v1/graph"); again.Body.String() != body || again.Header().Get("ETag") != etag {
			t.Errorf("a second request differs:\n%s\n%s", body, again.Body.String())
		}
		// Gzip for those who take it.
		zipped := a.get("/api/v1/graph", "Accept-Encoding", "gzip")
		if zipped.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("Content-Encoding %q, Vary %q", zipped.Header().Get("Content-Encoding"), zipped.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(zipped.Body)
		if err != nil {
			t.Fatal(err)
		}
		if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, []byte(body)) {
			t.Errorf("the gzipped graph unpacks to something else:\n%s", plain)
		}
		// HEAD: the headers only.
		if head := a.do(http.MethodHead, "/api/v1/graph"); head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
			t.Errorf("HEAD: %d, %d bytes, ETag %q", head.Code, head.Body.Len(), head.Header().Get("ETag"))
		}

		// Revalidation: 304 while nothing changed.
		if rec := a.get("/api/v1/graph", "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match with the current ETag: %d, %d bytes", rec.Code, rec.Body.Len())
		}
		// A new endorsement: a new ETag, and until the recomputation the header says so.
		load(t, s, `{"type":"endorsement","from":"`+id("hid")+`","to":"`+id("org")+`","level":"advocate","created_at":"2024-06-07T12:00:00Z"}`+"\n")
		rec = a.get("/api/v1/graph", "If-None-Match", etag)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
			t.Fatalf("after a change: %d, ETag %q (was %q)", rec.Code, rec.Header().Get("ETag"), etag)
		}
		if !strings.Contains(rec.Body.String(), `"tiers_current":false`) {
			t.Errorf("before the recomputation the header says the tiers are current:\n%s", rec.Body.String())
		}
		pending := rec.Header().Get("ETag")
		storeTiers(t, s)
		rec = a.get("/api/v1/graph", "If-None-Match", pending)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"tiers_current":true`) {
			t.Errorf("after the recomputation: %d\n%s", rec.Code, rec.Body.String())
		}
	})
}

// stalledReader is a client that asked for the graph and reads it slowly: the first write of the
// response waits until released.
type stalledReader struct {
	header  http.Header
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (w *stalledReader) Header() http.Header { return w.header }
func (w *stalledReader) WriteHeader(int)     {}
func (w *stalledReader) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.started) })
	<-w.release
	return len(p), nil
}

// Each download of the graph costs seconds of database work on a large registry: two run at
// once, a third is told to come back shortly, and the place is free again once one ends.
func TestAPIGraphDownloadsAreLimited(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) { downloadsAreLimited(t, s) })
}

func downloadsAreLimited(t *testing.T, s *models.Store) {
	load(t, s, fixture)
	storeTiers(t, s)
	a := newApp(t, s, handlers.Config{})
	release := make(chan struct{})
	var done sync.WaitGroup
	for range 2 {
		w := &stalledReader{header: http.Header{}, started: make(chan struct{}), release: release}
		done.Add(1)
		go func() {
			defer done.Done()
			a.e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/graph", nil))
		}()
		<-w.started
	}
	rec := a.get("/api/v1/graph")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a third download at once: %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec.Header().Get("ETag") != "" {
		t.Error("a busy answer carried the graph's ETag")
	}
	close(release)
	done.Wait()
	if rec := a.get("/api/v1/graph"); rec.Code != http.StatusOK {
		t.Errorf("after the downloads ended: %d", rec.Code)
	}
}
