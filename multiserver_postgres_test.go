package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// The servers of this test share one PostgreSQL schema: two seeds are imported, people log in
// and sign, seeds and people endorse and accept, each request going to any server as a load
// balancer would send it, and one server is killed with SIGKILL half-way, preferably while it
// holds a job.
const serversFixture = `{"type":"header","format":"registry-jsonl","version":1,"source":"servers"}
{"type":"signatory","ref":"s1","kind":"person","name":"Seed One","email":"seed1@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"s2","kind":"person","name":"Seed Two","email":"seed2@example.org","country":"FR","signed_at":"2024-05-01T10:00:00Z"}
{"type":"seed","ref":"s1"}
{"type":"seed","ref":"s2"}
`

// Three servers on one PostgreSQL, one of them killed half-way: no credential issued twice, no
// job left behind, the tiers computed once per version of the graph, and every public page the
// same on every surviving server within 2 s of the last write.
func TestThreeServersOnOnePostgres(t *testing.T) {
	if os.Getenv(testutil.PostgresEnv) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the several-servers test", testutil.PostgresEnv)
		}
		t.Skipf("%s is not set: skipping the test of three servers on one PostgreSQL", testutil.PostgresEnv)
	}
	ctx := context.Background()
	// An empty schema: the three servers start on it at once, so they migrate it, publish the
	// declaration and pin the base URL at the same moment.
	dbURL := testutil.PostgresURL(t)
	// One set of issuer keys for every server, as an operator would share it.
	keys := filepath.Join(t.TempDir(), "keys")
	if _, err := issuer.OpenKeys(keys); err != nil {
		t.Fatal(err)
	}

	servers := make([]*fleetServer, 3)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i] = startFleetServer(t, "serve", "--db", dbURL, "--keys", keys, "--addr", "127.0.0.1:0", "--dev-login", "--rate-limit", "off")
		}()
	}
	wg.Wait()
	for _, s := range servers {
		if s == nil {
			t.FailNow()
		}
	}
	defer func() {
		for _, s := range servers {
			s.stop()
		}
		if t.Failed() {
			for i, s := range servers {
				t.Logf("server %d (pid %d) log:\n%s", i, s.cmd.Process.Pid, s.log.String())
			}
		}
	}()
	store, err := models.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// The founding Ambassadors come from an import into the running registry.
	testutil.Load(t, store, serversFixture)
	lb := &fleetBalancer{servers: servers}
	start := time.Now()

	people := map[string]*fleetVisitor{}
	person := func(name, email string) *fleetVisitor {
		jar, _ := cookiejar.New(nil)
		v := &fleetVisitor{t: t, lb: lb, name: name, email: email, c: &http.Client{Jar: jar, Timeout: 15 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		people[name] = v
		return v
	}
	seed1, seed2 := person("Seed One", "seed1@example.org"), person("Seed Two", "seed2@example.org")
	var signers []*fleetVisitor
	for i := range 16 {
		signers = append(signers, person(fmt.Sprintf("Person %02d", i), fmt.Sprintf("person%02d@example.org", i)))
	}
	// What the database says of an action, to know whether a request lost with its server took
	// effect before trying it again.
	signed := func(v *fleetVisitor) func() bool {
		return func() bool {
			var n int64
			store.DB.Model(&models.Signatory{}).Where("email = ? AND account_id IS NOT NULL", v.email).Count(&n)
			return n == 1
		}
	}
	publicID := func(v *fleetVisitor) string {
		var sg models.Signatory
		if err := store.DB.Where("email = ?", v.email).Take(&sg).Error; err != nil {
			t.Fatalf("%s has no entry: %v", v.name, err)
		}
		return sg.PublicID
	}
	endorsed := func(from, to *fleetVisitor, status string) func() bool {
		return func() bool {
			var n int64
			store.DB.Model(&models.Endorsement{}).
				Joins("JOIN signatories f ON f.id = endorsements.from_id AND f.email = ?", from.email).
				Joins("JOIN signatories t ON t.id = endorsements.to_id AND t.email = ?", to.email).
				Where("endorsements.status IN ?", strings.Split(status, ",")).Count(&n)
			return n == 1
		}
	}
	signAction := func(v *fleetVisitor) fleetAction {
		return fleetAction{name: v.name + " signs", done: signed(v), do: func() error {
			if err := v.login(); err != nil {
				return err
			}
			return v.submit("/sign", "/sign", url.Values{"name": {v.name}, "country": {"IT"}, "consent": {"yes"}})
		}}
	}
	loginAction := func(v *fleetVisitor) fleetAction {
		return fleetAction{name: v.name + " logs in", do: v.login}
	}
	endorseAction := func(from, to *fleetVisitor, level string) fleetAction {
		return fleetAction{name: from.name + " endorses " + to.name, done: endorsed(from, to, "pending,accepted"), do: func() error {
			page := "/signatories/" + publicID(to)
			return from.submit(page, page+"/endorse", url.Values{"level": {level}, "comment": {"Met at the plenary."}})
		}}
	}
	acceptAction := func(v, from *fleetVisitor) fleetAction {
		return fleetAction{name: v.name + " accepts " + from.name, done: endorsed(from, v, "accepted"), do: func() error {
			return v.submit("/account", "/account/endorsements/"+publicID(from)+"/accept", nil)
		}}
	}

	var waves [][]fleetAction
	var w []fleetAction
	w = append(w, loginAction(seed1), loginAction(seed2))
	for _, v := range signers[:12] {
		w = append(w, signAction(v))
	}
	waves = append(waves, w)
	waves = append(waves, []fleetAction{
		endorseAction(seed1, signers[0], "advocate"), endorseAction(seed1, signers[1], "advocate"), endorseAction(seed1, signers[2], "advocate"),
		endorseAction(seed1, signers[3], "advocate"), endorseAction(seed1, signers[4], "ambassador"),
		endorseAction(seed2, signers[5], "advocate"), endorseAction(seed2, signers[6], "advocate"), endorseAction(seed2, signers[7], "advocate"),
		endorseAction(seed2, signers[8], "ambassador"),
	})
	w = []fleetAction{endorseAction(signers[0], signers[9], "advocate"), endorseAction(signers[4], signers[10], "ambassador"),
		endorseAction(signers[8], signers[11], "advocate"), endorseAction(signers[1], signers[0], "advocate")}
	for _, v := range signers[12:] {
		w = append(w, signAction(v))
	}
	waves = append(waves, w)
	waves = append(waves, []fleetAction{acceptAction(signers[0], seed1), acceptAction(signers[4], seed1), acceptAction(signers[9], signers[0]),
		acceptAction(signers[11], signers[8])})

	// The kill comes during the endorsements of the second wave, a moment after the signatures
	// of the first queued their badges: the server holding a job then is the one killed.
	var victim *fleetServer
	killed := make(chan struct{})
	for i, wave := range waves {
		var kill func()
		if i == 1 {
			kill = func() {
				victim = lb.kill(t, store)
				close(killed)
			}
		}
		if i > 0 {
			// A pause longer than the tier worker's quiet time: the tiers are computed between
			// waves, on whichever server claims the job, several times in the test.
			time.Sleep(2 * time.Second)
		}
		runWave(t, wave, 6, kill)
	}
	<-killed
	drivenIn := time.Since(start)

	// Watch every surviving server's pages until the registry is quiet.
	survivors := lb.live()
	watch := newFleetWatch(survivors, publicID(signers[0]))
	watching, stopWatching := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { watch.run(watching); close(watched) }()
	lastWrite, err := waitForQuiet(t, store, 45*time.Second)
	time.Sleep(500 * time.Millisecond) // a few more looks after the end
	stopWatching()
	<-watched
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d servers, %d actions driven in %s; the last write %s after the driving ended; server pid %d killed",
		len(servers), countActions(waves), drivenIn.Round(time.Millisecond), lastWrite.Sub(start.Add(drivenIn)).Round(time.Millisecond), victim.cmd.Process.Pid)

	if d := <-lb.takenBack; lb.heldAtDeath == 0 {
		t.Error("the killed server held no job: the test means to see its jobs taken over")
	} else {
		t.Logf("the killed server held %d jobs; the others took them back %s after its death (their leases had minutes to run)", lb.heldAtDeath, d.Round(time.Millisecond))
		if d > 5*time.Second {
			t.Errorf("the jobs of the killed server were taken back after %s, want within seconds", d.Round(time.Millisecond))
		}
	}
	checkEveryoneOnce(t, store, people)
	checkNoDuplicateCredential(t, store)
	checkNoJobLeftBehind(t, store, victim, servers)
	checkTiersOncePerVersion(t, store, servers)
	watch.check(t, store, lastWrite, 2*time.Second)
}

