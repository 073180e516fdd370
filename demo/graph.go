package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
)

// The endorsement graph is a fitness model within the movement's circles
// (circles.go): every signatory gets an activity drawn from a heavy-tailed
// (Pareto) law, which makes a few hubs (the founding Ambassadors among them)
// and a long tail of people with 0-3 endorsements. Endorsees are drawn in
// proportion to activity; endorsers too, among those who may endorse them
// (anyone for a member of the circles, the outer circle for the outer
// circle), mostly among earlier signers of the same country (a signatory
// who has been around longer has had more occasions to endorse, which
// compounds the preferential attachment), sometimes in the same region,
// rarely anywhere. With N=100,000 and M=1,000,000: about 70% of
// endorsements stay within a country, 85% come from an earlier signer, a
// third of the signatories have 0-3 endorsements and the biggest hubs
// several thousands.
const (
	sameCountryShare = 0.80
	sameRegionShare  = 0.14 // the rest goes anywhere in the world
	earlierShare     = 0.85 // endorser signed before the endorsee
	passiveShare     = 0.60 // signatories of the outer circle who never endorse anyone
	passiveEngaged   = 0.15 // the same in the circles
	activityTail     = 1.1  // Pareto tail index: smaller means bigger hubs
	activityCap      = 3000
	ambassadorShare  = 0.05 // "ambassador" level, for ordinary endorsers
	nearAmbassador   = 0.35 // among those near the founders
	seedAmbassador   = 0.60 // founding Ambassadors for those near them
	pendingShare     = 0.13
	declinedShare    = 0.07
)

// edge is an endorsement before it gets its comment: compact, because up
// to millions of them are kept in memory to be sorted by date.
type edge struct {
	at       int64 // Unix seconds
	from, to int32
	level    uint8 // 0 advocate, 1 ambassador
	status   uint8 // 0 accepted, 1 pending, 2 declined
}

var (
	levels   = [...]string{"advocate", "ambassador"}
	statuses = [...]string{"accepted", "pending", "declined"}
)

// groups partitions the signatories (by country, by region, or all in one)
// keeping signing order within each group, with cumulative endorsing
// weights, so that an endorser can be drawn among the first k members of a
// group in O(log n).
type groups struct {
	start   []int32   // first slot of each group in members; len = number of groups + 1
	members []int32   // signatory indexes, grouped, ascending within a group
	cum     []float64 // cumulative endorsing weight, restarting at each group
	pos     []int32   // rank of each signatory within its group
	of      []uint16  // group of each signatory
}

func newGroups(numGroups int, of []uint16, weight []float64) *groups {
	n := len(of)
	g := &groups{
		start:   make([]int32, numGroups+1),
		members: make([]int32, n),
		cum:     make([]float64, n),
		pos:     make([]int32, n),
		of:      of,
	}
	for _, k := range of {
		g.start[k+1]++
	}
	for k := range numGroups {
		g.start[k+1] += g.start[k]
	}
	fill := slices.Clone(g.start[:numGroups])
	total := make([]float64, numGroups)
	for i, k := range of {
		slot := fill[k]
		fill[k]++
		total[k] += weight[i]
		g.members[slot] = int32(i)
		g.cum[slot] = total[k]
		g.pos[i] = slot - g.start[k]
	}
	return g
}

// draw picks a member of signatory i's group in proportion to weight: among
// those who signed before i when earlier is set, among all otherwise.
func (g *groups) draw(r *rand.Rand, i int32, earlier bool) (int32, bool) {
	k := g.of[i]
	base := g.start[k]
	limit := g.start[k+1] - base
	if earlier {
		limit = g.pos[i]
	}
	if limit <= 0 {
		return 0, false
	}
	cum := g.cum[base : base+limit]
	total := cum[limit-1]
	if total <= 0 {
		return 0, false
	}
	return g.members[base+int32(searchCum(cum, r.Float64()*total))], true
}

// side is who may endorse a group of endorsees, by country, by region and in
// the whole world.
type side struct{ country, region, world *groups }

