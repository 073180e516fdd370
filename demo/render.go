package demo

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// textVars fills the placeholders of organisation names, statements and
// endorsement comments.
type textVars struct {
	city, of, country string
	hero, word, sw    string
	n, ltd            string
	url, host, name   string
	claim             string
	female            bool
}

// render appends tpl to b with its placeholders expanded. "{a|b}" picks the
// masculine or feminine form; unknown placeholders are kept verbatim so
// that a typo shows up in the output instead of vanishing.
func render(b *strings.Builder, tpl string, v *textVars) {
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			return
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			b.WriteString(tpl)
			return
		}
		b.WriteString(tpl[:i])
		key := tpl[i+1 : i+j]
		tpl = tpl[i+j+1:]
		if m, f, ok := strings.Cut(key, "|"); ok {
			if v.female {
				b.WriteString(f)
			} else {
				b.WriteString(m)
			}
			continue
		}
		switch key {
		case "city":
			b.WriteString(v.city)
		case "of":
			b.WriteString(v.of)
		case "country":
			b.WriteString(v.country)
		case "hero":
			b.WriteString(v.hero)
		case "herohyph":
			b.WriteString(strings.ReplaceAll(v.hero, " ", "-"))
		case "word":
			b.WriteString(v.word)
		case "sw":
			b.WriteString(v.sw)
		case "n":
			b.WriteString(v.n)
		case "ltd":
			b.WriteString(v.ltd)
		case "url":
			b.WriteString(v.url)
		case "host":
			b.WriteString(v.host)
		case "name":
			b.WriteString(v.name)
		case "claim":
			b.WriteString(v.claim)
		case "Claim":
			b.WriteString(capitalise(v.claim))
		default:
			b.WriteString("{" + key + "}")
		}
	}
}

func renderString(tpl string, v *textVars) string {
	var b strings.Builder
	render(&b, tpl, v)
	return b.String()
}

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
