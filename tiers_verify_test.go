package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// verifyFile is a registry whose tiers depend on the order and reach of its endorsements: a
// founding Ambassador, members one and two steps away, an endorsement pending, one declined.
const verifyFile = trustFile + `{"type":"signatory","ref":"e","kind":"person","name":"Eve","country":"DE","signed_at":"2024-01-05T10:00:00Z"}
{"type":"signatory","ref":"f","kind":"organisation","name":"Fondazione","country":"IT","signed_at":"2024-01-06T10:00:00Z"}
{"type":"endorsement","from":"c","to":"e","level":"advocate","status":"pending","created_at":"2024-02-04T10:00:00.250Z"}
{"type":"endorsement","from":"b","to":"f","level":"ambassador","status":"accepted","created_at":"2024-02-04T10:00:00.250Z"}
{"type":"endorsement","from":"e","to":"f","level":"advocate","status":"accepted","created_at":"2024-02-05T10:00:00Z"}
`

// Anyone can check a live registry's tiers from its published graph alone: the check agrees
// with an honest registry, and catches a tier changed behind the computation's back, whether
// it reads the registry's URL or a copy saved earlier.
func TestTiersVerify(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "import", writeFile(t, p.dir, "trust.jsonl", verifyFile))
		s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
		if s.exited {
			t.Fatalf("not serving: %v", s.err)
		}
		defer s.stop(t)
		graphURL := "http://" + s.addr + "/api/v1/graph"
		// The server computes the tiers within seconds of starting.
		var body string
		for deadline := time.Now().Add(15 * time.Second); ; {
			var resp *http.Response
			resp, body = s.get(t, "/api/v1/graph")
			if resp.StatusCode == http.StatusOK && strings.Contains(body, `"tiers_current":true`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the tiers are not current after 15 s: %d\n%s", resp.StatusCode, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
		honest := writeFile(t, p.dir, "graph.jsonl", body)

		r := p.run(t, "tiers", "--verify", graphURL)
		if !strings.Contains(r.stdout, "every published tier agrees") || !strings.Contains(r.stdout, "6 signatories and 5 endorsements") {
			t.Errorf("tiers --verify on an honest registry printed:\n%s", r.stdout)
		}
		// The registry's address alone means its graph.
		p.run(t, "tiers", "--verify", "http://"+s.addr)

		// Someone changes Dee's tier in the database.
		dee := models.SignatoryID("trust.jsonl", "d")
		if err := p.store(t).DB.Exec("UPDATE signatories SET tier = 'advocate' WHERE public_id = ?", dee).Error; err != nil {
			t.Fatal(err)
		}
		args := []string{"tiers", "--verify", graphURL}
		r = runCLI(t, nil, "", args...)
		r.wantExit(t, 1, args...)
		if !strings.Contains(r.stdout, dee+": published advocate, recomputed signatory\n") || !strings.Contains(r.stdout, "1 of 6 published tiers differ") {
			t.Errorf("tiers --verify after tampering printed:\n%s", r.stdout)
		}
		if !strings.Contains(r.stderr, "1 published tiers differ") || strings.Contains(r.stderr, "recomputing") {
			t.Errorf("stderr: %s", r.stderr)
		}
		// The same from files: a copy saved before (agrees) and after (differs).
		_, tampered := s.get(t, "/api/v1/graph")
		p.run(t, "tiers", "--verify", honest)
		args = []string{"tiers", "--verify", writeFile(t, p.dir, "tampered.jsonl", tampered)}
		r = runCLI(t, nil, "", args...)
		r.wantExit(t, 1, args...)
		if !strings.Contains(r.stdout, dee+": published advocate, recomputed signatory\n") {
			t.Errorf("tiers --verify FILE after tampering printed:\n%s", r.stdout)
		}
		// And from standard input, with no database at hand.
		args = []string{"tiers", "--verify", "-", "--db", p.dir + "/nowhere/registry.db"}
		r = runCLI(t, nil, body, args...)
		r.wantExit(t, 0, args...)
		if !strings.Contains(r.stdout, "every published tier agrees") {
			t.Errorf("tiers --verify - printed:\n%s", r.stdout)
		}
	})
}

