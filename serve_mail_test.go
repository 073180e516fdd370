package main

import (
	"strings"
	"testing"
)

// Without --smtp-url the server says once, at start, that it sends no e-mail and which flag
// turns it on; with one, it names the server (never the password).
func TestServeSaysWhetherMailIsOn(t *testing.T) {
	p := newSQLite(t)
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("serve ended: %v\n%s", s.err, s.stderr)
	}
	s.stop(t)
	if out := s.stderr.String(); strings.Count(out, "e-mail is off") != 1 || !strings.Contains(out, "--smtp-url") {
		t.Errorf("stderr should warn once that e-mail is off, naming --smtp-url:\n%s", out)
	}
	s = startServe(t, map[string]string{"REGISTRY_SMTP_URL": "smtp://registry:hunter2@127.0.0.1:2525"}, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("serve ended: %v\n%s", s.err, s.stderr)
	}
	s.stop(t)
	out := s.stderr.String()
	if strings.Contains(out, "e-mail is off") || !strings.Contains(out, "smtp://127.0.0.1:2525") || !strings.Contains(out, "registry@localhost") ||
		strings.Contains(out, "hunter2") {
		t.Errorf("stderr should name the SMTP server and the default sender, without the password:\n%s", out)
	}
}
