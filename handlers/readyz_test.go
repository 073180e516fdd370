package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/testutil"
)

// /readyz answers 503 with the reason until migrations, keys and the job engine are all there,
// 200 once they are, and 503 again from the moment shutdown begins or the database goes away;
// /healthz (liveness) only follows the database.
func TestReadyz(t *testing.T) {
	s := testutil.SQLite(t)
	ready := &handlers.Readiness{}
	e, _, err := handlers.New(handlers.Deps{Store: s, Logger: slog.New(slog.NewTextHandler(tWriter{t}, nil)), Ready: ready,
		Config: handlers.Config{BaseURL: "http://localhost:8080"}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	expect := func(code int, text string) {
		t.Helper()
		if c, body := get("/readyz"); c != code || !strings.Contains(body, text) {
			t.Errorf("GET /readyz: %d %q, want %d %q", c, body, code, text)
		}
	}
	alive := func(code int) {
		t.Helper()
		if c, body := get("/healthz"); c != code {
			t.Errorf("GET /healthz: %d %q, want %d", c, body, code)
		}
	}

	expect(503, "migrations")
	alive(200)
	ready.Migrated()
	expect(503, "keys")
	ready.KeysLoaded()
	expect(503, "background jobs")
	engine := &jobs.Engine{Store: s, Handlers: map[string]jobs.Handler{}, Poll: 10 * time.Millisecond}
	ready.WatchJobs(engine.Running)
	expect(503, "background jobs") // not started yet

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- engine.Run(ctx) }()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if c, _ := get("/readyz"); c == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not turn ready within 5 s of the job engine starting")
		}
	}
	expect(200, "ready")

	ready.Stopping()
	expect(503, "shutting down")
	alive(200)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if engine.Running() {
		t.Error("the engine says it runs after Run returned")
	}

	// A server ready in every other way is not ready without its database.
	fresh := &handlers.Readiness{}
	fresh.Migrated()
	fresh.KeysLoaded()
	fresh.WatchJobs(func() bool { return true })
	e, _, err = handlers.New(handlers.Deps{Store: s, Logger: slog.New(slog.NewTextHandler(tWriter{t}, nil)), Ready: fresh,
		Config: handlers.Config{BaseURL: "http://localhost:8080"}})
	if err != nil {
		t.Fatal(err)
	}
	expect(200, "ready")
	s.Close()
	expect(503, "database")
	alive(503)
}
