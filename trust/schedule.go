package trust

// The capacity schedule follows the size of the registry, as Advogato's did (Levien set the
// seeds' capacity from the number of accounts to accept and let it fall at each step away from
// them). The size is the number of members the previous computation lifted, never the number of
// accounts: fake accounts that nobody trusted lifted nothing, so they cannot buy capacity by
// existing. From that size S:
//
//   - the founding Ambassadors (distance 1) may pass on 4·S: headroom for the registry to grow
//     between two computations, and seeds are trusted by definition;
//   - one step away, S/16: a member fooled into endorsing fake accounts directly lifts at most
//     that many of them;
//   - two steps away, S/128: what one endorsement from a member one step from a seed can lift
//     through a fake account (every fake cluster enters through one member of it), under 1% of
//     the membership even when the size already counts the fakes lifted;
//   - then half as much at each further step, down to 1 (the member keeps their own place and
//     can vouch for nobody).
//
// Every entry has a floor (5, then 2) so that a small registry still reaches a few steps out.
// Explicit tables (--advocate-capacities, --ambassador-capacities) replace the schedule.

// MinSize is the size a run's schedule starts from before any member was lifted.
const MinSize = 64

// Growth: when a run lifts more than this many times the size its schedule came from (a first
// computation, a large import), the run is repeated with the new size.
const growth = 1.25

// maxRounds bounds the repetitions; each may multiply the size by up to four (the seeds'
// headroom).
const maxRounds = 12

// Capacities is the schedule for a registry whose previous computation lifted size members.
func Capacities(size int) []int {
	size = max(size, MinSize)
	table := []int{4 * size, max(5, ceilDiv(size, 16)), max(2, ceilDiv(size, 128))}
	for last := table[len(table)-1]; last > 1; last = table[len(table)-1] {
		table = append(table, ceilDiv(last, 2))
	}
	return table
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Lifted is how many members each run lifted (its flow): the size the next computation's
// schedule follows.
type Lifted struct {
	Advocate   int `json:"advocate"`
	Ambassador int `json:"ambassador"`
}

// Schedule is the capacities a computation used, with the size each scaled table came from (0
// for a table given explicitly).
type Schedule struct {
	Advocate, Ambassador         []int
	AdvocateSize, AmbassadorSize int
}
