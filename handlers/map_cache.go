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
// second cost a map lookup each and never a render or a compression. It empties itself when the
// summary changes, and when it holds many URLs (their parameters can be written many ways).
type mapCache struct {
	mu      sync.Mutex
	change  int64
	entries map[string]*cachedBody
}

const mapCacheMax = 2000

// get returns the entry for key at a summary's change counter, making it with build if needed.
// Two requests may build the same entry at once; both results are the same.
func (m *mapCache) get(change int64, key string, build func() ([]byte, error)) (*cachedBody, error) {
	m.mu.Lock()
	if m.change != change || len(m.entries) >= mapCacheMax {
		m.change, m.entries = change, map[string]*cachedBody{}
	}
	e := m.entries[key]
	m.mu.Unlock()
	if e != nil {
		return e, nil
	}
	body, err := build()
	if err != nil {
		return nil, err
	}
	e = newCachedBody(body)
	m.mu.Lock()
	if m.change == change {
		m.entries[key] = e
	}
	m.mu.Unlock()
	return e, nil
}

func newCachedBody(body []byte) *cachedBody {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
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
