// Package graphgen generates the endorsement graphs the tier computation is tested and measured
// on: honest registries of any size, and clusters of fake accounts attached to them. The same
// seed gives the same graph.
//
// An honest registry grows one member at a time: the founding Ambassadors first, then every
// newcomer is endorsed by inDegree members chosen at random among those who signed before (the
// first few by all there are). Public ids are random, so that the order of signing is not the
// order of visiting.
package graphgen

import (
	"fmt"
	"math/rand/v2"

	"github.com/open-recognition/registry/trust"
)

// Graph is a generated registry. Members [0, Honest) are honest; the rest are fake.
type Graph struct {
	Members []trust.Member
	Edges   []trust.Edge
	Honest  int
}

// Honest generates a registry of n honest members, the first seeds of them founding Ambassadors.
func Honest(seed uint64, n, seeds, inDegree int) *Graph {
	rng := rand.New(rand.NewPCG(seed, 1))
	g := &Graph{Honest: n}
	for i := range n {
		g.Members = append(g.Members, trust.Member{ID: fmt.Sprintf("%08x-h%07d", rng.Uint32(), i), Active: true, Seed: i < seeds})
	}
	for i := seeds; i < n; i++ {
		k := min(inDegree, i)
		picked := map[int]bool{}
		for len(picked) < k {
			from := rng.IntN(i)
			if !picked[from] {
				picked[from] = true
				g.edge(from, i, trust.LevelAdvocate)
			}
		}
	}
	return g
}

func (g *Graph) edge(from, to int, level trust.Level) {
	g.Edges = append(g.Edges, trust.Edge{From: from, To: to, Level: level, Counts: true, Created: int64(len(g.Edges))})
}

// Attack adds a cluster of fakes, each endorsing outDegree others of the cluster at Ambassador
// level, and one Ambassador endorsement (it counts in both runs) from the honest member fooled
// into the cluster. It returns the index of the first fake.
func (g *Graph) Attack(seed uint64, fooled, fakes, outDegree int) int {
	rng := rand.New(rand.NewPCG(seed, 2))
	first := len(g.Members)
	for i := range fakes {
		g.Members = append(g.Members, trust.Member{ID: fmt.Sprintf("%08x-f%07d", rng.Uint32(), i), Active: true})
	}
	for i := range fakes {
		picked := map[int]bool{i: true} // nobody endorses themselves or anyone twice
		for len(picked) <= min(outDegree, fakes-1) {
			if j := rng.IntN(fakes); !picked[j] {
				picked[j] = true
				g.edge(first+i, first+j, trust.LevelAmbassador)
			}
		}
	}
	g.edge(fooled, first+rng.IntN(fakes), trust.LevelAmbassador)
	return first
}

// Lifted counts the honest and the fake members a computation lifted above Signatory.
func (g *Graph) Lifted(r *trust.Result) (honest, fakes int) {
	for i, t := range r.Tiers {
		if t == trust.Signatory {
			continue
		}
		if i < g.Honest {
			honest++
		} else {
			fakes++
		}
	}
	return honest, fakes
}
