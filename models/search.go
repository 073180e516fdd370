package models

import (
	"strings"
	"unicode"

	"github.com/open-recognition/registry/fold"
)

// Fold makes text comparable for search: lower case, without diacritics ("Zürich" → "zurich").
func Fold(s string) string { return fold.String(s) }

// Words splits folded text into search words.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

const (
	maxTermBytes = 40
	maxTerms     = 48
)

// SearchTerms returns the distinct words of the fields an anonymous visitor can see. Hidden and
// members-only fields never enter the index, so no search can reveal them.
func SearchTerms(s *Signatory) []string {
	var fields []string
	if s.Visibility.Name == Public {
		fields = append(fields, s.Name)
	}
	if s.Visibility.City == Public {
		fields = append(fields, s.City)
	}
	if s.Visibility.Affiliation == Public {
		fields = append(fields, s.Affiliation)
	}
	if s.Kind == KindOrganisation && s.Visibility.Representative == Public {
		fields = append(fields, s.Representative)
	}
	seen := map[string]bool{}
	var terms []string
	for _, f := range fields {
		for _, w := range Words(f) {
			if len(w) > maxTermBytes {
				w = truncateUTF8(w, maxTermBytes)
			}
			if !seen[w] && len(terms) < maxTerms {
				seen[w] = true
				terms = append(terms, w)
			}
		}
	}
	return terms
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// prefixUpperBound is the smallest string greater than every string starting with p, in byte
// order (terms are compared bytewise on both engines: SQLite's default and PostgreSQL's "C").
const prefixUpperBound = "\U0010FFFF"

// The name key sorts the registry by name: the public name, folded, so that "Élise" comes
// between "Elias" and "Emma" on both engines (bytewise, as terms are compared). Entries whose
// name is not public all share unnamedKey, greater than any name, so they come last, in the
// order they joined, and their order says nothing about the name they keep to themselves.
const (
	unnamedKey = prefixUpperBound
	maxNameKey = 120
)

// NameKey is the key a signatory is sorted by in a list by name.
func NameKey(s *Signatory) string {
	if s.Status != StatusActive || s.Visibility.Name != Public {
		return unnamedKey
	}
	k := truncateUTF8(strings.Join(Words(s.Name), " "), maxNameKey)
	if k == "" {
		return unnamedKey
	}
	return k
}
