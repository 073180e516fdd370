package handlers

import (
	"fmt"
	"sync"

	"github.com/open-recognition/registry/models"
)

// searchCounts remembers how many signatories a search matches while the registry is unchanged
// (as the summary cache sees it: a change shows within its refresh, a second or so).
// Counting a frequent word's matches reads thousands of index entries, several times what the
// page itself costs; every page of a search shows the count, and a search many people run is
// then counted once per change of the registry instead of once per view.
type searchCounts struct {
	mu     sync.Mutex
	change int64 // the registry's change counter the counts belong to
	counts map[string]int64
}

// maxSearchCounts bounds the memory: past it, counts are computed again on each view until the
// registry changes.
const maxSearchCounts = 4096

func searchKey(f models.ListFilter) string {
	return fmt.Sprintf("%q|%s|%s|%s|%d", f.Q, f.Country, f.Kind, f.Tier, f.Place)
}

func (sc *searchCounts) get(change int64, f models.ListFilter) (int64, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.change != change {
		return 0, false
	}
	n, ok := sc.counts[searchKey(f)]
	return n, ok
}

func (sc *searchCounts) put(change int64, f models.ListFilter, n int64) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.change != change || sc.counts == nil {
		sc.change, sc.counts = change, map[string]int64{}
	}
	if len(sc.counts) < maxSearchCounts {
		sc.counts[searchKey(f)] = n
	}
}
