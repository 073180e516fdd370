package issuer

import (
	"encoding/json"
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

func signedBadge(t *testing.T, kind, name string) map[string]any {
	t.Helper()
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	s, err := NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	did := "did:web:localhost%3A8080"
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	c, err := Badge(BadgeInput{BaseURL: "http://localhost:8080", DID: did, CredentialID: "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a01", Kind: kind,
		Subject: "6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11", Name: name, Version: 1, Lang: "en", SHA256: strings.Repeat("ab", 32),
		SignedAt: at, IssuedAt: at, StatusList: 1, StatusIndex: 4242, IssuerName: "Open Recognition Registry"})
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
