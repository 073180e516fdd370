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
// sign and store, each credential with its job closed in its own transaction. Target: at least
// 500 credentials/s.
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
		done, err := w.Drain(context.Background())
		if err != nil || done != n {
			b.Fatalf("drained %d of %d: %v", done, n, err)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "credentials/s")
		b.StopTimer()
		var issued int64
		s.DB.Model(&models.Credential{}).Count(&issued)
		if issued != n {
			b.Fatalf("%d credentials stored", issued)
		}
		s.Close()
	}
}
