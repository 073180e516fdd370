package trust_test

import (
	"slices"
	"testing"

	"github.com/open-recognition/registry/trust"
	"github.com/open-recognition/registry/trust/graphgen"
)

func TestCapacitiesFollowTheSize(t *testing.T) {
	for _, c := range []struct {
		size int
		want []int
	}{
		{0, []int{256, 5, 2, 1}},
		{500, []int{2000, 32, 4, 2, 1}},
		{5000, []int{20000, 313, 40, 20, 10, 5, 3, 2, 1}},
		{100_000, []int{400_000, 6250, 782, 391, 196, 98, 49, 25, 13, 7, 4, 2, 1}},
	} {
		if got := trust.Capacities(c.size); !slices.Equal(got, c.want) {
			t.Errorf("trust.Capacities(%d) = %v, want %v", c.size, got, c.want)
		}
	}
}

// The targets of the schedule, on generated registries: 3 founding Ambassadors, every newcomer
// endorsed by 3 earlier members. One member one step from a founding Ambassador endorses one of
// 2,000 fake accounts that endorse each other densely. The honest members are lifted (at least
// 95%), and the fakes lifted stay under 5% of the honest membership at 500, under 1% beyond.
// The registry is computed as it lives: first alone (the first computation starts from nothing),
// then again from what that lifted, then attacked, then once more after the attack (the size now
// counts the fakes lifted).
func TestScheduleHoldsAtEverySize(t *testing.T) {
	for _, c := range []struct {
		n        int
		maxFakes int
	}{
		{500, 25},
		{5000, 50},
		{100_000, 1000},
	} {
		if c.n > 5000 && testing.Short() {
			t.Logf("%d members: skipped in -short mode", c.n)
			continue
		}
		g := graphgen.Honest(1, c.n, 3, 3)
		r := trust.Compute(g.Members, g.Edges, trust.Config{})
		if h, _ := g.Lifted(r); h < c.n*95/100 {
			t.Errorf("%d members, first computation: %d honest lifted, want at least 95%%", c.n, h)
		}
		r = trust.Compute(g.Members, g.Edges, trust.Config{Previous: r.Lifted()})
		if h, _ := g.Lifted(r); h < c.n*95/100 {
			t.Errorf("%d members: %d honest lifted, want at least 95%%", c.n, h)
		}
		fooled := slices.Index(r.Advocate.Distance, 2)
		g.Attack(2, fooled, 2000, 10)
		for round := range 2 {
			r = trust.Compute(g.Members, g.Edges, trust.Config{Previous: r.Lifted()})
			h, fakes := g.Lifted(r)
			t.Logf("%d members, attack round %d: %d honest and %d of 2,000 fakes lifted; schedule %v", c.n, round, h, fakes, r.Advocate.Table)
			if h < c.n*95/100 {
				t.Errorf("%d members, attacked: %d honest lifted, want at least 95%%", c.n, h)
			}
			if fakes > c.maxFakes {
				t.Errorf("%d members, one attack edge at distance 2: %d fakes lifted, want at most %d", c.n, fakes, c.maxFakes)
			}
		}
		// A registry that meets the fakes on its first computation fares no worse.
		if _, fakes := g.Lifted(trust.Compute(g.Members, g.Edges, trust.Config{})); fakes > c.maxFakes {
			t.Errorf("%d members, attacked before the first computation: %d fakes lifted, want at most %d", c.n, fakes, c.maxFakes)
		}
	}
}

// Fake accounts that nobody trusted buy no capacity by existing: 20,000 of them beside a
// registry of 500 leave its schedule as it was.
func TestFakesThatNobodyTrustsDoNotGrowTheSchedule(t *testing.T) {
	g := graphgen.Honest(3, 500, 3, 3)
	r := trust.Compute(g.Members, g.Edges, trust.Config{})
	r = trust.Compute(g.Members, g.Edges, trust.Config{Previous: r.Lifted()})
	before := r.Advocate.Table
	first := len(g.Members)
	g.Attack(4, first-1, 20_000, 5)
	g.Edges = g.Edges[:len(g.Edges)-1] // no honest member endorses them
	r = trust.Compute(g.Members, g.Edges, trust.Config{Previous: r.Lifted()})
	if _, fakes := g.Lifted(r); fakes != 0 || !slices.Equal(r.Advocate.Table, before) {
		t.Errorf("%d fakes lifted, schedule %v, was %v", fakes, r.Advocate.Table, before)
	}
}

// Explicit tables replace the schedule, whatever the previous computation lifted.
func TestExplicitTablesOverride(t *testing.T) {
	g := graphgen.Honest(5, 300, 3, 3)
	cfg := trust.Config{Advocate: []int{3, 1}, Ambassador: []int{2, 1}, Previous: trust.Lifted{Advocate: 300}}
	r := trust.Compute(g.Members, g.Edges, cfg)
	s := r.Schedule()
	if !slices.Equal(s.Advocate, cfg.Advocate) || s.AdvocateSize != 0 || r.Advocate.Flow > 3*3 {
		t.Errorf("schedule %+v, flow %d", s, r.Advocate.Flow)
	}
}

// Losing members shrinks the schedule with them, and the registry does not shrink further on
// its own: computing again and again from what was lifted keeps the same tiers.
func TestScheduleIsStable(t *testing.T) {
	g := graphgen.Honest(6, 3000, 3, 3)
	r := trust.Compute(g.Members, g.Edges, trust.Config{})
	for i := 100; i < 3000; i += 4 {
		g.Members[i].Active = false
	}
	r = trust.Compute(g.Members, g.Edges, trust.Config{Previous: r.Lifted()})
	first := r.Advocate.Flow
	for range 5 {
		r = trust.Compute(g.Members, g.Edges, trust.Config{Previous: r.Lifted()})
		if r.Advocate.Flow != first {
			t.Fatalf("lifted %d, then %d on the same graph", first, r.Advocate.Flow)
		}
	}
}
