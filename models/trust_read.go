package models

import (
	"context"
	"runtime"

	"github.com/open-recognition/registry/trust"
	"golang.org/x/sync/errgroup"
)

// readGraph fills in the members and edges of the trust input. The signatories and the
// endorsements are read at the same time, the endorsements split into ranges of ids read on
// connections of their own: reading a row costs a call into SQLite and a conversion of each
// column, which one core does a million times a second at best. The edges are read with the
// signatories' row ids and turned into member positions once both are in; an endorsement of a
// signatory stored after the signatories were read belongs to a later version of the graph,
// which the next computation reads, and is left out of this one.
func (s *Store) readGraph(ctx context.Context, in *TrustInput) error {
	db := s.SQL()
	var lo, hi, members int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM endorsements").Scan(&lo, &hi); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM signatories").Scan(&members); err != nil {
		return err
	}
	parts := max(1, runtime.GOMAXPROCS(0))
	if hi-lo < 10000 {
		parts = 1
	}
	step := (hi - lo + int64(parts)) / int64(parts)
	chunks := make([][]trust.Edge, parts)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.readMembers(gctx, in, int(members)) })
	for i := range chunks {
		from := lo + int64(i)*step
		g.Go(func() (err error) {
			chunks[i], err = s.readEdges(gctx, from, min(hi, from+step-1))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Positions by row id: the ids are dense, and a slice looks up ten times faster than a map.
	// The members are read after their largest id, in another statement: a signatory who
	// signed in between is among them, with an id beyond it.
	for _, id := range in.RowIDs {
		members = max(members, id)
	}
	position := make([]int32, members+1)
	for i := range position {
		position[i] = -1
	}
	for i, id := range in.RowIDs {
		position[id] = int32(i)
	}
	at := func(id int) int {
		if id < 0 || id >= len(position) {
			return -1
		}
		return int(position[id])
	}
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	in.Edges = make([]trust.Edge, 0, n)
	for _, c := range chunks {
		for _, e := range c {
			if e.From, e.To = at(e.From), at(e.To); e.From >= 0 && e.To >= 0 {
				in.Edges = append(in.Edges, e)
			}
		}
	}
	return nil
}

// readMembers reads every signatory in id order; size is the largest id, a bound on their number.
func (s *Store) readMembers(ctx context.Context, in *TrustInput, size int) error {
	rows, err := s.SQL().QueryContext(ctx, `SELECT s.id, s.public_id, s.tier, s.listed, s.status = 'active' AND s.verified, d.signatory_id IS NOT NULL
		FROM signatories s LEFT JOIN seeds d ON d.signatory_id = s.id ORDER BY s.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	in.Members, in.RowIDs, in.Tiers, in.Listed = make([]trust.Member, 0, size), make([]int64, 0, size), make([]string, 0, size), make([]bool, 0, size)
	for rows.Next() {
		var id int64
		var m trust.Member
		var tier string
		var listed bool
		if err := rows.Scan(&id, &m.ID, &tier, &listed, &m.Active, &m.Seed); err != nil {
			return err
		}
		in.Members, in.RowIDs, in.Tiers, in.Listed = append(in.Members, m), append(in.RowIDs, id), append(in.Tiers, tier), append(in.Listed, listed)
	}
	return rows.Err()
}

// readEdges reads the endorsements with ids from lo to hi, with the signatories' row ids as
// their ends.
func (s *Store) readEdges(ctx context.Context, lo, hi int64) ([]trust.Edge, error) {
	rows, err := s.DB.WithContext(ctx).Raw(`SELECT from_id, to_id, level = 'ambassador', status = 'pending' OR status = 'accepted', `+
		s.createdMillis("created_at")+` FROM endorsements WHERE id BETWEEN ? AND ? ORDER BY id`, lo, hi).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	edges := make([]trust.Edge, 0, max(0, hi-lo+1))
	for rows.Next() {
		var from, to, at int64
		var amb, counts bool
		if err := rows.Scan(&from, &to, &amb, &counts, &at); err != nil {
			return nil, err
		}
		e := trust.Edge{From: int(from), To: int(to), Level: trust.LevelAdvocate, Counts: counts, Created: at}
		if amb {
			e.Level = trust.LevelAmbassador
		}
		edges = append(edges, e)
	}
	return edges, rows.Err()
}
