package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/trust"
)

// The demo must look like the movement once the registry computes its tiers: roughly 10–20% of
// the signatories Advocates and 1–3% Ambassadors, organisations among them, at the density the
// README suggests, at a denser one, and on the benchmark registry. The tiers come from the real
// computation on the generated graph, run twice as the registry runs it (the first computation
// scales its schedule from nothing, the next one from what the first lifted).

func demoGraph(n, m int, seed int64) *TrustGraph {
	return Graph(Config{Signatories: n, Endorsements: m, Seed: seed, Now: testNow},
		func(ref string) string { return models.SignatoryID("demo", ref) })
}

// computeTwice computes the tiers from nothing, then again from what the first computation
// lifted.
func computeTwice(members []trust.Member, edges []trust.Edge, previous trust.Lifted) *trust.Result {
	first := trust.Compute(members, edges, trust.Config{Previous: previous})
	return trust.Compute(members, edges, trust.Config{Previous: first.Lifted()})
}

func TestTierShares(t *testing.T) {
	for _, tc := range []struct {
		n, m  int
		seed  int64
		short bool
	}{
		{5000, 20000, 1, true}, // the README's demo
		{5000, 20000, 2, true},
		{5000, 20000, 3, true},
		{5000, 50000, 1, true},         // denser
		{100_000, 1_000_000, 1, false}, // the benchmark registry
	} {
		t.Run(fmt.Sprintf("N%d_M%d_seed%d", tc.n, tc.m, tc.seed), func(t *testing.T) {
			if !tc.short && testing.Short() {
				t.Skip("the 100k registry is checked without -short")
			}
			g := demoGraph(tc.n, tc.m, tc.seed)
			r := computeTwice(g.Members, g.Edges, trust.Lifted{})
			var count [3]int
			orgs := 0
			for i, tier := range r.Tiers {
				count[tier]++
				if tier != trust.Signatory && g.Organisation[i] {
					orgs++
				}
			}
			n := float64(tc.n)
			t.Logf("signatory %d, advocate %d, ambassador %d (organisations above Signatory: %d); schedule %v / %v",
				count[trust.Signatory], count[trust.Advocate], count[trust.Ambassador], orgs, r.Advocate.Table, r.Ambassador.Table)
			within(t, "Advocates", float64(count[trust.Advocate])/n, 0.10, 0.20)
			within(t, "Ambassadors", float64(count[trust.Ambassador])/n, 0.01, 0.03)
			if orgs < count[trust.Advocate]/50 {
				t.Errorf("%d organisations above Signatory", orgs)
			}
			checkAttack(t, g, r)
		})
	}
}

// checkAttack: a member two steps from the founding Ambassadors is fooled into endorsing, at
// the Ambassador level, one of 2,000 fake accounts that endorse each other densely. The fakes
// must lift at most 1% of the membership, and the members lifted before must stay lifted.
func checkAttack(t *testing.T, g *TrustGraph, before *trust.Result) {
	t.Helper()
	n := len(g.Members)
	fooled := -1
	for i, d := range before.Advocate.Distance {
		if d == 2 && before.Advocate.Accepted[i] && !g.Members[i].Seed {
			fooled = i
			break
		}
	}
	if fooled < 0 {
		t.Fatal("nobody two steps from the founding Ambassadors")
	}
	const fakes, outDegree = 2000, 10
	rng := rand.New(rand.NewPCG(14, 2))
	members := slices.Clone(g.Members)
	for i := range fakes {
		members = append(members, trust.Member{ID: fmt.Sprintf("%08x-fake-%05d", rng.Uint32(), i), Active: true})
	}
	edges := slices.Clone(g.Edges)
	at := edges[len(edges)-1].Created
	add := func(from, to int) {
		at++
		edges = append(edges, trust.Edge{From: from, To: to, Level: trust.LevelAmbassador, Counts: true, Created: at})
	}
	for i := range fakes {
		for _, j := range rng.Perm(fakes)[:outDegree+1] {
			if j != i {
				add(n+i, n+j)
			}
		}
	}
	add(fooled, n+rng.IntN(fakes))

	after := computeTwice(members, edges, before.Lifted())
	lifted, stayed, fakesLifted := 0, 0, 0
	for i, tier := range after.Tiers {
		switch {
		case i >= n:
			if tier != trust.Signatory {
				fakesLifted++
			}
		case before.Tiers[i] != trust.Signatory:
			lifted++
			if tier != trust.Signatory {
				stayed++
			}
		}
	}
	t.Logf("attack through member %d: %d fakes lifted, %d of %d members still lifted", fooled, fakesLifted, stayed, lifted)
	if fakesLifted > n/100 {
		t.Errorf("%d fake accounts lifted, more than 1%% of %d members", fakesLifted, n)
	}
	if stayed*100 < lifted*95 {
		t.Errorf("%d of the %d members lifted before the attack stay lifted", stayed, lifted)
	}
}

// TestGraphIsWhatGenerateEmits: the graph tests compute on is the one the command imports, and
// the same seed gives the same one.
func TestGraphIsWhatGenerateEmits(t *testing.T) {
	const n, m = 3000, 20000
	r := generate(t, n, m, 7)
	g := demoGraph(n, m, 7)
	if len(g.Members) != n || len(g.Edges) != len(r.ends) {
		t.Fatalf("%d members and %d edges, Generate emits %d and %d", len(g.Members), len(g.Edges), n, len(r.ends))
	}
	for i, s := range r.sigs {
		mb := g.Members[i]
		if mb.ID != models.SignatoryID("demo", s.Ref) || mb.Active != s.Verified || mb.Seed != slices.Contains(r.seeds, i) ||
			g.Organisation[i] != (s.Kind == "organisation") {
			t.Fatalf("member %d: %+v for %+v", i, mb, s)
		}
	}
	for k, e := range r.ends {
		want := trust.Edge{From: e.From, To: e.To, Level: trust.LevelAdvocate, Counts: e.Status != "declined", Created: e.CreatedAt.UnixMilli()}
		if e.Level == "ambassador" {
			want.Level = trust.LevelAmbassador
		}
		if g.Edges[k] != want {
			t.Fatalf("edge %d: %+v, Generate emits %+v", k, g.Edges[k], want)
		}
	}
	if again := demoGraph(n, m, 7); !slices.Equal(again.Edges, g.Edges) || !slices.Equal(again.Members, g.Members) {
		t.Error("the same seed gives another graph")
	}
	if other := demoGraph(n, m, 8); slices.Equal(other.Edges, g.Edges) {
		t.Error("another seed gives the same graph")
	}
}
