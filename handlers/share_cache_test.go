package handlers

import (
	"strconv"
	"testing"

	"github.com/open-recognition/registry/i18n"
)

// The card cache keeps the most recently used cards and forgets the oldest beyond its bound.
func TestShareCacheForgetsTheLeastRecentlyUsed(t *testing.T) {
	c := newShareCache()
	for i := 0; i < shareCacheEntries; i++ {
		c.put(strconv.Itoa(i), []byte{byte(i)})
	}
	c.get("0") // used again: now the newest
	c.put("new", []byte("n"))
	if _, ok := c.get("1"); ok {
		t.Error("the least recently used card was kept beyond the bound")
	}
	for _, k := range []string{"0", "2", "new"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("card %s was forgotten", k)
		}
	}
	if c.order.Len() != shareCacheEntries || len(c.items) != shareCacheEntries {
		t.Errorf("%d cards in the list, %d in the index, want %d", c.order.Len(), len(c.items), shareCacheEntries)
	}
}

// Every interface language has an og:locale.
func TestEveryLanguageHasAnOpenGraphLocale(t *testing.T) {
	for _, l := range i18n.Languages {
		if ogLocales[l] == "" {
			t.Errorf("no og:locale for %s", l)
		}
	}
}
