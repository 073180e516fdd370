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
// table[d-1], the last entry past the end.
type Config struct {
	Advocate, Ambassador []int
}

// DefaultConfig are the capacities measured sensible at 100,000 members.
func DefaultConfig() Config {
	return Config{Advocate: []int{20000, 5000, 1250, 300, 75, 20, 5, 2, 1}, Ambassador: []int{2000, 500, 100, 20, 4, 1}}
}

// Run is the outcome of one tier's flow.
type Run struct {
	Accepted []bool
	// Distance from the seeds (seeds at 1; 0 when unreachable) and capacity of each member.
	Distance []int32
	Capacity []int32
	// Parent is the member through which the breadth-first search first reached each one (-1
	// for seeds and the unreachable): the path of trust shown to people.
	Parent []int32
	Flow   int
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
	r.Advocate = run(n, seeds, sorted, LevelAdvocate, cfg.Advocate)
	r.Ambassador = run(n, seeds, sorted, LevelAmbassador, cfg.Ambassador)
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

// run computes one tier: distances by breadth-first search from the seeds, then the maximum
// flow from a root (unbounded edges to the seeds) through the split nodes to the sink.
func run(n int, seeds []int32, edges []Edge, min Level, table []int) Run {
	// Adjacency of the edges of this run, in edge order (CSR).
	start := make([]int32, n+1)
	for _, e := range edges {
		if e.Level >= min {
			start[e.From+1]++
		}
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	adj := make([]int32, start[n])
	fill := slices.Clone(start[:n])
	for _, e := range edges {
		if e.Level >= min {
			adj[fill[e.From]] = int32(e.To)
			fill[e.From]++
		}
	}
	r := Run{Accepted: make([]bool, n), Distance: make([]int32, n), Capacity: make([]int32, n), Parent: make([]int32, n)}
	for i := range r.Parent {
		r.Parent[i] = -1
	}
	queue := make([]int32, 0, n)
	for _, s := range seeds {
		if r.Distance[s] == 0 {
			r.Distance[s] = 1
			queue = append(queue, s)
		}
	}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, v := range adj[start[u]:start[u+1]] {
			if r.Distance[v] == 0 {
				r.Distance[v] = r.Distance[u] + 1
				r.Parent[v] = u
				queue = append(queue, v)
			}
		}
	}
	for _, u := range queue {
		r.Capacity[u] = capacity(table, r.Distance[u])
	}
	r.Flow = maxFlow(n, queue, seeds, start, adj, r.Capacity, r.Accepted)
	return r
}
