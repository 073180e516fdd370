package models_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
	"github.com/open-recognition/registry/trustgraph"
)

// writeGraph streams the store's published graph into the format's writer.
func writeGraph(t *testing.T, s *models.Store) (string, models.GraphHead) {
	t.Helper()
	var buf bytes.Buffer
	w := trustgraph.NewWriter(&buf)
	var head models.GraphHead
	err := s.PublishedGraph(context.Background(), models.GraphLines{
		Head: func(h models.GraphHead) (bool, error) {
			head = h
			sched := h.Schedule
			if sched == nil {
				sched = &models.TierSchedule{}
			}
			return true, w.Header(trustgraph.Header{GraphVersion: h.Version, TiersCurrent: h.TiersCurrent(),
				Capacities: trustgraph.Capacities{Advocate: sched.Advocate, Ambassador: sched.Ambassador}})
		},
		Signatory:   w.Signatory,
		Endorsement: w.Endorsement,
	})
	if err == nil {
		err = w.End()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), head
}

// computeTiers computes and stores the tiers as the tier worker does, with a table.
func computeTiers(t *testing.T, s *models.Store, cfg trust.Config) {
	t.Helper()
	ctx := context.Background()
	in, err := s.LoadTrust(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Previous = in.Previous
	if _, _, err := s.ApplyComputation(ctx, in, trust.Compute(in.Members, in.Edges, cfg)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkTiersCurrent(ctx, in.Version); err != nil {
		t.Fatal(err)
	}
}

// The published graph gives the computation's tiers back, on both engines, however close in
// time the endorsements were made: its creation times carry exactly the milliseconds the
// computation orders by. Each founding Ambassador below can lift one of two members, the one
// whose endorsement comes first; the times straddle millisecond boundaries (and the one-second
// precision of an RFC 3339 time without fraction) both ways.
func TestPublishedGraphRecomputesTheStoredTiers(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		base := time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)
		// Pairs of offsets from base: the endorsement of y (the later id, by construction), then of x.
		pairs := [][2]time.Duration{
			{400 * time.Microsecond, 900 * time.Microsecond},                         // the same millisecond
			{900 * time.Microsecond, 1100 * time.Microsecond},                        // y's a millisecond earlier
			{2999 * time.Microsecond, 3000 * time.Microsecond},                       // a boundary
			{3 * time.Millisecond, 3 * time.Millisecond},                             // the same instant
			{4500 * time.Microsecond, 4499 * time.Microsecond},                       // x first by a microsecond
			{999*time.Millisecond + 999*time.Microsecond, 1 * time.Second},           // across a second
			{5*time.Second + 1*time.Millisecond, 5*time.Second + 2*time.Millisecond}, // within one second
		}
		var lines []string
		type edge struct{ from, to string }
		var ordered []edge
		at := map[edge]time.Time{}
		for i, p := range pairs {
			seed, x, y := fmt.Sprintf("s%d", i), fmt.Sprintf("x%d", i), fmt.Sprintf("y%d", i)
			if models.SignatoryID("fixture", x) > models.SignatoryID("fixture", y) {
				x, y = y, x // y has the later id: a tie of times lifts x
			}
			for _, ref := range []string{seed, x, y} {
				lines = append(lines, fmt.Sprintf(`{"type":"signatory","ref":%q,"kind":"person","name":"P %s","country":"IT","signed_at":"2024-01-01T10:00:00Z"}`, ref, ref))
			}
			lines = append(lines, fmt.Sprintf(`{"type":"seed","ref":%q}`, seed))
			for j, to := range []string{y, x} {
				lines = append(lines, fmt.Sprintf(`{"type":"endorsement","from":%q,"to":%q,"level":"advocate","created_at":"2024-02-01T10:00:00Z"}`, seed, to))
				e := edge{seed, to}
				at[e] = base.Add(p[j])
				ordered = append(ordered, e)
			}
		}
		// What never counts, and people outside the registry, are not published.
		lines = append(lines,
			`{"type":"signatory","ref":"gone","kind":"person","name":"Gone","country":"IT","status":"withdrawn","signed_at":"2024-01-01T10:00:00Z"}`,
			`{"type":"signatory","ref":"unv","kind":"organisation","name":"Unverified","country":"IT","verified":false,"signed_at":"2024-01-01T10:00:00Z"}`,
			`{"type":"endorsement","from":"s0","to":"gone","level":"advocate","created_at":"2024-01-01T10:00:00Z"}`,
			`{"type":"endorsement","from":"s1","to":"unv","level":"advocate","created_at":"2024-01-01T10:00:00Z"}`,
			`{"type":"endorsement","from":"s2","to":"s3","level":"ambassador","status":"declined","created_at":"2024-01-01T10:00:00Z"}`,
			`{"type":"endorsement","from":"s3","to":"s4","level":"ambassador","status":"pending","created_at":"2024-01-01T10:00:00Z"}`,
			`{"type":"endorsement","from":"s4","to":"s5","level":"ambassador","status":"accepted","created_at":"2024-01-01T10:00:00Z"}`,
		)
		testutil.Load(t, s, strings.Join(lines, "\n")+"\n")
		// An import brings no withdrawn endorsement: s3 withdraws theirs.
		if err := s.DB.Exec(`UPDATE endorsements SET status = 'withdrawn' WHERE from_id = (SELECT id FROM signatories WHERE public_id = ?)
			AND to_id = (SELECT id FROM signatories WHERE public_id = ?)`, models.SignatoryID("fixture", "s3"), models.SignatoryID("fixture", "s4")).Error; err != nil {
			t.Fatal(err)
		}
		for e, when := range at {
			if err := s.DB.Exec(`UPDATE endorsements SET created_at = ? WHERE from_id = (SELECT id FROM signatories WHERE public_id = ?)
				AND to_id = (SELECT id FROM signatories WHERE public_id = ?)`, when,
				models.SignatoryID("fixture", e.from), models.SignatoryID("fixture", e.to)).Error; err != nil {
				t.Fatal(err)
			}
		}
		// Each seed keeps one place and passes one: one of its two endorsees is lifted.
		computeTiers(t, s, trust.Config{Advocate: []int{2, 1}, Ambassador: []int{2, 1}})

		graph, head := writeGraph(t, s)
		if !head.TiersCurrent() || head.Schedule == nil || head.Version == "" {
			t.Errorf("head %+v: the tiers were just computed", head)
		}
		rep, err := trustgraph.Verify(strings.NewReader(graph))
		if err != nil {
			t.Fatalf("%v\n%s", err, graph)
		}
		if !rep.Agrees() {
			t.Errorf("the published graph recomputes differently: %+v\n%s", rep.Differences, graph)
		}
		if rep.Recomputed[trust.Advocate] != len(pairs) {
			t.Errorf("recomputed %v: each founding Ambassador should lift exactly one member", rep.Recomputed)
		}
		// 3 per pair; the s4 → s5 ambassador endorsement counts, the declined and withdrawn do not.
		if rep.Signatories != 3*len(pairs) || rep.Endorsements != 2*len(pairs)+1 {
			t.Errorf("%d signatories and %d endorsements published, want %d and %d", rep.Signatories, rep.Endorsements, 3*len(pairs), 2*len(pairs)+1)
		}
		for _, absent := range []string{models.SignatoryID("fixture", "gone"), models.SignatoryID("fixture", "unv"), "Gone", "Unverified", `"pending"`, `"accepted"`} {
			if strings.Contains(graph, absent) {
				t.Errorf("the published graph holds %s", absent)
			}
		}

		// The published times are the computation's to the millisecond: LoadTrust's, shifted by
		// the engine's epoch.
		in, err := s.LoadTrust(ctx)
		if err != nil {
			t.Fatal(err)
		}
		loaded := map[edge]int64{}
		for _, e := range in.Edges {
			loaded[edge{in.Members[e.From].ID, in.Members[e.To].ID}] = e.Created
		}
		g, err := trustgraph.Read(strings.NewReader(graph))
		if err != nil {
			t.Fatal(err)
		}
		var shift *int64
		for _, e := range g.Edges {
			d := loaded[edge{g.Members[e.From].ID, g.Members[e.To].ID}] - e.Created
			if shift == nil {
				shift = &d
			} else if d != *shift {
				t.Errorf("edge %s → %s published at %d ms, the computation reads %d (shift %d, others %d)",
					g.Members[e.From].ID, g.Members[e.To].ID, e.Created, e.Created+d, d, *shift)
			}
		}
	})
}
