package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
)

// trustSite is the app as the server builds it, with the explainer the tier worker feeds.
type trustSite struct {
	t       *testing.T
	srv     *httptest.Server
	store   *models.Store
	explain *explainer
	worker  *tiersWorker
}

func newTrustSite(t *testing.T, s *models.Store) *trustSite {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	x := &explainer{}
	e, _, err := handlers.New(handlers.Deps{Store: s, Logger: discard(), Explainer: x,
		Config: handlers.Config{BaseURL: srv.URL, DevLogin: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	w := &tiersWorker{store: s, cfg: trust.DefaultConfig(), log: discard(), poll: 20 * time.Millisecond, quiet: 50 * time.Millisecond, explain: x}
	return &trustSite{t: t, srv: srv, store: s, explain: x, worker: w}
}

// get fetches a path with a client (nil: a visitor without cookies).
func (ts *trustSite) get(c *http.Client, path string) (*http.Response, string) {
	ts.t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Get(ts.srv.URL + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// login signs a browser in through the development login (claiming the imported entry with
// that e-mail) and returns it with a form token.
func (ts *trustSite) login(name, email string) (*http.Client, string) {
	ts.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	tok := func(path string) string {
		res, err := c.Get(ts.srv.URL + path)
		if err != nil {
			ts.t.Fatal(err)
		}
		defer res.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		v, _ := doc.Find(`input[name="_csrf"]`).First().Attr("value")
		if v == "" {
			ts.t.Fatalf("%s has no form token", path)
		}
		return v
	}
	res, err := c.PostForm(ts.srv.URL+"/auth/dev", url.Values{"_csrf": {tok("/login")}, "name": {name}, "email": {email}})
	if err != nil {
		ts.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		ts.t.Fatalf("dev login: %d", res.StatusCode)
	}
	return c, tok("/account")
}

func importLines(ctx context.Context, s *models.Store, text string) error {
	set, err := records.Parser{Source: "fixture"}.Parse(strings.NewReader(text))
	if err != nil {
		return err
	}
	_, err = s.Import(ctx, set, nil)
	return err
}

func fixtureID(ref string) string { return models.SignatoryID("fixture", ref) }

// graphState is what an anonymous visit must never change.
func graphState(t *testing.T, s *models.Store) string {
	t.Helper()
	v, _ := s.GraphVersion(t.Context())
	done, _, _ := s.Setting(t.Context(), "tiers_computed")
	changes, _ := s.ChangeCount(t.Context())
	return fmt.Sprintf("version %s, computed %s, changes %d, audit %d, jobs %d", v, done, changes,
		testutil.Count(t, s, "audit_log"), testutil.Count(t, s, "issuance_outbox"))
}

var shownVersion = func(body string) string {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(doc.Find("#trust-computed").Text())
}

// Trust pages read the latest finished computation and never start one: while endorsements
// are written every few milliseconds, every reader answers at once, from the computation the
// worker handed over, whose time and graph version the page shows; anonymous visits change
// nothing. Before the first computation, the page says the tiers are being computed.
func TestTrustPagesNeverWaitForAComputation(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		const people = 600
		var b strings.Builder
		for i := range people {
			fmt.Fprintf(&b, `{"type":"signatory","ref":"p%d","kind":"person","name":"Person %d","country":"IT","signed_at":"2024-01-01T10:00:00Z"}`+"\n", i, i)
		}
		b.WriteString(`{"type":"seed","ref":"p0"}` + "\n")
		for i := 1; i < people; i++ {
			// A tree from the seed, with a second endorser for most: paths of several steps.
			fmt.Fprintf(&b, `{"type":"endorsement","from":"p%d","to":"p%d","level":"advocate","created_at":"2024-02-01T10:00:00Z"}`+"\n", (i-1)/3, i)
			if i > 4 {
				fmt.Fprintf(&b, `{"type":"endorsement","from":"p%d","to":"p%d","level":"ambassador","created_at":"2024-02-02T10:00:00Z"}`+"\n", i/2, i)
			}
		}
		if err := importLines(t.Context(), s, b.String()); err != nil {
			t.Fatal(err)
		}
		ts := newTrustSite(t, s)
		page := "/signatories/" + fixtureID("p200") + "/trust"

		// Before any computation: a page that says so, not an error, and not cached.
		res, body := ts.get(nil, page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "The tiers are being computed") || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("before the first computation: %d %q\n%.400s", res.StatusCode, res.Header.Get("Cache-Control"), body)
		}
		if _, body := ts.get(nil, page+"?lang=fr"); !strings.Contains(body, "Les niveaux sont en cours de calcul") {
			t.Error("no French message before the first computation")
		}

		// The tiers are computed (as the `tiers` command does) and marked current: a server
		// starting now has nothing to recompute, and its worker still gives the pages an
		// explanation at once, without writing anything.
		if _, err := recomputeTiers(t.Context(), s, trust.DefaultConfig()); err != nil {
			t.Fatal(err)
		}
		before := graphState(t, s)
		ctx, stop := context.WithCancel(t.Context())
		workerDone := make(chan struct{})
		go func() { ts.worker.run(ctx); close(workerDone) }()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, ok := ts.explain.Version(); ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the worker gave the pages no explanation within 10 s of starting on current tiers")
			}
			time.Sleep(10 * time.Millisecond)
		}
		stop()
		<-workerDone
		if after := graphState(t, s); after != before {
			t.Errorf("starting the worker on current tiers wrote something: %s → %s", before, after)
		}
		v0, _ := ts.explain.Version()
		res, body = ts.get(nil, page)
		first := shownVersion(body)
		if res.StatusCode != http.StatusOK || !strings.Contains(first, "Computed at") || !strings.Contains(first, "graph version "+v0) ||
			!strings.Contains(body, "Path of trust, from a founding Ambassador") {
			t.Fatalf("trust page after the computation: %d %q\n%.600s", res.StatusCode, first, body)
		}
		if _, body := ts.get(nil, page+"?lang=fr"); !strings.Contains(shownVersion(body), "Calculé le") ||
			!strings.Contains(shownVersion(body), "version du graphe "+v0) {
			t.Errorf("French page: %q", shownVersion(body))
		}

		// Anonymous visits change nothing, however many.
		before = graphState(t, s)
		for i := range 30 {
			id := fixtureID(fmt.Sprintf("p%d", i*7))
			ts.get(nil, "/signatories/"+id+"/trust")
			ts.get(nil, "/signatories/"+id+"/graph.svg")
			ts.get(nil, "/signatories/"+id)
		}
		if after := graphState(t, s); after != before {
			t.Errorf("anonymous visits changed the registry: %s → %s", before, after)
		}

		// Readers hammer the pages while endorsements are written every few milliseconds, first
		// with no worker running: a page that computed would show a newer graph version.
		hammer := func(d time.Duration, writer bool) (answers int, slowest time.Duration, versions map[string]int) {
			t.Helper()
			var mu sync.Mutex
			versions = map[string]int{}
			var n atomic.Int64
			var wg sync.WaitGroup
			end := time.Now().Add(d)
			if writer {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; time.Now().Before(end); k++ {
						// A new edge each time, between people not yet linked that way.
						from, to := fmt.Sprintf("p%d", people-1-k%(people-10)), fmt.Sprintf("p%d", 3+(k*7)%(people-20))
						if from == to {
							continue
						}
						line := fmt.Sprintf(`{"type":"endorsement","from":%q,"to":%q,"level":"ambassador","created_at":"2024-03-01T10:00:00Z"}`+"\n",
							fixtureID(from), fixtureID(to))
						if err := importLines(context.Background(), s, line); err != nil {
							t.Errorf("writing an endorsement: %v", err)
							return
						}
						time.Sleep(3 * time.Millisecond)
					}
				}()
			}
			client := &http.Client{Timeout: 10 * time.Second}
			for r := range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; time.Now().Before(end); k++ {
						target := "/signatories/" + fixtureID(fmt.Sprintf("p%d", (r*97+k*13)%people)) + "/trust"
						began := time.Now()
						res, err := client.Get(ts.srv.URL + target)
						if err != nil {
							t.Errorf("GET %s: %v", target, err)
							return
						}
						b, _ := io.ReadAll(res.Body)
						res.Body.Close()
						took := time.Since(began)
						if res.StatusCode != http.StatusOK {
							t.Errorf("GET %s: %d", target, res.StatusCode)
						}
						v := shownVersion(string(b))
						mu.Lock()
						versions[v]++
						slowest = max(slowest, took)
						mu.Unlock()
						n.Add(1)
					}
				}()
			}
			wg.Wait()
			return int(n.Load()), slowest, versions
		}
		vBefore, _ := s.GraphVersion(t.Context())
		answers, slowest, versions := hammer(1500*time.Millisecond, true)
		vAfter, _ := s.GraphVersion(t.Context())
		t.Logf("without the worker: %d answers, slowest %s, graph %s → %s", answers, slowest, vBefore, vAfter)
		if vAfter == vBefore {
			t.Fatal("the writer did not change the graph")
		}
		if len(versions) != 1 || versions[first] != answers {
			t.Errorf("pages showed %v, want all %d from the computation handed over (%q): a page computed", versions, answers, first)
		}
		if slowest > time.Second {
			t.Errorf("the slowest trust page took %s", slowest)
		}
		if v, _ := ts.explain.Version(); v != v0 {
			t.Errorf("the pages' computation changed from version %s to %s with no worker running", v0, v)
		}

		// With the worker running, the pages follow its computations, and still never wait.
		ctx, stop = context.WithCancel(t.Context())
		workerDone = make(chan struct{})
		go func() { ts.worker.run(ctx); close(workerDone) }()
		defer func() { stop(); <-workerDone }()
		answers, slowest, _ = hammer(1500*time.Millisecond, true)
		t.Logf("with the worker: %d answers, slowest %s", answers, slowest)
		if slowest > time.Second {
			t.Errorf("the slowest trust page took %s with the worker computing", slowest)
		}
		latest, _ := s.GraphVersion(t.Context())
		deadline = time.Now().Add(15 * time.Second)
		for {
			_, body := ts.get(nil, page)
			if strings.Contains(shownVersion(body), "graph version "+latest+")") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the page still shows %q, 15 s after the graph reached version %s", shownVersion(body), latest)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// An endorsement waiting for its endorsee's answer counts for the tiers, but only the endorsee
// sees who gave it, on the trust pages and in the picture, until they accept it.
func TestPendingEndorsementShownToEndorseeAlone(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		if err := importLines(t.Context(), s, `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Founder","email":"ada@example.org","country":"IT","signed_at":"2024-01-01T10:00:00Z"}
{"type":"signatory","ref":"bea","kind":"person","name":"Bea Newcomer","email":"bea@example.org","country":"IT","signed_at":"2024-01-02T10:00:00Z"}
{"type":"signatory","ref":"dee","kind":"person","name":"Dee Downstream","email":"dee@example.org","country":"FR","signed_at":"2024-01-03T10:00:00Z"}
{"type":"seed","ref":"ada"}
{"type":"endorsement","from":"ada","to":"bea","level":"advocate","status":"pending","created_at":"2024-02-01T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"dee","level":"advocate","status":"accepted","created_at":"2024-02-02T10:00:00Z"}
`); err != nil {
			t.Fatal(err)
		}
		ts := newTrustSite(t, s)
		ts.worker.explainOnly(t.Context())
		bea, dee := "/signatories/"+fixtureID("bea"), "/signatories/"+fixtureID("dee")
		beaClient, beaTok := ts.login("Bea Newcomer", "bea@example.org")
		deeClient, _ := ts.login("Dee Downstream", "dee@example.org")

		// The pending edge counts: Bea holds a place in the Advocate run through it.
		_, body := ts.get(nil, bea+"/trust")
		if !strings.Contains(body, "Endorsements link this signatory to a founding Ambassador along the path above.") {
			t.Fatalf("the pending endorsement did not count for Bea's standing\n%.2000s", body)
		}
		for who, c := range map[string]*http.Client{"a visitor": nil, "Dee, signed in": deeClient} {
			for _, page := range []string{bea + "/trust", dee + "/trust"} {
				if _, body := ts.get(c, page); strings.Contains(body, "Ada Founder") || strings.Contains(body, "answer is awaited") {
					t.Errorf("%s sees the endorser of a pending endorsement on %s", who, page)
				}
			}
			if _, svg := ts.get(c, bea+"/graph.svg"); strings.Contains(svg, ">AF<") || strings.Contains(svg, "stroke-dasharray") {
				t.Errorf("%s sees the pending endorsement in Bea's picture:\n%s", who, svg)
			}
		}
		// Bea sees it, marked pending; nothing of hers is cached for others.
		res, body := ts.get(beaClient, bea+"/trust")
		if !strings.Contains(body, "Ada Founder") || !strings.Contains(body, "your answer is awaited") || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("Bea does not see the endorsement waiting for her (%q)\n%.3000s", res.Header.Get("Cache-Control"), body)
		}
		res, svg := ts.get(beaClient, bea+"/graph.svg")
		if !strings.Contains(svg, ">AF<") || !strings.Contains(svg, "stroke-dasharray") || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("Bea's picture lacks the pending endorsement, dashed (%q):\n%s", res.Header.Get("Cache-Control"), svg)
		}

		// Someone who signs after the computation shown gets a page saying the next one places them.
		if err := importLines(t.Context(), s, `{"type":"signatory","ref":"eve","kind":"person","name":"Eve Later","country":"FR","signed_at":"2024-03-01T10:00:00Z"}`+"\n"); err != nil {
			t.Fatal(err)
		}
		if res, body := ts.get(nil, "/signatories/"+fixtureID("eve")+"/trust"); res.StatusCode != http.StatusOK || !strings.Contains(body, "joined after this computation") {
			t.Errorf("a signatory newer than the computation: %d\n%.1500s", res.StatusCode, body)
		}

		// Once she accepts, everyone sees it.
		res, err := beaClient.PostForm(ts.srv.URL+"/account/endorsements/"+fixtureID("ada")+"/accept", url.Values{"_csrf": {beaTok}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("accepting: %d", res.StatusCode)
		}
		for _, page := range []string{bea + "/trust", dee + "/trust"} {
			if _, body := ts.get(nil, page); !strings.Contains(body, "Ada Founder") || strings.Contains(body, "answer is awaited") {
				t.Errorf("after acceptance a visitor does not see Ada on %s", page)
			}
		}
		if _, svg := ts.get(nil, bea+"/graph.svg"); !strings.Contains(svg, ">AF<") || strings.Contains(svg, "stroke-dasharray") {
			t.Errorf("after acceptance Bea's picture lacks Ada:\n%s", svg)
		}
	})
}

