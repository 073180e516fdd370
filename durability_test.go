package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// childServeEnv makes the test binary run the registry itself: the durability test needs a
// server in a process of its own, to kill it.
const childServeEnv = "REGISTRY_TEST_CHILD_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(childServeEnv) == "1" {
		// Like main: an interrupt shuts the server down cleanly; SIGKILL is what tests use for a crash.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		serveChildProfiles()
		// The child's own arguments come after "--" (the test binary's flags come first).
		err := run(ctx, os.Args[indexOf(os.Args, "--")+1:], processEnv{}, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(exitCode(err, os.Stderr))
	}
	os.Exit(m.Run())
}

// startChild runs the registry in a process of its own (this test binary, see TestMain) and
// returns it with its base URL once it listens.
func startChild(t testing.TB, args ...string) (*exec.Cmd, string) {
	t.Helper()
	return startChildLogging(t, nil, args...)
}

// startChildLogging is startChild with the server's log (its standard error) written to log.
func startChildLogging(t testing.TB, log io.Writer, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--"}, args...)...)
	cmd.Env = append(os.Environ(), childServeEnv+"=1")
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := listening(stdout)
	select {
	case a := <-addr:
		return cmd, "http://" + a
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the server did not start")
	}
	return nil, ""
}

// listening reads a server's standard output and sends the address of its "listening on" line.
func listening(stdout io.Reader) <-chan string {
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	return addr
}

func indexOf(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return len(list) - 1
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)

// A signature the server acknowledged is on disk: killing the server with SIGKILL a moment after
// the answer loses nothing (SQLite WAL with synchronous=FULL commits before answering).
func TestSignatureSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "registry.db")
	for round := range 5 {
		cmd, base := startChild(t, "serve", "--db", db, "--keys", filepath.Join(dir, "keys"), "--addr", "127.0.0.1:0",
			"--dev-login", "--rate-limit", "off")

		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		page := func(path string) string {
			res, err := c.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b strings.Builder
			bufio.NewReader(res.Body).WriteTo(&b)
			return b.String()
		}
		token := func(body string) string {
			m := csrfInput.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no form token")
			}
			return m[1]
		}
		email := fmt.Sprintf("person%d@example.org", round)
		res, err := c.PostForm(base+"/auth/dev", url.Values{"_csrf": {token(page("/login"))}, "name": {"Person"}, "email": {email}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		form := page("/sign")
		version := versionInput.FindStringSubmatch(form)
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err = c.PostForm(base+"/sign", url.Values{"_csrf": {token(form)}, "kind": {"person"}, "version": {version[1]}, "lang": {"en"},
			"name": {fmt.Sprintf("Durable Person %d", round)}, "country": {"IT"}, "consent": {"yes"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d, want 303", res.StatusCode)
		}
		// Acknowledged. Kill the server at once or a moment later, without any chance to flush.
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		s, err := models.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		s.DB.Model(&models.Signatory{}).Where("name = ?", fmt.Sprintf("Durable Person %d", round)).Count(&n)
		var sigs int64
		s.DB.Table("signatures").Joins("JOIN signatories ON signatories.id = signatures.signatory_id").
			Where("signatories.name = ?", fmt.Sprintf("Durable Person %d", round)).Count(&sigs)
		s.Close()
		if n != 1 || sigs != 1 {
			t.Fatalf("round %d: after SIGKILL the acknowledged signature has %d entries and %d signatures, want 1 and 1", round, n, sigs)
		}
	}
	// Every signatory gets their badge in the end: jobs the killed servers left open are done
	// by the next start.
	cmd := exec.Command(os.Args[0], "--", "serve", "--db", db, "--keys", filepath.Join(dir, "keys"), "--addr", "127.0.0.1:0", "--rate-limit", "off")
	cmd.Env = append(os.Environ(), childServeEnv+"=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	s, err := models.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var issued, open int64
		s.DB.Model(&models.Credential{}).Count(&issued)
		s.DB.Model(&models.IssuanceJob{}).Where("done_at IS NULL").Count(&open)
		if issued == 5 && open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a restart %d of 5 badges are issued, %d jobs still open", issued, open)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
