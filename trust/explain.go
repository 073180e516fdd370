package trust

// Standing is one member's place in one run, for explaining it.
type Standing struct {
	Accepted bool
	Distance int32 // from the seeds (seeds 1); 0 when no path reaches the member
	Capacity int32
	// Path runs from a seed to the member, as member indexes: the breadth-first path of trust.
	Path []int
}

// Standing explains a member's place in a run.
func (r *Run) Standing(member int) Standing {
	s := Standing{Accepted: r.Accepted[member], Distance: r.Distance[member], Capacity: r.Capacity[member]}
	if s.Distance == 0 {
		return s
	}
	for u := int32(member); u >= 0 && len(s.Path) <= int(s.Distance); u = r.Parent[u] {
		s.Path = append([]int{int(u)}, s.Path...)
	}
	return s
}
