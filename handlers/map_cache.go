package handlers

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// mapCache keeps what the map pages render for the current summary (a visitor's page, a page's
// figure and tables, /map.json), so that 200 requests a second cost a map lookup each and never
// a render or a compression. When the registry changes, the first request for a key renders it
// again while the others are served the previous version meanwhile: nobody waits behind a
// render, and a burst of requests renders it once. Keys are canonical (see mapPage), and the
// cache holds at most maxBytes, dropping the least recently used entries first.
type mapCache struct {
	maxBytes int
	// dropOnError forgets a key whose render failed, instead of serving its previous version:
	// for pages that can go away (a signatory who left answers 404, never their old page).
	dropOnError bool
	// lookup, when set, is told whether each lookup found a current copy (a hit) or rendered
	// one (a miss): the operator's metrics.
	lookup func(hit bool)
	// holdWhileBusy, when set, lets a copy stand for newer states for that long while the
	// registry changes many times a second (a crowd signing: a new state after every batch of
	// writes). Each key is then rendered about once per holdWhileBusy instead of after every
	// batch, and hardly any request waits for a render; what a visitor sees is at most that much
	// older than the registry. When the registry changes now and then, the next request after
	// each change sees it, as without it.
	holdWhileBusy time.Duration

	mu      sync.Mutex
	entries map[string]*list.Element // of *mapEntry
	lru     list.List                // front: most recently used
	bytes   int
	// changes are when the latest states were first asked for, oldest first once full: a
	// stream of writes shows as busyChanges of them within a second.
	changes    [busyChanges]time.Time
	next       int
	lastChange int64
}

// busyChanges new states within a second make the registry busy (see holdWhileBusy).
const busyChanges = 10

type mapEntry struct {
	key      string
	value    any // nil until the first render is done
	size     int
	change   int64     // the summary it was rendered from
	rendered time.Time // when the render of value began
	building bool
	ready    chan struct{} // closed when the first render is done (or failed)
}

// mapCacheBytes bounds the memory the map's cache holds: about 500 different map pages.
const mapCacheBytes = 64 << 20

// get returns the value for key at a summary's change counter, making it with build (which also
// says its size in bytes) if needed.
func (m *mapCache) get(change int64, key string, build func() (any, int, error)) (any, error) {
	now := time.Now()
	m.mu.Lock()
	if m.entries == nil {
		m.entries = map[string]*list.Element{}
	}
	if change > m.lastChange {
		m.lastChange = change
		m.changes[m.next] = now
		m.next = (m.next + 1) % busyChanges
	}
	var e *mapEntry
	if el, ok := m.entries[key]; ok {
		e = el.Value.(*mapEntry)
		m.lru.MoveToFront(el)
	}
	switch {
	case e != nil && e.value != nil && (e.change >= change || e.building || m.held(e, now)):
		v := e.value
		m.mu.Unlock()
		m.count(true)
		return v, nil // current, or being rendered again by another request
	case e != nil && e.building:
		ready := e.ready
		m.mu.Unlock()
		<-ready // the first render of this key is under way: wait for it
		return m.get(change, key, build)
	case e == nil:
		e = &mapEntry{key: key, ready: make(chan struct{})}
		m.entries[key] = m.lru.PushFront(e)
	}
	e.building = true
	m.mu.Unlock()
	m.count(false)

	var v any
	var size int
	var err error = errBuildPanicked // until build returns
	defer func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		e.building = false
		first := e.value == nil
		if err == nil {
			m.bytes += size - e.size
			e.value, e.size, e.change, e.rendered = v, size, change, now
		}
		if first {
			close(e.ready)
			if err != nil {
				m.remove(e)
			}
		}
		m.evict()
	}()
	v, size, err = build()
	if err != nil && m.dropOnError {
		m.mu.Lock()
		m.remove(e)
		m.mu.Unlock()
		return nil, err
	}
	if err != nil && e.value != nil {
		// Keep showing the previous version rather than an error page.
		m.mu.Lock()
		prev := e.value
		m.mu.Unlock()
		return prev, nil
	}
	return v, err
}

var errBuildPanicked = errors.New("rendering the map did not finish")

