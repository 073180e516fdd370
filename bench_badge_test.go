package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trust"
)

var (
	benchCSRF    = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	benchVersion = regexp.MustCompile(`name="version" value="(\d+)"`)
)

// BenchmarkBadgeLatency signs the Declaration 100 times a second for three seconds through the
// real server and measures, for each signature, the time from the server's answer to the moment
// its Signatory badge is stored (and so viewable). Target: at most 2 s.
func BenchmarkBadgeLatency(b *testing.B) {
	const perSecond, total = 100, 300
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), "latency.db")
		addr, _, stop := startServer(b, db, "--dev-login")
		base := "http://" + addr
		type user struct {
			c              *http.Client
			email, csrf, v string
		}
		get := func(c *http.Client, path string) string {
			res, err := c.Get(base + path)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return string(body)
		}
		users := make([]user, total)
		for k := range users {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			email := fmt.Sprintf("latency%d@example.org", k)
			tok := benchCSRF.FindStringSubmatch(get(c, "/login"))[1]
			res, err := c.PostForm(base+"/auth/dev", url.Values{"_csrf": {tok}, "name": {"Person"}, "email": {email}})
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			form := get(c, "/sign")
			users[k] = user{c: c, email: email, csrf: benchCSRF.FindStringSubmatch(form)[1], v: benchVersion.FindStringSubmatch(form)[1]}
		}
		store, err := models.Open(context.Background(), db)
		if err != nil {
			b.Fatal(err)
		}
		var mu sync.Mutex
		acked := map[string]time.Time{}
		seen := map[string]time.Time{}
		stopPoll := make(chan struct{})
		polled := make(chan struct{})
		go func() {
			defer close(polled)
			for {
				var emails []string
				store.DB.Raw(`SELECT s.email FROM credentials c JOIN signatories s ON s.id = c.signatory_id`).Scan(&emails)
				now := time.Now()
				mu.Lock()
				for _, e := range emails {
					if _, ok := seen[e]; !ok {
						seen[e] = now
					}
				}
				done := len(seen) == total
				mu.Unlock()
				if done {
					return
				}
				select {
				case <-stopPoll:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
		b.ResetTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for k, u := range users {
			time.Sleep(time.Until(start.Add(time.Duration(k) * time.Second / perSecond)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := u.c.PostForm(base+"/sign", url.Values{"_csrf": {u.csrf}, "kind": {"person"}, "version": {u.v}, "lang": {"en"},
					"name": {"Person " + u.email}, "country": {"IT"}, "consent": {"yes"}})
				if err != nil || res.StatusCode != http.StatusSeeOther {
					b.Errorf("sign: %v %v", err, res)
					return
				}
				res.Body.Close()
				mu.Lock()
				acked[u.email] = time.Now()
				mu.Unlock()
			}()
		}
		wg.Wait()
		select {
		case <-polled:
		case <-time.After(30 * time.Second):
			close(stopPoll)
			<-polled
		}
		b.StopTimer()
		var lat []time.Duration
		mu.Lock()
		for e, a := range acked {
			if s, ok := seen[e]; ok {
				lat = append(lat, max(0, s.Sub(a)))
			}
		}
		mu.Unlock()
		store.Close()
		stop()
		if len(lat) != total {
			b.Fatalf("%d of %d badges issued within 30 s", len(lat), total)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
	}
}

// BenchmarkTiers100k recomputes the tiers of the 100k demo registry from the database: read
// the graph, run both flows, compare and write what changed. Target: at most 3 s.
func BenchmarkTiers100k(b *testing.B) {
	db := steadyRegistry(b)
	s, err := models.Open(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, _, err := recomputeTiers(context.Background(), s, trust.DefaultConfig()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/recompute")
	}
}
