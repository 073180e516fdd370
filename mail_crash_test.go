package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/open-recognition/registry/mail/mailtest"
	"github.com/open-recognition/registry/models"
)

// mailServer is a registry server in a process of its own, sending to a test SMTP server.
type mailServer struct {
	t        *testing.T
	dir, db  string
	smtp     *mailtest.Server
	cmd      *exec.Cmd
	base     string
	interval string
}

func (m *mailServer) start() {
	m.t.Helper()
	m.cmd, m.base = startChild(m.t, "serve", "--db", m.db, "--keys", filepath.Join(m.dir, "keys"), "--addr", "127.0.0.1:0",
		"--dev-login", "--rate-limit", "off", "--smtp-url", m.smtp.URL(), "--mail-interval", m.interval)
}

// kill ends the server with SIGKILL: no chance to finish anything.
func (m *mailServer) kill() {
	m.cmd.Process.Signal(syscall.SIGKILL)
	m.cmd.Wait()
}

func (m *mailServer) stop() {
	m.cmd.Process.Signal(syscall.SIGTERM)
	m.cmd.Wait()
}

// person is a member using the registry through HTTP.
type person struct {
	name string
	c    *http.Client
	srv  *mailServer
}

func (m *mailServer) person(name string) *person {
	jar, _ := cookiejar.New(nil)
	p := &person{name: name, srv: m, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	return p
}

func (p *person) page(path string) (string, error) {
	res, err := p.c.Get(p.srv.base + path)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var b strings.Builder
	bufio.NewReader(res.Body).WriteTo(&b)
	return b.String(), nil
}

// post sends a form with the page's token; any answer but a redirect is an error.
func (p *person) post(path string, form url.Values) error {
	body, err := p.page("/login")
	if err != nil {
		return err
	}
	tok := csrfInput.FindStringSubmatch(body)
	if tok == nil {
		return fmt.Errorf("no form token")
	}
	form.Set("_csrf", tok[1])
	res, err := p.c.PostForm(p.srv.base+path, form)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		return fmt.Errorf("POST %s: %d", path, res.StatusCode)
	}
	return nil
}

// join logs the person in (dev login: a verified address) and signs the Declaration.
func (p *person) join() error {
	if err := p.login(); err != nil {
		return err
	}
	form, err := p.page("/sign")
	if err != nil {
		return err
	}
	v := versionInput.FindStringSubmatch(form)
	if v == nil {
		return fmt.Errorf("no declaration version on /sign")
	}
	return p.post("/sign", url.Values{"kind": {"person"}, "version": {v[1]}, "lang": {"en"}, "name": {p.name}, "country": {"FR"}, "consent": {"yes"}})
}

func (p *person) login() error {
	return p.post("/auth/dev", url.Values{"name": {p.name}, "email": {p.email()}})
}

func (p *person) email() string { return strings.ToLower(p.name) + "@example.org" }

// openDB reads the server's database beside it.
func openDB(t *testing.T, db string) *models.Store {
	s, err := models.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func publicID(t *testing.T, s *models.Store, name string) string {
	var id string
	if err := s.DB.Raw("SELECT public_id FROM signatories WHERE name = ?", name).Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("no entry for %s: %v", name, err)
	}
	return id
}