// fleetServer is one registry process of the test.
type fleetServer struct {
	cmd  *exec.Cmd
	base string
	log  *fleetLog
	done chan struct{}
}

// fleetLog collects a server's log while it runs.
type fleetLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *fleetLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *fleetLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startFleetServer runs the registry in a process of its own (see TestMain), its log collected.
func startFleetServer(t *testing.T, args ...string) *fleetServer {
	t.Helper()
	s := &fleetServer{cmd: exec.Command(os.Args[0], append([]string{"--"}, args...)...), log: &fleetLog{}, done: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), childServeEnv+"=1")
	s.cmd.Stderr = s.log
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Error(err)
		return nil
	}
	if err := s.cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		s.base = "http://" + a
		return s
	case <-s.done:
		t.Errorf("a server stopped at its start:\n%s", s.log.String())
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("a server did not start:\n%s", s.log.String())
	}
	return nil
}

// stop ends a server as an operator would, unless it was killed.
func (s *fleetServer) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// name is the server's name among the processes on the database (its job claims, its lock).
func (s *fleetServer) name() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, s.cmd.Process.Pid)
}

// fleetBalancer sends each request to a running server taken at random.
type fleetBalancer struct {
	mu      sync.Mutex
	servers []*fleetServer
	dead    map[*fleetServer]bool
	// heldAtDeath counts the jobs the killed server held; takenBack says when the others had
	// taken them all back.
	heldAtDeath int64
	takenBack   chan time.Duration
}

