package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
)

// BenchmarkMap100k offers 200 requests/s, open loop, to the map page and /map.json on the 100k
// demo registry, gzip accepted as browsers do: target p99 under 20 ms, /map.json under 300 KB
// gzipped, and a new signature on the map within 10 s.
func BenchmarkMap100k(b *testing.B) {
	db := steadyRegistry(b) // badges issued: no backlog competing for the cores
	ctx := context.Background()
	store, err := models.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	// A registry built before places existed gets them now, as a server start would.
	if _, err := store.LocateMissing(ctx); err != nil {
		b.Fatal(err)
	}
	addr, _, stop := startServer(b, db)
	defer stop()
	base := "http://" + addr
	// Browsers take gzip and unpack it on their own machines: the load generator asks for gzip
	// itself, so that it reads the bytes as sent instead of spending a core unpacking them.
	client := &http.Client{Transport: gzipOnly{&http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}, Timeout: 10 * time.Second}

	// The size a browser downloads.
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, path := range []string{"/map.json", "/map"} {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := raw.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
			b.Fatalf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		b.Logf("%s: %.1f KB gzipped", path, float64(len(body))/1024)
		if path == "/map.json" && len(body) > 300*1024 {
			b.Errorf("/map.json is %d KB gzipped, over 300 KB", len(body)/1024)
		}
	}

	scenarios := []struct{ name, path string }{
		{"map", "/map"},
		{"map-filtered", "/map?tier=advocate&kind=person"},
		{"map-json", "/map.json"},
		{"map-json-filtered", "/map.json?country=IT&kind=organisation"},
	}
	const rate = 200
	duration := 6 * time.Second
	if d, err := time.ParseDuration(os.Getenv("REGISTRY_BENCH_DURATION")); err == nil {
		duration = d
	}
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			openLoop(client, base+sc.path, rate, time.Second) // warm caches and connections, not measured
			for n := 0; n < b.N; n++ {
				lat := openLoop(client, base+sc.path, rate, duration)
				b.ReportMetric(percentile(lat, 50), "p50-ms")
				b.ReportMetric(percentile(lat, 99), "p99-ms")
				b.ReportMetric(percentile(lat, 100), "max-ms")
			}
		})
	}

	// A signature written by another process (an import into the same database) shows on the
	// map while the map is being read at 200 requests/s.
	b.Run("new-signature", func(b *testing.B) {
		for n := 0; n < b.N; n++ {
			before := mapTotal(b, client, base)
			ref := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), n)
			set, err := records.Parser{Source: "bench-map"}.Parse(strings.NewReader(`{"type":"signatory","ref":"` + ref +
				`","kind":"person","name":"New Signatory","country":"MT","city":"Valletta","signed_at":"2026-01-01T00:00:00Z"}`))
			if err != nil {
				b.Fatal(err)
			}
			load := make(chan []float64)
			go func() { load <- openLoop(client, base+"/map", rate, 12*time.Second) }()
			start := time.Now()
			if _, err := store.Import(ctx, set, nil); err != nil {
				b.Fatal(err)
			}
			for mapTotal(b, client, base) == before {
				if time.Since(start) > 10*time.Second {
					b.Fatal("the new signature was not on the map within 10 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			b.ReportMetric(time.Since(start).Seconds(), "s-to-map")
			// The page stays fast while it changes: the first request after the change renders
			// it again, the others get the previous version meanwhile.
			b.ReportMetric(percentile(<-load, 99), "map-p99-ms")
		}
	})
	store.Close()
}

// gzipOnly asks for gzip on every request.
type gzipOnly struct{ base http.RoundTripper }

func (g gzipOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept-Encoding", "gzip")
	return g.base.RoundTrip(r)
}

// mapTotal is the sum of the country counts of /map.json.
func mapTotal(b *testing.B, client *http.Client, base string) int64 {
	resp, err := http.Get(base + "/map.json?country=MT")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ Countries []struct{ Count int64 } }
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, c := range m.Countries {
		n += c.Count
	}
	return n
}
