package declaration

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-recognition/registry/data"
)

func TestEmbeddedTexts(t *testing.T) {
	root, _ := fs.Sub(data.Declarations, "declarations")
	texts, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) != 2 || texts[0].Lang != "en" || texts[1].Lang != "fr" || texts[0].Version != 1 {
		t.Fatalf("texts = %+v", texts)
	}
	for _, tx := range texts {
		if tx.SHA256 != Hash(tx.Body) || len(tx.SHA256) != 64 {
			t.Errorf("%s hash", tx.Lang)
		}
		for _, want := range []string{"https://www.openrecognition.org/", "## "} {
			if !strings.Contains(tx.Body, want) {
				t.Errorf("%s text lacks %q", tx.Lang, want)
			}
		}
	}
	if !strings.Contains(texts[0].Title, "Bologna") || !strings.Contains(texts[1].Title, "Bologne") {
		t.Fatalf("titles %q %q", texts[0].Title, texts[1].Title)
	}
}

func TestOperatorFolderIsChecked(t *testing.T) {
	good := fstest.MapFS{"1/en.md": {Data: []byte("# One\n")}, "1/fr.md": {Data: []byte("# Un\n")},
		"2/en.md": {Data: []byte("# Two\n")}, "2/fr.md": {Data: []byte("# Deux\n")}}
	texts, err := Load(good)
	if err != nil || len(texts) != 4 || texts[3].Version != 2 {
		t.Fatalf("%v %+v", err, texts)
	}
	bad := map[string]fstest.MapFS{
		"missing language": {"1/en.md": {Data: []byte("# One\n")}},
		"no heading":       {"1/en.md": {Data: []byte("One\n")}, "1/fr.md": {Data: []byte("# Un\n")}},
		"bad version":      {"v1/en.md": {Data: []byte("# One\n")}, "v1/fr.md": {Data: []byte("# Un\n")}},
		"not UTF-8":        {"1/en.md": {Data: []byte("# One \xff\n")}, "1/fr.md": {Data: []byte("# Un\n")}},
		"empty":            {},
	}
	for name, fsys := range bad {
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
