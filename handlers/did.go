package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// didDocument publishes the issuer's keys as a did:web document: every key ever used, so that
// every credential ever signed finds the key that signed it.
func (h *Handler) didDocument(c echo.Context) error {
	if h.keys == nil {
		return echo.ErrNotFound
	}
	if err := h.keys.Refresh(); err != nil {
		return err
	}
	return didJSON(c, h.keys.Document(h.did))
}

// didJSON serves a DID document for revalidation on every use: a rotated key signs at once, so a
// verifier holding the previous key set for minutes would refuse fresh credentials. A strong
// ETag from the content makes the check cheap (304 while nothing changed).
func didJSON(c echo.Context, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	hd := c.Response().Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Expose-Headers", "ETag")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}