func newSide(countryOf, regionOf, worldOf []uint16, weight []float64) side {
	return side{
		country: newGroups(len(countries), countryOf, weight),
		region:  newGroups(int(numRegions), regionOf, weight),
		world:   newGroups(1, worldOf, weight),
	}
}

// drawLocal picks an earlier signer for to, mostly in the same country,
// widening to the region and the world when there is none.
func (s side) drawLocal(r *rand.Rand, to int32) (int32, bool) {
	gs := [...]*groups{s.country, s.region, s.world}
	k := 0
	switch x := r.Float64(); {
	case x >= sameCountryShare+sameRegionShare:
		k = 2
	case x >= sameCountryShare:
		k = 1
	}
	for ; k < len(gs); k++ {
		if from, ok := gs[k].draw(r, to, true); ok {
			return from, true
		}
	}
	return 0, false
}

type graphBuilder struct {
	r      *rand.Rand
	nodes  []node
	nSeeds int
	now    int64
	role   []role
	fromW  []float64
	toW    []float64
	toCum  []float64
	all    side // endorsers of the circles: anyone
	outer  side // endorsers of the outer circle: itself
	inner  side // who brings the engaged in: the circles
	nearer side // who vouches for those near the founders: themselves
	pairs  *pairSet
	stop   *atomic.Bool // the caller no longer wants the result
	edges  []edge
}

// buildEdges returns min(m, n(n-1)) distinct endorsements, in no particular
// order, or gives up early (with fewer) once stop is set.
func buildEdges(r *rand.Rand, nodes []node, nSeeds, m int, now int64, stop *atomic.Bool) []edge {
	n := len(nodes)
	possible := int64(n) * int64(n-1)
	target := int64(m)
	if target > possible {
		target = possible
	}
	if target <= 0 {
		return nil
	}
	b := &graphBuilder{r: r, nodes: nodes, nSeeds: nSeeds, now: now, stop: stop}
	b.weigh()
	b.edges = make([]edge, 0, target)
	b.pairs = newPairSet(int(target))
	b.introduce(int(target))
	// A third of all possible pairs or more: rejection sampling would spend
	// its time on duplicates, so rank every pair instead.
	if 3*target >= possible {
		b.dense(int(target))
		return b.edges
	}
	b.sparse(int(target))
	return b.edges
}

// weigh draws each signatory's activity, their place in the circles, and
// derives how likely they are to endorse (fromW) and to be endorsed (toW).
func (b *graphBuilder) weigh() {
	n := len(b.nodes)
	activity := make([]float64, n)
	for i := range activity {
		activity[i] = min(pareto(b.r, activityTail), activityCap)
		if i < b.nSeeds {
			activity[i] = activityCap * (0.3 + 0.3*b.r.Float64())
		}
	}
	b.placeInCircles(activity)
	b.fromW = make([]float64, n)
	b.toW = make([]float64, n)
	b.toCum = make([]float64, n)
	countryOf := make([]uint16, n)
	regionOf := make([]uint16, n)
	worldOf := make([]uint16, n)
	outerW := make([]float64, n)
	innerW := make([]float64, n)
	nearerW := make([]float64, n)
	total := 0.0
	for i := range b.nodes {
		nd := &b.nodes[i]
		a := activity[i]
		rl := b.role[i]
		// Being endorsed concentrates on hubs more than endorsing does:
		// even the most active people vouch only for those they know, and
		// a flatter endorser weight keeps the sampler from drawing the
		// same few hubs over and over.
		from := math.Pow(a, 0.7)
		passive := passiveShare
		if rl.inCircles() {
			passive = passiveEngaged
		}
		if rl != founder && chance(b.r, passive) {
			from = 0
		}
		// Newcomers have not had time to collect endorsements yet.
		age := float64(b.now-nd.signedAt) / (90 * 86400)
		to := a * min(1, 0.1+age)
		if nd.org {
			if nd.verified {
				from *= 1.5
			} else {
				from, to = 0, to*0.2 // unconfirmed: cannot endorse, rarely endorsed
			}
		}
		b.fromW[i], b.toW[i] = from, to
		switch rl {
		case outer:
			outerW[i] = from
		case near, founder:
			nearerW[i] = from
			fallthrough
		default:
			innerW[i] = from
		}
		total += to
		b.toCum[i] = total
		countryOf[i] = nd.country
		regionOf[i] = uint16(countries[nd.country].region)
	}
	b.all = newSide(countryOf, regionOf, worldOf, b.fromW)
	b.outer = newSide(countryOf, regionOf, worldOf, outerW)
	b.inner = newSide(countryOf, regionOf, worldOf, innerW)
	b.nearer = newSide(countryOf, regionOf, worldOf, nearerW)
}

