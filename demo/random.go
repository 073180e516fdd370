package demo

import (
	"math"
	"math/rand/v2"
)

// Each concern draws from its own PCG stream, so that changing, say, the
// statement texts does not reshuffle the people or the endorsement graph.
const (
	streamTimes    = 0x7469_6d65 // "time"
	streamSketch   = 0x736b_6574 // "sket"
	streamPeople   = 0x7065_6f70 // "peop"
	streamGraph    = 0x6772_6170 // "grap"
	streamComments = 0x636f_6d6d // "comm"
)

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// picker draws an index with probability proportional to its weight.
type picker struct {
	cum []float64
}

func newPicker(weights []float64) picker {
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return picker{cum: cum}
}

func (p picker) pick(r *rand.Rand) int {
	return searchCum(p.cum, r.Float64()*p.cum[len(p.cum)-1])
}

// searchCum returns the first index whose cumulative weight exceeds u; with
// u < cum[len-1] it never lands on a zero-weight entry.
func searchCum(cum []float64, u float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cum[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// oneOf returns a uniformly chosen element.
func oneOf[T any](r *rand.Rand, xs []T) T {
	return xs[r.IntN(len(xs))]
}

func chance(r *rand.Rand, p float64) bool {
	return r.Float64() < p
}

// pareto draws from a Pareto distribution with minimum 1 and tail index
// alpha: a few very large values, most close to 1.
func pareto(r *rand.Rand, alpha float64) float64 {
	return math.Pow(1-r.Float64(), -1/alpha)
}
