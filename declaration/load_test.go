package declaration

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-recognition/registry/data"
)

// The hashes of version 1 in English and French, as signatures have recorded them since the
// registry opened: the texts never change, front matter or not.
var signedHashes = map[string]string{
	"en": "69db6474e96f8d0ee929b3b228a1e77fd72592b6a830c8b35f6cfddc990ad0e0",
	"fr": "b8348ab00a414c8bd31b25c0295da13d466f97aeffdc1d07e1d5e71684786e31",
}

func TestEmbeddedTexts(t *testing.T) {
	root, _ := fs.Sub(data.Declarations, "declarations")
	texts, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, tx := range texts {
		langs = append(langs, tx.Lang)
		if tx.Version != 1 {
			t.Errorf("%s: version %d", tx.Lang, tx.Version)
		}
		if tx.SHA256 != Hash(tx.Body) || len(tx.SHA256) != 64 {
			t.Errorf("%s hash", tx.Lang)
		}
		for _, want := range []string{"https://www.openrecognition.org/", "## ", "ePIC", "Open Badges", "Open Recognition Alliance"} {
			if !strings.Contains(tx.Body, want) {
				t.Errorf("%s text lacks %q", tx.Lang, want)
			}
		}
		if strings.Contains(tx.Body, "---") || strings.Contains(tx.Body, "published:") {
			t.Errorf("%s: the front matter leaked into the signed text", tx.Lang)
		}
		// The Declaration was issued at ePIC 2016 in Bologna (26–28 October 2016).
		if want := time.Date(2016, 10, 26, 0, 0, 0, 0, time.UTC); !tx.Published.Equal(want) {
			t.Errorf("%s published %v, want %v", tx.Lang, tx.Published, want)
		}
		if want := map[bool]string{true: "", false: "en"}[tx.Lang == "en"]; tx.TranslationOf != want {
			t.Errorf("%s translation of %q, want %q", tx.Lang, tx.TranslationOf, want)
		}
		// The same text in every language: the same sections and points.
		if n, want := strings.Count(tx.Body, "\n## "), strings.Count(texts[1].Body, "\n## "); n != want {
			t.Errorf("%s has %d sections, English %d", tx.Lang, n, want)
		}
		if n, want := strings.Count(tx.Body, "\n- "), strings.Count(texts[1].Body, "\n- "); n != want {
			t.Errorf("%s has %d points, English %d", tx.Lang, n, want)
		}
	}
	if strings.Join(langs, " ") != "de en es fr it" {
		t.Fatalf("languages %v", langs)
	}
	titles := map[string]string{"de": "Bologna-Erklärung", "en": "Bologna", "es": "Bolonia", "fr": "Bologne", "it": "Bologna"}
	for _, tx := range texts {
		if !strings.Contains(tx.Title, titles[tx.Lang]) {
			t.Errorf("%s title %q", tx.Lang, tx.Title)
		}
	}
}

// Signatures record the hash of the text read: adding front matter to the files of version 1
// must leave the hashes of its English and French texts as they were.
func TestSignedHashesNeverChange(t *testing.T) {
	root, _ := fs.Sub(data.Declarations, "declarations")
	texts, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range texts {
		if want, ok := signedHashes[tx.Lang]; ok && tx.Version == 1 && tx.SHA256 != want {
			t.Errorf("version 1 in %s hashes to %s, but signatures record %s", tx.Lang, tx.SHA256, want)
		}
	}
}

func TestFrontMatterDescribesTheTextWithoutChangingIt(t *testing.T) {
	body := "# Uno\n\nTesto.\n"
	plain, err := Parse(1, "it", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	marked, err := Parse(1, "it", []byte("---\npublished: 2024-05-01\ntranslation_of: en\n---\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	if marked.Body != body || marked.SHA256 != plain.SHA256 || marked.SHA256 != Hash(body) || marked.Title != "Uno" {
		t.Fatalf("marked %+v", marked)
	}
	if !marked.Published.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) || !plain.Published.IsZero() {
		t.Fatalf("published %v / %v", marked.Published, plain.Published)
	}
	if plain.TranslationOf != "en" || marked.TranslationOf != "en" {
		t.Fatalf("translation of %q / %q", plain.TranslationOf, marked.TranslationOf)
	}
	for name, text := range map[string]string{
		"unclosed":             "---\npublished: 2024-05-01\n# Uno\n",
		"bad date":             "---\npublished: 1 May 2024\n---\n# Uno\n",
		"before 1970":          "---\npublished: 1969-12-31\n---\n# Uno\n",
		"unknown key":          "---\nauthor: me\n---\n# Uno\n",
		"not key: value":       "---\npublished\n---\n# Uno\n",
		"translation of de":    "---\ntranslation_of: de\n---\n# Uno\n",
		"heading in the front": "---\n# Uno\n---\n",
	} {
		if _, err := Parse(1, "it", []byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Parse(1, "en", []byte("---\ntranslation_of: en\n---\n# One\n")); err == nil {
		t.Error("the original marked as a translation: accepted")
	}
}

func TestOperatorFolderIsChecked(t *testing.T) {
	good := fstest.MapFS{"1/en.md": {Data: []byte("# One\n")}, "1/fr.md": {Data: []byte("# Un\n")},
		"2/en.md": {Data: []byte("# Two\n")}, "2/fr.md": {Data: []byte("# Deux\n")}}
	texts, err := Load(good)
	if err != nil || len(texts) != 4 || texts[3].Version != 2 {
		t.Fatalf("%v %+v", err, texts)
	}
	// A translation may be missing from older versions, never from the newest.
	older := fstest.MapFS{"1/en.md": {Data: []byte("# One\n")}, "2/en.md": {Data: []byte("# Two\n")}, "2/de.md": {Data: []byte("# Zwei\n")}}
	if texts, err := Load(older); err != nil || len(texts) != 3 {
		t.Fatalf("%v %+v", err, texts)
	}
	bad := map[string]fstest.MapFS{
		"no original":       {"1/fr.md": {Data: []byte("# Un\n")}},
		"stale translation": {"1/en.md": {Data: []byte("# One\n")}, "1/fr.md": {Data: []byte("# Un\n")}, "2/en.md": {Data: []byte("# Two\n")}},
		"no heading":        {"1/en.md": {Data: []byte("One\n")}, "1/fr.md": {Data: []byte("# Un\n")}},
		"bad version":       {"v1/en.md": {Data: []byte("# One\n")}, "v1/fr.md": {Data: []byte("# Un\n")}},
		"not UTF-8":         {"1/en.md": {Data: []byte("# One \xff\n")}, "1/fr.md": {Data: []byte("# Un\n")}},
		"bad front matter":  {"1/en.md": {Data: []byte("---\npublished: soon\n---\n# One\n")}},
		"empty":             {},
	}
	for name, fsys := range bad {
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
