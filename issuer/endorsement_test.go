package issuer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/testutil"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func signedEndorsement(t *testing.T, keys *Keys, comment string) (map[string]any, DIDDocument) {
	t.Helper()
	s, _ := NewSigner()
	did := "did:web:localhost%3A8080"
	from := "6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11"
	c := Endorsement(EndorsementInput{BaseURL: "http://localhost:8080", DID: did, CredentialID: "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a02",
		From: from, FromName: "Bea Example", To: "7e5ef33b-22fe-5680-905c-8bfc68a0b618", Level: "advocate", Comment: comment,
		AcceptedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), StatusIndex: 3})
	key, err := keys.SignatoryKey(from)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(c, key, SignatoryDID(did, from), time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := keys.SignatoryDocument(did, from)
	return signed, doc
}

// An endorsement is signed by the endorser's own (custodial) key, validates against the
// official schema's EndorsementCredential, and verifies independently.
func TestEndorsementCredential(t *testing.T) {
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	a, _ := keys.SignatoryKey("x")
	b, _ := keys.SignatoryKey("x")
	c, _ := keys.SignatoryKey("y")
	if !a.Public.Equal(b.Public) || a.Public.Equal(c.Public) {
		t.Fatal("custodial keys are not stable per signatory and distinct between them")
	}
	keys.Rotate()
	if d, _ := keys.SignatoryKey("x"); !d.Public.Equal(a.Public) {
		t.Error("rotating the issuer key changed a signatory's custodial key")
	}
	signed, doc := signedEndorsement(t, keys, "Bea *opens* doors — \"always\" \\ 🎉")
	s, _ := NewSigner()
	key, _ := keys.SignatoryKey("6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11")
	if err := s.Verify(signed, []Key{key}, doc.ID); err != nil {
		t.Errorf("own verification: %v", err)
	}

	f, err := os.Open(filepath.Join("testdata", "ob_v3p0_achievementcredential_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := jsonschema.UnmarshalJSON(f)
	f.Close()
	comp := jsonschema.NewCompiler()
	comp.AddResource("ob3.json", raw)
	schema, err := comp.Compile("ob3.json#/$defs/EndorsementCredential")
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(signed)
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(b2)))
	if err := schema.Validate(inst); err != nil {
		t.Errorf("the endorsement does not match the schema: %v", err)
	}

	// Its status list is the endorser's own, issued and signed by the same DID: the verifier's
	// default status check accepts no other.
	from := "6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11"
	list := func(revoked ...int) map[string]any {
		l, err := EndorserStatusList("http://localhost:8080", "did:web:localhost%3A8080", from, 131072, revoked, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Sign(l, key, doc.ID, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	verify := testutil.Verifier(t)
	if v := verify(signed, doc, list(1, 2)); !v.Verified || v.Revoked {
		t.Errorf("the independent verifier refuses the endorsement: %+v", v)
	}
	if v := verify(signed, doc, list(3)); !v.Revoked {
		t.Errorf("the independent verifier does not see the endorsement revoked: %+v", v)
	}
	signed["name"] = "Tampered"
	if v := verify(signed, doc, list()); v.Verified {
		t.Error("the independent verifier accepts a tampered endorsement")
	}
}
