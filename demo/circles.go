package demo

import (
	"math"
	"slices"
)

// The movement's circles. A tier means something only if few hold it, and the registry lifts a
// member only when someone it already trusts vouches for them: a demo where anyone endorses
// anyone lifts almost everyone. So the demo's signatories have a place in the movement, drawn
// before any endorsement, and who endorses whom follows from it:
//
//   - the founding Ambassadors, a handful of early signers;
//   - those near the founders (about 2%): vouched for as Ambassadors by a founder or by another
//     of them, and the only ones the founders and they vouch for as Ambassadors;
//   - the engaged (about 15% more): each was brought in by someone already in the circles,
//     often a founder or someone near them, and endorses only people in the circles;
//   - everyone else, the large outer circle, who signed and endorse the people they know: the
//     well-known figures of the circles, or one another. Nobody in the circles vouches for
//     them (yet), so their endorsements, however many, lift nobody.
//
// Who is in the circles is drawn from activity (the active are known) and from how early one
// signed; nothing fixes anyone's tier: the registry computes the tiers from the endorsements.
const (
	circleShare    = 0.17 // founders, near and engaged, of all signatories
	nearShare      = 0.02 // founders and those near them
	introByFounder = 0.20 // an engaged member brought in by a founder …
	introByNear    = 0.30 // … by someone near the founders, else by any earlier member of the circles
	nearByFounder  = 0.60 // someone near the founders vouched for by a founder, else by another of them
)

// role is a signatory's place in the movement.
type role uint8

const (
	outer role = iota
	engaged
	near
	founder
)

func (r role) inCircles() bool { return r != outer }

// placeInCircles draws each signatory's role from their activity and signing rank. Unconfirmed
// organisations stay outside: they cannot endorse and count for nothing in the computation.
func (b *graphBuilder) placeInCircles(activity []float64) {
	n := len(b.nodes)
	b.role = make([]role, n)
	type cand struct {
		score float64
		i     int32
	}
	var cands []cand
	for i := range n {
		if i < b.nSeeds {
			b.role[i] = founder
			continue
		}
		if nd := &b.nodes[i]; nd.org && !nd.verified {
			continue
		}
		early := 1 - float64(i)/float64(n)
		cands = append(cands, cand{math.Log(activity[i]) + early + 0.5*b.r.NormFloat64(), int32(i)})
	}
	byScore := func(a, c cand) int {
		if a.score != c.score {
			if a.score > c.score {
				return -1
			}
			return 1
		}
		return int(a.i - c.i)
	}
	slices.SortFunc(cands, byScore)
	// The shares vary a little from one registry to the next, as they would.
	size := func(share float64) int {
		return max(0, int(math.Round(share*float64(n)*(0.85+0.3*b.r.Float64())))-b.nSeeds)
	}
	inCircle := min(len(cands), size(circleShare))
	cands = cands[:inCircle]
	// Near the founders: the earliest and most active of the circles.
	for k := range cands {
		i := cands[k].i
		b.role[i] = engaged
		cands[k].score = math.Log(activity[i]) + 2*(1-float64(i)/float64(n)) + 0.5*b.r.NormFloat64()
	}
	slices.SortFunc(cands, byScore)
	for _, c := range cands[:min(len(cands), size(nearShare))] {
		b.role[c.i] = near
	}
}

// introduce gives every member of the circles, in signing order, the endorsement that brought
// them in, from someone of the circles who signed before them (within the budget: at most half
// the endorsements). Those near the founders are vouched for as Ambassadors, the engaged as
// Advocates. Some decline it, or leave it pending (which counts).
func (b *graphBuilder) introduce(target int) {
	budget := target / 2
	for to := int32(b.nSeeds); int(to) < len(b.nodes) && len(b.edges) < budget; to++ {
		var from int32
		var ok bool
		switch rl := b.role[to]; {
		case rl == near && chance(b.r, nearByFounder), rl == engaged && chance(b.r, introByFounder):
			from, ok = int32(b.r.IntN(b.nSeeds)), true
		case rl == near, rl == engaged && chance(b.r, introByNear):
			from, ok = b.nearer.drawLocal(b.r, to)
		case rl == engaged:
			from, ok = b.inner.drawLocal(b.r, to)
		default:
			continue
		}
		if !ok {
			from = int32(b.r.IntN(b.nSeeds))
		}
		if !b.add(from, to) {
			continue
		}
		e := &b.edges[len(b.edges)-1]
		e.level = 0
		if b.role[to] == near {
			e.level = 1
		}
	}
}
