package trust

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// graph builds members named by letters and edges "A>B" (advocate level) or "A>>B" (ambassador).
type graph struct {
	members []Member
	edges   []Edge
	at      map[string]int
}

func newGraph(seeds ...string) *graph {
	g := &graph{at: map[string]int{}}
	for _, s := range seeds {
		g.node(s).Seed = true
	}
	return g
}

func (g *graph) node(id string) *Member {
	if i, ok := g.at[id]; ok {
		return &g.members[i]
	}
	g.at[id] = len(g.members)
	g.members = append(g.members, Member{ID: id, Active: true})
	return &g.members[len(g.members)-1]
}

func (g *graph) edge(from, to string, level Level, counts bool) {
	g.node(from)
	g.node(to)
	g.edges = append(g.edges, Edge{From: g.at[from], To: g.at[to], Level: level, Counts: counts, Created: int64(len(g.edges))})
}

func (g *graph) adv(pairs ...string) *graph {
	for i := 0; i+1 < len(pairs); i += 2 {
		g.edge(pairs[i], pairs[i+1], LevelAdvocate, true)
	}
	return g
}

func (g *graph) tiers(t *testing.T, cfg Config) map[string]Tier {
	t.Helper()
	r := Compute(g.members, g.edges, cfg)
	out := map[string]Tier{}
	for id, i := range g.at {
		out[id] = r.Tiers[i]
	}
	return out
}

func want(t *testing.T, got map[string]Tier, exp map[string]Tier) {
	t.Helper()
	for id, w := range exp {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}
}

var small = Config{Advocate: []int{4, 2, 1}, Ambassador: []int{4, 2, 1}}

// trust.md's worked example: D is accepted but too far to vouch for E.
func TestWorkedExample(t *testing.T) {
	g := newGraph("A").adv("A", "B", "A", "C", "B", "D", "C", "D", "D", "E")
	r := Compute(g.members, g.edges, small)
	if r.Advocate.Flow != 4 {
		t.Errorf("flow %d, want 4", r.Advocate.Flow)
	}
	want(t, g.tiers(t, small), map[string]Tier{"A": Ambassador, "B": Advocate, "C": Advocate, "D": Advocate, "E": Signatory})
	d := func(id string) int32 { return r.Advocate.Distance[g.at[id]] }
	if d("A") != 1 || d("B") != 2 || d("D") != 3 || d("E") != 4 {
		t.Errorf("distances A%d B%d D%d E%d", d("A"), d("B"), d("D"), d("E"))
	}
}

func TestChain(t *testing.T) {
	// S passes 3, a passes 1, b passes 0: c and d stay Signatories.
	g := newGraph("S").adv("S", "a", "a", "b", "b", "c", "c", "d")
	want(t, g.tiers(t, small), map[string]Tier{"S": Ambassador, "a": Advocate, "b": Advocate, "c": Signatory, "d": Signatory})
}

func TestCycle(t *testing.T) {
	// A cycle adds nothing a chain does not.
	g := newGraph("S").adv("S", "a", "a", "b", "b", "a", "b", "S")
	want(t, g.tiers(t, small), map[string]Tier{"S": Ambassador, "a": Advocate, "b": Advocate})
}

func TestDiamondSharesCapacity(t *testing.T) {
	// S (4) keeps 1, passes 3: x and y take one each, z one more through either; w gets nothing.
	g := newGraph("S").adv("S", "x", "S", "y", "x", "z", "y", "z", "x", "w", "y", "w")
	got := g.tiers(t, Config{Advocate: []int{4, 1}, Ambassador: []int{1}})
	accepted := 0
	for _, id := range []string{"x", "y", "z", "w"} {
		if got[id] == Advocate {
			accepted++
		}
	}
	if accepted != 2 || got["x"] != Advocate || got["y"] != Advocate {
		t.Errorf("tiers %v: want x and y only (distance 2 passes nothing)", got)
	}
}

func TestSeedAlsoEndorsed(t *testing.T) {
	g := newGraph("S", "T").adv("S", "T", "T", "a")
	want(t, g.tiers(t, small), map[string]Tier{"S": Ambassador, "T": Ambassador, "a": Advocate})
}

func TestEdgesThatCountForNothing(t *testing.T) {
	g := newGraph("S")
	g.edge("S", "declined", LevelAdvocate, false)
	g.edge("S", "withdrawnEdge", LevelAdvocate, false)
	g.edge("S", "gone", LevelAdvocate, true)
	g.node("gone").Active = false
	g.edge("gone", "friend", LevelAdvocate, true)
	g.edge("S", "ok", LevelAdvocate, true)
	want(t, g.tiers(t, small), map[string]Tier{"declined": Signatory, "withdrawnEdge": Signatory, "gone": Signatory, "friend": Signatory, "ok": Advocate})
}

