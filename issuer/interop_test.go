package issuer

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// verifier runs the independent verifier (Node and the DCC libraries from
// testdata/verifier). Without them the test is skipped with a message, except in CI, where
// .ci/run installs them and the test must run.
func verifier(t *testing.T) func(cred map[string]any, did DIDDocument, status ...map[string]any) (bool, string) {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("testdata", "verifier"))
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "@digitalcredentials", "vc"))
	if err != nil || modErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the independent verifier is not installed: CI must run it (node, and npm ci in issuer/testdata/verifier)")
		}
		t.Skip("SKIPPED: the independent credential verifier needs Node and `npm ci --prefix issuer/testdata/verifier`; it runs in CI")
	}
	return func(cred map[string]any, did DIDDocument, status ...map[string]any) (bool, string) {
		t.Helper()
		tmp := t.TempDir()
		write := func(name string, v any) string {
			b, _ := json.Marshal(v)
			p := filepath.Join(tmp, name)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		args := []string{filepath.Join(dir, "verify.mjs"), write("cred.json", cred), write("did.json", did)}
		if len(status) > 0 {
			args = append(args, write("status.json", status[0]))
		}
		cmd := exec.Command(node, args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("verifier: %v\n%s", err, out)
		}
		var res struct {
			Verified bool
			Error    string
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("verifier output %q: %v", out, err)
		}
		return res.Verified, res.Error
	}
}

// The registry's proofs verify with an independent implementation, for names in many scripts
// and with the characters that trouble canonical forms; a tampered copy fails.
func TestIndependentVerifier(t *testing.T) {
	verify := verifier(t)
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	s, err := NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	did := "did:web:localhost%3A8080"
	doc := keys.Document(did)
	for _, name := range []string{"Ada Lovelace", "Zoé \"Z\" Müller \\ 🎉", "李小龍", "محمد بن موسى", "Line one\nline two\ttab", "Ελένη"} {
		signed, err := s.Sign(testCredential(name), keys.Current(), did, time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if ok, why := verify(signed, doc); !ok {
			t.Errorf("%q: the independent verifier refuses our credential: %s", name, why)
		}
		signed["name"] = "Tampered"
		if ok, _ := verify(signed, doc); ok {
			t.Errorf("%q: the independent verifier accepts a tampered credential", name)
		}
	}
}

// KNOWN TRAP: json-gold escapes only \\ \" \n \r \t in canonical literals, RDFC-1.0 escapes the
// other control characters too, so such text would verify here and fail elsewhere. Every user
// field is cleaned on its way in; cleaned text verifies everywhere.
func TestControlCharactersNeverReachACredential(t *testing.T) {
	verify := verifier(t)
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	s, _ := NewSigner()
	did := "did:web:localhost%3A8080"
	raw := "Ada\x01 Love\x7flace\u0085 \x1b[31mred\x00"
	name := models.CleanText(raw)
	if name != "Ada Lovelace [31mred" {
		t.Fatalf("cleaned %q to %q", raw, name)
	}
	signed, err := s.Sign(testCredential(name), keys.Current(), did, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := verify(signed, keys.Document(did)); !ok {
		t.Errorf("a cleaned name does not verify independently: %s", why)
	}
	if unclean, err := s.Sign(testCredential("Ada\x01"), keys.Current(), did, time.Now()); err == nil {
		ok, _ := verify(unclean, keys.Document(did))
		t.Logf("an uncleaned control character verifies independently: %v (this is why text is cleaned first)", ok)
	}
}

// A real Signatory badge, with its status list, verifies independently; once revoked, the
// independent verifier reports it revoked.
func TestIndependentVerifierWithStatus(t *testing.T) {
	verify := verifier(t)
	keys, _ := OpenKeys(filepath.Join(t.TempDir(), "keys"))
	s, _ := NewSigner()
	did := "did:web:localhost%3A8080"
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	// With a name, the badge also carries the recipient's salted e-mail hash (identifier), an
	// awardedDate, and the issuer's e-mail and image.
	for _, tc := range []struct{ kind, name string }{{"signatory", "Ada Lovelace"}, {"signatory", ""}, {"ambassador", "Ada Lovelace"}} {
		name := tc.name
		c, err := Badge(testBadgeInput(tc.kind, name))
		if err != nil {
			t.Fatal(err)
		}
		signed, err := s.Sign(c, keys.Current(), did, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, revoked := range []bool{false, true} {
			var set []int
			if revoked {
				set = []int{4242}
			}
			sl, _ := StatusList("http://localhost:8080", did, 1, models.StatusListSize, set, at)
			signedList, err := s.Sign(sl, keys.Current(), did, at)
			if err != nil {
				t.Fatal(err)
			}
			ok, why := verify(signed, keys.Document(did), signedList)
			if ok == revoked {
				t.Errorf("name %q, revoked %v: the independent verifier says verified=%v (%s)", name, revoked, ok, why)
			}
			if revoked && !strings.Contains(why, "revoked") {
				t.Errorf("a revoked badge is refused for another reason: %s", why)
			}
		}
	}
}
