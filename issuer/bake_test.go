package issuer

import (
	"bytes"
	"image/png"
	"testing"
)

// A baked badge gives back exactly the credential put in, including text that looks like the
// end of a CDATA section.
func TestBakedCredentialsReadBackIdentical(t *testing.T) {
	for _, kind := range []string{"signatory", "advocate", "ambassador"} {
		cred := `{"name":"Zoé ]]> \"Z\" 🎉","kind":"` + kind + `"}`
		svg, err := BakeSVG(kind, "A badge", cred)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ReadBakedSVG(svg); err != nil || got != cred {
			t.Errorf("%s SVG: read back %q, %v", kind, got, err)
		}
		pngBytes, err := BakePNG(kind, cred)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ReadBakedPNG(pngBytes); err != nil || got != cred {
			t.Errorf("%s PNG: read back %q, %v", kind, got, err)
		}
		img, err := png.Decode(bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatalf("%s: the baked PNG does not decode: %v", kind, err)
		}
		// The artwork is drawn: the centre is not transparent and the corner is.
		if _, _, _, a := img.At(256, 256).RGBA(); a == 0 {
			t.Errorf("%s: nothing drawn at the centre", kind)
		}
		if _, _, _, a := img.At(2, 2).RGBA(); a != 0 {
			t.Errorf("%s: the corner is painted", kind)
		}
	}
	// Each badge looks different.
	a, _ := ArtPNG("signatory", 64)
	b, _ := ArtPNG("advocate", 64)
	if a.At(32, 12) == b.At(32, 12) {
		t.Error("Signatory and Advocate look the same")
	}
}
