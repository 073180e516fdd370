package models

import (
	"strings"
	"unicode/utf8"
)

// CleanText is applied to every piece of text on its way in (import, forms, API): control
// characters other than tab and newline are removed (they break the canonical form of signed
// credentials), carriage returns are dropped so line ends are "\n", invalid UTF-8 is dropped,
// and surrounding white space is trimmed.
func CleanText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || isControl(r) {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		b.Grow(len(s))
		for i, r := range s {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					continue
				}
			}
			if isControl(r) {
				continue
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	return strings.TrimSpace(s)
}

// CleanLine is CleanText for one-line fields: line breaks and tabs become spaces and runs of
// spaces collapse.
func CleanLine(s string) string {
	s = CleanText(s)
	if strings.ContainsAny(s, "\n\t") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

func isControl(r rune) bool {
	if r == '\t' || r == '\n' {
		return false
	}
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029'
}