// mailSettled waits until every notification due to be mailed is sent and no mail job is open
// but the periodic sweep.
func mailSettled(t *testing.T, s *models.Store, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var due, jobs int64
		s.DB.Model(&models.Notification{}).Where("mail IN ?", []string{models.MailDue, models.MailSending}).Count(&due)
		s.DB.Model(&models.Job{}).Where("kind IN ? AND done_at IS NULL AND failed_at IS NULL",
			[]string{models.JobMailNotify, models.JobMailAccountDeleted}).Count(&jobs)
		if due == 0 && jobs == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d notifications still to mail, %d mail jobs open", within, due, jobs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkExactlyOnce compares what the SMTP server accepted with the outbox: every notification
// due to be mailed was sent in exactly one message, every message the outbox recorded arrived
// at its member's address, and nothing else arrived. It returns how many messages arrived more
// than once under the same Message-ID.
func checkExactlyOnce(t *testing.T, s *models.Store, smtp *mailtest.Server) (repeats int) {
	t.Helper()
	var msgs []struct {
		ID        int64
		MessageID string
		State     string
		Email     string
		Count     int
	}
	if err := s.DB.Raw(`SELECT m.id, m.message_id, m.state, a.email, m.notifications AS count FROM mail_messages m
		JOIN accounts a ON a.id = m.account_id ORDER BY m.id`).Scan(&msgs).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string][]mailtest.Message{}
	for _, m := range smtp.Messages() {
		got[m.MessageID] = append(got[m.MessageID], m)
	}
	for _, m := range msgs {
		arrived := got[m.MessageID]
		switch {
		case m.State != models.MailSent:
			t.Errorf("message %s is %s", m.MessageID, m.State)
		case len(arrived) == 0:
			t.Errorf("message %s to %s never arrived", m.MessageID, m.Email)
		}
		for _, a := range arrived {
			if len(a.To) != 1 || a.To[0] != m.Email {
				t.Errorf("message %s went to %v, want %s", m.MessageID, a.To, m.Email)
			}
			// A message delivered again is the same message: same notifications, same words.
			if a.Subject != arrived[0].Subject || a.Text != arrived[0].Text || a.HTML != arrived[0].HTML {
				t.Errorf("message %s arrived twice with different contents:\n%s\n%s", m.MessageID, arrived[0].Text, a.Text)
			}
		}
		repeats += max(0, len(arrived)-1)
		var held int64
		s.DB.Model(&models.Notification{}).Where("mail_message_id = ? AND mail = ?", m.ID, models.MailSent).Count(&held)
		if int(held) != m.Count {
			t.Errorf("message %s holds %d notifications, recorded %d", m.MessageID, held, m.Count)
		}
		delete(got, m.MessageID)
	}
	for id := range got {
		t.Errorf("message %s arrived but the outbox never recorded it", id)
	}
	var lost int64
	s.DB.Model(&models.Notification{}).Where("mail IS NOT NULL AND mail <> ? AND mail <> ?", models.MailSent, models.MailSkipped).Count(&lost)
	if lost != 0 {
		t.Errorf("%d notifications never mailed", lost)
	}
	var skipped int64
	s.DB.Model(&models.Notification{}).Where("mail = ?", models.MailSkipped).Count(&skipped)
	if skipped != 0 {
		t.Errorf("%d notifications of verified members skipped", skipped)
	}
	return repeats
}