func (b *fleetBalancer) live() []*fleetServer {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*fleetServer
	for _, s := range b.servers {
		if !b.dead[s] {
			out = append(out, s)
		}
	}
	return out
}

func (b *fleetBalancer) pick() string {
	l := b.live()
	return l[rand.IntN(len(l))].base
}

// kill kills, with SIGKILL, a server that holds a job at this moment, or else the first after a
// few seconds of looking; requests in flight to it fail and are sent elsewhere. A server seen
// holding a job is frozen (SIGSTOP) at once, and killed if the job is still its own then.
func (b *fleetBalancer) kill(t *testing.T, store *models.Store) *fleetServer {
	held := func(s *fleetServer) int64 {
		var n int64
		store.DB.Model(&models.Job{}).Where("leased_by LIKE ? AND lease_until >= ? AND done_at IS NULL AND failed_at IS NULL",
			s.name()+"/%", time.Now()).Count(&n)
		return n
	}
	victim := b.servers[0]
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		claims, err := store.JobClaims(context.Background(), "")
		if err != nil {
			t.Error(err)
			break
		}
		var holder *fleetServer
		for _, c := range claims {
			for _, s := range b.servers {
				if strings.HasPrefix(c.LeasedBy, s.name()+"/") {
					holder = s
				}
			}
		}
		if holder == nil {
			continue
		}
		holder.cmd.Process.Signal(syscall.SIGSTOP)
		if held(holder) > 0 {
			victim = holder
			var j models.Job
			store.DB.Where("leased_by LIKE ? AND done_at IS NULL", holder.name()+"/%").Take(&j)
			t.Logf("killing pid %d while it holds a job (%s)", victim.cmd.Process.Pid, j.Kind)
			break
		}
		holder.cmd.Process.Signal(syscall.SIGCONT)
	}
	b.mu.Lock()
	if b.dead == nil {
		b.dead = map[*fleetServer]bool{}
	}
	b.dead[victim] = true
	b.mu.Unlock()
	victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.done
	// How long its claims in force outlive it.
	died := time.Now()
	b.heldAtDeath = held(victim)
	b.takenBack = make(chan time.Duration, 1)
	go func() {
		for held(victim) > 0 && time.Since(died) < 30*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		b.takenBack <- time.Since(died)
	}()
	return victim
}

