package issuer

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeysAreCreatedPrivately(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o700 {
		t.Errorf("keys folder mode %04o, want 0700", st.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "issuer-*.pem"))
	if len(files) != 1 {
		t.Fatalf("%d key files, want 1", len(files))
	}
	fst, _ := os.Stat(files[0])
	if fst.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fst.Mode().Perm())
	}
	// The same key comes back on the next start.
	again, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Current().Public.Equal(k.Current().Public) {
		t.Error("a second start made a new key instead of loading the first")
	}
	msg := []byte("hello")
	if !ed25519.Verify(again.Current().Public, msg, ed25519.Sign(k.Current().Private, msg)) {
		t.Error("the loaded key does not match")
	}
}

func TestLooseKeyPermissionsAreRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	if _, err := OpenKeys(dir); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "issuer-*.pem"))
	os.Chmod(files[0], 0o644)
	if _, err := OpenKeys(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key was accepted: %v", err)
	}
	os.Chmod(files[0], 0o600)
	os.Chmod(dir, 0o755)
	if _, err := OpenKeys(dir); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("an open keys folder was accepted: %v", err)
	}
}

func TestRotationKeepsOldKeysPublished(t *testing.T) {
	k, err := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	first := k.Current()
	second, err := k.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if k.Current().Multibase() != second.Multibase() || second.N != 2 {
		t.Error("the new key does not sign")
	}
	doc := k.Document("did:web:localhost%3A8080")
	if len(doc.VerificationMethod) != 2 || doc.AssertionMethod[0] != "did:web:localhost%3A8080#"+first.Multibase() {
		t.Errorf("did document %+v does not list both keys", doc)
	}
	if !strings.HasPrefix(first.Multibase(), "z6Mk") {
		t.Errorf("Ed25519 multibase %q does not start with z6Mk", first.Multibase())
	}
}

func TestDID(t *testing.T) {
	for base, want := range map[string]string{
		"http://localhost:8080":                "did:web:localhost%3A8080",
		"https://registry.example.org":         "did:web:registry.example.org",
		"https://example.org/openrecognition/": "did:web:example.org:openrecognition",
	} {
		if got, err := DID(base); err != nil || got != want {
			t.Errorf("DID(%s) = %q, %v; want %q", base, got, err, want)
		}
	}
}
