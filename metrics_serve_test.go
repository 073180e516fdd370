package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/testutil"
)

var metricsLine = regexp.MustCompile(`Prometheus metrics at (http://\S+)`)

// A real server with --metrics-addr and --metrics-token: after a few pages and a background job,
// the separate listener and the public port (with the token) serve the registry's series, with
// routes named by their pattern; without the token the public /metrics is refused.
func TestMetricsScrape(t *testing.T) {
	p := newSQLite(t)
	file := filepath.Join(p.dir, "people.jsonl")
	if err := os.WriteFile(file, []byte(contractExample), 0o600); err != nil {
		t.Fatal(err)
	}
	p.run(t, "import", file) // two badges for the credential job to sign
	const token = "metrics-token-0123456789"
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off",
		"--metrics-addr", "127.0.0.1:0", "--metrics-token", token)...)
	if s.exited {
		t.Fatalf("serve ended before listening: %v\nstderr: %s", s.err, s.stderr)
	}
	m := metricsLine.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no %q line on stdout:\n%s", metricsLine, s.stdout)
	}
	separate := m[1]
	if strings.Contains(separate, s.addr) {
		t.Fatalf("the metrics listener %s is the public address %s", separate, s.addr)
	}

	// A couple of pages, one of them a signatory's, and URLs that match no route.
	_, body := s.get(t, "/api/v1/signatories")
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("GET /api/v1/signatories: %v\n%s", err, body)
	}
	id := list.Items[0].ID
	for path, want := range map[string]int{
		"/": 200, "/signatories": 200, "/signatories/" + id: 200, "/signatories/" + id + "?lang=fr": 200,
		"/map": 200, "/map?kind=person": 200, "/no/such/page": 404, "/healthz": 200, "/readyz": 200,
	} {
		if resp, body := s.get(t, path); resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d\n%.300s", path, resp.StatusCode, want, body)
		}
	}
	s.get(t, "/map") // the second time from the cache

	// The credential job runs as soon as the server starts: wait for it to be counted.
	issue := testutil.Series("registry_jobs_run_total", "kind", "credentials.issue")
	var got testutil.Samples
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got = testutil.Scrape(t, separate, "")
		if got[issue] >= 1 && got["registry_tiers_compute_duration_seconds_count"] >= 1 && got["registry_issuance_outbox_open"] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15 s: %s = %v, tier computations %v, open badges %v\nstderr: %s", issue, got[issue],
				got["registry_tiers_compute_duration_seconds_count"], got["registry_issuance_outbox_open"], s.stderr)
		}
	}

	req := func(method, route, status string) string {
		return testutil.Series("registry_http_request_duration_seconds_count", "method", method, "route", route, "status", status)
	}
	for series, least := range map[string]float64{
		req("GET", "/signatories/:id", "2xx"):                                      2,
		req("GET", "/signatories", "2xx"):                                          1,
		req("GET", "/", "2xx"):                                                     1,
		req("GET", "/api/v1/signatories", "2xx"):                                   1,
		req("GET", "/map", "2xx"):                                                  3,
		req("GET", "unmatched", "4xx"):                                             1,
		req("GET", "/readyz", "2xx"):                                               1,
		testutil.Series("registry_jobs_failed_total", "kind", "credentials.issue"): 0,
		testutil.Series("registry_jobs_open", "kind", "credentials.issue"):         0,
		testutil.Series("registry_db_connections_max_open", "pool", "primary"):     1,
		"registry_map_cache_hits_total":                                            1, // the second /map
		"registry_map_cache_misses_total":                                          2, // /map and /map?kind=person, rendered once each
		"registry_trust_graph_version":                                             1, // the import changed the graph
		"registry_tiers_current":                                                   1, // and the server computed the tiers since
		"registry_ready":                                                           1,
		"registry_work_scrape_ok":                                                  1,
		"registry_mail_outbox_due":                                                 0,
	} {
		v, ok := got[series]
		if !ok || v < least {
			t.Errorf("%s = %v (present %v), want ≥ %v", series, v, ok, least)
		}
	}
	if v := got[testutil.Series("registry_jobs_failed_total", "kind", "credentials.issue")]; v != 0 {
		t.Errorf("the credential job failed %v times", v)
	}
	for series := range got {
		if strings.Contains(series, id) || strings.Contains(series, "/no/such/page") {
			t.Errorf("a series names a URL instead of a route: %s", series)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "registry_job_duration_seconds_count", "registry_jobs_oldest_due_age_seconds", "registry_db_wait_count_total"} {
		if !got.Has(name) {
			t.Errorf("no %s series", name)
		}
	}

	// The public port: only with the token.
	public := "http://" + s.addr + "/metrics"
	for _, auth := range []string{"", "Bearer wrong-token-0123456789", "Basic " + token, token} {
		r, _ := http.NewRequest(http.MethodGet, public, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /metrics on the public port with Authorization %q: %d, want 401", auth, res.StatusCode)
		}
	}
	if pub := testutil.Scrape(t, public, "Bearer "+token); !pub.Has("registry_http_request_duration_seconds_count") {
		t.Errorf("the public /metrics with the token serves no request series")
	}
	// The separate listener serves nothing else.
	res, err := http.Get(strings.TrimSuffix(separate, "/metrics") + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /healthz on the metrics listener: %d, want 404", res.StatusCode)
	}

	if err := s.stop(t); err != nil {
		t.Fatalf("run returned %v after cancel\nstderr: %s", err, s.stderr)
	}
	if _, err := http.Get(separate); err == nil {
		t.Errorf("the metrics listener still answers after shutdown")
	}
}