func TestAmbassadorRunUsesAmbassadorEdgesOnly(t *testing.T) {
	g := newGraph("S")
	g.edge("S", "adv", LevelAdvocate, true)
	g.edge("S", "amb", LevelAmbassador, true)
	want(t, g.tiers(t, small), map[string]Tier{"adv": Advocate, "amb": Ambassador})
}

// A cluster of fake accounts endorsing each other densely, joined to the honest graph by k
// attack edges, gets no more accepted than trust.md's bound: Σ(cap(x) − 1) over the honest
// members x who endorse them. The honest members keep their tiers.
func TestAttackIsBounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	build := func(attack int) (*graph, []string) {
		g := newGraph("seed0", "seed1")
		var honest []string
		for i := range 300 {
			h := fmt.Sprintf("h%03d", i)
			honest = append(honest, h)
			parent := fmt.Sprintf("seed%d", i%2)
			if i >= 20 {
				parent = honest[(i-20)/14]
			}
			g.adv(parent, h)
		}
		for i := range 2000 {
			for range 8 {
				g.adv(fmt.Sprintf("fake%04d", i), fmt.Sprintf("fake%04d", rng.IntN(2000)))
			}
		}
		var attackers []string
		for k := range attack {
			h := honest[100+37*k]
			attackers = append(attackers, h)
			g.adv(h, fmt.Sprintf("fake%04d", k))
		}
		return g, attackers
	}
	cfg := Config{Advocate: []int{200, 50, 10, 4, 2, 1}, Ambassador: []int{20, 4, 1}}
	clean, _ := build(0)
	base := clean.tiers(t, cfg)
	for _, k := range []int{1, 3, 5} {
		g, attackers := build(k)
		r := Compute(g.members, g.edges, cfg)
		bound := 0
		for _, h := range attackers {
			bound += int(r.Advocate.Capacity[g.at[h]]) - 1
		}
		fakes := 0
		for id, i := range g.at {
			if id[0] == 'f' && r.Tiers[i] != Signatory {
				fakes++
			}
		}
		if fakes > bound {
			t.Errorf("k=%d: %d fakes accepted, bound %d", k, fakes, bound)
		}
		for id, tier := range base {
			if id[0] != 'f' && r.Tiers[g.at[id]] != tier {
				t.Errorf("k=%d: honest %s went from %s to %s", k, id, tier, r.Tiers[g.at[id]])
			}
		}
		t.Logf("k=%d attack edges: %d of 2000 fakes accepted (bound %d)", k, fakes, bound)
	}
}

// The same graph given in another order gives the same tiers.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := newGraph("s0", "s1")
	for i := range 400 {
		for range 4 {
			g.edge(fmt.Sprintf("m%03d", rng.IntN(400)), fmt.Sprintf("m%03d", i), Level(1+rng.IntN(2)), true)
		}
		g.adv(fmt.Sprintf("s%d", i%2), fmt.Sprintf("m%03d", rng.IntN(400)))
	}
	for i := range g.edges {
		g.edges[i].Created = int64(i / 7) // ties broken by endorser id
	}
	first := g.tiers(t, small)
	for round := range 5 {
		perm := rng.Perm(len(g.members))
		members := make([]Member, len(g.members))
		newIndex := make([]int, len(g.members))
		for newPos, old := range perm {
			members[newPos] = g.members[old]
			newIndex[old] = newPos
		}
		edges := make([]Edge, len(g.edges))
		for i, e := range g.edges {
			edges[i] = Edge{From: newIndex[e.From], To: newIndex[e.To], Level: e.Level, Counts: e.Counts, Created: e.Created}
		}
		rng.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
		r := Compute(members, edges, small)
		for i, m := range members {
			if r.Tiers[i] != first[m.ID] {
				t.Fatalf("round %d: %s is %s, was %s", round, m.ID, r.Tiers[i], first[m.ID])
			}
		}
	}
}

func TestStandingExplainsThePath(t *testing.T) {
	g := newGraph("A").adv("A", "B", "A", "C", "B", "D", "C", "D", "D", "E")
	r := Compute(g.members, g.edges, small)
	e := r.Advocate.Standing(g.at["E"])
	if e.Accepted || e.Distance != 4 || e.Capacity != 1 || len(e.Path) != 4 || e.Path[0] != g.at["A"] || e.Path[3] != g.at["E"] {
		t.Errorf("E: %+v", e)
	}
	if s := r.Advocate.Standing(g.at["A"]); len(s.Path) != 1 || !s.Accepted {
		t.Errorf("A: %+v", s)
	}
	lone := newGraph("A").adv("A", "B")
	lone.node("Z")
	r = Compute(lone.members, lone.edges, small)
	if s := r.Advocate.Standing(lone.at["Z"]); s.Distance != 0 || s.Path != nil {
		t.Errorf("Z: %+v", s)
	}
}
