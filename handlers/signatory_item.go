package handlers

import (
	"html"
	"html/template"
	"strings"
)

// HTML renders one list item. Lists are the registry's hottest pages, and a template spends
// most of their time calling escapers through reflection for each of an item's dozen fields,
// fifty times a page; this writes the same markup as views/partials/signatory_item.html
// describes, escaping every value.
func (v ItemView) HTML() template.HTML {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(`<li class="person"><span class="avatar`)
	if v.Kind == "organisation" {
		b.WriteString(" org")
	}
	if v.Name == "" {
		b.WriteString(" anon")
	}
	b.WriteString(`" aria-hidden="true">`)
	b.WriteString(html.EscapeString(initials(v.Name)))
	b.WriteString(`</span><a class="name" href="`)
	b.WriteString(html.EscapeString(v.URL))
	b.WriteString(`">`)
	if v.Name != "" {
		b.WriteString(html.EscapeString(v.Name))
	} else {
		b.WriteString(html.EscapeString(v.Anon))
	}
	b.WriteString(`</a><span class="when"><span class="tier `)
	b.WriteString(html.EscapeString(v.Tier))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(v.TierLabel))
	b.WriteString(`</span></span><span class="meta">`)
	if v.City != "" {
		b.WriteString(html.EscapeString(v.City))
		b.WriteString(", ")
	}
	b.WriteString(html.EscapeString(v.CountryName))
	if v.Detail != "" {
		b.WriteString(" · ")
		b.WriteString(html.EscapeString(v.Detail))
	}
	b.WriteString(` · <time datetime="`)
	b.WriteString(html.EscapeString(v.SignedISO))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(v.SignedOn))
	b.WriteString("</time></span></li>\n")
	return template.HTML(b.String())
}
