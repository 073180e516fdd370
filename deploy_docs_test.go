package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tool finds a program the test needs. In CI (CI=true) a missing one fails the test when
// required is set; otherwise the test is skipped, saying so.
func tool(t *testing.T, name string, required bool) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if required && os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed: CI must check the deployment examples with it", name)
	}
	t.Skipf("SKIPPED: %s is not installed, so the example is not checked with it", name)
	return ""
}

// The systemd unit in docs/ passes `systemd-analyze verify` (pointing ExecStart at a binary that
// exists), keeps its hardening, stops the way serve expects, and sets only variables the program
// reads.
func TestSystemdUnitVerifies(t *testing.T) {
	unit, err := os.ReadFile("docs/registry.service")
	if err != nil {
		t.Fatal(err)
	}
	text := string(unit)
	for _, line := range []string{
		"NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/registry", "EnvironmentFile=/etc/registry/registry.env",
		"Restart=on-failure", "KillSignal=SIGTERM", "ExecStart=/usr/local/bin/registry serve", "User=registry",
		"REGISTRY_METRICS_ADDR=127.0.0.1:9090", "REGISTRY_ADDR=127.0.0.1:8080",
	} {
		if !regexp.MustCompile(`(?m)^(Environment=)?` + regexp.QuoteMeta(line) + `$`).MatchString(text) {
			t.Errorf("docs/registry.service has no line %q", line)
		}
	}
	// Every variable the unit sets is one the program reads (named in serve's --help).
	help := runCLI(t, nil, "", "serve", "--help").stderr
	for _, name := range regexp.MustCompile(`REGISTRY_[A-Z_]+`).FindAllString(text, -1) {
		if !strings.Contains(help, "("+name+")") {
			t.Errorf("docs/registry.service sets %s, which serve does not read", name)
		}
	}

	analyze := tool(t, "systemd-analyze", true)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copied := filepath.Join(dir, "registry.service")
	text = strings.Replace(text, "ExecStart=/usr/local/bin/registry", "ExecStart="+exe, 1)
	if err := os.WriteFile(copied, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", copied).CombinedOutput()
	// verify exits 0 on an unknown key or a value it cannot parse, and only warns: any output
	// is a fault.
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify docs/registry.service: %v\n%s", err, out)
	}
}

// The reverse-proxy examples parse with the proxies' own checkers, where they are installed, and
// neither passes /metrics on.
func TestReverseProxyExamples(t *testing.T) {
	for _, f := range []string{"docs/reverse-proxy/nginx.conf", "docs/reverse-proxy/Caddyfile"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, want := range []string{"/metrics", "404", "127.0.0.1:8080", "--trusted-proxies 127.0.0.1/32"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s does not mention %q", f, want)
			}
		}
	}

	t.Run("nginx", func(t *testing.T) {
		nginx := tool(t, "nginx", false)
		dir := t.TempDir()
		cert, key := selfSigned(t, dir)
		site, err := os.ReadFile("docs/reverse-proxy/nginx.conf")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.NewReplacer(
			"/etc/letsencrypt/live/registry.example.org/fullchain.pem", cert,
			"/etc/letsencrypt/live/registry.example.org/privkey.pem", key,
		).Replace(string(site))
		if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		main := "pid " + filepath.Join(dir, "nginx.pid") + ";\nerror_log stderr;\nevents {}\nhttp {\n    access_log off;\n    include " +
			filepath.Join(dir, "site.conf") + ";\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.conf"), []byte(main), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(nginx, "-t", "-q", "-p", dir, "-c", filepath.Join(dir, "main.conf")).CombinedOutput()
		if err != nil {
			t.Errorf("nginx -t on docs/reverse-proxy/nginx.conf: %v\n%s", err, out)
		}
	})

	t.Run("caddy", func(t *testing.T) {
		caddy := tool(t, "caddy", false)
		dir := t.TempDir()
		b, err := os.ReadFile("docs/reverse-proxy/Caddyfile")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Replace(string(b), "/var/log/caddy/registry.log", filepath.Join(dir, "registry.log"), 1)
		file := filepath.Join(dir, "Caddyfile")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(caddy, "validate", "--adapter", "caddyfile", "--config", file)
		// Caddy keeps its state under HOME and XDG folders: a temporary one, not the user's.
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("caddy validate docs/reverse-proxy/Caddyfile: %v\n%s", err, out)
		}
	})
}

// selfSigned writes a throwaway certificate and key for the nginx check.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registry.example.org"},
		DNSNames: []string{"registry.example.org"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}
