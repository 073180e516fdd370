package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// BenchmarkServerMemory100k runs the server in a process of its own on the 100k registry,
// opens a trust page once the tiers are explained, and a profile and the registry besides, then
// reports the process's peak resident memory (VmHWM). Target: under 300 MB.
func BenchmarkServerMemory100k(b *testing.B) {
	db := steadyRegistry(b)
	s, err := models.Open(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	var advocate string
	s.DB.Raw("SELECT public_id FROM signatories WHERE listed AND tier = 'advocate' ORDER BY id LIMIT 1").Scan(&advocate)
	s.Close()
	for range b.N {
		cmd, base := startChild(b, "serve", "--db", db, "--keys", db+".keys", "--addr", "127.0.0.1:0", "--rate-limit", "off")
		get := func(path string) string {
			res, err := http.Get(base + path)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return string(body)
		}
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(get("/signatories/"+advocate+"/trust"), `id="trust-computed"`) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				b.Fatal("the trust page showed no computation within 60 s")
			}
			time.Sleep(200 * time.Millisecond)
		}
		get("/signatories/" + advocate)
		get("/signatories")
		get("/map")
		peak := peakMemory(b, cmd.Process.Pid)
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	}
}

// peakMemory reads a process's peak resident set size in KiB from /proc.
func peakMemory(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Skipf("no /proc on this system: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	b.Fatal("no VmHWM line in /proc/<pid>/status")
	return 0
}