// allowed: nobody in the circles vouches for someone of the outer circle.
func (b *graphBuilder) allowed(from, to int32) bool {
	return !b.role[from].inCircles() || b.role[to].inCircles()
}

func (b *graphBuilder) sparse(target int) {
	r := b.r
	n := len(b.nodes)
	// success is a moving average of how often the weighted search finds a
	// new endorser. It stays high in a realistic graph. In a graph so dense
	// that the likely endorsers are all taken it drops, and the sampler then
	// mostly takes any free pair instead of searching in vain.
	const saturated = 0.25
	success := 1.0
	failures := 0
	for len(b.edges) < target {
		if len(b.edges)&0xfff == 0 && b.stop.Load() {
			return
		}
		if q := success / saturated; q >= 1 || chance(r, q*q) {
			to := int32(searchCum(b.toCum, r.Float64()*b.toCum[n-1]))
			ok := b.tryEndorser(to)
			success = max(0.01, success+0.002*(b2f(ok)-success))
			if ok {
				failures = 0
				continue
			}
			// The endorsee may have exhausted its likely endorsers (a tiny
			// country, a saturated hub): try others before giving up.
			if failures++; failures < 4 {
				continue
			}
		}
		failures = 0
		b.anyFreePair()
	}
}

func b2f(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}

// tryEndorser looks for a new endorser of to, widening the circle from the
// country to the region to the world as attempts fail.
func (b *graphBuilder) tryEndorser(to int32) bool {
	r := b.r
	s := &b.all
	if !b.role[to].inCircles() {
		s = &b.outer
	}
	for try := range 12 {
		g := s.world
		switch x := r.Float64(); {
		case try < 8 && x < sameCountryShare:
			g = s.country
		case try < 10 && x < sameCountryShare+sameRegionShare:
			g = s.region
		}
		from, ok := g.draw(r, to, chance(r, earlierShare))
		if ok && from != to && b.add(from, to) {
			return true
		}
	}
	return false
}

func (b *graphBuilder) anyFreePair() {
	r := b.r
	n := len(b.nodes)
	for range 64 {
		from, to := int32(r.IntN(n)), int32(r.IntN(n))
		if b.allowed(from, to) && b.add(from, to) {
			return
		}
	}
	// Practically unreachable; a scan guarantees progress all the same,
	// past the circles' rule only once every allowed pair is taken.
	for _, rule := range []bool{true, false} {
		start := r.IntN(n)
		for d := range n {
			to := int32((start + d) % n)
			for from := range int32(n) {
				if (!rule || b.allowed(from, to)) && b.add(from, to) {
					return
				}
			}
		}
	}
}

// add records the endorsement from -> to unless it is a self-endorsement or
// already exists.
func (b *graphBuilder) add(from, to int32) bool {
	if from == to || !b.pairs.insert(uint64(from)<<32|uint64(to)) {
		return false
	}
	b.edges = append(b.edges, b.newEdge(from, to))
	return true
}

// dense ranks every ordered pair by a random key biased the same way as
// the sparse sampler (weighted sampling without replacement, Efraimidis-
// Spirakis) and keeps the first pairs up to target; pairs that break the
// circles' rule come last.
func (b *graphBuilder) dense(target int) {
	r := b.r
	n := len(b.nodes)
	type cand struct {
		key      float64
		from, to int32
		breaks   bool
	}
	cands := make([]cand, 0, n*(n-1))
	for to := range int32(n) {
		for from := range int32(n) {
			if from == to {
				continue
			}
			w := (b.fromW[from] + 0.05) * (b.toW[to] + 0.05)
			if b.nodes[from].country == b.nodes[to].country {
				w *= 4
			}
			if from < to {
				w *= 2
			}
			cands = append(cands, cand{key: r.ExpFloat64() / w, from: from, to: to, breaks: !b.allowed(from, to)})
		}
	}
	slices.SortFunc(cands, func(a, c cand) int {
		if a.breaks != c.breaks {
			if a.breaks {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.key, c.key), cmp.Compare(a.from, c.from), cmp.Compare(a.to, c.to))
	})
	for _, c := range cands {
		if len(b.edges) >= target {
			return
		}
		b.add(c.from, c.to)
	}
}