// fleetVisitor is a person with a browser: a cookie jar shared by every server (cookies do not tell
// ports apart), so a session started on one server is used on the others.
type fleetVisitor struct {
	t           *testing.T
	lb          *fleetBalancer
	name, email string
	c           *http.Client
}

func (v *fleetVisitor) get(path string) (*http.Response, []byte, error) {
	res, err := v.c.Get(v.lb.pick() + path)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

func (v *fleetVisitor) login() error {
	return v.submit("/login", "/auth/dev", url.Values{"name": {v.name}, "email": {v.email}})
}

// submit fills the form posting to action on page, as a browser would, and posts it; a redirect
// (303) is success.
func (v *fleetVisitor) submit(page, action string, values url.Values) error {
	res, body, err := v.get(page)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", page, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return err
	}
	form := doc.Find(`form[action="` + action + `"]`).First()
	if form.Length() == 0 {
		return refused(fmt.Errorf("%s has no form to %s", page, action))
	}
	post := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		post.Set(name, value)
	})
	for k, vs := range values {
		post[k] = vs
	}
	res, err = v.c.PostForm(v.lb.pick()+action, post)
	if err != nil {
		return err
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return refused(fmt.Errorf("POST %s: %d %s", action, res.StatusCode, mainSnippet(reply)))
	}
	return nil
}

func mainSnippet(b []byte) string {
	s := regexp.MustCompile(`\s+`).ReplaceAllString(string(b), " ")
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	return s[:min(len(s), 400)]
}

// fleetRefusal is a refusal by a running server: trying again elsewhere would not help.
type fleetRefusal struct{ error }

func refused(err error) error { return fleetRefusal{err} }

// action is one thing a person does; done, when set, tells from the database whether it took
// effect (a request lost with a killed server may have).
type fleetAction struct {
	name string
	do   func() error
	done func() bool
}

// runWave runs a wave's actions on a few workers at once, trying an action again on another
// server when its server was killed under it; kill, when set, runs once a third of the wave is
// done, while the rest is in flight.
func runWave(t *testing.T, wave []fleetAction, workers int, kill func()) {
	t.Helper()
	queue := make(chan fleetAction)
	var wg sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	var once sync.Once
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range queue {
				var err error
				for attempt := 0; attempt < 4; attempt++ {
					if attempt > 0 && a.done != nil && a.done() {
						err = nil
						break
					}
					if err = a.do(); err == nil || errors.As(err, new(fleetRefusal)) {
						break
					}
					var ne net.Error
					if !errors.As(err, &ne) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.ECONNREFUSED) {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if err != nil {
					t.Errorf("%s: %v", a.name, err)
				}
				mu.Lock()
				finished++
				third := finished >= len(wave)/3
				mu.Unlock()
				if kill != nil && third {
					go once.Do(kill)
				}
			}
		}()
	}
	for _, a := range wave {
		queue <- a
	}
	close(queue)
	wg.Wait()
	if kill != nil {
		once.Do(kill)
	}
}

func countActions(waves [][]fleetAction) int {
	n := 0
	for _, w := range waves {
		n += len(w)
	}
	return n
}

