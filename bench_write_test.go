package main

// Write benchmarks: signatures and endorsements through the real HTTP path (dev login, the form
// with its CSRF token, the server in a process of its own, rate limits off), beside the raw rate
// of durable one-row inserts on the same kind of SQLite file. Run them with
//
//	go test -run '^$' -bench 'Signatures|Endorsements' -benchtime 1x -timeout 30m .
//
// REGISTRY_BENCH_DURATION sets how long the fixed-rate phase lasts (default 6 s),
// REGISTRY_BENCH_WRITE_RATE its rate (default 500 a second) and REGISTRY_BENCH_SATURATION how
// many writes the saturation phase sends (default 10,000). With REGISTRY_BENCH_PROFILE=DIR the
// server's CPU profile of each phase is written to DIR (go tool pprof DIR/sign-saturation.pprof).

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/pprof"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// writeInFlight is how many writes the load generator keeps open at most, in both phases.
const writeInFlight = 64

// writeSettings reads the benchmark's rate, duration and saturation size from the environment.
func writeSettings() (rate int, duration time.Duration, saturation int) {
	rate, duration, saturation = 500, 6*time.Second, 10000
	if d, err := time.ParseDuration(os.Getenv("REGISTRY_BENCH_DURATION")); err == nil {
		duration = d
	}
	if n, err := strconv.Atoi(os.Getenv("REGISTRY_BENCH_WRITE_RATE")); err == nil && n > 0 {
		rate = n
	}
	if n, err := strconv.Atoi(os.Getenv("REGISTRY_BENCH_SATURATION")); err == nil && n > 0 {
		saturation = n
	}
	return rate, duration, saturation
}

// writeServer is a registry started for a write benchmark on a fresh database, with --dev-login.
type writeServer struct {
	base      string
	db        string
	log       *os.File
	transport *http.Transport
	stop      func()
	prof      *profiler
	pid       int
}

// cpuTime is the processor time used so far by the server and by this process (the load
// generator), which share the machine's cores.
func (s *writeServer) cpuTime() (server, self time.Duration) {
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid)); err == nil {
		// The fields after the command's name, which ends with the last ')': utime and stime are
		// the 12th and 13th, in clock ticks (100 a second on Linux).
		text := string(stat)
		f := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			k, _ := strconv.ParseInt(f[12], 10, 64)
			server = time.Duration(u+k) * 10 * time.Millisecond
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return server, self
}

// measure runs a phase and returns its result with the processor time both sides used.
func (s *writeServer) measure(phase func() writeResult) writeResult {
	server0, self0 := s.cpuTime()
	r := phase()
	server1, self1 := s.cpuTime()
	r.serverCPU, r.clientCPU = server1-server0, self1-self0
	return r
}

// benchEngine names the database the write benchmarks run on: sqlite (a fresh file, the
// default) or postgres (a fresh schema on REGISTRY_TEST_POSTGRES), given in REGISTRY_BENCH_ENGINE.
func benchEngine(b *testing.B) string {
	switch e := os.Getenv("REGISTRY_BENCH_ENGINE"); e {
	case "", "sqlite":
		return "sqlite"
	case "postgres":
		if os.Getenv(testutil.PostgresEnv) == "" {
			b.Fatalf("REGISTRY_BENCH_ENGINE=postgres needs %s", testutil.PostgresEnv)
		}
		return e
	default:
		b.Fatalf("REGISTRY_BENCH_ENGINE=%q: want sqlite or postgres", e)
		return ""
	}
}

// benchDatabase is a fresh database for one run of a write benchmark, on the chosen engine.
func benchDatabase(b *testing.B, dir, name string) string {
	if benchEngine(b) == "postgres" {
		db := testutil.PostgresURL(b)
		benchKeys[db] = filepath.Join(dir, name+".keys")
		return db
	}
	return filepath.Join(dir, name+".db")
}

