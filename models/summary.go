package models

import (
	"context"
	"sync"
	"time"
)

// Summary is what the home page and /api/v1/stats show: counts over listed signatories only.
type Summary struct {
	Total     int64
	Tiers     map[string]int64
	Kinds     map[string]int64
	Countries map[string]int64
	Newest    []ListRow
	Change    int64 // the change counter it was computed at
}

// SummaryCache keeps the summary in memory so that no request runs a GROUP BY over every
// signatory. It recomputes when the database's change counter moves, which also catches writes
// made by another process; the counter is read at most once per interval.
type SummaryCache struct {
	Store    *Store
	Interval time.Duration

	mu        sync.Mutex
	cur       *Summary
	checkedAt time.Time
}

// Invalidate makes the next Get read the change counter at once; writers in this process call it.
func (c *SummaryCache) Invalidate() {
	c.mu.Lock()
	c.checkedAt = time.Time{}
	c.mu.Unlock()
}

// Get returns a summary no older than the interval.
func (c *SummaryCache) Get(ctx context.Context) (*Summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && time.Since(c.checkedAt) < c.Interval {
		return c.cur, nil
	}
	change, err := c.Store.ChangeCount(ctx)
	if err != nil {
		return nil, err
	}
	c.checkedAt = time.Now()
	if c.cur != nil && c.cur.Change == change {
		return c.cur, nil
	}
	s, err := c.Store.summarize(ctx)
	if err != nil {
		return nil, err
	}
	s.Change = change
	c.cur = s
	return s, nil
}

type groupCount struct {
	Key string
	N   int64
}

func (s *Store) summarize(ctx context.Context) (*Summary, error) {
	sum := &Summary{Tiers: map[string]int64{}, Kinds: map[string]int64{}, Countries: map[string]int64{}}
	for _, t := range Tiers {
		sum.Tiers[t] = 0
	}
	sum.Kinds[KindPerson], sum.Kinds[KindOrganisation] = 0, 0
	db := s.DB.WithContext(ctx)
	for col, into := range map[string]map[string]int64{"tier": sum.Tiers, "kind": sum.Kinds, "country": sum.Countries} {
		var rows []groupCount
		if err := db.Model(&Signatory{}).Select(col+" AS key, COUNT(*) AS n").Where("listed = ?", true).
			Group(col).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			into[r.Key] = r.N
		}
	}
	for _, n := range sum.Tiers {
		sum.Total += n
	}
	page, err := s.List(ctx, ListFilter{Limit: 8})
	if err != nil {
		return nil, err
	}
	sum.Newest = page.Rows
	return sum, nil
}
