// Package trust computes the Advocate and Ambassador tiers from the endorsement graph: a
// capacity-constrained flow from the founding Ambassadors, in the style of the Advogato trust
// metric, which bounds how many fake accounts a fooled member can lift. It knows nothing of
// HTTP or SQL: it takes members and endorsements and returns tiers, the same ones for the same
// graph whatever order it was given in.
package trust

import (
	"cmp"
	"slices"
)

// Tier is a member's standing; tiers are exclusive.
type Tier uint8

const (
	Signatory Tier = iota
	Advocate
	Ambassador
)

func (t Tier) String() string { return [...]string{"signatory", "advocate", "ambassador"}[t] }

// Level is what an endorsement vouches for.
type Level uint8

const (
	LevelAdvocate Level = iota + 1
	LevelAmbassador
)

// Member is one signatory. ID is its stable public id, the order in which nodes are visited.
type Member struct {
	ID     string
	Active bool // an active signatory (withdrawn, hidden and deleted ones count for nothing)
	Seed   bool // a founding Ambassador
}

// Edge is an endorsement From → To (indexes into the members). Counts is false for a declined
// or withdrawn endorsement; pending ones count.
type Edge struct {
	From, To int
	Level    Level
	Counts   bool
	Created  int64 // creation time, for the order in which edges are taken
}

// Config holds the capacity tables: the capacity of a member at distance d from the seeds is
// table[d-1], the last entry past the end. An empty table follows the size of the registry
// (Capacities), from the members the previous computation lifted.
type Config struct {
	Advocate, Ambassador []int
	// Previous is what the previous computation lifted; zero for the first.
	Previous Lifted
}

// DefaultConfig follows the size of the registry in both runs.
func DefaultConfig() Config { return Config{} }

// Run is the outcome of one tier's flow.
type Run struct {
	Accepted []bool
	// Distance from the seeds (seeds at 1; 0 when unreachable) and capacity of each member.
	Distance []int32
	Capacity []int32
	// Parent is the member through which the breadth-first search first reached each one (-1
	// for seeds and the unreachable): the path of trust shown to people.
	Parent []int32
	// Flow is the number of members the run accepted.
	Flow int
	// Table is the capacity table the run used; Size the size it was scaled to (0 when given).
	Table []int
	Size  int
}

// Result holds the tiers and both runs, for explaining them.
type Result struct {
	Tiers      []Tier
	Advocate   Run
	Ambassador Run
}

// Compute runs both tiers. Members are visited in order of their public id and edges in order
// of (creation, endorser id), so that the result depends only on the graph.
func Compute(members []Member, edges []Edge, cfg Config) *Result {
	n := len(members)
	order := make([]int32, n) // order[k] = member visited k-th
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(members[a].ID, members[b].ID) })
	sorted := make([]Edge, 0, len(edges))
	for _, e := range edges {
		if e.Counts && e.From != e.To && members[e.From].Active && members[e.To].Active {
			sorted = append(sorted, e)
		}
	}
	// Ties of creation time are broken by the endorser's and the endorsee's place in id order:
	// integers compared instead of strings.
	rank := make([]int32, n)
	for k, i := range order {
		rank[i] = int32(k)
	}
	slices.SortFunc(sorted, func(a, b Edge) int {
		if c := cmp.Compare(a.Created, b.Created); c != 0 {
			return c
		}
		if c := cmp.Compare(rank[a.From], rank[b.From]); c != 0 {
			return c
		}
		if c := cmp.Compare(rank[a.To], rank[b.To]); c != 0 {
			return c
		}
		return cmp.Compare(a.Level, b.Level) // the same pair twice only outside the registry
	})
	var seeds []int32
	for _, i := range order {
		if members[i].Seed && members[i].Active {
			seeds = append(seeds, i)
		}
	}
	r := &Result{Tiers: make([]Tier, n)}
	r.Advocate = scaled(prepare(n, seeds, sorted, LevelAdvocate), cfg.Advocate, cfg.Previous.Advocate)
	r.Ambassador = scaled(prepare(n, seeds, sorted, LevelAmbassador), cfg.Ambassador, cfg.Previous.Ambassador)
	for i := range r.Tiers {
		switch {
		case members[i].Seed && members[i].Active, r.Ambassador.Accepted[i]:
			r.Tiers[i] = Ambassador
		case r.Advocate.Accepted[i]:
			r.Tiers[i] = Advocate
		}
	}
	return r
}

