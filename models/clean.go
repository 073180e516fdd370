package models

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText is applied to every piece of text on its way in (import, forms, API): control
// characters other than tab and newline are removed (they break the canonical form of signed
// credentials), carriage returns are dropped so line ends are "\n", invalid UTF-8 is dropped,
// invisible characters are removed (see invisible), and surrounding white space is trimmed.
func CleanText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || isControl(r) || invisible(r) {
			clean = false
			break
		}
	}
	if !clean {
		s = dropHidden(s)
	}
	return strings.TrimSpace(s)
}

// dropHidden removes invalid bytes, control characters and invisible characters, keeping the
// few invisible ones that shape what is seen (see keepInvisible).
func dropHidden(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune // the last rune kept, 0 at the start
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue
			}
		}
		if isControl(r) {
			continue
		}
		if invisible(r) {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if !keepInvisible(prev, r, next) {
				continue
			}
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
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

// invisible reports the characters Unicode calls default-ignorable (zero-width spaces, the
// byte-order mark, soft hyphens, invisible operators, tags, variation selectors…) and the bidi
// controls: they draw nothing, so a name carrying them reads as another ("Ada\u202Eelpmaxe"
// shows reversed, "Ad\u200Ba" looks like "Ada" yet is not), and a credential would sign what
// nobody saw.
func invisible(r rune) bool {
	if r < 0xad {
		return false
	}
	if unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r) {
		return true
	}
	// Default_Ignorable_Code_Point also takes in the format characters, except the interlinear
	// annotation marks, the Egyptian hieroglyph format controls and the prepended marks, which
	// are visible.
	return unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.White_Space, r) &&
		!unicode.Is(unicode.Prepended_Concatenation_Mark, r) &&
		!(r >= 0xfff9 && r <= 0xfffb) && !(r >= 0x13430 && r <= 0x1345f)
}

// keepInvisible keeps the invisible characters that change how visible ones are drawn, where
// they do: a zero-width joiner or non-joiner between two visible characters (Persian and Indic
// spelling, emoji such as 👩‍🔬), a variation selector after a visible character (❤️), and the
// tag characters of a subdivision flag after 🏴. Bidi controls and everything else go.
func keepInvisible(prev, r, next rune) bool {
	visible := func(c rune) bool { return c != 0 && !invisible(c) && !unicode.IsSpace(c) && !isControl(c) }
	switch {
	case unicode.Is(unicode.Bidi_Control, r):
		return false
	case unicode.Is(unicode.Join_Control, r):
		return visible(prev) && (visible(next) || unicode.Is(unicode.Variation_Selector, next))
	case unicode.Is(unicode.Variation_Selector, r):
		return visible(prev)
	case r >= 0xe0020 && r <= 0xe007f: // tags: 🏴 then tag letters then CANCEL TAG
		return prev == 0x1f3f4 || (prev >= 0xe0020 && prev < 0xe007f)
	}
	return false
}