// newEdge dates and qualifies an endorsement. It is made after both parties
// signed: mostly within days of the later signature, sometimes weeks or
// months later, never after now.
func (b *graphBuilder) newEdge(from, to int32) edge {
	r := b.r
	later := max(b.nodes[from].signedAt, b.nodes[to].signedAt)
	room := b.now - later // at least an hour: nobody signs in the last hour
	var delay float64
	switch x := r.Float64(); {
	case x < 0.55:
		delay = r.ExpFloat64() * 3 * 86400
	case x < 0.9:
		delay = r.ExpFloat64() * 45 * 86400
	default:
		delay = r.Float64() * float64(room)
	}
	off := 1 + int64(delay)
	if off > room {
		off = 1 + r.Int64N(room)
	}
	e := edge{at: later + off, from: from, to: to}
	// Ambassador endorsements concentrate near the founders: the founders
	// and those near them vouch for one another as Ambassadors, for anyone
	// else as Advocates only.
	amb := ambassadorShare
	switch nearFrom, nearTo := b.role[from] >= near, b.role[to] >= near; {
	case nearFrom && nearTo && b.role[from] == founder:
		amb = seedAmbassador
	case nearFrom && nearTo:
		amb = nearAmbassador
	case nearFrom:
		amb = 0
	}
	if chance(r, amb) {
		e.level = 1
	}
	switch x := r.Float64(); {
	case x < pendingShare:
		e.status = 1
	case x < pendingShare+declinedShare:
		e.status = 2
	}
	return e
}

// sortEdges orders endorsements by date, as a database would have recorded
// them. It is a stable two-pass radix sort on the seconds since the oldest
// endorsement (all fit in 32 bits: they span three years), several times
// faster than a comparison sort on a million edges; ties keep their
// generation order, so the output stays reproducible.
func sortEdges(edges []edge) {
	if len(edges) < 2 {
		return
	}
	oldest := edges[0].at
	for _, e := range edges {
		oldest = min(oldest, e.at)
	}
	tmp := make([]edge, len(edges))
	src, dst := edges, tmp
	for shift := 0; shift < 32; shift += 16 {
		var count [1 << 16]int
		for _, e := range src {
			count[uint32(e.at-oldest)>>shift&0xffff]++
		}
		pos := 0
		for k, c := range count {
			count[k] = pos
			pos += c
		}
		for _, e := range src {
			k := uint32(e.at-oldest) >> shift & 0xffff
			dst[count[k]] = e
			count[k]++
		}
		src, dst = dst, src
	}
	// After an even number of passes the result is back in edges.
}

// pairSet is an open-addressing hash set of (from, to) pairs packed in a
// uint64. It does the duplicate check of every drawn endorsement, about
// twice per endorsement, and is several times lighter and faster than a Go
// map for that. Zero marks an empty slot: it would be the pair (0, 0),
// which is never stored since nobody endorses themselves.
type pairSet struct {
	slots []uint64
	shift uint
}

func newPairSet(capacity int) *pairSet {
	size, shift := 1, uint(64)
	for size < 2*capacity { // load factor at most one half
		size <<= 1
		shift--
	}
	return &pairSet{slots: make([]uint64, size), shift: shift}
}

// insert adds key and reports whether it was absent.
func (s *pairSet) insert(key uint64) bool {
	mask := uint64(len(s.slots) - 1)
	i := (key * 0x9e3779b97f4a7c15) >> s.shift // Fibonacci hashing
	for {
		switch s.slots[i] {
		case 0:
			s.slots[i] = key
			return true
		case key:
			return false
		}
		i = (i + 1) & mask
	}
}