// Without --metrics-addr or --metrics-token the registry serves no metrics; REGISTRY_METRICS_*
// variables stand for the flags.
func TestMetricsOffByDefault(t *testing.T) {
	p := newSQLite(t)
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("serve: %v\n%s", s.err, s.stderr)
	}
	if resp, _ := s.get(t, "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics without a token configured: %d, want 404", resp.StatusCode)
	}
	if metricsLine.MatchString(s.stdout.String()) {
		t.Errorf("a metrics listener started without --metrics-addr: %s", s.stdout)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	const token = "from-the-environment-0123"
	s = startServe(t, map[string]string{"REGISTRY_METRICS_TOKEN": token, "REGISTRY_METRICS_ADDR": "127.0.0.1:0"},
		p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("serve: %v\n%s", s.err, s.stderr)
	}
	if !metricsLine.MatchString(s.stdout.String()) {
		t.Errorf("REGISTRY_METRICS_ADDR started no metrics listener: %s", s.stdout)
	}
	if got := testutil.Scrape(t, "http://"+s.addr+"/metrics", "Bearer "+token); !got.Has("registry_ready") {
		t.Errorf("REGISTRY_METRICS_TOKEN: no registry_ready series")
	}
}

// Bad metrics settings are usage errors naming the flag: exit 2 before anything starts.
func TestMetricsFlagsChecked(t *testing.T) {
	p := newSQLite(t)
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{args: []string{"--metrics-addr", "nonsense"}, want: "--metrics-addr"},
		{args: []string{"--metrics-addr", "127.0.0.1:99999"}, want: "--metrics-addr"},
		{env: map[string]string{"REGISTRY_METRICS_ADDR": "localhost"}, want: "--metrics-addr"},
		{args: []string{"--addr", "127.0.0.1:18080", "--metrics-addr", "127.0.0.1:18080"}, want: "--metrics-addr"},
		{args: []string{"--metrics-token", "short"}, want: "--metrics-token"},
		{args: []string{"--metrics-token", "has a space in it 0123456789"}, want: "--metrics-token"},
		{env: map[string]string{"REGISTRY_METRICS_TOKEN": "short"}, want: "--metrics-token"},
	} {
		args := p.args(append([]string{"serve"}, c.args...)...)
		r := runCLI(t, c.env, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("registry %s (env %v): exit %d, want 2 naming %s\nstderr: %s", strings.Join(args, " "), c.env, r.code, c.want, r.stderr)
		}
	}
	if _, err := os.Stat(p.db); err == nil {
		t.Errorf("a refused start created the database")
	}
	// The flags belong to serve: another command refuses them.
	if r := runCLI(t, nil, "", p.args("migrate", "--metrics-addr", "127.0.0.1:9090")...); r.code != 2 {
		t.Errorf("migrate --metrics-addr: exit %d, want 2", r.code)
	}
}
