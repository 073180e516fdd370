package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
)

// conditionalGet fetches path from a running server, with If-None-Match when etag is set.
func (s *server) conditionalGet(t *testing.T, path, etag string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+path, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// DID documents are revalidated on every use, so a key rotated through the CLI while the server
// runs is seen by verifiers at once: the ETag changes with the key set, the previous ETag gets
// the new document, the current one 304. The issuer's did.json follows keys rotate, a
// signatory's custodial did.json follows keys rotate-root.
func TestDIDDocumentsRevalidateAfterRotation(t *testing.T) {
	p := newSQLite(t)
	p.run(t, "demo", "--signatories", "3", "--endorsements", "0")
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("not serving: %v\n%s", s.err, s.stderr)
	}
	_, list := s.get(t, "/api/v1/signatories")
	var page struct{ Items []struct{ ID string } }
	if err := json.Unmarshal([]byte(list), &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("signatories: %v %s", err, list)
	}
	custodial := "/signatories/" + page.Items[0].ID + "/did.json"

	for _, c := range []struct{ path, command string }{{"/.well-known/did.json", "rotate"}, {custodial, "rotate-root"}} {
		res, body := s.conditionalGet(t, c.path, "")
		etag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || etag == "" || strings.HasPrefix(etag, "W/") {
			t.Fatalf("%s: %d, ETag %q: want 200 and a strong ETag", c.path, res.StatusCode, etag)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache (revalidate every time)", c.path, cc)
		}
		var before issuer.DIDDocument
		json.Unmarshal([]byte(body), &before)
		if res, _ := s.conditionalGet(t, c.path, etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its current ETag: %d, want 304", c.path, res.StatusCode)
		}

		p.run(t, "keys", c.command)

		res, body = s.conditionalGet(t, c.path, etag)
		var after issuer.DIDDocument
		json.Unmarshal([]byte(body), &after)
		if res.StatusCode != http.StatusOK || len(after.VerificationMethod) != len(before.VerificationMethod)+1 {
			t.Fatalf("%s after keys %s with the old ETag: %d, %d keys (were %d): want 200 and the new key listed",
				c.path, c.command, res.StatusCode, len(after.VerificationMethod), len(before.VerificationMethod))
		}
		newTag := res.Header.Get("ETag")
		if newTag == etag || newTag == "" {
			t.Errorf("%s: the ETag %q did not change with the key set", c.path, newTag)
		}
		if res, _ := s.conditionalGet(t, c.path, newTag); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s with the new ETag: %d, want 304", c.path, res.StatusCode)
		}
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}

// keys rotate-root adds a root version; backup copies every root beside the issuer keys and
// restore brings them back, so endorsers' keys and salts survive a restore.
func TestBackupCarriesTheRootSecrets(t *testing.T) {
	p, _ := withData(t)
	r := p.run(t, "keys", "rotate-root")
	if !strings.Contains(r.stdout, "new root secret 2") {
		t.Errorf("keys rotate-root: %q", r.stdout)
	}
	file := filepath.Join(t.TempDir(), "registry-backup.db")
	p.run(t, "backup", file)
	for _, name := range []string{"root-1.secret", "root-2.secret"} {
		orig, _ := os.ReadFile(filepath.Join(p.keys, name))
		copied, err := os.ReadFile(filepath.Join(file+".keys", name))
		if err != nil || len(orig) == 0 || !bytes.Equal(orig, copied) {
			t.Errorf("%s is not in the backup: %v", name, err)
		}
		if st, err := os.Stat(filepath.Join(file+".keys", name)); err == nil && st.Mode().Perm() != 0o600 {
			t.Errorf("%s copied with mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	q := newSQLite(t)
	q.run(t, "restore", file)
	a, err := issuer.OpenKeys(p.keys)
	if err != nil {
		t.Fatal(err)
	}
	b, err := issuer.OpenKeys(q.keys)
	if err != nil {
		t.Fatal(err)
	}
	ka, _ := a.SignatoryKey("6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11")
	kb, _ := b.SignatoryKey("6e9b2f2e-2b57-5a66-9a3c-0d8a8f1d5e11")
	if !ka.Public.Equal(kb.Public) {
		t.Error("the restored registry derives other custodial keys")
	}
	args := p.args("keys", "rotate-roots")
	runCLI(t, nil, "", args...).wantExit(t, 2, args...)
}
