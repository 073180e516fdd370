package issuer

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testCredential(name string) map[string]any {
	return map[string]any{
		"@context":  []any{ContextVC2, ContextOB3},
		"id":        "http://localhost:8080/credentials/1",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": "did:web:localhost%3A8080", "type": []any{"Profile"}, "name": "Open Recognition Registry", "url": "http://localhost:8080"},
		"validFrom": "2026-11-01T10:00:00Z",
		"name":      "Signatory",
		"credentialSubject": map[string]any{
			"id": "http://localhost:8080/signatories/x", "type": []any{"AchievementSubject"}, "name": name,
			"achievement": map[string]any{"id": "http://localhost:8080/achievements/signatory", "type": []any{"Achievement"},
				"name": "Signatory", "description": "Signed the Declaration.", "criteria": map[string]any{"narrative": "Sign it."}},
		},
	}
}

func TestSignAndVerify(t *testing.T) {
	keys, err := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	did := "did:web:localhost%3A8080"
	for _, name := range []string{"Ada Lovelace", "Zoé \"Z\" Müller \\ 🎉", "李小龍", "محمد", "Line one\nline two\ttab"} {
		signed, err := s.Sign(testCredential(name), keys.Current(), did, time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if err := s.Verify(signed, keys.All(), did); err != nil {
			t.Errorf("%q: own signature does not verify: %v", name, err)
		}
		// Any change breaks it.
		signed["name"] = "Ambassador"
		if err := s.Verify(signed, keys.All(), did); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%q: a tampered credential verifies: %v", name, err)
		}
	}
	// A key rotated out still verifies what it signed.
	old := keys.Current()
	signed, _ := s.Sign(testCredential("Ada"), old, did, time.Now())
	keys.Rotate()
	if err := s.Verify(signed, keys.All(), did); err != nil {
		t.Errorf("a credential of a rotated key: %v", err)
	}
}

func TestUndefinedTermsAreRefused(t *testing.T) {
	s, _ := NewSigner()
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	c := testCredential("Ada")
	c["@context"] = []any{ContextVC2, ContextOB3, "https://example.org/unknown-context"}
	if _, err := s.Sign(c, keys.Current(), "did:web:x", time.Now()); err == nil || !strings.Contains(err.Error(), "never fetched") {
		t.Errorf("a context that is not embedded was accepted: %v", err)
	}
}

// The cached canonical proof options are exactly what canonicalizing them anew gives.
func TestCachedProofOptions(t *testing.T) {
	s, _ := NewSigner()
	ctx := []any{ContextVC2, ContextOB3, ContextExtensions}
	for _, created := range []string{"2026-11-01T10:00:00Z", "1999-12-31T23:59:59Z", "2026-11-27T08:00:01Z"} {
		opts := Proof{Type: "DataIntegrityProof", Cryptosuite: "eddsa-rdfc-2022", Created: created,
			VerificationMethod: "did:web:localhost%3A8080#z6MkExample", ProofPurpose: "assertionMethod"}
		cached, err := s.canonicalOptions(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		om, _ := toMap(opts)
		om["@context"] = ctx
		fresh, err := s.canon.canonical(om)
		if err != nil {
			t.Fatal(err)
		}
		if cached != fresh {
			t.Errorf("created %s: cached\n%s\nfresh\n%s", created, cached, fresh)
		}
	}
}

// Reusing processed contexts changes nothing: every kind of document the registry signs
// canonicalizes exactly as the JSON-LD processor does on its own.
func TestCanonicalMatchesTheProcessor(t *testing.T) {
	s, _ := NewSigner()
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	badge, _ := Badge(BadgeInput{BaseURL: "http://localhost:8080", DID: "did:web:localhost%3A8080", CredentialID: "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a01",
		Kind: "signatory", Subject: "x", Name: "Zoé \"Z\" \\ 🎉\nline", Version: 1, Lang: "en", SHA256: strings.Repeat("ab", 32), SignedAt: at, IssuedAt: at,
		StatusList: 1, StatusIndex: 7, IssuerName: "Open Recognition Registry"})
	sl, _ := StatusList("http://localhost:8080", "did:web:localhost%3A8080", 1, 1024, []int{3}, at)
	for i, doc := range []any{testCredential("Ada"), badge, sl, badge} { // the badge twice: the second from the cache
		m, _ := toMap(doc)
		got, err := s.canon.canonical(m)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.canon.reference(m)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("document %d: canonical form differs from the processor's:\n%s\nwant\n%s", i, got, want)
		}
	}
}

// json-gold drops a statement whose http(s) IRI is not a URL, and the registry's copy remembers
// that answer across documents (third_party/json-gold): a remembered answer must be the same
// answer, for IRIs it rejects as for IRIs it keeps, however often they come back.
func TestCanonicalDropsTheSameIRIsEveryTime(t *testing.T) {
	s, _ := NewSigner()
	for round := range 3 {
		doc := testCredential("Ada")
		doc["credentialSubject"].(map[string]any)["id"] = "http://-not-a-host-.org/x"
		got, err := s.canon.canonical(doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, "-not-a-host-") {
			t.Errorf("round %d: a statement about an IRI that is not a URL was kept:\n%s", round, got)
		}
		if !strings.Contains(got, "<http://localhost:8080/achievements/signatory>") {
			t.Errorf("round %d: a statement about a valid IRI was dropped:\n%s", round, got)
		}
		want, _ := s.canon.reference(doc)
		if got != want {
			t.Errorf("round %d: canonical form differs from the processor's:\n%s\nwant\n%s", round, got, want)
		}
	}
}