// quiet waits until the registry has settled: the tiers computed from the graph as it is, no job
// due, the change counter still for two seconds. It returns when the counter last moved, as
// sampled every 10 ms.
func waitForQuiet(t *testing.T, store *models.Store, within time.Duration) (time.Time, error) {
	ctx := context.Background()
	deadline := time.Now().Add(within)
	var last int64 = -1
	var movedAt time.Time
	for time.Now().Before(deadline) {
		n, err := store.ChangeCount(ctx)
		if err != nil {
			return movedAt, err
		}
		if n != last {
			last, movedAt = n, time.Now()
		}
		if time.Since(movedAt) >= 2*time.Second {
			current, _, err := store.TiersCurrent(ctx)
			if err != nil {
				return movedAt, err
			}
			var due int64
			store.DB.Model(&models.Job{}).Where("done_at IS NULL AND failed_at IS NULL AND run_at <= ?", time.Now()).Count(&due)
			if current && due == 0 {
				return movedAt, nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return movedAt, fmt.Errorf("the registry did not settle within %s", within)
}

// checkEveryoneOnce: each person who signed has one entry and one signature, whatever server
// their requests reached and however often a lost request was sent again.
func checkEveryoneOnce(t *testing.T, store *models.Store, people map[string]*fleetVisitor) {
	t.Helper()
	for _, v := range people {
		var entries, signatures int64
		store.DB.Model(&models.Signatory{}).Where("email = ?", v.email).Count(&entries)
		store.DB.Table("signatures").Joins("JOIN signatories ON signatories.id = signatures.signatory_id").Where("signatories.email = ?", v.email).Count(&signatures)
		if entries != 1 || signatures != 1 {
			t.Errorf("%s has %d entries and %d signatures, want 1 and 1", v.name, entries, signatures)
		}
	}
}

// checkNoDuplicateCredential: no two credentials of one achievement (or one endorsement) were
// ever live at the same time for one signatory, and everyone holds the badges of their tier.
func checkNoDuplicateCredential(t *testing.T, store *models.Store) {
	t.Helper()
	var overlaps []struct {
		SignatoryID int64
		Kind        string
		A, B        string
	}
	store.DB.Raw(`SELECT a.signatory_id, a.kind, a.id AS a, b.id AS b FROM credentials a JOIN credentials b
		ON b.signatory_id = a.signatory_id AND b.kind = a.kind AND COALESCE(b.endorsement_id, 0) = COALESCE(a.endorsement_id, 0) AND b.id <> a.id
		WHERE a.issued_at <= b.issued_at AND (a.revoked_at IS NULL OR a.revoked_at > b.issued_at)`).Scan(&overlaps)
	for _, o := range overlaps {
		t.Errorf("signatory %d holds two %s credentials at once: %s and %s", o.SignatoryID, o.Kind, o.A, o.B)
	}
	var missing []struct {
		Name, Tier string
	}
	store.DB.Raw(`SELECT s.name, k.kind AS tier FROM signatories s
		JOIN (SELECT 'signatory' AS kind UNION ALL SELECT 'advocate' UNION ALL SELECT 'ambassador') k
			ON k.kind = 'signatory' OR k.kind = s.tier
		WHERE s.listed AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.signatory_id = s.id AND c.kind = k.kind AND c.revoked_at IS NULL)`).Scan(&missing)
	for _, m := range missing {
		t.Errorf("%s has no live %s badge", m.Name, m.Tier)
	}
	var issued int64
	store.DB.Model(&models.Credential{}).Count(&issued)
	t.Logf("%d credentials issued", issued)
}

// checkNoJobLeftBehind: every job done (periodic ones waiting for their next period), none dead,
// none still held by the killed server, every badge of the outbox issued.
func checkNoJobLeftBehind(t *testing.T, store *models.Store, victim *fleetServer, servers []*fleetServer) {
	t.Helper()
	var open []models.Job
	store.DB.Where("done_at IS NULL AND (failed_at IS NOT NULL OR run_at <= ? OR leased_by IS NOT NULL)", time.Now()).Find(&open)
	for _, j := range open {
		t.Errorf("job %d (%s) left behind: due %s, held by %v, failed %v, attempts %d, error %q", j.ID, j.Kind, j.RunAt, strOrEmpty(j.LeasedBy), j.FailedAt, j.Attempts, j.LastError)
	}
	var held int64
	store.DB.Model(&models.Job{}).Where("leased_by LIKE ?", victim.name()+"/%").Count(&held)
	if held != 0 {
		t.Errorf("%d jobs still held by the killed server", held)
	}
	var outbox int64
	store.DB.Table("issuance_outbox").Where("done_at IS NULL").Count(&outbox)
	if outbox != 0 {
		t.Errorf("%d badges of the outbox never issued", outbox)
	}
	var stale int64
	store.DB.Table("status_lists").Where("signed_version < version").Count(&stale)
	if stale != 0 {
		t.Errorf("%d status lists never signed again", stale)
	}
	taken := 0
	for _, s := range servers {
		taken += strings.Count(s.log.String(), "took back a job from a stopped server")
	}
	var done int64
	store.DB.Model(&models.Job{}).Where("done_at IS NOT NULL").Count(&done)
	t.Logf("%d jobs done; %d claims of the killed server taken back by the others", done, taken)
}

func strOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var tiersLine = regexp.MustCompile(`msg="tiers recomputed" version=(\d+)`)

// checkTiersOncePerVersion: across every server's log, each version of the graph was computed
// once at most, and the last version was computed.
func checkTiersOncePerVersion(t *testing.T, store *models.Store, servers []*fleetServer) {
	t.Helper()
	runs := map[string][]int{}
	for i, s := range servers {
		for _, m := range tiersLine.FindAllStringSubmatch(s.log.String(), -1) {
			runs[m[1]] = append(runs[m[1]], i)
		}
	}
	var versions []string
	for v, by := range runs {
		versions = append(versions, v)
		if len(by) > 1 {
			t.Errorf("graph version %s computed %d times (by servers %v)", v, len(by), by)
		}
	}
	sort.Strings(versions)
	latest, err := store.GraphVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) < 2 {
		t.Errorf("the tiers were computed %d times: the test means to see several computations", len(runs))
	}
	if _, ok := runs[latest]; !ok {
		t.Errorf("the latest graph version %s was never computed (computed: %v)", latest, versions)
	}
	t.Logf("%d tier computations, of graph versions %v", len(runs), versions)
}

// fleetWatch looks at every surviving server's public pages over and over, remembering what
// each showed when.
type fleetWatch struct {
	servers []*fleetServer
	profile string // a signatory whose profile and trust page are watched
	client  *http.Client

	mu    sync.Mutex
	looks map[*fleetServer][]fleetLook
}

type fleetLook struct {
	at    time.Time // when the look began
	pages map[string]string
}

func newFleetWatch(servers []*fleetServer, profile string) *fleetWatch {
	return &fleetWatch{servers: servers, profile: profile, client: &http.Client{Timeout: 10 * time.Second}, looks: map[*fleetServer][]fleetLook{}}
}

func (w *fleetWatch) paths() []string {
	return []string{"/", "/signatories", "/signatories?tier=advocate", "/api/v1/signatories?limit=200", "/api/v1/stats",
		"/signatories/" + w.profile, "/signatories/" + w.profile + "/trust", "/api/v1/signatories/" + w.profile}
}

var csrfValue = regexp.MustCompile(`name="_csrf" value="[^"]*"`)

// computedAt is when a server computed the explanation a trust page shows: each server computes
// its own, so only the graph version it was computed from is compared.
var computedAt = regexp.MustCompile(`<time[^>]*datetime="[^"]*"[^>]*>[^<]*</time>`)

func (w *fleetWatch) run(ctx context.Context) {
	for ctx.Err() == nil {
		var wg sync.WaitGroup
		for _, s := range w.servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := fleetLook{at: time.Now(), pages: map[string]string{}}
				for _, p := range w.paths() {
					res, err := w.client.Get(s.base + p)
					if err != nil {
						l.pages[p] = "error: " + err.Error()
						continue
					}
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					body := csrfValue.ReplaceAllString(string(b), "")
					if strings.HasSuffix(p, "/trust") {
						body = computedAt.ReplaceAllString(body, "")
					}
					l.pages[p] = fmt.Sprintf("%d %s", res.StatusCode, body)
				}
				w.mu.Lock()
				w.looks[s] = append(w.looks[s], l)
				w.mu.Unlock()
			}()
		}
		wg.Wait()
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// check: at the end every server shows the same pages, which agree with the database, and each
// showed them from at most within after the last write on.
func (w *fleetWatch) check(t *testing.T, store *models.Store, lastWrite time.Time, within time.Duration) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	final := w.looks[w.servers[0]]
	if len(final) == 0 {
		t.Fatal("no look at the pages")
	}
	want := final[len(final)-1].pages
	for i, s := range w.servers {
		looks := w.looks[s]
		end := looks[len(looks)-1].pages
		for _, p := range w.paths() {
			if end[p] != want[p] {
				t.Errorf("at the end, surviving server %d shows another %s than server 0:\n%s\n---\n%s", i, p, mainSnippet([]byte(end[p])), mainSnippet([]byte(want[p])))
			}
		}
		// The last look that differed from the end began before the server could know.
		var lastStale time.Time
		var stalePage string
		for _, l := range looks {
			for _, p := range w.paths() {
				if l.pages[p] != want[p] {
					lastStale, stalePage = l.at, p
				}
			}
		}
		late := lastStale.Sub(lastWrite)
		t.Logf("server %d: %d looks; the last one showing an older state began %s after the last write (%s)", i, len(looks), late.Round(time.Millisecond), stalePage)
		if late > within {
			t.Errorf("server %d still showed an older %s %s after the last write (at most %s)", i, stalePage, late.Round(time.Millisecond), within)
		}
	}
	// The pages agree with the database.
	var rows []struct{ PublicID, Tier string }
	store.DB.Raw("SELECT public_id, tier FROM signatories WHERE listed ORDER BY public_id").Scan(&rows)
	var list struct {
		Items []struct{ ID, Tier string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(want["/api/v1/signatories?limit=200"], "200 ")), &list); err != nil {
		t.Fatalf("the API list: %v", err)
	}
	shown := map[string]string{}
	for _, it := range list.Items {
		shown[it.ID] = it.Tier
	}
	tiers := map[string]int64{}
	for _, r := range rows {
		tiers[r.Tier]++
		if shown[r.PublicID] != r.Tier {
			t.Errorf("the API lists %s as %q, the database says %q", r.PublicID, shown[r.PublicID], r.Tier)
		}
	}
	if len(list.Items) != len(rows) {
		t.Errorf("the API lists %d signatories, the database %d", len(list.Items), len(rows))
	}
	var stats struct {
		Signatories int64            `json:"signatories"`
		Tiers       map[string]int64 `json:"tiers"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(want["/api/v1/stats"], "200 ")), &stats); err != nil {
		t.Fatalf("the stats: %v", err)
	}
	if stats.Signatories != int64(len(rows)) || stats.Tiers["advocate"] != tiers["advocate"] || stats.Tiers["ambassador"] != tiers["ambassador"] {
		t.Errorf("the stats say %+v, the database %d signatories, tiers %v", stats, len(rows), tiers)
	}
	if tiers["advocate"] == 0 {
		t.Error("no Advocate: the endorsements changed no tier")
	}
	version, _ := store.GraphVersion(context.Background())
	if trust := want["/signatories/"+w.profile+"/trust"]; !strings.Contains(trust, "graph version "+version+")") {
		t.Errorf("the trust page does not show the latest graph version %s:\n%s", version, mainSnippet([]byte(trust)))
	}
}