func startWriteServer(b *testing.B) *writeServer {
	b.Helper()
	prof := newProfiler(b)
	dir := b.TempDir()
	db := benchDatabase(b, dir, "registry")
	if err := run(context.Background(), []string{"migrate", "--db", db}, noEnv, nil, io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		b.Fatal(err)
	}
	addr, _, cmd, stop := startServerLogging(b, log, db, "--dev-login")
	return &writeServer{base: "http://" + addr, db: db, log: log, stop: stop, prof: prof, pid: cmd.Process.Pid,
		transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
}

// close stops the server and reports what its log says went wrong: database lock errors and
// error-level lines (a 5xx is logged at that level).
func (s *writeServer) close(b *testing.B) {
	s.stop()
	s.log.Close()
	text, err := os.ReadFile(s.log.Name())
	if err != nil {
		b.Fatal(err)
	}
	if s.prof != nil {
		os.WriteFile(filepath.Join(s.prof.dir, "server.log"), text, 0o600)
	}
	locked, errors := 0, 0
	for _, line := range strings.Split(string(text), "\n") {
		if strings.Contains(line, "database is locked") {
			locked++
		}
		if strings.Contains(line, "level=ERROR") {
			errors++
			if errors <= 5 {
				b.Logf("server log: %s", line)
			}
		}
	}
	b.ReportMetric(float64(locked), "log-locked")
	b.ReportMetric(float64(errors), "log-errors")
	if locked > 0 || errors > 0 {
		b.Errorf("the server logged %d errors, %d of them \"database is locked\"", errors, locked)
	}
}

// count runs a COUNT query on the server's database.
func (s *writeServer) count(b *testing.B, query string) int64 {
	b.Helper()
	st, err := models.Open(context.Background(), s.db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.DB.Raw(query).Scan(&n).Error; err != nil {
		b.Fatal(err)
	}
	return n
}

// benchPerson is one browser, signed in through the dev login, with its own cookies.
type benchPerson struct {
	client  *http.Client
	email   string
	csrf    string
	version string
	id      string // public id of their entry, once signed
}

// login signs n new people in, writeInFlight at a time, and reads the signing form's token and
// declaration version for each.
func (s *writeServer) login(b *testing.B, prefix string, n int) []*benchPerson {
	b.Helper()
	people := make([]*benchPerson, n)
	var failed atomic.Value
	parallel(n, writeInFlight, func(i int) {
		jar, _ := cookiejar.New(nil)
		p := &benchPerson{email: fmt.Sprintf("%s-%d@example.org", prefix, i),
			client: &http.Client{Jar: jar, Transport: s.transport, Timeout: 60 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		body, _, err := p.get(s.base + "/login")
		if err == nil {
			var status int
			status, _, _, err = p.post(s.base+"/auth/dev", url.Values{"_csrf": {formToken(body)}, "name": {"Person " + strconv.Itoa(i)}, "email": {p.email}})
			if err == nil && status != http.StatusSeeOther {
				err = fmt.Errorf("dev login: %d", status)
			}
		}
		if err == nil {
			body, _, err = p.get(s.base + "/sign")
		}
		if err == nil {
			p.csrf = formToken(body)
			if m := versionInput.FindSubmatch(body); m != nil {
				p.version = string(m[1])
			}
			if p.csrf == "" || p.version == "" {
				err = fmt.Errorf("the signing form has no token or version")
			}
		}
		if err != nil {
			failed.CompareAndSwap(nil, err)
		}
		people[i] = p
	})
	if err, _ := failed.Load().(error); err != nil {
		b.Fatalf("logging people in: %v", err)
	}
	return people
}

func formToken(body []byte) string {
	if m := csrfInput.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

func (p *benchPerson) get(u string) ([]byte, int, error) {
	resp, err := p.client.Get(u)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.StatusCode, err
}

// post sends a form and returns the status, the redirect's target and the body.
func (p *benchPerson) post(u string, form url.Values) (int, string, []byte, error) {
	resp, err := p.client.PostForm(u, form)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), body, err
}

var benchCountries = []string{"IT", "FR", "DE", "ES", "PT", "NL", "BE", "PL", "SE", "GR", "US", "BR", "IN", "JP", "KE"}

// signForm is person i's signing form, filled in.
func (p *benchPerson) signForm(i int) url.Values {
	return url.Values{"_csrf": {p.csrf}, "kind": {"person"}, "version": {p.version}, "lang": {"en"},
		"name": {fmt.Sprintf("Bench Signatory %d", i)}, "country": {benchCountries[i%len(benchCountries)]},
		"affiliation": {"Example University"}, "consent": {"yes"}}
}

// outcome is what one write came to.
type outcome struct {
	acked   bool // the server answered with the redirect that confirms the write
	failed  bool // a transport error, a status other than 2xx/3xx, or an unexpected redirect
	locked  bool // "database is locked" in the answer
	status  int
	latency float64 // ms, from when the write was due
}

// writeResult sums a phase up.
type writeResult struct {
	sent, acked, failed, locked, serverErrors int
	elapsed                                   time.Duration
	lat                                       []float64
	// serverCPU and clientCPU are the processor time the server and the load generator used.
	serverCPU, clientCPU time.Duration
}

func summarise(out []outcome, elapsed time.Duration) writeResult {
	r := writeResult{sent: len(out), elapsed: elapsed}
	for _, o := range out {
		if o.acked {
			r.acked++
			r.lat = append(r.lat, o.latency)
		}
		if o.failed {
			r.failed++
		}
		if o.locked {
			r.locked++
		}
		if o.status >= 500 {
			r.serverErrors++
		}
	}
	return r
}

func (r writeResult) perSecond() float64 { return float64(r.acked) / r.elapsed.Seconds() }

// report writes a phase's figures under a prefix, and fails the benchmark on any error.
func (r writeResult) report(b *testing.B, prefix string) {
	b.ReportMetric(r.perSecond(), prefix+"/s")
	b.ReportMetric(percentile(r.lat, 50), prefix+"-p50-ms")
	b.ReportMetric(percentile(r.lat, 99), prefix+"-p99-ms")
	b.ReportMetric(float64(r.failed), prefix+"-errors")
	perWrite := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(max(1, r.sent)) }
	if r.serverCPU > 0 {
		b.ReportMetric(perWrite(r.serverCPU), prefix+"-server-cpu-ms")
	}
	b.Logf("%s: %d sent, %d acknowledged in %.2f s (%.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed (%d 5xx, %d \"database is locked\"); "+
		"processor time per write: server %.2f ms, load generator %.2f ms (%.2f and %.2f cores)",
		prefix, r.sent, r.acked, r.elapsed.Seconds(), r.perSecond(), percentile(r.lat, 50), percentile(r.lat, 99), percentile(r.lat, 100),
		r.failed, r.serverErrors, r.locked, perWrite(r.serverCPU), perWrite(r.clientCPU),
		r.serverCPU.Seconds()/r.elapsed.Seconds(), r.clientCPU.Seconds()/r.elapsed.Seconds())
	if r.failed > 0 || r.locked > 0 {
		b.Errorf("%s: %d of %d writes failed, %d said \"database is locked\"", prefix, r.failed, r.sent, r.locked)
	}
}

// writeOpenLoop sends n writes at a fixed rate, at most writeInFlight at once, and measures
// each from when it was due: a server that falls behind shows it in the latency.
func writeOpenLoop(n, rate int, write func(i int) outcome) writeResult {
	interval := time.Second / time.Duration(rate)
	out := make([]outcome, n)
	slots := make(chan struct{}, writeInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		slots <- struct{}{}
		wg.Add(1)
		go func(i int, due time.Time) {
			defer func() { <-slots; wg.Done() }()
			out[i] = write(i)
			out[i].latency = float64(time.Since(due).Microseconds()) / 1000
		}(i, due)
	}
	wg.Wait()
	return summarise(out, time.Since(start))
}

// writeSaturation sends n writes as fast as writeInFlight clients can.
func writeSaturation(n int, write func(i int) outcome) writeResult {
	out := make([]outcome, n)
	start := time.Now()
	parallel(n, writeInFlight, func(i int) {
		t := time.Now()
		out[i] = write(i)
		out[i].latency = float64(time.Since(t).Microseconds()) / 1000
	})
	return summarise(out, time.Since(start))
}

// parallel calls do(0..n-1) from workers goroutines.
func parallel(n, workers int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		}()
	}
	wg.Wait()
}

// postWrite sends one write and tells whether it was acknowledged: a 303 to where the handler
// sends a successful write (ackPrefix).
func postWrite(p *benchPerson, u string, form url.Values, ackPrefix string) outcome {
	status, location, body, err := p.post(u, form)
	o := outcome{status: status}
	o.locked = bytes.Contains(body, []byte("database is locked"))
	o.acked = err == nil && status == http.StatusSeeOther && strings.HasPrefix(location, ackPrefix)
	o.failed = !o.acked
	return o
}

// readsAlongside offers reads at rate a second, half on the list page and half on the API,
// until stop is closed; it returns the latencies of each.
func readsAlongside(base string, rate int, stop <-chan struct{}) (done func() (page, api []float64)) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var page, api []float64
	var wg sync.WaitGroup
	loop := func(path string, into *[]float64) {
		defer wg.Done()
		interval := 2 * time.Second / time.Duration(rate)
		var inner sync.WaitGroup
		start := time.Now()
		for i := 0; ; i++ {
			due := start.Add(time.Duration(i) * interval)
			select {
			case <-stop:
				inner.Wait()
				return
			case <-time.After(time.Until(due)):
			}
			inner.Add(1)
			go func(due time.Time) {
				defer inner.Done()
				ms := 1e6 // a failed read counts as the slowest
				if resp, err := client.Get(base + path); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						ms = float64(time.Since(due).Microseconds()) / 1000
					}
				}
				mu.Lock()
				*into = append(*into, ms)
				mu.Unlock()
			}(due)
		}
	}
	wg.Add(2)
	go loop("/signatories", &page)
	go loop("/api/v1/signatories", &api)
	return func() ([]float64, []float64) {
		wg.Wait()
		return page, api
	}
}

