package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
)

// server is a running `registry serve`.
type server struct {
	addr   string
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer
	// stdout is what the program printed so far.
	stdout *syncBuffer
	err    error
	exited bool
}

var listeningLine = regexp.MustCompile(`listening on http://(\S+)`)

// startServe runs the program with args in the background and waits for its "listening on"
// line. When the program ends before listening, it returns the server with exited set and the
// program's error.
func startServe(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	s := &server{cancel: cancel, done: make(chan error, 1), stderr: &syncBuffer{}, stdout: &syncBuffer{}}
	go func() {
		err := run(ctx, args, mapEnv(env), strings.NewReader(""), pw, s.stderr)
		pw.Close()
		s.done <- err
	}()
	found := make(chan string, 1)
	go func() {
		br := bufio.NewReader(pr)
		sent := false
		for {
			line, err := br.ReadString('\n')
			s.stdout.Write([]byte(line))
			if m := listeningLine.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
			if err != nil {
				if !sent {
					close(found)
				}
				return
			}
		}
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case addr, ok := <-found:
		if ok {
			s.addr = addr
			return s
		}
		s.err = <-s.done
		s.exited = true
		return s
	case <-time.After(20 * time.Second):
		t.Fatalf("registry %s: no \"listening on\" line on stdout\nstderr: %s", strings.Join(args, " "), s.stderr)
	}
	return s
}

// stop cancels the server's context and returns what run returned.
func (s *server) stop(t *testing.T) error {
	t.Helper()
	if s.exited {
		return s.err
	}
	s.cancel()
	select {
	case s.err = <-s.done:
		s.exited = true
	case <-time.After(20 * time.Second):
		t.Fatalf("the server did not stop within 20 s of its context being cancelled")
	}
	return s.err
}

// get fetches a path of the server, retrying briefly while it starts to answer.
func (s *server) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := client.Get("http://" + s.addr + path)
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			return resp, string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServe(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
		if s.exited {
			t.Fatalf("serve ended before listening: %v\nstderr: %s", s.err, s.stderr)
		}
		resp, body := s.get(t, "/healthz")
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("GET /healthz: %d %q, want 200 ok", resp.StatusCode, body)
		}
		resp, body = s.get(t, "/")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(strings.ToLower(body), "<html") {
			t.Errorf("GET /: %d %s, want 200 HTML:\n%.300s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if err := s.stop(t); err != nil {
			t.Fatalf("run returned %v after the context was cancelled, want nil (graceful shutdown)\nstderr: %s", err, s.stderr)
		}
		if _, err := http.Get("http://" + s.addr + "/healthz"); err == nil {
			t.Errorf("the server still answers after shutdown")
		}
	})
}

// The server is the default command, and REGISTRY_ADDR gives its address.
func TestServeIsTheDefaultCommand(t *testing.T) {
	p := newSQLite(t)
	env := map[string]string{"REGISTRY_ADDR": "127.0.0.1:0", "REGISTRY_RATE_LIMIT": "off", "REGISTRY_DB": p.db, "REGISTRY_KEYS": p.keys}
	s := startServe(t, env)
	if s.exited {
		t.Fatalf("registry with no command ended: %v\nstderr: %s", s.err, s.stderr)
	}
	if resp, _ := s.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %d", resp.StatusCode)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("run returned %v after cancel", err)
	}
}

// The base URL is stored at first start; another one is refused unless --change-base-url.
func TestServeBaseURLIsPinned(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		serve := func(extra ...string) *server {
			t.Helper()
			return startServe(t, nil, p.args(append([]string{"serve", "--addr", "127.0.0.1:0", "--rate-limit", "off"}, extra...)...)...)
		}
		s := serve("--base-url", "http://localhost:8080")
		if s.exited {
			t.Fatalf("first start: %v\n%s", s.err, s.stderr)
		}
		if err := s.stop(t); err != nil {
			t.Fatal(err)
		}

		s = serve("--base-url", "https://registry.example.org")
		if !s.exited {
			t.Fatalf("a start with another base URL is serving on %s", s.addr)
		}
		var stderr strings.Builder
		if code := exitCode(s.err, &stderr); code != 1 {
			t.Errorf("exit %d, want 1: %v", code, s.err)
		}
		if !strings.Contains(stderr.String(), "--change-base-url") {
			t.Errorf("the refusal does not mention --change-base-url: %s", stderr.String())
		}

		// The same URL again, with a trailing slash: the same origin.
		s = serve("--base-url", "http://localhost:8080/")
		if s.exited {
			t.Fatalf("restart with the stored base URL: %v\n%s", s.err, s.stderr)
		}
		if err := s.stop(t); err != nil {
			t.Fatal(err)
		}

		s = serve("--base-url", "https://registry.example.org", "--change-base-url")
		if s.exited {
			t.Fatalf("--change-base-url did not allow the change: %v\n%s", s.err, s.stderr)
		}
		if resp, _ := s.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz: %d", resp.StatusCode)
		}
		if err := s.stop(t); err != nil {
			t.Fatal(err)
		}
		// The new URL is now the stored one: it needs no flag, and the old one is refused.
		s = serve("--base-url", "https://registry.example.org")
		if s.exited {
			t.Fatalf("start with the changed base URL: %v\n%s", s.err, s.stderr)
		}
		s.stop(t)
		s = serve("--base-url", "http://localhost:8080")
		if !s.exited {
			t.Fatalf("the old base URL is accepted again without --change-base-url")
		}
	})
}

