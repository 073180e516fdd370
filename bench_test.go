package main

// Performance targets of the registry, measured on a registry of 100,000 signatories and
// 1,000,000 endorsements built by demo. They are benchmarks, not tests: run them with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 30m .
//
// The 100k database is built once into $REGISTRY_BENCH_DIR (default: the system's temporary
// folder) and reused by later runs.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trust"
)

const (
	benchSignatories  = 100000
	benchEndorsements = 1000000
)

func benchDir(b *testing.B) string {
	dir := os.Getenv("REGISTRY_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "registry-bench")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	return dir
}

var noEnv = mapEnv(nil)

// benchRegistry returns a 100k demo database, building it on first use.
func benchRegistry(b *testing.B) string {
	b.Helper()
	db := filepath.Join(benchDir(b), fmt.Sprintf("demo-%d-%d.db", benchSignatories, benchEndorsements))
	if _, err := os.Stat(db); err == nil {
		return db
	}
	tmp := db + ".building"
	os.Remove(tmp)
	args := []string{"demo", "--signatories", fmt.Sprint(benchSignatories), "--endorsements", fmt.Sprint(benchEndorsements), "--db", tmp}
	if err := run(context.Background(), args, noEnv, nil, io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	if err := os.Rename(tmp, db); err != nil {
		b.Fatal(err)
	}
	return db
}

// steadyRegistry is the demo registry with its tiers computed and every badge issued, as a
// server finds it once its workers have caught up: the page benchmarks measure that steady state, not the minutes
// after a 100,000-signatory import while the backlog is signed.
func steadyRegistry(b *testing.B) string {
	b.Helper()
	db := benchRegistry(b)
	s, err := models.Open(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// A registry cached by an older version of the benchmarks gets the schema of this one.
	if _, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	if current, _, err := s.TiersCurrent(context.Background()); err != nil {
		b.Fatal(err)
	} else if !current {
		if _, err := recomputeTiers(context.Background(), s, trust.DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	var open int64
	s.DB.Model(&models.IssuanceJob{}).Where("done_at IS NULL").Count(&open)
	if open == 0 {
		return db
	}
	keys, err := issuer.OpenKeys(db + ".keys")
	if err != nil {
		b.Fatal(err)
	}
	w, err := issuer.NewWorker(s, keys, "http://localhost:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Drain(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkDemo100k builds the demo registry from nothing: target under 60 s.
func BenchmarkDemo100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), "demo.db")
		start := time.Now()
		args := []string{"demo", "--signatories", fmt.Sprint(benchSignatories), "--endorsements", fmt.Sprint(benchEndorsements), "--db", db}
		if err := run(context.Background(), args, noEnv, nil, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/demo")
	}
}

// BenchmarkImport100k imports 100,000 signatories into an empty database: target at least
// 20,000 records/s. "signatories-only" is the demo registry's public export without its
// endorsements; "with-endorsements" is the whole public export (100,000 signatories and their
// ~800,000 accepted endorsements).
func BenchmarkImport100k(b *testing.B) {
	src := benchRegistry(b)
	full := filepath.Join(benchDir(b), "export-100k.jsonl")
	if _, err := os.Stat(full); err != nil {
		args := []string{"export", "--db", src, "--output", full}
		if err := run(context.Background(), args, noEnv, nil, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	only := filepath.Join(benchDir(b), "export-100k-signatories.jsonl")
	if _, err := os.Stat(only); err != nil {
		in, _ := os.Open(full)
		out, _ := os.Create(only)
		sc := bufio.NewScanner(in)
		sc.Buffer(nil, 1<<22)
		w := bufio.NewWriter(out)
		for sc.Scan() {
			if !strings.Contains(sc.Text(), `"type":"endorsement"`) {
				w.WriteString(sc.Text() + "\n")
			}
		}
		w.Flush()
		out.Close()
		in.Close()
	}
	for _, file := range []struct{ name, path string }{{"signatories-only", only}, {"with-endorsements", full}} {
		b.Run(file.name, func(b *testing.B) {
			records := countRecords(b, file.path)
			for i := 0; i < b.N; i++ {
				db := filepath.Join(b.TempDir(), "import.db")
				if err := run(context.Background(), []string{"migrate", "--db", db}, noEnv, nil, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := run(context.Background(), []string{"import", file.path, "--db", db}, noEnv, nil, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(records)/time.Since(start).Seconds(), "records/s")
			}
		})
	}
}

// countRecords counts the lines of a JSONL file other than its header.
func countRecords(b *testing.B, path string) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	n := 0
	for sc.Scan() {
		if !strings.Contains(sc.Text(), `"type":"header"`) {
			n++
		}
	}
	return n
}

// startServer runs the real command line's serve in a process of its own (this test binary, see
// TestMain), as a registry runs in production: the load generator of a benchmark then competes
// with it for the cores like any client on the same machine, instead of sharing its Go scheduler.
// It returns the server's address and how long it took to answer /healthz.
func startServer(b *testing.B, db string, extra ...string) (addr string, ready time.Duration, stop func()) {
	b.Helper()
	addr, ready, _, stop = startServerLogging(b, nil, db, extra...)
	return addr, ready, stop
}

// startServerLogging is startServer with the server's log written to log; it also returns the
// server's process.
func startServerLogging(b *testing.B, log io.Writer, db string, extra ...string) (addr string, ready time.Duration, cmd *exec.Cmd, stop func()) {
	b.Helper()
	start := time.Now()
	args := append([]string{"serve", "--db", db, "--keys", keysOf(db), "--addr", "127.0.0.1:0", "--rate-limit", "off"}, extra...)
	cmd, base := startChildLogging(b, log, args...)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			cmd.Process.Kill()
			b.Fatal("server never answered")
		}
		time.Sleep(2 * time.Millisecond)
	}
	ready = time.Since(start)
	return strings.TrimPrefix(base, "http://"), ready, cmd, func() {
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			b.Errorf("the server ended with %v", err)
		}
	}
}

// benchKeys holds the issuer keys of the benchmarks' PostgreSQL databases, which have no file
// to keep them beside.
var benchKeys = map[string]string{}

// keysOf is the issuer keys' folder of a benchmark database: beside a SQLite file.
func keysOf(db string) string {
	if k, ok := benchKeys[db]; ok {
		return k
	}
	return db + ".keys"
}

// BenchmarkStartup100k: the server answers within 1 s of starting on the 100k registry.
func BenchmarkStartup100k(b *testing.B) {
	db := benchRegistry(b)
	for i := 0; i < b.N; i++ {
		_, ready, stop := startServer(b, db)
		stop()
		b.ReportMetric(float64(ready.Milliseconds()), "ms-to-first-answer")
	}
}

// openLoop sends requests at a fixed rate whatever the answers, and returns each latency in ms.
func openLoop(client *http.Client, url string, rate int, d time.Duration) []float64 {
	return openLoopOver(client, func(int) string { return url }, rate, d)
}

// openLoopOver is openLoop with the ith request going to url(i): a crawler, or searches for
// different words.
func openLoopOver(client *http.Client, url func(i int) string, rate int, d time.Duration) []float64 {
	interval := time.Second / time.Duration(rate)
	n := int(d / interval)
	lat := make([]float64, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func(i int, due time.Time) {
			defer wg.Done()
			resp, err := client.Get(url(i))
			if err != nil {
				lat[i] = 1e6
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				lat[i] = 1e6
				return
			}
			lat[i] = float64(time.Since(due).Microseconds()) / 1000
		}(i, due)
	}
	wg.Wait()
	return lat
}

func percentile(v []float64, p float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}
