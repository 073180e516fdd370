package trust

import (
	"fmt"
	"math/rand/v2"
)

// The graphs the capacity schedule is tested on. An honest registry grows one member at a
// time: the founding Ambassadors first, then every newcomer is endorsed by inDegree members
// chosen at random among those who signed before (the first few by all there are). Public ids
// are random, so that the order of signing is not the order of visiting.

type generated struct {
	members []Member
	edges   []Edge
	honest  int // members [0, honest) are honest; the rest are fake
}

func honestRegistry(seed uint64, n, seeds, inDegree int) *generated {
	rng := rand.New(rand.NewPCG(seed, 1))
	g := &generated{honest: n}
	for i := range n {
		g.members = append(g.members, Member{ID: fmt.Sprintf("%08x-h%07d", rng.Uint32(), i), Active: true, Seed: i < seeds})
	}
	for i := seeds; i < n; i++ {
		k := min(inDegree, i)
		picked := map[int]bool{}
		for len(picked) < k {
			from := rng.IntN(i)
			if !picked[from] {
				picked[from] = true
				g.edge(from, i, LevelAdvocate)
			}
		}
	}
	return g
}

func (g *generated) edge(from, to int, level Level) {
	g.edges = append(g.edges, Edge{From: from, To: to, Level: level, Counts: true, Created: int64(len(g.edges))})
}

// attack adds a cluster of fakes, each endorsing outDegree others of the cluster at both levels,
// and one endorsement (both levels count: it is an Ambassador endorsement) from the honest
// member fooled into the cluster. It returns the index of the first fake.
func (g *generated) attack(seed uint64, fooled, fakes, outDegree int) int {
	rng := rand.New(rand.NewPCG(seed, 2))
	first := len(g.members)
	for i := range fakes {
		g.members = append(g.members, Member{ID: fmt.Sprintf("%08x-f%07d", rng.Uint32(), i), Active: true})
	}
	for i := range fakes {
		for range outDegree {
			if j := rng.IntN(fakes); j != i {
				g.edge(first+i, first+j, LevelAmbassador)
			}
		}
	}
	g.edge(fooled, first+rng.IntN(fakes), LevelAmbassador)
	return first
}

// lifted counts the honest and the fake members a computation lifted above Signatory.
func (g *generated) lifted(r *Result) (honest, fakes int) {
	for i, t := range r.Tiers {
		if t == Signatory {
			continue
		}
		if i < g.honest {
			honest++
		} else {
			fakes++
		}
	}
	return honest, fakes
}
