package trustgraph

import (
	"cmp"
	"io"
	"slices"
	"time"

	"github.com/open-recognition/registry/trust"
)

// Graph is a published graph, read whole: what the tier computation needs.
type Graph struct {
	Header  Header
	Members []trust.Member
	// Published are the tiers the registry gives the members, in the same order.
	Published []trust.Tier
	Edges     []trust.Edge
}

// Read reads and checks a whole graph. Besides the shape of each line it checks that every
// signatory appears once and every endorsement joins two signatories of the graph.
func Read(r io.Reader) (*Graph, error) {
	rd := NewReader(r)
	g := &Graph{}
	index := map[string]int{}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return g, nil
		}
		if err != nil {
			return nil, err
		}
		switch v := rec.(type) {
		case *Header:
			g.Header = *v
		case *Signatory:
			if _, dup := index[v.ID]; dup {
				return nil, rd.fail(rd.Line(), "signatory %s appears twice", v.ID)
			}
			index[v.ID] = len(g.Members)
			g.Members = append(g.Members, trust.Member{ID: v.ID, Active: true, Seed: v.Seed})
			g.Published = append(g.Published, tiers[v.Tier])
		case *Endorsement:
			from, ok := index[v.From]
			if !ok {
				return nil, rd.fail(rd.Line(), "endorsement by %s, who is not among the signatories above", v.From)
			}
			to, ok := index[v.To]
			if !ok {
				return nil, rd.fail(rd.Line(), "endorsement of %s, who is not among the signatories above", v.To)
			}
			created, _ := time.Parse(time.RFC3339, v.CreatedAt) // checked by the reader
			g.Edges = append(g.Edges, trust.Edge{From: from, To: to, Level: levels[v.Level], Counts: true, Created: created.UnixMilli()})
		}
	}
}

// Config is the computation the header describes: its capacity tables. A registry that has
// not computed its tiers yet publishes none; the schedule then follows the size, as the
// registry's first computation does.
func (g *Graph) Config() trust.Config {
	return trust.Config{Advocate: g.Header.Capacities.Advocate, Ambassador: g.Header.Capacities.Ambassador}
}

// Difference is a signatory whose published tier is not the one the graph gives.
type Difference struct {
	ID                    string
	Published, Recomputed trust.Tier
}

// Report is the outcome of a verification.
type Report struct {
	Header                    Header
	Signatories, Endorsements int
	// Recomputed are the exclusive counts of the recomputed tiers.
	Recomputed [3]int
	// Differences are in order of public id.
	Differences []Difference
}

// Agrees reports whether every published tier is the recomputed one.
func (r *Report) Agrees() bool { return len(r.Differences) == 0 }

// Verify reads a published graph, computes every tier again from it alone, with the header's
// capacities, and lists every signatory whose published tier differs.
func Verify(r io.Reader) (*Report, error) {
	g, err := Read(r)
	if err != nil {
		return nil, err
	}
	return g.Verify(), nil
}

// Verify computes the tiers of the graph and compares them with the published ones.
func (g *Graph) Verify() *Report {
	res := trust.Compute(g.Members, g.Edges, g.Config())
	rep := &Report{Header: g.Header, Signatories: len(g.Members), Endorsements: len(g.Edges)}
	for i, t := range res.Tiers {
		rep.Recomputed[t]++
		if t != g.Published[i] {
			rep.Differences = append(rep.Differences, Difference{ID: g.Members[i].ID, Published: g.Published[i], Recomputed: t})
		}
	}
	// The signatories come in id order in a registry's graph; sort anyway for any other file.
	sortDifferences(rep.Differences)
	return rep
}

func sortDifferences(d []Difference) {
	slices.SortFunc(d, func(a, b Difference) int { return cmp.Compare(a.ID, b.ID) })
}
