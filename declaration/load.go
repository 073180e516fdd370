// Package declaration reads the versioned texts of the Bologna Open Recognition Declaration.
package declaration

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Languages the registry publishes the declaration in; the first is the fallback.
var Languages = []string{"en", "fr"}

// Text is one version of the declaration in one language.
type Text struct {
	Version int
	Lang    string
	Title   string
	Body    string // Markdown, exactly as signed
	SHA256  string // hex SHA-256 of Body's bytes
}

// Hash returns the hex SHA-256 of a text's exact bytes.
func Hash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// Load reads every <version>/<lang>.md below root. Every version must exist in every language
// of Languages, so that nobody signs a version their language lacks.
func Load(root fs.FS) ([]Text, error) {
	entries, err := fs.ReadDir(root, ".")
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	var texts []Text
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		v, err := strconv.Atoi(e.Name())
		if err != nil || v <= 0 || strconv.Itoa(v) != e.Name() {
			return nil, fmt.Errorf("declarations: folder %q is not a version number (1, 2, …)", e.Name())
		}
		for _, lang := range Languages {
			name := path.Join(e.Name(), lang+".md")
			b, err := fs.ReadFile(root, name)
			if err != nil {
				return nil, fmt.Errorf("declarations: version %d has no %s text (%s)", v, lang, name)
			}
			t, err := Parse(v, lang, b)
			if err != nil {
				return nil, fmt.Errorf("declarations: %s: %w", name, err)
			}
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("declarations: no version found (expected folders 1/, 2/ … holding en.md and fr.md)")
	}
	sort.Slice(texts, func(i, j int) bool {
		if texts[i].Version != texts[j].Version {
			return texts[i].Version < texts[j].Version
		}
		return texts[i].Lang < texts[j].Lang
	})
	return texts, nil
}

// Parse reads one text: UTF-8 Markdown that starts with a level-1 heading, its title.
func Parse(version int, lang string, b []byte) (Text, error) {
	if !utf8.Valid(b) {
		return Text{}, fmt.Errorf("not UTF-8")
	}
	body := string(b)
	title := ""
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "# ") {
			title = strings.TrimSpace(line[2:])
			break
		}
	}
	if title == "" {
		return Text{}, fmt.Errorf("the text must start with a level-1 heading (# Title)")
	}
	return Text{Version: version, Lang: lang, Title: title, Body: body, SHA256: Hash(body)}, nil
}

// KnownLanguage reports whether the declaration is published in lang.
func KnownLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
