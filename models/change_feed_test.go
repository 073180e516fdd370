package models_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// syncBuffer is a log that the listener writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Two servers on one PostgreSQL: a write committed by one reaches the other's summary at once,
// long before its next poll; a registry in another schema of the same database is not heard; a
// listener whose connection is cut connects again, says so, and hears the next change.
func TestChangesReachOtherServersAtOnce(t *testing.T) {
	url := testutil.PostgresURL(t)
	ctx := t.Context()
	open := func() *models.Store {
		s, err := models.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	listening, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { b.Listen(listening, "server-b", slog.New(slog.NewTextHandler(&log, nil))); close(done) }()
	defer func() { stop(); <-done }()
	waitFor := func(what string, within time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s", what, within)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("b holds its lock", 5*time.Second, b.Present)
	// The summary is polled once an hour: only what b hears can make it move.
	cache := &models.SummaryCache{Store: b, Interval: time.Hour}
	sum, err := cache.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	login := func(s *models.Store, i int) {
		t.Helper()
		if _, err := s.Login(ctx, models.LoginIdentity{Provider: "test", Subject: fmt.Sprint(i), Name: "P"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	heardA := a.ChangesHeard()
	login(a, 1)
	if a.ChangesHeard() == heardA {
		t.Error("a did not hear its own commit")
	}
	want, _ := a.ChangeCount(ctx)
	start := time.Now()
	waitFor("b's summary follows a's write", 2*time.Second, func() bool {
		s, err := cache.Get(ctx)
		return err == nil && s.Change == want
	})
	t.Logf("b's summary followed a's write after %s (change %d → %d)", time.Since(start).Round(time.Millisecond), sum.Change, want)

	// Another registry in another schema of the same database.
	other, err := models.Open(ctx, testutil.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	heard := b.ChangesHeard()
	login(other, 1)
	other.Close() // announces what it has not announced yet
	time.Sleep(300 * time.Millisecond)
	if b.ChangesHeard() != heard {
		t.Error("b heard a change of a registry in another schema")
	}

	// The listening connection is cut: b connects again and hears the next change.
	admin, err := models.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var cut int64
	admin.DB.Raw("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'registry server-b'").Scan(&cut)
	if cut != 1 {
		t.Fatalf("cut %d listening connections, want 1", cut)
	}
	waitFor("b says it lost the connection", 5*time.Second, func() bool { return strings.Contains(log.String(), "lost the connection") })
	waitFor("b listens again", 5*time.Second, func() bool { return strings.Count(log.String(), "listening for other servers") == 2 && b.Present() })
	login(a, 2)
	want, _ = a.ChangeCount(ctx)
	waitFor("b's summary follows a's write after the reconnection", 2*time.Second, func() bool {
		s, err := cache.Get(ctx)
		return err == nil && s.Change == want
	})
}
