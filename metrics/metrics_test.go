package metrics_test

import (
	"database/sql"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/open-recognition/registry/metrics"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

const people = `{"type":"signatory","ref":"a","kind":"person","name":"Ada Example","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"b","kind":"person","name":"Ben Example","country":"FR","signed_at":"2024-05-02T10:00:00Z"}
{"type":"seed","ref":"a"}
{"type":"endorsement","from":"a","to":"b","level":"advocate","status":"accepted","created_at":"2024-06-01T12:00:00Z"}
`

// The series read at scrape time tell the job queue, the outboxes and the graph's version as
// the database holds them, on both engines.
func TestWorkSeries(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		testutil.Load(t, s, people) // two badges to sign, a graph version above zero
		now := time.Now().UTC()
		s.Now = func() time.Time { return now }
		err := s.DB.Transaction(func(tx *gorm.DB) error {
			for _, j := range []models.Job{
				{Kind: "test.late", RunAt: now.Add(-90 * time.Second)},
				{Kind: "test.late", RunAt: now.Add(-10 * time.Second)},
				{Kind: "test.later", RunAt: now.Add(time.Hour)},
				{Kind: "test.dead", RunAt: now.Add(-time.Hour)},
			} {
				if _, err := models.EnqueueJob(tx, &j); err != nil {
					return err
				}
			}
			return tx.Exec("UPDATE jobs SET failed_at = ?, last_error = 'boom' WHERE kind = 'test.dead'", now).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		m := metrics.New(metrics.Sources{
			Pools: map[string]*sql.DB{"primary": s.SQL()},
			Work:  s.OpsStats,
			Kinds: []string{"test.idle", "test.late"},
			Ready: func() bool { return true },
		})
		srv := httptest.NewServer(m.Handler())
		defer srv.Close()
		got := testutil.Scrape(t, srv.URL, "")
		want := map[string]float64{
			testutil.Series("registry_jobs_open", "kind", "test.late"):    2,
			testutil.Series("registry_jobs_due", "kind", "test.late"):     2,
			testutil.Series("registry_jobs_running", "kind", "test.late"): 0,
			testutil.Series("registry_jobs_dead", "kind", "test.late"):    0,
			testutil.Series("registry_jobs_open", "kind", "test.later"):   1,
			testutil.Series("registry_jobs_due", "kind", "test.later"):    0,
			testutil.Series("registry_jobs_open", "kind", "test.dead"):    0,
			testutil.Series("registry_jobs_dead", "kind", "test.dead"):    1,
			// A kind this server runs is reported with no job at all.
			testutil.Series("registry_jobs_open", "kind", "test.idle"):                   0,
			testutil.Series("registry_jobs_oldest_due_age_seconds", "kind", "test.idle"): 0,
			testutil.Series("registry_jobs_run_total", "kind", "test.idle"):              0,
			"registry_tiers_current":   0, // the import changed the graph; nothing has computed it
			"registry_work_scrape_ok":  1,
			"registry_ready":           1,
			"registry_mail_outbox_due": 0,
		}
		for series, v := range want {
			if g, ok := got[series]; !ok || g != v {
				t.Errorf("%s = %v (present %v), want %v", series, g, ok, v)
			}
		}
		// The test's clock is the store's: the oldest due job has waited 90 s by it, give or
		// take the scrape's own clock.
		if age := got[testutil.Series("registry_jobs_oldest_due_age_seconds", "kind", "test.late")]; age < 89 || age > 120 {
			t.Errorf("oldest due test.late job is %v s old, want about 90", age)
		}
		if n := got["registry_issuance_outbox_open"]; n < 2 {
			t.Errorf("registry_issuance_outbox_open = %v, want the imported signatories' badges (≥ 2)", n)
		}
		if v := got["registry_trust_graph_version"]; v < 1 {
			t.Errorf("registry_trust_graph_version = %v after an import, want ≥ 1", v)
		}
		if v, ok := got[testutil.Series("registry_db_connections_max_open", "pool", "primary")]; !ok || v < 1 {
			t.Errorf("registry_db_connections_max_open = %v (present %v)", v, ok)
		}
		for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
			if !got.Has(name) {
				t.Errorf("no %s: the Go and process collectors are missing", name)
			}
		}

		// A finished job leaves the queue.
		if err := s.DB.Exec("UPDATE jobs SET done_at = ? WHERE kind = 'test.late'", now).Error; err != nil {
			t.Fatal(err)
		}
		got = testutil.Scrape(t, srv.URL, "")
		if v := got[testutil.Series("registry_jobs_open", "kind", "test.late")]; v != 0 {
			t.Errorf("registry_jobs_open{test.late} = %v after both were done, want 0", v)
		}
	})
}

// Recorded series: requests by route and status class, job runs and failures, tier
// computations, map and page cache lookups; a nil *Metrics records nothing and does not panic.
func TestRecordedSeries(t *testing.T) {
	m := metrics.New(metrics.Sources{Kinds: []string{"k"}})
	m.ObserveRequest("GET", "/signatories/:id", 200, 3*time.Millisecond)
	m.ObserveRequest("GET", "/signatories/:id", 404, time.Millisecond)
	m.ObserveRequest("POST", "/sign", 503, time.Second)
	m.ObserveRequest("GET", "unmatched", 0, time.Millisecond) // nothing written counts as a failure
	m.ObserveJob("k", time.Second, nil)
	m.ObserveJob("k", time.Second, errors.New("boom"))
	m.ObserveTiers(1500 * time.Millisecond)
	m.MapCache(true)
	m.MapCache(true)
	m.MapCache(false)
	m.PageCache(false)
	m.PageCache(true)
	m.PageCache(true)
	m.PageCache(true)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	got := testutil.Scrape(t, srv.URL, "")
	want := map[string]float64{
		testutil.Series("registry_http_request_duration_seconds_count", "method", "GET", "route", "/signatories/:id", "status", "2xx"): 1,
		testutil.Series("registry_http_request_duration_seconds_count", "method", "GET", "route", "/signatories/:id", "status", "4xx"): 1,
		testutil.Series("registry_http_request_duration_seconds_count", "method", "POST", "route", "/sign", "status", "5xx"):           1,
		testutil.Series("registry_http_request_duration_seconds_count", "method", "GET", "route", "unmatched", "status", "5xx"):        1,
		testutil.Series("registry_jobs_run_total", "kind", "k"):                                                                        2,
		testutil.Series("registry_jobs_failed_total", "kind", "k"):                                                                     1,
		testutil.Series("registry_job_duration_seconds_count", "kind", "k"):                                                            2,
		"registry_tiers_compute_duration_seconds_count":                                                                                1,
		"registry_tiers_compute_duration_seconds_sum":                                                                                  1.5,
		"registry_map_cache_hits_total":                                                                                                2,
		"registry_map_cache_misses_total":                                                                                              1,
		"registry_page_cache_hits_total":                                                                                               3,
		"registry_page_cache_misses_total":                                                                                             1,
	}
	for series, v := range want {
		if g, ok := got[series]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", series, g, ok, v)
		}
	}
	if got.Has("registry_ready") || got.Has("registry_jobs_open") {
		t.Error("series without a source are served")
	}

	var none *metrics.Metrics
	none.ObserveRequest("GET", "/", 200, time.Millisecond)
	none.ObserveJob("k", time.Second, nil)
	none.ObserveTiers(time.Second)
	none.MapCache(true)
	none.PageCache(true)
}

// What recording one request costs a page: go test -bench ObserveRequest ./metrics
func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New(metrics.Sources{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveRequest("GET", "/signatories/:id", 200, 3*time.Millisecond)
		}
	})
}
