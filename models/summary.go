package models

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Summary is what the home page and /api/v1/stats show: counts over listed signatories only.
type Summary struct {
	Total     int64
	Tiers     map[string]int64
	Kinds     map[string]int64
	Countries map[string]int64
	Newest    []ListRow
	// Cells count listed signatories by country, public place, tier and kind: everything the
	// map shows, under any of its filters, without asking the database again.
	Cells  []MapCell
	Change int64 // the change counter it was computed at
}

// SummaryCache keeps the summary in memory so that no request runs a GROUP BY over every
// signatory. It recomputes when the database's change counter moves, which also catches writes
// made by another process; the counter is read at most once per interval, and at once (but not
// more often than every summaryGap) when the store hears of a change (Store.ChangesHeard: this
// process's commits and, on PostgreSQL, the other servers' announcements). While a new summary
// is computed in the background, requests keep getting the previous one rather than waiting.
type SummaryCache struct {
	Store    *Store
	Interval time.Duration

	mu         sync.Mutex
	cur        *Summary
	checkedAt  time.Time
	heard      uint64 // Store.ChangesHeard when last checked
	refreshing bool
	// first is the first summary, once computed: Peek reads it without the lock, which Get
	// holds during the first computation. starting says Peek has started that computation.
	first    atomic.Bool
	starting atomic.Bool
}

// Peek is Get for a caller that can do without the summary rather than wait for the first
// computation: until that is done it answers nil, having started it in the background.
func (c *SummaryCache) Peek(ctx context.Context) (*Summary, error) {
	if !c.first.Load() {
		if c.starting.CompareAndSwap(false, true) {
			go c.Get(context.WithoutCancel(ctx))
		}
		return nil, nil
	}
	return c.Get(ctx)
}

// summaryGap is the shortest time between two checks: under a stream of writes the summary is
// computed again every summaryGap plus the time it takes, not after every write.
const summaryGap = 100 * time.Millisecond

// Get returns the newest summary available: computed now the first time, afterwards refreshed
// in the background when the change counter has moved.
func (c *SummaryCache) Get(ctx context.Context) (*Summary, error) {
	heard := c.Store.ChangesHeard()
	c.mu.Lock()
	since := time.Since(c.checkedAt)
	cur, fresh := c.cur, since < summaryGap || (since < c.Interval && heard == c.heard)
	if cur != nil && (fresh || c.refreshing) {
		c.mu.Unlock()
		return cur, nil
	}
	c.checkedAt, c.heard = time.Now(), heard
	if cur == nil {
		defer c.mu.Unlock()
		s, err := c.compute(ctx)
		if err != nil {
			return nil, err
		}
		c.cur = s
		c.first.Store(true)
		return s, nil
	}
	c.refreshing = true
	c.mu.Unlock()
	go c.refresh(cur.Change)
	return cur, nil
}

func (c *SummaryCache) refresh(seen int64) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var s *Summary
	change, err := c.Store.ChangeCount(ctx)
	if err == nil && change != seen {
		s, err = c.compute(ctx)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err == nil && s != nil {
		c.cur = s
	}
}

func (c *SummaryCache) compute(ctx context.Context) (*Summary, error) {
	// On the primary, whatever replica the request that asked may read from: the summary is
	// kept as current for its change counter, and a replica behind the primary would make it
	// an old summary under a new number.
	ctx = OnPrimary(ctx)
	change, err := c.Store.ChangeCount(ctx)
	if err != nil {
		return nil, err
	}
	s, err := c.Store.summarize(ctx)
	if err != nil {
		return nil, err
	}
	s.Change = change
	return s, nil
}

func (s *Store) summarize(ctx context.Context) (*Summary, error) {
	sum := &Summary{Tiers: map[string]int64{}, Kinds: map[string]int64{}, Countries: map[string]int64{}}
	for _, t := range Tiers {
		sum.Tiers[t] = 0
	}
	sum.Kinds[KindPerson], sum.Kinds[KindOrganisation] = 0, 0
	cells, err := s.mapCells(ctx)
	if err != nil {
		return nil, err
	}
	sum.Cells = cells
	for _, c := range cells {
		sum.Total += c.N
		sum.Tiers[c.Tier] += c.N
		sum.Kinds[c.Kind] += c.N
		sum.Countries[c.Country] += c.N
	}
	page, err := s.List(ctx, ListFilter{Limit: 8})
	if err != nil {
		return nil, err
	}
	sum.Newest = page.Rows
	return sum, nil
}
