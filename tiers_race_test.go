package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trust"
)

// raceGraph is a founding Ambassador who lifts 3 Ambassadors and 37 Advocates.
func raceGraph() string {
	var b strings.Builder
	b.WriteString(`{"type":"signatory","ref":"seed","kind":"person","name":"Seed","country":"IT","signed_at":"2024-01-01T10:00:00Z"}` + "\n")
	b.WriteString(`{"type":"seed","ref":"seed"}` + "\n")
	for i := 1; i <= 40; i++ {
		level := "advocate"
		if i <= 3 {
			level = "ambassador"
		}
		fmt.Fprintf(&b, `{"type":"signatory","ref":"p%d","kind":"person","name":"P %d","country":"FR","signed_at":"2024-01-02T10:00:00Z"}`+"\n", i, i)
		fmt.Fprintf(&b, `{"type":"endorsement","from":"seed","to":"p%d","level":"%s","created_at":"2024-02-01T10:00:00Z"}`+"\n", i, level)
	}
	return b.String()
}

// wantEachBadgeOnce checks that the badges of raceGraph's tiers were queued once each (37 Advocate
// and 4 Ambassador jobs, no two for one signatory: the 3 the computation lifted and the founding
// Ambassador, whose badge the import queued) and, after the credential worker ran, that each of
// those signatories holds exactly one live badge of their tier.
func wantEachBadgeOnce(t *testing.T, p place) {
	t.Helper()
	s := p.store(t)
	var jobs []struct {
		SignatoryID int64
		Kind        string
		N           int
	}
	s.DB.Raw(`SELECT signatory_id, kind, COUNT(*) AS n FROM issuance_outbox WHERE action = 'issue' AND kind <> 'signatory'
		GROUP BY signatory_id, kind`).Scan(&jobs)
	perKind := map[string]int{}
	for _, j := range jobs {
		perKind[j.Kind]++
		if j.N != 1 {
			t.Errorf("signatory %d: %d %s jobs, want 1", j.SignatoryID, j.N, j.Kind)
		}
	}
	if perKind["advocate"] != 37 || perKind["ambassador"] != 4 {
		t.Errorf("tier badge jobs for %v signatories, want 37 advocate and 4 ambassador", perKind)
	}
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
	var live []struct {
		SignatoryID int64
		Kind        string
		N           int
	}
	s.DB.Raw(`SELECT signatory_id, kind, COUNT(*) AS n FROM credentials WHERE revoked_at IS NULL AND kind <> 'signatory'
		GROUP BY signatory_id, kind`).Scan(&live)
	perKind = map[string]int{}
	for _, l := range live {
		perKind[l.Kind]++
		if l.N != 1 {
			t.Errorf("signatory %d holds %d live %s badges, want 1", l.SignatoryID, l.N, l.Kind)
		}
	}
	if perKind["advocate"] != 37 || perKind["ambassador"] != 4 {
		t.Errorf("live tier badges for %v signatories, want 37 advocate and 4 ambassador", perKind)
	}
}

// Several computations started at once on one database, each through a store of its own (as
// servers and the tiers command are), queue each badge once: exactly one live Advocate badge per
// Advocate.
func TestConcurrentTierComputationsIssueOnce(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "import", writeFile(t, p.dir, "graph.jsonl", raceGraph()))
		const n = 4
		stores := make([]*models.Store, n)
		for i := range stores {
			stores[i] = p.store(t)
		}
		start := make(chan struct{})
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for _, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := recomputeTiers(context.Background(), s, trust.DefaultConfig())
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		wantEachBadgeOnce(t, p)
	})
}

// The tiers command run while another process holds the computation waits for it, says so, and
// then finds nothing left to change: no badge is queued twice.
func TestTiersCommandWaitsForARunningComputation(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "import", writeFile(t, p.dir, "graph.jsonl", raceGraph()))
		holder := p.store(t)
		done := make(chan cliResult, 1)
		err := holder.WithTierLock(t.Context(), true, func(ctx context.Context) error {
			go func() { done <- runCLI(t, nil, "", p.args("tiers")...) }()
			select {
			case r := <-done:
				t.Errorf("tiers ran while another computation held the lock: exit %d\n%s", r.code, r.stderr)
				done <- r
			case <-time.After(700 * time.Millisecond):
			}
			_, err := computeTiers(ctx, holder, trust.DefaultConfig())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var r cliResult
		select {
		case r = <-done:
		case <-time.After(60 * time.Second):
			t.Fatal("tiers still waiting 60 s after the lock was released")
		}
		r.wantExit(t, 0, "tiers")
		if r.stdout != "signatory 0\nadvocate 37\nambassador 4\n" || !strings.Contains(r.stderr, "waiting for it to finish") {
			t.Errorf("tiers printed %q, logged %q", r.stdout, r.stderr)
		}
		// Without waiting, a caller is told at once.
		err = holder.WithTierLock(t.Context(), true, func(ctx context.Context) error {
			other := p.store(t)
			if err := other.WithTierLock(ctx, false, func(context.Context) error { return nil }); err != models.ErrTiersBusy {
				t.Errorf("a second lock while the first is held: %v, want ErrTiersBusy", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantEachBadgeOnce(t, p)
	})
}
