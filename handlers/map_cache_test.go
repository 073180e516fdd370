package handlers

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMapCacheRendersOncePerChangeAndServesTheOldVersionMeanwhile(t *testing.T) {
	var m mapCache
	var builds atomic.Int32
	slow := func(body string) func() (any, int, error) {
		return func() (any, int, error) {
			builds.Add(1)
			time.Sleep(50 * time.Millisecond)
			return body, len(body), nil
		}
	}
	// A burst for a new key renders it once; everyone gets it.
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := m.get(1, "k", slow("v1")); err != nil || v != "v1" {
				t.Errorf("got %v, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d renders for one key, want 1", n)
	}
	// After a change, one request renders again; the others get v1 without waiting.
	done := make(chan any)
	go func() { v, _ := m.get(2, "k", slow("v2")); done <- v }()
	time.Sleep(10 * time.Millisecond)
	start := time.Now()
	if v, _ := m.get(2, "k", slow("v2")); v != "v1" || time.Since(start) > 30*time.Millisecond {
		t.Fatalf("during the render: %v after %v", v, time.Since(start))
	}
	if v := <-done; v != "v2" {
		t.Fatalf("the render gave %v", v)
	}
	if v, _ := m.get(2, "k", slow("v3")); v != "v2" || builds.Load() != 2 {
		t.Fatalf("after the render: %v, %d renders", v, builds.Load())
	}
	// A failed render keeps the previous version.
	if v, err := m.get(3, "k", func() (any, int, error) { return nil, 0, errors.New("boom") }); err != nil || v != "v2" {
		t.Fatalf("a failed render: %v, %v", v, err)
	}
}

func TestMapCacheSurvivesAPanickingRender(t *testing.T) {
	var m mapCache
	func() {
		defer func() { recover() }()
		m.get(1, "k", func() (any, int, error) { panic("render bug") })
	}()
	got := make(chan any, 1)
	go func() { v, _ := m.get(1, "k", func() (any, int, error) { return "ok", 2, nil }); got <- v }()
	select {
	case v := <-got:
		if v != "ok" {
			t.Fatalf("got %v", v)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a key whose render panicked blocks every later request")
	}
}

func TestMapCacheStaysWithinItsBudget(t *testing.T) {
	m := mapCache{maxBytes: 1000}
	for i := 0; i < 100; i++ {
		key := strings.Repeat("k", i+1)
		m.get(1, key, func() (any, int, error) { return key, 100, nil })
		// The first key is used all along: it stays.
		m.get(1, "k", func() (any, int, error) { return "k", 100, nil })
	}
	if m.bytes > 1000 || len(m.entries) > 10 {
		t.Fatalf("%d bytes in %d entries, over the budget of 1000", m.bytes, len(m.entries))
	}
	if _, ok := m.entries["k"]; !ok {
		t.Fatal("the most used entry was evicted")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"gzip": true, "gzip, deflate, br": true, "br;q=1, gzip;q=0.5": true, "gzip;q=0": false,
		"gzip;q=0.0": false, "identity": false, "": false, "*": true, "deflate": false} {
		if acceptsGzip(h) != want {
			t.Errorf("Accept-Encoding %q: %v", h, !want)
		}
	}
}

// While the registry changes many times a second, a recent copy stands for the newer states
// for holdWhileBusy; when it changes now and then, the next request after a change renders it.
func TestPagesHeldWhileTheRegistryIsBusy(t *testing.T) {
	m := mapCache{holdWhileBusy: 300 * time.Millisecond}
	builds := 0
	render := func(body string) func() (any, int, error) {
		return func() (any, int, error) { builds++; return body, len(body), nil }
	}
	// Now and then: each change is seen at once.
	for change := int64(1); change <= 3; change++ {
		want := "v" + strings.Repeat("i", int(change))
		if v, _ := m.get(change, "k", render(want)); v != want {
			t.Fatalf("change %d, the registry quiet: got %v, want %v", change, v, want)
		}
	}
	// A crowd writes: ten new states within a second, the page asked for at each.
	for change := int64(4); change < 4+busyChanges; change++ {
		m.get(change, "k", render("busy"))
	}
	before := builds
	if v, _ := m.get(100, "k", render("new")); v == "new" || builds != before {
		t.Fatalf("the registry busy, a copy rendered just now: got %v after %d more renders, want the copy", v, builds-before)
	}
	time.Sleep(350 * time.Millisecond)
	if v, _ := m.get(101, "k", render("newer")); v != "newer" {
		t.Fatalf("a copy older than holdWhileBusy: got %v, want it rendered again", v)
	}
	// Without holdWhileBusy (the map's cache), every new state is rendered.
	var plain mapCache
	for change := int64(1); change <= 2*busyChanges; change++ {
		want := "p" + strings.Repeat("i", int(change))
		if v, _ := plain.get(change, "k", render(want)); v != want {
			t.Fatalf("no hold, change %d: got %v, want %v", change, v, want)
		}
	}
}
