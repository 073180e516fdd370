// Package mailtest runs a real SMTP server in the test's process, on loopback, for tests of the
// registry's e-mail: it records every message it accepts, can refuse the next few with a
// temporary failure, and can hold a message in DATA until the test releases it. Like any SMTP
// server, it accepts a message only by answering the end of its data: a message whose
// connection dies before that answer is not recorded.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape a server.
type Options struct {
	// StartTLS offers STARTTLS with a certificate made at start for TLSNames (127.0.0.1 and
	// localhost by default), signed by a root that Roots returns.
	StartTLS bool
	TLSNames []string
	// Username and Password, when set, are required (SMTP AUTH PLAIN) before MAIL FROM.
	Username, Password string
}

// Server is a running SMTP server.
type Server struct {
	// Addr is host:port on 127.0.0.1; Port the port alone.
	Addr string
	Port int

	srv   *smtp.Server
	opts  Options
	roots *x509.CertPool

	mu       sync.Mutex
	messages []Message
	failNext int
	holds    []*Hold
	changed  chan struct{}
}

// Start runs a server on 127.0.0.1 at a free port until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := &Server{opts: o, changed: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.AllowInsecureAuth = true
	// Clients that die mid-session are what the crash tests do: not worth a line each.
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	if o.StartTLS {
		cfg, roots, err := selfSigned(o.TLSNames)
		if err != nil {
			t.Fatal(err)
		}
		s.srv.TLSConfig, s.roots = cfg, roots
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(ln)
	t.Cleanup(func() {
		s.mu.Lock()
		for _, h := range s.holds {
			h.Release()
		}
		s.mu.Unlock()
		s.srv.Close()
	})
	return s
}

// URL is the --smtp-url that reaches this server.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	return u.String()
}

// Roots holds the root of the STARTTLS certificate, for the sender's TLS settings.
func (s *Server) Roots() *x509.CertPool { return s.roots }

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until at least n messages have been accepted and returns them all; it fails the
// test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, changed := len(s.messages), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("mailtest: %d messages after %s, want %d", got, timeout, n)
		}
	}
}

// FailNext refuses the next n messages at the end of their data with a temporary failure
// (451), as a busy server does.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// HoldNext holds the next message when its data has arrived, before the server answers it.
func (s *Server) HoldNext() *Hold {
	h := &Hold{arrived: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds = append(s.holds, h)
	return h
}

// Hold is a message held in DATA.
type Hold struct {
	arrived, release chan struct{}
	once             sync.Once
}

// Arrived is closed once the held message's data has been read.
func (h *Hold) Arrived() <-chan struct{} { return h.arrived }

// Release lets the server answer the held message: it is accepted and recorded if its
// connection is still open, and dropped if the client went away meanwhile.
func (h *Hold) Release() { h.once.Do(func() { close(h.release) }) }

// record keeps an accepted message and wakes those waiting.
func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP connection's transaction.
type session struct {
	s        *Server
	conn     *smtp.Conn
	authed   string
	from     string
	to       []string
	starting bool
}

func (x *session) AuthMechanisms() []string {
	if x.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.opts.Username || pass != x.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		x.authed = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.opts.Username != "" && x.authed == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := x.s
	s.mu.Lock()
	var hold *Hold
	if len(s.holds) > 0 {
		hold, s.holds = s.holds[0], s.holds[1:]
	}
	fail := s.failNext > 0
	if fail {
		s.failNext--
	}
	s.mu.Unlock()
	if hold != nil {
		close(hold.arrived)
		<-hold.release
		if !x.alive() {
			return errors.New("mailtest: the client went away before the answer")
		}
	}
	if fail {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailtest: try again later"}
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	m.From, m.To, m.Auth = x.from, append([]string(nil), x.to...), x.authed
	_, m.TLS = x.conn.TLSConnectionState()
	s.record(m)
	return nil
}

// alive tells whether the client still waits for the answer: it sends nothing then, so a read
// that times out means it waits; an end of file or a reset means it is gone, and anything it
// sends (a QUIT after its own timeout) that it gave the message up.
func (x *session) alive() bool {
	c := x.conn.Conn()
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	defer c.SetReadDeadline(time.Time{})
	var b [1]byte
	_, err := c.Read(b[:])
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (x *session) Reset() { x.from, x.to = "", nil }

func (x *session) Logout() error { return nil }

// selfSigned makes a root and a certificate for names, valid for the test's duration.
func selfSigned(names []string) (*tls.Config, *x509.CertPool, error) {
	if len(names) == 0 {
		names = []string{"127.0.0.1", "localhost"}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}, roots, nil
}

// String sums a message up for test failures.
func (m Message) String() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s -> %s: %s (%s)", m.From, strings.Join(m.To, ","), m.Subject, m.MessageID)
	return b.String()
}
