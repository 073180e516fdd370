package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// cachedBody is a response made once for a state of the registry: its bytes, gzipped bytes and
// ETag.
type cachedBody struct {
	body, gz []byte
	etag     string
}

// mapCache keeps what the map pages render for the current summary, so that 200 requests a
// second cost a map lookup each and never a render or a compression. When the registry changes,
// the first request for an address renders it again while the others are served the previous
// version meanwhile: nobody waits behind a render, and a burst of requests renders it once.
type mapCache struct {
	mu      sync.Mutex
	entries map[string]*mapEntry
}

type mapEntry struct {
	body     *cachedBody // nil until the first render is done
	change   int64       // the summary it was rendered from
	building bool
	ready    chan struct{} // closed when the first render is done
}

// mapCacheMax bounds the addresses kept: parameters can be written many ways.
const mapCacheMax = 2000

// get returns the entry for key at a summary's change counter, making it with build if needed.
func (m *mapCache) get(change int64, key string, build func() ([]byte, error)) (*cachedBody, error) {
	m.mu.Lock()
	if m.entries == nil || len(m.entries) >= mapCacheMax {
		m.entries = map[string]*mapEntry{}
	}
	e := m.entries[key]
	switch {
	case e != nil && (e.change >= change || e.building) && e.body != nil:
		m.mu.Unlock()
		return e.body, nil // current, or being rendered again by another request
	case e != nil && e.building:
		m.mu.Unlock()
		<-e.ready // the first render of this address: wait for it
		return m.get(change, key, build)
	case e == nil:
		e = &mapEntry{ready: make(chan struct{})}
		m.entries[key] = e
	}
	e.building = true
	m.mu.Unlock()

	body, err := build()
	m.mu.Lock()
	defer m.mu.Unlock()
	e.building = false
	if err != nil {
		if e.body == nil {
			delete(m.entries, key)
			close(e.ready)
		}
		return nil, err
	}
	first := e.body == nil
	e.body, e.change = newCachedBody(body), change
	if first {
		close(e.ready)
	}
	return e.body, nil
}

func newCachedBody(body []byte) *cachedBody {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	return &cachedBody{body: body, gz: gz.Bytes(), etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

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
	return c.Blob(http.StatusOK, contentType, e.body)
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}