// held tells whether e, rendered for an earlier state, still stands for the current one: the
// registry is busy and e is recent (see holdWhileBusy). m.mu is held.
func (m *mapCache) held(e *mapEntry, now time.Time) bool {
	if m.holdWhileBusy <= 0 || now.Sub(e.rendered) >= m.holdWhileBusy {
		return false
	}
	oldest := m.changes[m.next] // the ring is full once busy: m.next is its oldest
	return !oldest.IsZero() && now.Sub(oldest) < time.Second
}

func (m *mapCache) count(hit bool) {
	if m.lookup != nil {
		m.lookup(hit)
	}
}

// remove drops an entry if it is still the one stored under its key.
func (m *mapCache) remove(e *mapEntry) {
	if el, ok := m.entries[e.key]; ok && el.Value.(*mapEntry) == e {
		m.lru.Remove(el)
		delete(m.entries, e.key)
		m.bytes -= e.size
	}
}

// evict drops the least recently used entries while the cache holds too much; an entry being
// rendered stays.
func (m *mapCache) evict() {
	max := m.maxBytes
	if max == 0 {
		max = mapCacheBytes
	}
	for el := m.lru.Back(); el != nil && m.bytes > max; {
		prev := el.Prev()
		if e := el.Value.(*mapEntry); !e.building && e.value != nil {
			m.remove(e)
		}
		el = prev
	}
}

// body caches a response: it is kept gzipped only (the rare client that does not take gzip gets
// it unpacked on the way out), with a weak ETag, valid for both encodings.
func (m *mapCache) body(change int64, key string, build func() ([]byte, error)) (*cachedBody, error) {
	v, err := m.get(change, key, func() (any, int, error) {
		b, err := build()
		if err != nil {
			return nil, 0, err
		}
		cb := newCachedBody(b, false)
		return cb, cb.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*cachedBody), nil
}

// cachedBody is a response made once for a state of the registry.
type cachedBody struct {
	gz []byte
	// plain is kept too where clients that take no gzip are common (link checkers, feed
	// readers, load tests); without it they get the body unpacked on the way out.
	plain []byte
	etag  string
}

func newCachedBody(body []byte, keepPlain bool) *cachedBody {
	var gz bytes.Buffer
	// Pages are rendered again at every change of the registry and many are asked for once (a
	// crawler): the fastest level, a third of the default's time for a tenth more bytes. The map
	// is rendered rarely and is large: the default.
	pool := gzipDefault
	if keepPlain {
		pool = gzipFast
	}
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(&gz)
	zw.Write(body)
	zw.Close()
	pool.Put(zw)
	sum := sha256.Sum256(body)
	cb := &cachedBody{gz: gz.Bytes(), etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	if keepPlain {
		cb.plain = bytes.Clone(body)
	}
	return cb
}

// gzipDefault and gzipFast keep compressors for reuse: a new one allocates and clears a
// megabyte of tables, which costs more than compressing a page.
var gzipDefault, gzipFast = gzipPool(gzip.DefaultCompression), gzipPool(gzip.BestSpeed)

func gzipPool(level int) *sync.Pool {
	return &sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, level)
		return zw
	}}
}

// size is the memory the body holds.
func (e *cachedBody) size() int { return len(e.gz) + len(e.plain) }

// serve answers with the entry: 304 when the client has it, gzipped when the client takes it.
func (e *cachedBody) serve(c echo.Context, contentType string) error {
	hd := c.Response().Header()
	hd.Set("ETag", e.etag)
	hd.Add("Vary", "Accept-Encoding")
	hd.Set("Cache-Control", "no-cache") // may be stored, but revalidated: the map changes with every signature
	if match := c.Request().Header.Get("If-None-Match"); match != "" && etagMatches(match, e.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		return c.Blob(http.StatusOK, contentType, e.gz)
	}
	if e.plain != nil {
		return c.Blob(http.StatusOK, contentType, e.plain)
	}
	zr, err := gzip.NewReader(bytes.NewReader(e.gz))
	if err != nil {
		return err
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, contentType, plain)
}

// etagMatches compares weakly, as If-None-Match does.
func etagMatches(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a quality above zero.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}
