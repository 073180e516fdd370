package demo

import (
	"sync/atomic"

	"github.com/open-recognition/registry/trust"
)

// TrustGraph is the endorsement graph Generate emits for a Config, as the tier computation reads
// it from a registry the demo filled: what tests need to compute the demo's tiers without
// writing a database.
type TrustGraph struct {
	// Members in signing order (the order of the rows the import writes), with the public ids
	// the caller derives from the refs, the founding Ambassadors marked, and active when
	// verified (an unconfirmed organisation counts for nothing).
	Members []trust.Member
	// Edges in date order, as Generate emits them: creation time in milliseconds, declined ones
	// not counting.
	Edges []trust.Edge
	// Organisation marks the organisations among the members.
	Organisation []bool
}

// Graph builds cfg's endorsement graph without writing any text; publicID turns a ref ("d1",
// "d2", …) into the public id the registry gives it. It is the graph Generate emits: the same
// endorsements, in the same order.
func Graph(cfg Config, publicID func(ref string) string) *TrustGraph {
	n, m, now := cfg.normalised()
	nSeeds := seedCount(n)
	nodes := sketch(cfg.Seed, n, nSeeds, now)
	var stop atomic.Bool
	edges := buildEdges(newRand(cfg.Seed, streamGraph), nodes, nSeeds, m, now.Unix(), &stop)
	sortEdges(edges)
	g := &TrustGraph{Members: make([]trust.Member, n), Edges: make([]trust.Edge, len(edges)), Organisation: make([]bool, n)}
	for i, nd := range nodes {
		g.Members[i] = trust.Member{ID: publicID(ref(i)), Active: nd.verified, Seed: i < nSeeds}
		g.Organisation[i] = nd.org
	}
	for k, e := range edges {
		level := trust.LevelAdvocate
		if e.level == 1 {
			level = trust.LevelAmbassador
		}
		g.Edges[k] = trust.Edge{From: int(e.from), To: int(e.to), Level: level, Counts: e.status != 2, Created: e.at * 1000}
	}
	return g
}
