// Package assets serves the stylesheet, icons and images under content-hash URLs, so that
// browsers may cache them for a year and still see every change at once.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// File is one asset with its content hash.
type File struct {
	Name        string
	Hash        string
	ContentType string
	Body        []byte
}

// Set is every embedded asset, by name.
type Set struct {
	files map[string]*File
}

// Load reads and hashes every asset once, at start-up.
func Load() (*Set, error) {
	s := &Set{files: map[string]*File{}}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.files[name] = &File{Name: name, Hash: hex.EncodeToString(sum[:6]), ContentType: ct, Body: b}
		return nil
	})
	return s, err
}

// URL returns the content-hash URL of an asset; an unknown name is a programming error that the
// template tests catch.
func (s *Set) URL(name string) (string, error) {
	f, ok := s.files[name]
	if !ok {
		return "", fmt.Errorf("assets: no file %q", name)
	}
	return "/assets/" + f.Hash + "/" + f.Name, nil
}

// Get returns the asset at a hash and name; ok is false when either is unknown or stale.
func (s *Set) Get(hash, name string) (*File, bool) {
	f, ok := s.files[name]
	if !ok || f.Hash != hash {
		return nil, false
	}
	return f, true
}