// reportReads writes the p99 of the reads that ran alongside a phase, under a prefix.
func reportReads(b *testing.B, prefix string, page, api []float64) {
	failed := 0
	for _, v := range append(append([]float64(nil), page...), api...) {
		if v >= 1e6 {
			failed++
		}
	}
	b.ReportMetric(percentile(page, 99), prefix+"list-p99-ms")
	b.ReportMetric(percentile(api, 99), prefix+"api-p99-ms")
	b.Logf("%sreads alongside: /signatories %d, p50 %.1f ms, p99 %.1f ms; /api/v1/signatories %d, p50 %.1f ms, p99 %.1f ms; %d failed",
		prefix, len(page), percentile(page, 50), percentile(page, 99), len(api), percentile(api, 50), percentile(api, 99), failed)
	if failed > 0 {
		b.Errorf("%d reads failed", failed)
	}
}

// BenchmarkSignatures: people sign through the form (a) at a fixed rate, then (c) as fast as 64
// clients can, each with 500 reads a second alongside; the raw durable-insert rate of the same kind of SQLite
// file is measured in the same run. Every acknowledged signature must be in the database.
func BenchmarkSignatures(b *testing.B) {
	rate, duration, saturation := writeSettings()
	for n := 0; n < b.N; n++ {
		s := startWriteServer(b)
		ackedAll := 0
		signPhase := func(name string, people []*benchPerson, send func(write func(i int) outcome) writeResult) writeResult {
			before := s.count(b, "SELECT COUNT(*) FROM signatures")
			r := s.measure(func() writeResult {
				return send(func(i int) outcome {
					return postWrite(people[i], s.base+"/sign", people[i].signForm(i), "/sign/thanks")
				})
			})
			// Bookkeeping: exactly the acknowledged signatures were stored.
			if stored := s.count(b, "SELECT COUNT(*) FROM signatures") - before; stored != int64(r.acked) {
				b.Errorf("%s: %d signatures acknowledged, %d stored", name, r.acked, stored)
			}
			ackedAll += r.acked
			if fi, err := os.Stat(s.db + "-wal"); err == nil {
				b.Logf("%s: the write-ahead log holds %.1f MB", name, float64(fi.Size())/1e6)
			}
			return r
		}

		// (a) a fixed rate, with reads alongside.
		count := int(duration / (time.Second / time.Duration(rate)))
		people := s.login(b, "rate", count)
		stop := make(chan struct{})
		reads := readsAlongside(s.base, 500, stop)
		profiled := s.prof.during(b, "sign-rate", duration)
		r := signPhase("rate", people, func(w func(int) outcome) writeResult { return writeOpenLoop(count, rate, w) })
		close(stop)
		profiled()
		r.report(b, "sig")
		page, api := reads()
		reportReads(b, "", page, api)

		// (c) saturation, with the same reads alongside.
		people = s.login(b, "saturation", saturation)
		stop = make(chan struct{})
		reads = readsAlongside(s.base, 500, stop)
		profiled = s.prof.during(b, "sign-saturation", 3*time.Second)
		r = signPhase("saturation", people, func(w func(int) outcome) writeResult { return writeSaturation(saturation, w) })
		close(stop)
		profiled()
		r.report(b, "sig-saturated")
		page, api = reads()
		reportReads(b, "saturated-", page, api)

		if stored := s.count(b, "SELECT COUNT(*) FROM signatories WHERE source = 'web' AND status = 'active'"); stored != int64(ackedAll) {
			b.Errorf("%d signatures acknowledged in all, %d active entries signed on the web", ackedAll, stored)
		}
		s.close(b)
		rawInserts(b, benchDatabase(b, b.TempDir(), "raw"))
	}
}

