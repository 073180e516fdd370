package handlers

import (
	"container/list"
	"sync"
)

// shareCacheEntries bounds the cards kept in memory: one is about 60 KB and costs ~50 ms to
// draw on the reference machine (sharecard.BenchmarkCard), and a shared link is fetched by
// every network it is posted to within minutes.
const shareCacheEntries = 128

// shareCache is a small least-recently-used cache of drawn cards, keyed by their ETag (which
// hashes everything drawn, so a changed name or a revocation is a new key).
type shareCache struct {
	mu    sync.Mutex
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type shareCached struct {
	key  string
	body []byte
}

func newShareCache() *shareCache {
	return &shareCache{order: list.New(), items: map[string]*list.Element{}}
}

func (s *shareCache) get(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.items[key]
	if !ok {
		return nil, false
	}
	s.order.MoveToFront(e)
	return e.Value.(shareCached).body, true
}

func (s *shareCache) put(key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.items[key]; ok {
		s.order.MoveToFront(e)
		return
	}
	s.items[key] = s.order.PushFront(shareCached{key, body})
	for s.order.Len() > shareCacheEntries {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.items, last.Value.(shareCached).key)
	}
}
