package issuer

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ob3Schema compiles the official Open Badges 3.0 AchievementCredential JSON Schema.
func ob3Schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	// A copy of ../shared/openbadges/ob_v3p0_achievementcredential_schema.json, the 1EdTech file.
	path := filepath.Join("testdata", "ob_v3p0_achievementcredential_schema.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("the official schema (%s): %v", path, err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("ob3.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("ob3.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testBadgeInput is a badge as the worker describes it; with a name, the recipient is also
// named by a salted hash of their e-mail (as when the registry knows a verified one).
func testBadgeInput(kind, name string) BadgeInput {
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	in := BadgeInput{BaseURL: "http://localhost:8080", DID: "did:web:localhost%3A8080", CredentialID: "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a01", Kind: kind,
		Subject: "6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11", Name: name, Version: 1, Lang: "en", SHA256: strings.Repeat("ab", 32),
		SignedAt: at.Add(-48 * time.Hour), IssuedAt: at, StatusList: 1, StatusIndex: 4242, IssuerName: "Open Recognition Registry"}
	if kind != "signatory" {
		in.AwardedAt = at.Add(-3 * time.Hour)
	}
	if name != "" {
		in.EmailHash, in.EmailSalt = "sha256$"+strings.Repeat("0f", 32), "3c9d1e0a7b5f42e8a6c1d2b3e4f50617"
	}
	return in
}

func signedBadge(t *testing.T, kind, name string) map[string]any {
	t.Helper()
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	s, err := NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	in := testBadgeInput(kind, name)
	did, at := in.DID, in.IssuedAt
	c, err := Badge(in)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(c, keys.Current(), did, at)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// Every kind of badge validates against the official schema, with or without a public name.
func TestBadgesMatchTheOfficialSchema(t *testing.T) {
	schema := ob3Schema(t)
	for _, kind := range []string{"signatory", "advocate", "ambassador"} {
		for _, name := range []string{"Ada Lovelace", ""} {
			signed := signedBadge(t, kind, name)
			b, _ := json.Marshal(signed)
			doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
			if err := schema.Validate(doc); err != nil {
				t.Errorf("%s badge (name %q) does not match the schema: %v", kind, name, err)
			}
		}
	}
	// The schema really checks: a badge without its subject fails.
	broken := signedBadge(t, "signatory", "Ada")
	delete(broken, "credentialSubject")
	b, _ := json.Marshal(broken)
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if schema.Validate(doc) == nil {
		t.Error("the schema accepts a credential without credentialSubject")
	}
}

var update = flag.Bool("update", false, "rewrite the golden files")

// Each badge's credential, before its proof, is exactly the reviewed golden file: recipient
// (profile URL, public name, salted e-mail hash), dates (awardedDate: the signature or the
// moment the tier was reached; validFrom: the issuance), PNG images, criteria and issuer.
// Run with -update after a deliberate change, and review the diff.
func TestBadgeGoldenFiles(t *testing.T) {
	for _, kind := range []string{"signatory", "advocate", "ambassador"} {
		c, err := Badge(testBadgeInput(kind, "Ada Lovelace"))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.MarshalIndent(c, "", "  ")
		got = append(got, '\n')
		path := filepath.Join("testdata", "golden", "badge-"+kind+".json")
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./issuer -run TestBadgeGoldenFiles -update)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s badge differs from %s:\n%s", kind, path, got)
		}
	}
}

// The OB 2.0 baked images carry the hosted assertion's URL as the 2.0 baking spec says, and
// give it back; they carry no 3.0 credential.
func TestOB2BakingReadsBack(t *testing.T) {
	u := "https://registry.example/ob2/assertions/5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a01"
	for _, kind := range []string{"signatory", "advocate", "ambassador"} {
		b, err := BakeOB2PNG(kind, u)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ReadBakedPNGKeyword(b, "openbadges"); err != nil || got != u {
			t.Errorf("%s PNG: %q, %v", kind, got, err)
		}
		if _, err := ReadBakedPNG(b); err == nil {
			t.Errorf("%s: an OB 2.0 PNG reads as a 3.0 credential", kind)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: the baked PNG does not decode: %v", kind, err)
		}
		svg, err := BakeOB2SVG(kind, "A & B", u)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Assertion struct {
				Verify string `xml:"verify,attr"`
			} `xml:"http://openbadges.org assertion"`
		}
		if err := xml.Unmarshal(svg, &doc); err != nil || doc.Assertion.Verify != u {
			t.Errorf("%s SVG: verify %q, %v\n%s", kind, doc.Assertion.Verify, err, svg)
		}
	}
	if logo, err := png.Decode(bytes.NewReader(mustPNG(t, LogoPNG(64)))); err != nil || logo.Bounds().Dx() != 64 {
		t.Errorf("logo: %v", err)
	}
}

func mustPNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
