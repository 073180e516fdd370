package issuer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
	"github.com/open-recognition/registry/testutil"
)

// BenchmarkIssue issues 500 Signatory badges from the outbox on one core: build, canonicalize,
// sign and store, in batches of 100 jobs each stored in one transaction. Target: at least 500
// credentials/s. The figure counts credentials stored, not rounds of the worker: a job whose
// random status index turned out taken is signed again, and costs its time, but is one badge.
func BenchmarkIssue(b *testing.B) {
	const n = 500
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, `{"type":"signatory","ref":"p%d","kind":"person","name":"Person Number %d","country":"IT","city":"Bologna","signed_at":"2024-05-01T10:00:00Z"}`+"\n", i, i)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := testutil.SQLiteAt(&testing.T{}, filepath.Join(b.TempDir(), "bench.db"))
		set, err := records.Parser{Source: "bench"}.Parse(strings.NewReader(lines.String()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Import(context.Background(), set, nil); err != nil {
			b.Fatal(err)
		}
		keys, _ := OpenKeys(filepath.Join(b.TempDir(), "keys"))
		w, err := NewWorker(s, keys, "http://localhost:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := w.Drain(context.Background()); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.StopTimer()
		var issued, open int64
		s.DB.Model(&models.Credential{}).Count(&issued)
		s.DB.Model(&models.IssuanceJob{}).Where("done_at IS NULL").Count(&open)
		if issued != n || open != 0 {
			b.Fatalf("%d credentials stored and %d jobs open, want %d and none", issued, open, n)
		}
		b.ReportMetric(float64(issued)/took.Seconds(), "credentials/s")
		s.Close()
	}
}