func TestServeDevLogin(t *testing.T) {
	refused := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"public base URL", nil, []string{"--dev-login", "--base-url", "https://registry.example.org"}},
		{"public IP", nil, []string{"--dev-login", "--base-url", "http://203.0.113.7:8080"}},
		{"REGISTRY_DEV_LOGIN", map[string]string{"REGISTRY_DEV_LOGIN": "1", "REGISTRY_BASE_URL": "https://registry.example.org"}, nil},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			p := newSQLite(t)
			args := p.args(append([]string{"serve", "--addr", "127.0.0.1:0", "--rate-limit", "off"}, c.args...)...)
			s := startServe(t, c.env, args...)
			if !s.exited {
				t.Fatalf("--dev-login with a public base URL is serving on %s", s.addr)
			}
			var stderr strings.Builder
			if code := exitCode(s.err, &stderr); code != 1 {
				t.Errorf("exit %d, want 1: %v", code, s.err)
			}
			if !strings.Contains(stderr.String(), "dev-login") {
				t.Errorf("the refusal does not name --dev-login: %s", stderr.String())
			}
		})
	}
	for _, base := range []string{"http://localhost:8080", "http://127.0.0.1:8080"} {
		t.Run(base, func(t *testing.T) {
			p := newSQLite(t)
			s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off", "--dev-login", "--base-url", base)...)
			if s.exited {
				t.Fatalf("--dev-login with %s: %v\n%s", base, s.err, s.stderr)
			}
			if resp, _ := s.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
				t.Errorf("GET /healthz: %d", resp.StatusCode)
			}
			if !strings.Contains(strings.ToLower(s.stderr.String()), "warning") || !strings.Contains(s.stderr.String(), "dev-login") {
				t.Errorf("no warning banner about --dev-login on stderr:\n%s", s.stderr)
			}
			if err := s.stop(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// --dev-login listens on this machine only: any other listen address is refused before the
// server starts, whatever the base URL says.
func TestServeDevLoginListensOnLoopbackOnly(t *testing.T) {
	refused := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"all IPv4 interfaces", nil, []string{"--addr", "0.0.0.0:0"}},
		{"every interface", nil, []string{"--addr", ":0"}},
		{"all IPv6 interfaces", nil, []string{"--addr", "[::]:0"}},
		{"a public address", nil, []string{"--addr", "192.0.2.1:0"}},
		{"a host name", nil, []string{"--addr", "registry.example.org:0"}},
		{"REGISTRY_ADDR", map[string]string{"REGISTRY_ADDR": "0.0.0.0:0"}, nil},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			p := newSQLite(t)
			args := p.args(append([]string{"serve", "--rate-limit", "off", "--dev-login", "--base-url", "http://localhost:8080"}, c.args...)...)
			s := startServe(t, c.env, args...)
			if !s.exited {
				s.stop(t)
				t.Fatalf("--dev-login is serving on %s", s.addr)
			}
			var stderr strings.Builder
			if code := exitCode(s.err, &stderr); code != 1 {
				t.Errorf("exit %d, want 1: %v", code, s.err)
			}
			if msg := stderr.String(); !strings.Contains(msg, "--addr") || !strings.Contains(msg, "--dev-login") || !strings.Contains(msg, "loopback") {
				t.Errorf("the refusal does not name --addr, --dev-login and loopback: %s", msg)
			}
			if _, err := os.Stat(p.db); err == nil {
				t.Error("the refused start created the database")
			}
		})
	}
	for _, addr := range []string{"localhost:0", "127.0.0.1:0"} {
		t.Run(addr, func(t *testing.T) {
			p := newSQLite(t)
			s := startServe(t, nil, p.args("serve", "--addr", addr, "--rate-limit", "off", "--dev-login", "--base-url", "http://localhost:8080")...)
			if s.exited {
				t.Fatalf("--dev-login --addr %s: %v\n%s", addr, s.err, s.stderr)
			}
			if resp, _ := s.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
				t.Errorf("GET /healthz: %d", resp.StatusCode)
			}
			if err := s.stop(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A real login provider needs a real SESSION_SECRET; half a provider's settings is refused too.
func TestServeProviderSettings(t *testing.T) {
	refused := []struct {
		name, want string
		env        map[string]string
	}{
		{"no secret", "SESSION_SECRET", map[string]string{"GITHUB_KEY": "k", "GITHUB_SECRET": "s"}},
		{"short secret", "SESSION_SECRET", map[string]string{"GITHUB_KEY": "k", "GITHUB_SECRET": "s", "SESSION_SECRET": "short"}},
		{"key without secret", "GOOGLE_SECRET", map[string]string{"GOOGLE_KEY": "k"}},
		{"issuer without key", "OIDC_ORCID_KEY", map[string]string{"OIDC_ORCID_ISSUER": "https://orcid.example"}},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			p := newSQLite(t)
			s := startServe(t, c.env, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
			if !s.exited {
				t.Fatalf("serving on %s despite %s", s.addr, c.name)
			}
			var stderr strings.Builder
			if code := exitCode(s.err, &stderr); code != 1 || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("exit %d, stderr %q: want 1 naming %s", code, stderr.String(), c.want)
			}
		})
	}
	// An OpenID provider that cannot be reached does not delay start-up.
	p := newSQLite(t)
	env := map[string]string{"OIDC_ORCID_ISSUER": "http://127.0.0.1:1", "OIDC_ORCID_KEY": "k", "OIDC_ORCID_SECRET": "s",
		"SESSION_SECRET": strings.Repeat("x", 40)}
	start := time.Now()
	s := startServe(t, env, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("not serving: %v\n%s", s.err, s.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("start-up took %s with an unreachable provider", d)
	}
	resp, body := s.get(t, "/login")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Orcid") {
		t.Errorf("GET /login: %d, the unreachable provider is not offered", resp.StatusCode)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}

// The issuer key is made on first start, published in did.json with every key rotated out, and
// a key others may read stops the start.
func TestServeIssuerKeys(t *testing.T) {
	p := newSQLite(t)
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if s.exited {
		t.Fatalf("not serving: %v\n%s", s.err, s.stderr)
	}
	doc := func() issuer.DIDDocument {
		resp, body := s.get(t, "/.well-known/did.json")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("did.json: %d", resp.StatusCode)
		}
		var d issuer.DIDDocument
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := doc()
	if d.ID != "did:web:localhost%3A8080" || len(d.VerificationMethod) != 1 || !strings.HasPrefix(d.VerificationMethod[0].PublicKeyMultibase, "z6Mk") {
		t.Fatalf("did.json %+v", d)
	}
	r := p.run(t, "keys", "rotate")
	if !strings.Contains(r.stdout, "new issuer key 2") {
		t.Errorf("keys rotate: %q", r.stdout)
	}
	d2 := doc()
	if len(d2.VerificationMethod) != 2 || d2.VerificationMethod[0].ID != d.VerificationMethod[0].ID {
		t.Errorf("after rotation did.json lists %d keys, the first one kept: %+v", len(d2.VerificationMethod), d2)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(p.keys, "issuer-*.pem"))
	os.Chmod(files[0], 0o644)
	s = startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if !s.exited {
		t.Fatal("serving with a world-readable issuer key")
	}
	var stderr strings.Builder
	if code := exitCode(s.err, &stderr); code != 1 || !strings.Contains(stderr.String(), "chmod 600") {
		t.Errorf("exit %d, %q: want 1 and the fix", code, stderr.String())
	}
}

// The issuer's e-mail is configurable (--issuer-email, REGISTRY_ISSUER_EMAIL) and defaults to
// registry@ the base URL's host; the capacity tables configured are the ones the tier criteria
// page states.
func TestServeIssuerEmailAndCriteria(t *testing.T) {
	p := newSQLite(t)
	s := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off", "--issuer-email", "badges@registry.example",
		"--advocate-capacities", "9,3,1")...)
	if s.exited {
		t.Fatalf("serve ended: %v\nstderr: %s", s.err, s.stderr)
	}
	if _, body := s.get(t, "/ob2/issuer"); !strings.Contains(body, `"email":"badges@registry.example"`) {
		t.Errorf("/ob2/issuer: %s", body)
	}
	if _, body := s.get(t, "/achievements/advocate/criteria"); !strings.Contains(body, "9, 3, 1") {
		t.Error("the criteria page does not state the configured Advocate capacities")
	}
	s.stop(t)
	s = startServe(t, map[string]string{"REGISTRY_BASE_URL": "http://localhost:8080"}, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
	if _, body := s.get(t, "/ob2/issuer"); !strings.Contains(body, `"email":"registry@localhost"`) {
		t.Errorf("default issuer e-mail: %s", body)
	}
}