// rawInserts measures durable one-row transactions on a database opened as the registry opens
// its own (models.Open; on SQLite: WAL, synchronous=FULL, immediate transactions), by 1 and by 64
// writers.
func rawInserts(b *testing.B, location string) {
	ctx := context.Background()
	st, err := models.Open(ctx, location)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	db := st.SQL()
	table := "CREATE TABLE scratch (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
	insert := "INSERT INTO scratch (body) VALUES (?)"
	if st.Dialect == models.Postgres {
		table = "CREATE TABLE scratch (id bigserial PRIMARY KEY, body text NOT NULL)"
		insert = "INSERT INTO scratch (body) VALUES ($1)" // database/sql, without GORM's placeholders
	}
	if _, err := db.ExecContext(ctx, table); err != nil {
		b.Fatal(err)
	}
	for _, writers := range []int{1, 64} {
		var rows atomic.Int64
		var failed atomic.Value
		deadline := time.Now().Add(2 * time.Second)
		start := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					if _, err := db.ExecContext(ctx, insert, "a signature's worth of text"); err != nil {
						failed.CompareAndSwap(nil, err)
						return
					}
					rows.Add(1)
				}
			}()
		}
		wg.Wait()
		if err, _ := failed.Load().(error); err != nil {
			b.Fatal(err)
		}
		perSecond := float64(rows.Load()) / time.Since(start).Seconds()
		b.ReportMetric(perSecond, fmt.Sprintf("raw-%dw-rows/s", writers))
		b.Logf("raw durable inserts, %d writer(s): %.0f rows/s", writers, perSecond)
	}
}

