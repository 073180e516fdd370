package main

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
)

const trustFile = `{"type":"signatory","ref":"seed","kind":"person","name":"Founding Ambassador","country":"IT","signed_at":"2024-01-01T10:00:00Z"}
{"type":"signatory","ref":"b","kind":"person","name":"Bea","country":"IT","signed_at":"2024-01-02T10:00:00Z"}
{"type":"signatory","ref":"c","kind":"person","name":"Cam","country":"FR","signed_at":"2024-01-03T10:00:00Z"}
{"type":"signatory","ref":"d","kind":"person","name":"Dee","country":"FR","signed_at":"2024-01-04T10:00:00Z"}
{"type":"seed","ref":"seed"}
{"type":"endorsement","from":"seed","to":"b","level":"ambassador","created_at":"2024-02-01T10:00:00Z"}
{"type":"endorsement","from":"seed","to":"c","level":"advocate","created_at":"2024-02-02T10:00:00Z"}
{"type":"endorsement","from":"b","to":"d","level":"advocate","status":"declined","created_at":"2024-02-03T10:00:00Z"}
`

func tierOf(t *testing.T, p place, name string) string {
	t.Helper()
	var sg models.Signatory
	if err := p.store(t).DB.Where("name = ?", name).Take(&sg).Error; err != nil {
		t.Fatal(err)
	}
	return sg.Tier
}

func TestTiersCommand(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "import", writeFile(t, p.dir, "trust.jsonl", trustFile))
		r := p.run(t, "tiers")
		if r.stdout != "signatory 1\nadvocate 1\nambassador 2\n" {
			t.Errorf("tiers printed %q", r.stdout)
		}
		for name, want := range map[string]string{"Founding Ambassador": "ambassador", "Bea": "ambassador", "Cam": "advocate", "Dee": "signatory"} {
			if got := tierOf(t, p, name); got != want {
				t.Errorf("%s: %s, want %s", name, got, want)
			}
		}
		var jobs int64
		p.store(t).DB.Model(&models.IssuanceJob{}).Where("kind IN ('advocate','ambassador') AND action = 'issue'").Count(&jobs)
		if jobs != 3 {
			t.Errorf("%d tier badge jobs, want 3 (the founding Ambassador's, queued by the import; Bea's Ambassador, Cam's Advocate)", jobs)
		}
		// Nothing changed: nothing written.
		before := p.count(t, "audit_log")
		p.run(t, "tiers")
		if after := p.count(t, "audit_log"); after != before {
			t.Errorf("a recomputation without changes wrote %d audit entries", after-before)
		}
		args := p.args("tiers", "--advocate-capacities", "10,zero")
		runCLI(t, nil, "", args...).wantExit(t, 2, args...)
	})
}