// The registry is killed while the SMTP server holds its first message in DATA, before
// answering: that message was never accepted. Started again, the registry sends the same
// message (same Message-ID) once, and every later event arrives once.
func TestMailSurvivesAKillDuringDelivery(t *testing.T) {
	dir := t.TempDir()
	m := &mailServer{t: t, dir: dir, db: filepath.Join(dir, "registry.db"), smtp: mailtest.Start(t, mailtest.Options{}), interval: "2s"}
	m.start()
	ada, bob := m.person("Ada"), m.person("Bob")
	for _, p := range []*person{ada, bob} {
		if err := p.join(); err != nil {
			t.Fatal(err)
		}
	}
	s := openDB(t, m.db)
	// Their first badges are mailed first (one message each): the held message is the
	// endorsement's.
	m.smtp.Wait(t, 2, 30*time.Second)
	mailSettled(t, s, 30*time.Second)
	before := len(m.smtp.Messages())
	hold := m.smtp.HoldNext()
	if err := ada.post("/signatories/"+publicID(t, s, "Bob")+"/endorse", url.Values{"level": {"advocate"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hold.Arrived():
	case <-time.After(20 * time.Second):
		t.Fatal("the endorsement's message never reached the SMTP server")
	}
	var held string
	s.DB.Raw("SELECT message_id FROM mail_messages WHERE state = ?", models.MailSending).Scan(&held)
	if held == "" {
		t.Fatal("the message in DATA is not recorded as sending")
	}
	m.kill()
	hold.Release()
	time.Sleep(200 * time.Millisecond)
	if n := len(m.smtp.Messages()) - before; n != 0 {
		t.Fatalf("the SMTP server accepted %d messages from a client that died before the answer", n)
	}

	m.start()
	defer m.stop()
	got := m.smtp.Wait(t, before+1, 20*time.Second)
	if got[before].MessageID != held || got[before].To[0] != "bob@example.org" {
		t.Fatalf("after the restart %v arrived, want %s to Bob", got[before], held)
	}
	// Later events: Bob accepts, Ada hears of it.
	for _, p := range []*person{ada, bob} {
		if err := p.login(); err != nil {
			t.Fatal(err)
		}
	}
	if err := bob.post("/account/endorsements/"+publicID(t, s, "Ada")+"/accept", url.Values{}); err != nil {
		t.Fatal(err)
	}
	mailSettled(t, s, 30*time.Second)
	if repeats := checkExactlyOnce(t, s, m.smtp); repeats != 0 {
		t.Errorf("%d messages arrived twice", repeats)
	}
	if n := len(m.smtp.Messages()) - before; n < 2 {
		t.Errorf("%d messages after the badges, want Bob's and Ada's at least", n)
	}
	var received int64
	s.DB.Model(&models.Notification{}).Where("kind = ?", models.KindEndorsementReceived).Count(&received)
	if received != 1 {
		t.Errorf("%d endorsement notifications, want 1", received)
	}
}

// A burst of endorsements and answers, with the server killed at a random moment during it a
// few times: at the end every notification was mailed in exactly one message, and every
// message the outbox recorded arrived under its one Message-ID.
func TestMailBurstsSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the registry several times")
	}
	dir := t.TempDir()
	m := &mailServer{t: t, dir: dir, db: filepath.Join(dir, "registry.db"), smtp: mailtest.Start(t, mailtest.Options{}), interval: "1s"}
	m.start()
	var people []*person
	for i := range 8 {
		p := m.person(fmt.Sprintf("Member%d", i))
		if err := p.join(); err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
	}
	s := openDB(t, m.db)
	ids := map[string]string{}
	for _, p := range people {
		ids[p.name] = publicID(t, s, p.name)
	}
	// Every ordered pair endorses once, then is answered: 56 endorsements, 56 answers.
	type event struct{ from, to int }
	var events []event
	for i := range people {
		for j := range people {
			if i != j {
				events = append(events, event{i, j})
			}
		}
	}
	rand.Shuffle(len(events), func(a, b int) { events[a], events[b] = events[b], events[a] })
	done, answer, kills := 0, 0, 0
	for round := 0; done < len(events) || answer < len(events); round++ {
		if round > 0 {
			m.start()
			for _, p := range people {
				if err := p.login(); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Events until the server dies: it is killed a random moment after a random number of
		// them (5 to 30), while they go on.
		var wg sync.WaitGroup
		killAfter, made := 5+rand.IntN(26), 0
		for done < len(events) || answer < len(events) {
			var err error
			if done < len(events) {
				e := events[done]
				if err = people[e.from].post("/signatories/"+ids[people[e.to].name]+"/endorse", url.Values{"level": {"advocate"}}); err == nil {
					done++
				}
			} else {
				e := events[answer]
				verdict := "accept"
				if (e.from+e.to)%3 == 0 {
					verdict = "decline"
				}
				if err = people[e.to].post("/account/endorsements/"+ids[people[e.from].name]+"/"+verdict, url.Values{}); err == nil {
					answer++
				}
			}
			if err != nil {
				break // the server is gone; the event it did not answer is made again after the restart
			}
			if made++; made == killAfter {
				wg.Add(1)
				go func() { defer wg.Done(); time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond); m.kill() }()
			}
		}
		if made < killAfter {
			m.kill() // the last events came before the kill
		}
		kills++
		wg.Wait()
		if round > 60 {
			t.Fatal("too many rounds")
		}
	}
	m.start()
	defer m.stop()
	mailSettled(t, s, 60*time.Second)
	repeats := checkExactlyOnce(t, s, m.smtp)
	var notes, sent int64
	s.DB.Model(&models.Notification{}).Where("kind LIKE 'endorsement.%'").Count(&notes)
	s.DB.Model(&models.Notification{}).Where("kind LIKE 'endorsement.%' AND mail = ?", models.MailSent).Count(&sent)
	if notes < int64(len(events)) || sent != notes {
		t.Errorf("%d endorsement notifications, %d mailed; want at least %d, all mailed", notes, sent, len(events))
	}
	// The one window no outbox can close: the SMTP server accepted a message and the registry
	// was killed before recording it. The message goes again under the same Message-ID, which
	// mail systems read as the same message.
	t.Logf("%d kills, %d messages, %d delivered again under their Message-ID after a kill", kills, len(m.smtp.Messages()), repeats)
}