// BenchmarkEndorsements: signatories endorse one another through the profile's form, at a fixed
// rate with reads alongside, then at saturation. Every acknowledged endorsement must be stored.
func BenchmarkEndorsements(b *testing.B) {
	rate, duration, saturation := writeSettings()
	for n := 0; n < b.N; n++ {
		s := startWriteServer(b)
		count := int(duration / (time.Second / time.Duration(rate)))
		// Enough signatories that each endorses a handful of others, every pair once.
		size := max(200, (count+saturation)/8)
		people := s.login(b, "endorser", size)
		signed := writeSaturation(size, func(i int) outcome {
			return postWrite(people[i], s.base+"/sign", people[i].signForm(i), "/sign/thanks")
		})
		if signed.acked != size {
			b.Fatalf("%d of %d signatories signed", signed.acked, size)
		}
		ids := s.publicIDs(b)
		for _, p := range people {
			if p.id = ids[p.email]; p.id == "" {
				b.Fatalf("no entry for %s", p.email)
			}
		}
		// Write number i is an endorsement from person i%size of person i%size+1+i/size: every
		// pair at most once, never oneself.
		endorse := func(offset int) func(i int) outcome {
			return func(i int) outcome {
				i += offset
				from, to := people[i%size], people[(i%size+1+i/size)%size]
				return postWrite(from, s.base+"/signatories/"+to.id+"/endorse",
					url.Values{"_csrf": {from.csrf}, "level": {"advocate"}, "comment": {"We worked together on open data."}},
					"/signatories/"+to.id+"?endorsed=1")
			}
		}
		phase := func(name string, send func() writeResult) writeResult {
			before := s.count(b, "SELECT COUNT(*) FROM endorsements")
			r := s.measure(send)
			if stored := s.count(b, "SELECT COUNT(*) FROM endorsements") - before; stored != int64(r.acked) {
				b.Errorf("%s: %d endorsements acknowledged, %d stored", name, r.acked, stored)
			}
			return r
		}

		stop := make(chan struct{})
		reads := readsAlongside(s.base, 500, stop)
		profiled := s.prof.during(b, "endorse-rate", duration)
		r := phase("rate", func() writeResult { return writeOpenLoop(count, rate, endorse(0)) })
		close(stop)
		profiled()
		r.report(b, "endorse")
		page, api := reads()
		reportReads(b, "", page, api)

		stop = make(chan struct{})
		reads = readsAlongside(s.base, 500, stop)
		profiled = s.prof.during(b, "endorse-saturation", 3*time.Second)
		r = phase("saturation", func() writeResult { return writeSaturation(saturation, endorse(count)) })
		close(stop)
		profiled()
		r.report(b, "endorse-saturated")
		page, api = reads()
		reportReads(b, "saturated-", page, api)
		s.close(b)
	}
}