// A running server notices an endorsement written by another process (a CLI import) and shows
// the new tier within 10 s.
func TestServerRecomputesTiers(t *testing.T) {
	p, s := serveTrustFile(t)
	defer s.stop(t)
	waitTier := func(name, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for tierOf(t, p, name) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s is %s after 10 s, want %s", name, tierOf(t, p, name), want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitTier("Cam", "advocate")
	p.run(t, "import", writeFile(t, p.dir, "more.jsonl", `{"type":"endorsement","from":"`+models.SignatoryID("trust.jsonl", "seed")+`","to":"`+models.SignatoryID("trust.jsonl", "d")+`","level":"advocate","created_at":"2024-03-01T10:00:00Z"}`+"\n"))
	waitTier("Dee", "advocate")
	resp, body := s.get(t, "/api/v1/stats")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"advocate":2`) {
		t.Errorf("stats after the recomputation: %s", body)
	}
}

func TestTrustPage(t *testing.T) {
	_, s := serveTrustFile(t)
	defer s.stop(t)
	cam := models.SignatoryID("trust.jsonl", "c")
	resp, body := s.get(t, "/signatories/"+cam+"/trust")
	// Just after start the page may say the tiers are being computed; within seconds it explains.
	for deadline := time.Now().Add(10 * time.Second); strings.Contains(body, "being computed") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		resp, body = s.get(t, "/signatories/"+cam+"/trust")
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Path of trust") || !strings.Contains(body, "Founding Ambassador") ||
		!strings.Contains(body, "Endorsements link this signatory to a founding Ambassador along the path above.") {
		t.Errorf("Cam's trust page: %d\n%.1500s", resp.StatusCode, body)
	}
	dee := models.SignatoryID("trust.jsonl", "d")
	if _, body := s.get(t, "/signatories/"+dee+"/trust"); !strings.Contains(body, "No endorsement connects this signatory") {
		t.Error("Dee's trust page (a declined endorsement only) does not say what would help")
	}
	resp, svg := s.get(t, "/signatories/"+cam+"/graph.svg")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg, "<circle") {
		t.Errorf("graph.svg: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := s.get(t, "/signatories/3b241101-e2bb-4255-8caf-4136c566a962/trust"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown id: %d", resp.StatusCode)
	}
}

// Reaching a tier issues its badge; losing it revokes the badge.
func TestTierBadges(t *testing.T) {
	p := newSQLite(t)
	p.run(t, "import", writeFile(t, p.dir, "trust.jsonl", trustFile))
	p.run(t, "tiers")
	s := p.store(t)
	keys, err := issuer.OpenKeys(p.keys)
	if err != nil {
		t.Fatal(err)
	}
	w, err := issuer.NewWorker(s, keys, "http://localhost:8080", discard())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	kinds := func(name string) map[string]bool {
		var rows []models.Credential
		s.DB.Table("credentials").Joins("JOIN signatories ON signatories.id = credentials.signatory_id").
			Where("signatories.name = ? AND credentials.revoked_at IS NULL", name).Select("credentials.kind").Scan(&rows)
		out := map[string]bool{}
		for _, r := range rows {
			out[r.Kind] = true
		}
		return out
	}
	if k := kinds("Bea"); !k["ambassador"] || !k["signatory"] {
		t.Errorf("Bea's live badges %v, want signatory and ambassador", k)
	}
	if k := kinds("Cam"); !k["advocate"] {
		t.Errorf("Cam's live badges %v, want advocate", k)
	}
	// The founding Ambassador goes: everyone they lifted falls back, and the badges are revoked.
	s.DB.Exec("DELETE FROM seeds")
	s.DB.Exec("UPDATE change_counter SET value = value + 1, graph = graph + 1 WHERE id = 1")
	p.run(t, "tiers")
	w.Drain(t.Context())
	if k := kinds("Bea"); k["ambassador"] || !k["signatory"] {
		t.Errorf("after losing the tier Bea's live badges are %v", k)
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The same graph imported with its lines in another order gives the same tiers.
func TestTiersDoNotDependOnImportOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var lines []string
	for i := range 120 {
		lines = append(lines, fmt.Sprintf(`{"type":"signatory","ref":"p%d","kind":"person","name":"P %d","country":"IT","signed_at":"2024-01-01T10:00:00Z"}`, i, i))
	}
	lines = append(lines, `{"type":"seed","ref":"p0"}`, `{"type":"seed","ref":"p1"}`)
	seen := map[[2]int]bool{}
	for len(seen) < 600 {
		a, b := rng.IntN(120), rng.IntN(120)
		if a == b || seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		level := "advocate"
		if rng.IntN(4) == 0 {
			level = "ambassador"
		}
		// Many endorsements share a creation time: the endorser's id breaks the tie.
		lines = append(lines, fmt.Sprintf(`{"type":"endorsement","from":"p%d","to":"p%d","level":"%s","created_at":"2024-02-0%dT10:00:00Z"}`, a, b, level, 1+rng.IntN(3)))
	}
	tiers := func(order []string) map[string]string {
		p := newSQLite(t)
		p.run(t, "import", "--source", "graph", writeFile(t, p.dir, "graph.jsonl", strings.Join(order, "\n")+"\n"))
		p.run(t, "tiers", "--advocate-capacities", "8,3,2,1", "--ambassador-capacities", "4,2,1")
		var rows []models.Signatory
		p.store(t).DB.Select("public_id", "tier").Find(&rows)
		out := map[string]string{}
		for _, r := range rows {
			out[r.PublicID] = r.Tier
		}
		return out
	}
	first := tiers(lines)
	counts := map[string]int{}
	for _, tier := range first {
		counts[tier]++
	}
	if counts["advocate"] == 0 || counts["signatory"] == 0 {
		t.Fatalf("the test graph is degenerate: %v", counts)
	}
	for range 2 {
		shuffled := append([]string(nil), lines...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again := tiers(shuffled)
		for id, tier := range first {
			if again[id] != tier {
				t.Fatalf("%s is %s after a shuffled import, was %s", id, again[id], tier)
			}
		}
	}
}

// serveTrustFile starts a server on a registry holding trustFile.
func serveTrustFile(t *testing.T) (place, *server) {
	t.Helper()
	p := newSQLite(t)
	p.run(t, "import", writeFile(t, p.dir, "trust.jsonl", trustFile))
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("not serving: %v", s.err)
	}
	return p, s
}
