package trust

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkCompute100k runs both tiers on 100,000 members and 1,000,000 endorsements (20
// seeds; a third of the endorsements come from a core of active endorsers): "steady" as a
// running registry computes, from what the previous computation lifted; "first" as the first
// computation of a registry (or after a large import), which grows its schedule from nothing.
func BenchmarkCompute100k(b *testing.B) {
	const n, m = 100_000, 1_000_000
	rng := rand.New(rand.NewPCG(7, 7))
	members := make([]Member, n)
	for i := range members {
		members[i] = Member{ID: fmt.Sprintf("%08x-0000-4000-8000-%012d", rng.Uint32(), i), Active: rng.IntN(100) != 0, Seed: i < 20}
	}
	edges := make([]Edge, m)
	for i := range edges {
		from := rng.IntN(n)
		if rng.IntN(3) == 0 {
			from = rng.IntN(n / 20) // a core of active endorsers
		}
		to := rng.IntN(n)
		level := LevelAdvocate
		if rng.IntN(5) == 0 {
			level = LevelAmbassador
		}
		edges[i] = Edge{From: from, To: to, Level: level, Counts: rng.IntN(20) != 0, Created: int64(i)}
	}
	b.Run("first", func(b *testing.B) {
		for range b.N {
			r := Compute(members, edges, DefaultConfig())
			b.ReportMetric(float64(r.Advocate.Flow), "advocate-flow")
		}
	})
	previous := Compute(members, edges, DefaultConfig()).Lifted()
	b.Run("steady", func(b *testing.B) {
		for range b.N {
			r := Compute(members, edges, Config{Previous: previous})
			b.ReportMetric(float64(r.Advocate.Flow), "advocate-flow")
		}
	})
}
