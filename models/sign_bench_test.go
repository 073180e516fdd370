package models_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// BenchmarkSignInProcess signs b.N first signatures from 64 goroutines straight into the
// store, without HTTP: the cost of the database work of a signature alone, as the commit group
// runs it. The server's figures are in the repository root's BenchmarkSignatures.
func BenchmarkSignInProcess(b *testing.B) {
	ctx := context.Background()
	s, err := models.Open(ctx, filepath.Join(b.TempDir(), "sign.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := testutil.Publish(s); err != nil {
		b.Fatal(err)
	}
	d, err := s.CurrentDeclaration(ctx, "en")
	if err != nil {
		b.Fatal(err)
	}
	accounts := make([]models.Account, b.N)
	for i := range accounts {
		email := fmt.Sprintf("p%d@example.org", i)
		if accounts[i], err = s.Login(ctx, models.LoginIdentity{Provider: "dev", Subject: email, Email: email, EmailVerified: true, Name: "P"}, nil); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				in := models.SignInput{Signatory: models.Signatory{Kind: "person", Name: fmt.Sprintf("Person %d", i), Country: "IT",
					City: "Bologna", Affiliation: "University of Bologna", Visibility: models.AllPublic()}, Version: d.Version, Lang: d.Lang}
				if _, err := s.Sign(ctx, &accounts[i], in); err != nil {
					failed.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "signatures/s")
	// Processor time says more than the rate on a machine shared with other work.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/signature")
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
}

// cpuTime is the processor time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
