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
	"time"
	"unicode/utf8"
)

// Languages the registry publishes the declaration in. The first is the original: every version
// is written in it, and the texts in the other languages are translations of it.
var Languages = []string{"en", "fr", "it", "es", "de"}

// Original is the language every version is written in.
func Original() string { return Languages[0] }

// Text is one version of the declaration in one language.
type Text struct {
	Version int
	Lang    string
	Title   string
	Body    string // Markdown, exactly as signed: the front matter is not part of it
	SHA256  string // hex SHA-256 of Body's bytes
	// Published is the day the text was published (front matter "published"); zero when the
	// file does not say, and then the registry records the day it first publishes the text.
	Published time.Time
	// TranslationOf is the language this text translates (front matter "translation_of"):
	// empty for the original, the original language for every other text.
	TranslationOf string
}

// Hash returns the hex SHA-256 of a text's exact bytes.
func Hash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// Load reads every <version>/<lang>.md below root. Every version must exist in the original
// language, and a language that has any version must have the newest one, so that nobody reads
// an older version as the current one in their language.
func Load(root fs.FS) ([]Text, error) {
	entries, err := fs.ReadDir(root, ".")
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	var texts []Text
	newest := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		v, err := strconv.Atoi(e.Name())
		if err != nil || v <= 0 || strconv.Itoa(v) != e.Name() {
			return nil, fmt.Errorf("declarations: folder %q is not a version number (1, 2, …)", e.Name())
		}
		newest = max(newest, v)
		for _, lang := range Languages {
			name := path.Join(e.Name(), lang+".md")
			b, err := fs.ReadFile(root, name)
			if err != nil {
				if lang == Original() {
					return nil, fmt.Errorf("declarations: version %d has no %s text (%s): every version is written in %s first", v, lang, name, lang)
				}
				continue
			}
			t, err := Parse(v, lang, b)
			if err != nil {
				return nil, fmt.Errorf("declarations: %s: %w", name, err)
			}
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("declarations: no version found (expected folders 1/, 2/ … holding en.md and its translations)")
	}
	latest := map[string]int{}
	for _, t := range texts {
		latest[t.Lang] = max(latest[t.Lang], t.Version)
	}
	for _, lang := range Languages {
		if v, ok := latest[lang]; ok && v != newest {
			return nil, fmt.Errorf("declarations: version %d has no %s text (%d/%s.md), yet version %d has one: %s readers would take version %d for the current one",
				newest, lang, newest, lang, v, lang, v)
		}
	}
	sort.Slice(texts, func(i, j int) bool {
		if texts[i].Version != texts[j].Version {
			return texts[i].Version < texts[j].Version
		}
		return texts[i].Lang < texts[j].Lang
	})
	return texts, nil
}

// Parse reads one text: UTF-8 Markdown that starts with a level-1 heading, its title, after an
// optional front matter between two "---" lines:
//
//	---
//	published: 2016-10-26
//	translation_of: en
//	---
//	# Title
//
// The front matter describes the text and is not part of it: the hash covers exactly what
// follows it, the text people read and sign.
func Parse(version int, lang string, b []byte) (Text, error) {
	if !utf8.Valid(b) {
		return Text{}, fmt.Errorf("not UTF-8")
	}
	t := Text{Version: version, Lang: lang}
	body := string(b)
	if rest, ok := strings.CutPrefix(body, "---\n"); ok {
		head, after, found := strings.Cut(rest, "\n---\n")
		if !found {
			return Text{}, fmt.Errorf("the front matter that starts with --- has no closing --- line")
		}
		if err := t.frontMatter(head); err != nil {
			return Text{}, err
		}
		body = after
	}
	if t.TranslationOf == "" && lang != Original() {
		// Every text in another language translates the original, whether its file says so or not.
		t.TranslationOf = Original()
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "# ") {
			t.Title = strings.TrimSpace(line[2:])
			break
		}
	}
	if t.Title == "" {
		return Text{}, fmt.Errorf("the text must start with a level-1 heading (# Title)")
	}
	t.Body, t.SHA256 = body, Hash(body)
	return t, nil
}

func (t *Text) frontMatter(head string) error {
	for i, line := range strings.Split(head, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok {
			return fmt.Errorf("front matter line %d: %q is not \"key: value\"", i+1, line)
		}
		switch key {
		case "published":
			d, err := ParseDate(value)
			if err != nil {
				return fmt.Errorf("front matter: published: %w", err)
			}
			t.Published = d
		case "translation_of":
			if t.Lang == Original() || value != Original() {
				return fmt.Errorf("front matter: translation_of: every version is written in %s and translated from it; the %s text cannot translate %q", Original(), t.Lang, value)
			}
			t.TranslationOf = value
		default:
			return fmt.Errorf("front matter: unknown key %q (known: published, translation_of)", key)
		}
	}
	return nil
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
