package issuer

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// verifier runs the independent verifier (testutil.Verifier) on a credential, the issuer's DID
// document and, optionally, its status list.
func verifier(t *testing.T) func(cred map[string]any, did DIDDocument, status ...map[string]any) (bool, string) {
	t.Helper()
	verify := testutil.Verifier(t)
	return func(cred map[string]any, did DIDDocument, status ...map[string]any) (bool, string) {
		t.Helper()
		var list any
		if len(status) > 0 {
			list = status[0]
		}
		v := verify(cred, did, list)
		return v.Verified, v.Error
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
