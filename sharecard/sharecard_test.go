package sharecard

import (
	"bytes"
	"image/png"
	"os"
	"strings"
	"testing"
)

func painter(t testing.TB) *Painter {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every card, whatever its words, is a 1200×630 PNG.
func TestCardIsTheSizeSharingExpects(t *testing.T) {
	p := painter(t)
	cards := []Card{
		{Site: "Open Recognition Registry", Title: "Bologna Open Recognition Declaration", Subtitle: "The public registry", Host: "registry.example.org"},
		{Kind: "ambassador", Site: "Open Recognition Registry", Title: "Ada Example", Subtitle: "Ambassador", Host: "registry.example.org"},
		{Kind: "signatory", Site: "Open Recognition Registry", Title: strings.Repeat("Averyveryverylongname ", 12), Subtitle: "Signatory", Warning: "Revoked"},
	}
	for _, c := range cards {
		b, err := p.PNG(c)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if r := img.Bounds(); r.Dx() != 1200 || r.Dy() != 630 {
			t.Errorf("card %q is %v, want 1200×630", c.Title, r)
		}
	}
	if _, err := p.PNG(Card{Kind: "nonsense"}); err == nil {
		t.Error("a card for an unknown badge was drawn")
	}
}

// A long title is wrapped into at most three lines that each fit, the last cut with an ellipsis.
func TestLongTitleFits(t *testing.T) {
	p := painter(t)
	lines, face, err := p.wrapTitle(strings.Repeat("Wordy ", 60))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) > 3 || !strings.HasSuffix(lines[len(lines)-1], "…") {
		t.Errorf("lines %q", lines)
	}
	for _, l := range lines {
		if w := measure(face, l); w > textW {
			t.Errorf("line %q is %d px wide, more than %d", l, w, textW)
		}
	}
}

// SHARECARD_SAMPLE=path writes a sample for the README.
func TestSample(t *testing.T) {
	out := os.Getenv("SHARECARD_SAMPLE")
	if out == "" {
		t.Skip("SHARECARD_SAMPLE not set")
	}
	b, err := painter(t).PNG(Card{Kind: "advocate", Site: "Open Recognition Registry", Title: "Ada Example", Subtitle: "Advocate · signed the Bologna Open Recognition Declaration", Host: "registry.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCard measures one card drawn and encoded (ms per image in the report).
func BenchmarkCard(b *testing.B) {
	p := painter(b)
	c := Card{Kind: "ambassador", Site: "Open Recognition Registry", Title: "Ada Example", Subtitle: "Ambassador", Host: "registry.example.org"}
	for b.Loop() {
		if _, err := p.PNG(c); err != nil {
			b.Fatal(err)
		}
	}
}