// Steady activity cannot put a recomputation off for ever: with an endorsement more often than
// the quiet period, the worker still recomputes within its longest wait.
func TestTiersRecomputedUnderSteadyActivity(t *testing.T) {
	s := testutil.SQLite(t)
	var b strings.Builder
	b.WriteString(`{"type":"signatory","ref":"p0","kind":"person","name":"Seed","email":"p0@example.org","country":"IT","signed_at":"2024-01-01T10:00:00Z"}` + "\n")
	b.WriteString(`{"type":"seed","ref":"p0"}` + "\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, `{"type":"signatory","ref":"p%d","kind":"person","name":"P %d","email":"p%d@example.org","country":"IT","signed_at":"2024-01-01T10:00:00Z"}`+"\n", i, i, i)
	}
	if err := importLines(t.Context(), s, b.String()); err != nil {
		t.Fatal(err)
	}
	w := &tiersWorker{store: s, cfg: trust.DefaultConfig(), log: discard(), poll: 20 * time.Millisecond,
		quiet: time.Hour, maxWait: 300 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { w.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	computed := func() string { v, _, _ := s.Setting(t.Context(), "tiers_computed"); return v }
	first := computed()
	deadline := time.Now().Add(10 * time.Second)
	for k := 1; computed() == first; k++ {
		if time.Now().After(deadline) {
			t.Fatalf("no recomputation in 10 s of an endorsement every 30 ms (computed %q)", first)
		}
		line := fmt.Sprintf(`{"type":"endorsement","from":%q,"to":%q,"level":"advocate","created_at":"2024-03-01T10:00:00Z"}`+"\n",
			fixtureID("p0"), fixtureID(fmt.Sprintf("p%d", k%39+1)))
		if k > 39 {
			line = fmt.Sprintf(`{"type":"endorsement","from":%q,"to":%q,"level":"advocate","created_at":"2024-03-01T10:00:00Z"}`+"\n",
				fixtureID(fmt.Sprintf("p%d", k%39+1)), fixtureID(fmt.Sprintf("p%d", (k+1)%39+1)))
		}
		if err := importLines(t.Context(), s, line); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}
