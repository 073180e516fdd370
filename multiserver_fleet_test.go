// The servers of TestThreeServersOnOnePostgres, the balancer in front of them and the people
// using them.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/models"
)

// fleetServer is one registry process of the test.
type fleetServer struct {
	cmd  *exec.Cmd
	base string
	log  *fleetLog
	done chan struct{}
}

// fleetLog collects a server's log while it runs.
type fleetLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *fleetLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *fleetLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startFleetServer runs the registry in a process of its own (see TestMain), its log collected.
func startFleetServer(t *testing.T, args ...string) *fleetServer {
	t.Helper()
	s := &fleetServer{cmd: exec.Command(os.Args[0], append([]string{"--"}, args...)...), log: &fleetLog{}, done: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), childServeEnv+"=1")
	s.cmd.Stderr = s.log
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Error(err)
		return nil
	}
	if err := s.cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	addr := listening(stdout)
	select {
	case a := <-addr:
		s.base = "http://" + a
		return s
	case <-s.done:
		t.Errorf("a server stopped at its start:\n%s", s.log.String())
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("a server did not start:\n%s", s.log.String())
	}
	return nil
}

// stop ends a server as an operator would, unless it was killed.
func (s *fleetServer) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// name is the server's name among the processes on the database (its job claims, its lock).
func (s *fleetServer) name() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, s.cmd.Process.Pid)
}

// fleetBalancer sends each request to a running server taken at random.
type fleetBalancer struct {
	mu      sync.Mutex
	servers []*fleetServer
	dead    map[*fleetServer]bool
	// heldAtDeath counts the jobs the killed server held; takenBack says when the others had
	// taken them all back.
	heldAtDeath int64
	takenBack   chan time.Duration
}

func (b *fleetBalancer) live() []*fleetServer {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*fleetServer
	for _, s := range b.servers {
		if !b.dead[s] {
			out = append(out, s)
		}
	}
	return out
}

func (b *fleetBalancer) pick() string {
	l := b.live()
	return l[rand.IntN(len(l))].base
}

// kill kills, with SIGKILL, a server that holds a job at this moment, or else the first after a
// few seconds of looking; requests in flight to it fail and are sent elsewhere. A server seen
// holding a job is frozen (SIGSTOP) at once, and killed if the job is still its own then.
func (b *fleetBalancer) kill(t *testing.T, store *models.Store) *fleetServer {
	held := func(s *fleetServer) int64 {
		var n int64
		store.DB.Model(&models.Job{}).Where("leased_by LIKE ? AND lease_until >= ? AND done_at IS NULL AND failed_at IS NULL",
			s.name()+"/%", time.Now()).Count(&n)
		return n
	}
	victim := b.servers[0]
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		claims, err := store.JobClaims(context.Background(), "")
		if err != nil {
			t.Error(err)
			break
		}
		var holder *fleetServer
		for _, c := range claims {
			for _, s := range b.servers {
				if strings.HasPrefix(c.LeasedBy, s.name()+"/") {
					holder = s
				}
			}
		}
		if holder == nil {
			continue
		}
		holder.cmd.Process.Signal(syscall.SIGSTOP)
		if held(holder) > 0 {
			victim = holder
			var j models.Job
			store.DB.Where("leased_by LIKE ? AND done_at IS NULL", holder.name()+"/%").Take(&j)
			t.Logf("killing pid %d while it holds a job (%s)", victim.cmd.Process.Pid, j.Kind)
			break
		}
		holder.cmd.Process.Signal(syscall.SIGCONT)
	}
	b.mu.Lock()
	if b.dead == nil {
		b.dead = map[*fleetServer]bool{}
	}
	b.dead[victim] = true
	b.mu.Unlock()
	victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.done
	// How long its claims in force outlive it.
	died := time.Now()
	b.heldAtDeath = held(victim)
	b.takenBack = make(chan time.Duration, 1)
	go func() {
		for held(victim) > 0 && time.Since(died) < 30*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		b.takenBack <- time.Since(died)
	}()
	return victim
}

// fleetVisitor is a person with a browser: a cookie jar shared by every server (cookies do not tell
// ports apart), so a session started on one server is used on the others.
type fleetVisitor struct {
	t           *testing.T
	lb          *fleetBalancer
	name, email string
	c           *http.Client
}

func (v *fleetVisitor) get(path string) (*http.Response, []byte, error) {
	res, err := v.c.Get(v.lb.pick() + path)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

func (v *fleetVisitor) login() error {
	return v.submit("/login", "/auth/dev", url.Values{"name": {v.name}, "email": {v.email}})
}

// submit fills the form posting to action on page, as a browser would, and posts it; a redirect
// (303) is success.
func (v *fleetVisitor) submit(page, action string, values url.Values) error {
	res, body, err := v.get(page)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", page, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return err
	}
	form := doc.Find(`form[action="` + action + `"]`).First()
	if form.Length() == 0 {
		return refused(fmt.Errorf("%s has no form to %s", page, action))
	}
	post := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		post.Set(name, value)
	})
	for k, vs := range values {
		post[k] = vs
	}
	res, err = v.c.PostForm(v.lb.pick()+action, post)
	if err != nil {
		return err
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return refused(fmt.Errorf("POST %s: %d %s", action, res.StatusCode, mainSnippet(reply)))
	}
	return nil
}

func mainSnippet(b []byte) string {
	s := regexp.MustCompile(`\s+`).ReplaceAllString(string(b), " ")
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	return s[:min(len(s), 400)]
}

// fleetRefusal is a refusal by a running server: trying again elsewhere would not help.
type fleetRefusal struct{ error }

func refused(err error) error { return fleetRefusal{err} }

// action is one thing a person does; done, when set, tells from the database whether it took
// effect (a request lost with a killed server may have).
type fleetAction struct {
	name string
	do   func() error
	done func() bool
}

// runWave runs a wave's actions on a few workers at once, trying an action again on another
// server when its server was killed under it; kill, when set, runs once a third of the wave is
// done, while the rest is in flight.
func runWave(t *testing.T, wave []fleetAction, workers int, kill func()) {
	t.Helper()
	queue := make(chan fleetAction)
	var wg sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	var once sync.Once
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range queue {
				var err error
				for attempt := 0; attempt < 4; attempt++ {
					if attempt > 0 && a.done != nil && a.done() {
						err = nil
						break
					}
					if err = a.do(); err == nil || errors.As(err, new(fleetRefusal)) {
						break
					}
					var ne net.Error
					if !errors.As(err, &ne) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.ECONNREFUSED) {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if err != nil {
					t.Errorf("%s: %v", a.name, err)
				}
				mu.Lock()
				finished++
				third := finished >= len(wave)/3
				mu.Unlock()
				if kill != nil && third {
					go once.Do(kill)
				}
			}
		}()
	}
	for _, a := range wave {
		queue <- a
	}
	close(queue)
	wg.Wait()
	if kill != nil {
		once.Do(kill)
	}
}

func countActions(waves [][]fleetAction) int {
	n := 0
	for _, w := range waves {
		n += len(w)
	}
	return n
}
