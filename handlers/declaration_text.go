package handlers

import (
	"html/template"
	"regexp"
)

// headingTag matches the opening and closing tags of a heading in rendered, sanitised Markdown.
var headingTag = regexp.MustCompile(`<(/?)h([1-6])(\s[^>]*)?>`)

// subheadings moves every heading of rendered Markdown one level down (h1 becomes h2, h2 becomes
// h3, h6 stays), for a text shown inside a page that has its own h1: the declaration on the
// signing page keeps its title, under the page's, and its headings stay in order. The text
// signed is unchanged: this is presentation only.
func subheadings(h template.HTML) template.HTML {
	return template.HTML(headingTag.ReplaceAllStringFunc(string(h), func(tag string) string {
		m := headingTag.FindStringSubmatch(tag)
		level := m[2][0] - '0'
		if level < 6 {
			level++
		}
		return "<" + m[1] + "h" + string('0'+level) + m[3] + ">"
	}))
}
