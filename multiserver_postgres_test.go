package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	// publicID runs in the workers' goroutines too: a missing entry fails the test, and the
	// action using it fails on a page that does not exist.
	publicID := func(v *fleetVisitor) string {
		var sg models.Signatory
		if err := store.DB.Where("email = ?", v.email).Take(&sg).Error; err != nil {
			t.Errorf("%s has no entry: %v", v.name, err)
			return "missing"
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
