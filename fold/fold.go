// Package fold makes text comparable the way people expect a search to compare it: without
// case or diacritics, so that "Zürich" finds "Zurich" and "münchen" finds "München".
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// String folds s: lower case, without diacritics ("Zürich" → "zurich").
func String(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	// Decompose, drop the combining marks, recompose: one pass over the runes, without the
	// buffers a transform chain allocates on every call.
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}
