package demo

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps accented Latin letters to ASCII, for e-mail addresses and
// host names (the standard library has no Unicode normalisation).
var foldTable = map[rune]string{}

func initFold() {
	groups := []struct{ ascii, letters string }{
		{"a", "àáâãäåāăąạảấầẩẫậắằẳẵặǎ"},
		{"ae", "æ"},
		{"c", "çćĉċč"},
		{"d", "ďđð"},
		{"e", "èéêëēĕėęěẹẻẽếềểễệ"},
		{"g", "ĝğġģ"},
		{"h", "ĥħ"},
		{"i", "ìíîïĩīĭįıịỉ"},
		{"j", "ĵ"},
		{"k", "ķ"},
		{"l", "ĺļľŀł"},
		{"n", "ñńņňŉ"},
		{"o", "òóôõöøōŏőơọỏốồổỗộớờởỡợ"},
		{"oe", "œ"},
		{"r", "ŕŗř"},
		{"s", "śŝşšș"},
		{"ss", "ß"},
		{"t", "ţťŧț"},
		{"th", "þ"},
		{"u", "ùúûüũūŭůűųưụủứừửữự"},
		{"w", "ŵ"},
		{"y", "ýÿŷỳỵỷỹ"},
		{"z", "źżž"},
	}
	for _, g := range groups {
		for _, r := range g.letters {
			foldTable[r] = g.ascii
		}
	}
}

// appendFolded lower-cases s, folds accents and appends its ASCII
// alphanumeric runs to buf, separated by single spaces ("Ó Súilleabháin" ->
// "o suilleabhain"). Letters without a Latin reading (Greek, Cyrillic,
// kanji) are dropped; apostrophes join ("O'Brien" -> "obrien").
func appendFolded(buf []byte, s string) []byte {
	gap := false // a space is due before the next letter
	emit := func(a string) {
		if gap && len(buf) > 0 {
			buf = append(buf, ' ')
		}
		gap = false
		buf = append(buf, a...)
	}
	for _, r := range s {
		if r >= utf8.RuneSelf {
			r = unicode.ToLower(r) // may land in ASCII: 'İ' -> 'i'
		}
		switch {
		case r >= 'A' && r <= 'Z':
			emit(string(rune(r + 'a' - 'A')))
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			emit(string(r))
		case r == '\'' || r == '’':
		case r >= utf8.RuneSelf:
			if a, ok := foldTable[r]; ok {
				emit(a)
			} else {
				gap = true
			}
		default:
			gap = true
		}
	}
	return buf
}

// asciiJoin folds s into ASCII words joined by sep ("van der Berg" ->
// "vanderberg" with sep "").
func asciiJoin(s, sep string) string {
	var arr [64]byte
	buf := appendFolded(arr[:0], s)
	return strings.ReplaceAll(string(buf), " ", sep)
}

// slug makes a DNS label out of a name: ASCII words joined by dashes, cut at
// a word boundary so that it stays readable and short.
func slug(s string, maxLen int) string {
	var arr, out [96]byte
	b := out[:0]
	for w := range strings.FieldsSeq(string(appendFolded(arr[:0], s))) {
		if len(w) == 1 && w[0] >= 'a' {
			continue // "S.r.l." and "e.V." read badly in a host name
		}
		if len(b) > 0 && len(b)+1+len(w) > maxLen {
			break
		}
		if len(b) > 0 {
			b = append(b, '-')
		}
		b = append(b, w[:min(len(w), maxLen)]...)
	}
	return string(b)
}

// hostStopWords are left out of host names made from organisation names:
// "centre-lifelong-learning-university-rome" says enough.
var hostStopWords = map[string]bool{
	"of": true, "the": true, "for": true, "and": true, "at": true,
	"de": true, "di": true, "da": true, "do": true, "du": true, "des": true, "del": true, "della": true,
	"la": true, "le": true, "les": true, "el": true, "los": true, "las": true, "per": true, "pour": true, "para": true,
	"und": true, "fur": true, "der": true, "die": true, "das": true, "van": true, "voor": true, "het": true, "en": true, "w": true, "nr": true,
}

// hostLabel makes the host name of an organisation (or of the place a
// person works) from its name, or returns "" when the name has too little
// ASCII to read (a Greek name, say).
func hostLabel(name string) string {
	var arr [128]byte
	words := strings.Fields(string(appendFolded(arr[:0], name)))
	kept := words[:0]
	for _, w := range words {
		if !hostStopWords[w] {
			kept = append(kept, w)
		}
	}
	label := slug(strings.Join(kept, " "), 48)
	if len(label) < 4 || !strings.ContainsFunc(label, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
		return ""
	}
	return label
}
