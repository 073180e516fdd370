package markdown

import (
	"regexp"
	"strings"
	"testing"
)

func TestRenderKeepsFormattingAndDropsDanger(t *testing.T) {
	r := New()
	cases := map[string]struct{ want, not []string }{
		"**bold** and *em* and ~~gone~~":                  {want: []string{"<strong>bold</strong>", "<em>em</em>", "<del>gone</del>"}},
		"- one\n- two":                                    {want: []string{"<ul>", "<li>one</li>"}},
		"[site](https://example.org) <https://a.example>": {want: []string{`href="https://example.org"`, `rel="nofollow noreferrer"`}},
		"[x](javascript:alert(1))":                        {not: []string{"javascript"}},
		"[x](data:text/html;base64,PHNjcmlwdD4=)":         {not: []string{"data:"}},
		"<script>alert(1)</script>":                       {not: []string{"<script", "alert"}},
		"<img src=x onerror=alert(1)>":                    {not: []string{"<img", "onerror"}},
		"![pic](https://tracker.example/p.png)":           {not: []string{"<img", "tracker"}},
		"<iframe src=https://evil.example></iframe>":      {not: []string{"<iframe"}},
		"<a href=# onclick=alert(1)>x</a>":                {not: []string{"onclick"}},
		"text{: onclick=alert(1)}":                        {not: []string{"onclick=\""}},
		"<style>body{}</style>":                           {not: []string{"<style"}},
		"line one\nline two":                              {want: []string{"line one<br>"}},
	}
	for src, c := range cases {
		got := string(r.HTML(src))
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q → %q lacks %q", src, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%q → %q contains %q", src, got, n)
			}
		}
	}
}

var (
	dangerousTag  = regexp.MustCompile(`(?i)<\s*(script|iframe|style|object|embed|img|svg|form|input|link|meta)`)
	eventAttr     = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	hrefAttr      = regexp.MustCompile(`(?i)href="([^"]*)"`)
	allowedScheme = regexp.MustCompile(`^(https?://|mailto:)`)
)

// FuzzRender checks the renderer's promise on any input: no script, iframe or style, no event
// handler attributes, and links only to http, https or mailto.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"**x**", "<script>x</script>", "[a](javascript:x)", "<a href='vbscript:x'>a</a>", "<svg onload=x>",
		"[a](HTTPS://ok)", "<<script>script>", "&lt;script&gt;", "[a](  javascript:x)", "[a](java\tscript:x)"} {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		out := string(r.HTML(src))
		if dangerousTag.MatchString(out) {
			t.Fatalf("%q → dangerous tag in %q", src, out)
		}
		if eventAttr.MatchString(out) {
			t.Fatalf("%q → event handler in %q", src, out)
		}
		for _, m := range hrefAttr.FindAllStringSubmatch(out, -1) {
			if !allowedScheme.MatchString(m[1]) {
				t.Fatalf("%q → link %q", src, m[1])
			}
		}
	})
}