// publicIDs maps each web signatory's e-mail to their entry's public id.
func (s *writeServer) publicIDs(b *testing.B) map[string]string {
	b.Helper()
	st, err := models.Open(context.Background(), s.db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var rows []struct{ Email, PublicID string }
	if err := st.DB.Raw("SELECT email, public_id FROM signatories WHERE source = 'web'").Scan(&rows).Error; err != nil {
		b.Fatal(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Email] = r.PublicID
	}
	return out
}

// childProfileEnv names a loopback address on which a child server (see TestMain) serves
// net/http/pprof, so that a benchmark can profile the server under its load.
const childProfileEnv = "REGISTRY_TEST_CHILD_PPROF"

// serveChildProfiles starts the profiling listener of a child server when asked to.
func serveChildProfiles() {
	addr := os.Getenv(childProfileEnv)
	if addr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go http.ListenAndServe(addr, mux)
}

// profiler profiles the server of a benchmark when REGISTRY_BENCH_PROFILE names a folder: each
// phase's CPU profile is written there as NAME.pprof.
type profiler struct {
	dir, addr string
}

// newProfiler is called before the server starts; it gives the child its profiling address.
func newProfiler(b *testing.B) *profiler {
	dir := os.Getenv("REGISTRY_BENCH_PROFILE")
	if dir == "" {
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b.Setenv(childProfileEnv, addr)
	return &profiler{dir: dir, addr: addr}
}

// during profiles the server for d, from now, in the background; wait for the returned function.
func (p *profiler) during(b *testing.B, name string, d time.Duration) (wait func()) {
	if p == nil {
		return func() {}
	}
	done := make(chan struct{})
	// Halfway through, what every goroutine waits for.
	time.AfterFunc(d/2, func() {
		if resp, err := http.Get("http://" + p.addr + "/debug/pprof/goroutine?debug=1"); err == nil {
			if f, err := os.Create(filepath.Join(p.dir, name+".goroutines.txt")); err == nil {
				io.Copy(f, resp.Body)
				f.Close()
			}
			resp.Body.Close()
		}
	})
	go func() {
		defer close(done)
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.addr, int(d.Seconds())))
		if err != nil {
			b.Errorf("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(p.dir, name+".pprof"))
		if err != nil {
			b.Errorf("profile: %v", err)
			return
		}
		defer f.Close()
		io.Copy(f, resp.Body)
	}()
	return func() { <-done }
}