// capacity is the table entry for a distance (1-based).
func capacity(table []int, d int32) int32 {
	if len(table) == 0 {
		return 1
	}
	if int(d) > len(table) {
		return int32(table[len(table)-1])
	}
	return int32(table[d-1])
}

// Schedule is the capacities the computation used.
func (r *Result) Schedule() Schedule {
	return Schedule{Advocate: r.Advocate.Table, Ambassador: r.Ambassador.Table,
		AdvocateSize: r.Advocate.Size, AmbassadorSize: r.Ambassador.Size}
}

// Lifted is what each run lifted: the size the next computation's schedule follows.
func (r *Result) Lifted() Lifted {
	return Lifted{Advocate: r.Advocate.Flow, Ambassador: r.Ambassador.Flow}
}

// scaled runs the flow with the table given, or else with the schedule for the size the
// previous computation lifted. When the run lifts markedly more than that size (the first
// computation, a large import), the schedule held the registry back: the run is repeated with
// the size it reached, until it no longer grows.
func scaled(g *runGraph, table []int, previous int) Run {
	if len(table) > 0 {
		return g.flow(table, 0)
	}
	size := max(previous, MinSize)
	r := g.flow(Capacities(size), size)
	for round := 1; round < maxRounds && float64(r.Flow) > growth*float64(size); round++ {
		size = r.Flow
		r = g.flow(Capacities(size), size)
	}
	return r
}

// runGraph is one run's graph: its edges as adjacency lists, and the breadth-first distances
// from the seeds, which do not depend on the capacities.
type runGraph struct {
	n          int
	seeds      []int32
	start, adj []int32 // CSR: the endorsees of u are adj[start[u]:start[u+1]], in edge order
	distance   []int32
	parent     []int32
	reached    []int32 // in breadth-first order
}

// prepare builds one run's graph: distances by breadth-first search from the seeds over the
// edges of at least the given level.
func prepare(n int, seeds []int32, edges []Edge, min Level) *runGraph {
	g := &runGraph{n: n, seeds: seeds, start: make([]int32, n+1)}
	for _, e := range edges {
		if e.Level >= min {
			g.start[e.From+1]++
		}
	}
	for i := 0; i < n; i++ {
		g.start[i+1] += g.start[i]
	}
	g.adj = make([]int32, g.start[n])
	fill := slices.Clone(g.start[:n])
	for _, e := range edges {
		if e.Level >= min {
			g.adj[fill[e.From]] = int32(e.To)
			fill[e.From]++
		}
	}
	g.distance, g.parent = make([]int32, n), make([]int32, n)
	for i := range g.parent {
		g.parent[i] = -1
	}
	queue := make([]int32, 0, n)
	for _, s := range seeds {
		if g.distance[s] == 0 {
			g.distance[s] = 1
			queue = append(queue, s)
		}
	}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, v := range g.adj[g.start[u]:g.start[u+1]] {
			if g.distance[v] == 0 {
				g.distance[v] = g.distance[u] + 1
				g.parent[v] = u
				queue = append(queue, v)
			}
		}
	}
	g.reached = queue
	return g
}

// flow computes the maximum flow from a root (unbounded edges to the seeds) through the split
// nodes to the sink, with the capacities of a table.
func (g *runGraph) flow(table []int, size int) Run {
	r := Run{Accepted: make([]bool, g.n), Distance: g.distance, Capacity: make([]int32, g.n), Parent: g.parent,
		Table: table, Size: size}
	for _, u := range g.reached {
		r.Capacity[u] = capacity(table, g.distance[u])
	}
	r.Flow = maxFlow(g.n, g.reached, g.seeds, g.start, g.adj, r.Capacity, r.Accepted)
	return r
}
