package testutil

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Verdict is what the independent verifier says of one credential.
type Verdict struct {
	Verified bool
	// Revoked is set when the status list says revoked (the credential is then not verified).
	Revoked bool
	Error   string
}

// Verifier runs the independent verifier: the Digital Credentials Consortium's libraries under
// Node (issuer/testdata/verifier), with their default rules, offline. The did documents are given
// to its loader (the issuer's, and for an endorsement the endorser's), and the status list when
// there is one, which is then checked too. Without Node or the libraries the test is skipped with
// a message, except in CI, where .ci/run installs them and the test must run.
func Verifier(t *testing.T) func(cred any, did any, status any) Verdict {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), "issuer", "testdata", "verifier")
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "@digitalcredentials", "vc"))
	if err != nil || modErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the independent verifier is not installed: CI must run it (node, and npm ci in issuer/testdata/verifier)")
		}
		t.Skip("SKIPPED: the independent credential verifier needs Node and `npm ci --prefix issuer/testdata/verifier`; it runs in CI")
	}
	return func(cred any, did any, status any) Verdict {
		t.Helper()
		tmp := t.TempDir()
		write := func(name string, v any) string {
			var b []byte
			switch v := v.(type) {
			case []byte:
				b = v
			case string:
				b = []byte(v)
			default:
				b, _ = json.Marshal(v)
			}
			p := filepath.Join(tmp, name)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		args := []string{filepath.Join(dir, "verify.mjs"), write("cred.json", cred), write("did.json", did)}
		if status != nil {
			args = append(args, write("status.json", status))
		}
		cmd := exec.Command(node, args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("verifier: %v\n%s", err, out)
		}
		var v Verdict
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("verifier output %q: %v", out, err)
		}
		return v
	}
}

// moduleRoot is the folder holding go.mod, above the test's working folder.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}
