// Package views holds the HTML templates, parsed once at start-up with their layout.
package views

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
)

//go:embed layout.html partials/*.html pages/*.html
var files embed.FS

// Renderer renders a page inside the layout.
type Renderer struct {
	pages map[string]*template.Template
}

// Load parses every page with the layout and the partials; a template that fails to parse stops
// the start-up.
func Load(funcs template.FuncMap) (*Renderer, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "layout.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	names, err := fs.Glob(files, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := template.Must(base.Clone()).ParseFS(files, n)
		if err != nil {
			return nil, fmt.Errorf("views: %s: %w", n, err)
		}
		r.pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return r, nil
}

// Render writes a page. It renders into a buffer first so that a template error becomes a clean
// error response instead of half a page.
func (r *Renderer) Render(w io.Writer, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("views: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("views: %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}
