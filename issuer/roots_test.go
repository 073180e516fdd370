package issuer

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// legacyKeysFolder is a keys folder as registries made it before root secrets existed: issuer
// key 1 alone.
func legacyKeysFolder(t *testing.T) (string, Key) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	b := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, "issuer-1.pem"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, Key{N: 1, Private: priv, Public: pub}
}

// legacyCustodialKey is the derivation registries used before root secrets: HKDF of issuer key
// 1's seed. Written out here, not called, so that the fixture stays what was really issued.
func legacyCustodialKey(t *testing.T, key1 Key, publicID string) Key {
	t.Helper()
	seed, err := hkdf.Key(sha256.New, key1.Private.Seed(), []byte("open-recognition-registry"), "signatory key\n"+publicID, ed25519.SeedSize)
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return Key{Private: priv, Public: priv.Public().(ed25519.PublicKey)}
}

func endorsementBy(t *testing.T, key Key, did, from, credID string, at time.Time) map[string]any {
	t.Helper()
	s, _ := NewSigner()
	c := Endorsement(EndorsementInput{BaseURL: "http://localhost:8080", DID: did, CredentialID: credID, From: from, FromName: "Bea Example",
		To: "7e5ef33b-22fe-5680-905c-8bfc68a0b618", Level: "advocate", Comment: "Bea opens doors", AcceptedAt: at, StatusIndex: -1})
	signed, err := s.Sign(c, key, SignatoryDID(did, from), at)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// A new registry derives custodial keys and OB 2.0 salts from a root secret of its own, made
// privately on first start: whoever holds issuer key 1 cannot derive them, and retiring key 1
// changes nothing.
func TestCustodialKeysAndSaltsComeFromTheRoot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	keys, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root-1.secret")
	st, err := os.Stat(root)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("root secret %s: %v %v, want a 0600 file", root, st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "root-0.secret")); err == nil {
		t.Error("a new registry has a version 0 root (only registries from before roots need one)")
	}
	key1 := keys.All()[0]
	from := "6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11"
	custodial, err := keys.SignatoryKey(from)
	if err != nil {
		t.Fatal(err)
	}
	if custodial.Public.Equal(legacyCustodialKey(t, key1, from).Public) {
		t.Error("the custodial key still derives from issuer key 1")
	}
	later := time.Now().Add(time.Minute)
	r, err := keys.RecipientRoot(later)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(r.OB2Recipient("c1", "ada@example.org", ""), key1.OB2Recipient("c1", "ada@example.org", "")) {
		t.Error("the OB 2.0 salt still derives from issuer key 1")
	}
	// The same root comes back on the next start.
	again, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := again.SignatoryKey(from); !k.Public.Equal(custodial.Public) {
		t.Error("a second start changed the custodial key")
	}
	os.Chmod(root, 0o644)
	if _, err := OpenKeys(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a root secret others may read was accepted: %v", err)
	}
}

// A registry from before root secrets keeps every credential it issued verifying through the
// upgrade and through root rotations: the earlier derivation becomes root version 0, new
// endorsements are signed with keys of the newest root, every version's key stays listed, and
// an earlier OB 2.0 assertion keeps its salt. Checked by the independent verifier.
func TestRootUpgradeKeepsEarlierCredentialsVerifying(t *testing.T) {
	verify := verifier(t)
	dir, key1 := legacyKeysFolder(t)
	did := "did:web:localhost%3A8080"
	from := "6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11"
	issuedBefore := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	old := endorsementBy(t, legacyCustodialKey(t, key1, from), did, from, "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a02", issuedBefore)
	oldRecipient := key1.OB2Recipient("5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a03", "ada@example.org", "")

	keys, err := OpenKeys(dir) // the first start after the upgrade
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"root-0.secret", "root-1.secret"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s after the upgrade: %v", name, err)
		}
	}
	if len(keys.All()) != 1 || !keys.Current().Public.Equal(key1.Public) {
		t.Fatal("the upgrade changed the issuer keys")
	}
	s, _ := NewSigner()
	check := func(stage string, creds ...map[string]any) {
		t.Helper()
		doc, err := keys.SignatoryDocument(did, from)
		if err != nil {
			t.Fatal(err)
		}
		own, _ := keys.SignatoryKeys(from)
		for i, c := range creds {
			if ok, why := verify(c, doc); !ok {
				t.Errorf("%s: credential %d does not verify independently: %s", stage, i, why)
			}
			if err := s.Verify(c, own, doc.ID); err != nil {
				t.Errorf("%s: credential %d does not verify here: %v", stage, i, err)
			}
		}
		r, err := keys.RecipientRoot(issuedBefore)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.OB2Recipient("5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a03", "ada@example.org", ""); !reflect.DeepEqual(got, oldRecipient) {
			t.Errorf("%s: an earlier assertion's recipient changed: %v, was %v", stage, got, oldRecipient)
		}
	}
	check("after the upgrade", old)

	// Credentials issued from the second after the upgrade take the new root.
	roots, _ := keys.Roots()
	now := roots[len(roots)-1].Since
	time.Sleep(time.Until(now))
	k1, _ := keys.SignatoryKey(from)
	if k1.Public.Equal(legacyCustodialKey(t, key1, from).Public) {
		t.Fatal("after the upgrade new endorsements are still signed with the key derived from issuer key 1")
	}
	second := endorsementBy(t, k1, did, from, "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a04", now)
	r1, _ := keys.RecipientRoot(now)
	if r1.Version != 1 || reflect.DeepEqual(r1.OB2Recipient("x", "ada@example.org", ""), key1.OB2Recipient("x", "ada@example.org", "")) {
		t.Errorf("a new assertion is salted from root %d, not the new root", r1.Version)
	}
	check("a new endorsement", old, second)

	// The issuer key and the root rotate independently; everything still verifies.
	if _, err := keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	if k, _ := keys.SignatoryKey(from); !k.Public.Equal(k1.Public) {
		t.Error("rotating the issuer key changed the custodial key")
	}
	if _, err := keys.RotateRoot(); err != nil {
		t.Fatal(err)
	}
	k2, _ := keys.SignatoryKey(from)
	if k2.Public.Equal(k1.Public) || k2.N != 2 {
		t.Fatalf("after rotate-root the key of root %d still signs", k2.N)
	}
	third := endorsementBy(t, k2, did, from, "5f0c3b7e-3c1a-4d1e-9d55-1f6c3c1c9a05", time.Now().UTC().Truncate(time.Second))
	check("after rotate-root", old, second, third)
	if r, _ := keys.RecipientRoot(now); r.Version != 1 {
		t.Errorf("rotate-root moved the salt of an assertion issued before it to root %d", r.Version)
	}

	// A server started before the rotation sees the new root at once.
	other, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.RotateRoot(); err != nil {
		t.Fatal(err)
	}
	if doc, _ := other.SignatoryDocument(did, from); len(doc.VerificationMethod) != 4 {
		t.Errorf("a running server lists %d custodial keys after rotate-root, want 4", len(doc.VerificationMethod))
	}
}