// Bad input and unreachable registries get a clear message and a non-zero exit.
func TestTiersVerifyBadInput(t *testing.T) {
	p := newSQLite(t)
	header := `{"type":"header","format":"registry-graph","version":1,"graph_version":"3","tiers_current":true,"capacities":{"advocate":[4,1],"ambassador":[1]},"sizes":{"advocate":0,"ambassador":0},"lifted":{"advocate":0,"ambassador":0},"generated_at":"2025-01-01T10:00:00Z"}`
	bad := writeFile(t, p.dir, "bad.jsonl", header+"\n"+`{"type":"signatory","id":"a","tier":"ambassador","seed":true}`+"\n"+`{"type":"signatory","id":"b","tier":"lawyer"}`+"\n")
	cases := []struct {
		source, says string
		stdin        string
	}{
		{bad, bad + `: line 3: signatory b: tier "lawyer"`, ""},
		{"-", `standard input: line 1: the first line must be the header`, `{"type":"signatory","id":"a","tier":"advocate"}` + "\n"},
		{p.dir + "/missing.jsonl", "missing.jsonl: no such file", ""},
		{"http://127.0.0.1:1/api/v1/graph", "fetching the graph at http://127.0.0.1:1/api/v1/graph", ""},
	}
	for _, c := range cases {
		args := []string{"tiers", "--verify", c.source}
		r := runCLI(t, nil, c.stdin, args...)
		r.wantExit(t, 1, args...)
		if !strings.Contains(r.stderr, c.says) {
			t.Errorf("tiers --verify %s: stderr %q, want it to say %q", c.source, r.stderr, c.says)
		}
	}
	// A server that does not publish a graph at that address.
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	defer s.stop(t)
	s.get(t, "/healthz")
	url := "http://" + s.addr + "/api/v1/nothing"
	r := runCLI(t, nil, "", "tiers", "--verify", url)
	r.wantExit(t, 1, "tiers", "--verify", url)
	if !strings.Contains(r.stderr, url) || !strings.Contains(r.stderr, "404") {
		t.Errorf("stderr %q should name %s and its 404", r.stderr, url)
	}
	// A graph published while a recomputation was pending: differences send the reader back in
	// a few seconds.
	stale := strings.Replace(header, `"tiers_current":true`, `"tiers_current":false`, 1) + "\n" +
		`{"type":"signatory","id":"a","tier":"ambassador","seed":true}` + "\n" + `{"type":"signatory","id":"b","tier":"signatory"}` + "\n" +
		`{"type":"endorsement","from":"a","to":"b","level":"advocate","created_at":"2025-01-01T09:00:00.000Z"}` + "\n" +
		`{"type":"end","signatories":2,"endorsements":1}` + "\n"
	args := []string{"tiers", "--verify", writeFile(t, p.dir, "stale.jsonl", stale)}
	r = runCLI(t, nil, "", args...)
	r.wantExit(t, 1, args...)
	if !strings.Contains(r.stdout, "b: published signatory, recomputed advocate") || !strings.Contains(r.stderr, "run the check again in a few seconds") {
		t.Errorf("a stale graph: stdout %q, stderr %q", r.stdout, r.stderr)
	}
}

// A registry busy sending its graph to others answers 503 with Retry-After: the check waits as
// told and tries again.
func TestTiersVerifyComesBackWhenTheRegistryIsBusy(t *testing.T) {
	graph := `{"type":"header","format":"registry-graph","version":1,"graph_version":"3","tiers_current":true,"capacities":{"advocate":[4,1],"ambassador":[1]},"sizes":{"advocate":0,"ambassador":0},"lifted":{"advocate":0,"ambassador":0},"generated_at":"2025-01-01T10:00:00Z"}
{"type":"signatory","id":"a","tier":"ambassador","seed":true}
{"type":"signatory","id":"b","tier":"advocate"}
{"type":"endorsement","from":"a","to":"b","level":"advocate","created_at":"2025-01-01T09:00:00.000Z"}
{"type":"end","signatories":2,"endorsements":1}
`
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, graph)
	}))
	defer srv.Close()
	r := runCLI(t, nil, "", "tiers", "--verify", srv.URL)
	r.wantExit(t, 0, "tiers", "--verify", srv.URL)
	if calls.Load() != 2 || !strings.Contains(r.stdout, "every published tier agrees") {
		t.Errorf("%d requests; stdout %q", calls.Load(), r.stdout)
	}
}
