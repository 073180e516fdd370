package mail_test

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/mail/mailtest"
)

func testMessage() mail.Message {
	return mail.Message{To: "ada@example.org", ToName: "Ada Lovelace", Subject: "Une recommandation reçue",
		Text: "Bonjour Ada,\nquelqu'un vous recommande.\n", HTML: "<p>Bonjour Ada,</p><p>quelqu'un vous recommande.</p>",
		MessageID: "n-42.abc@registry.example.org", Unsubscribe: "https://registry.example.org/mail/unsubscribe?t=xyz", Lang: "fr"}
}

func sender(t *testing.T, srv *mailtest.Server, from string) *mail.SMTP {
	t.Helper()
	cfg, err := mail.ParseConfig(srv.URL(), from)
	if err != nil {
		t.Fatal(err)
	}
	return &mail.SMTP{Config: cfg, Timeout: 5 * time.Second}
}

// A message to a loopback server arrives with every header the registry promises and both
// bodies.
func TestSMTPSendsHeadersAndParts(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{Username: "registry", Password: "s3cret/:@pass"})
	s := sender(t, srv, "Open Recognition Registry <registry@registry.example.org>")
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
	m := got[0]
	if m.From != "registry@registry.example.org" || len(m.To) != 1 || m.To[0] != "ada@example.org" || m.Auth != "registry" {
		t.Errorf("envelope %q -> %q (auth %q)", m.From, m.To, m.Auth)
	}
	h := m.Header
	for name, want := range map[string]string{
		"Message-ID":            "<n-42.abc@registry.example.org>",
		"Content-Language":      "fr",
		"Auto-Submitted":        "auto-generated",
		"List-Unsubscribe":      "<https://registry.example.org/mail/unsubscribe?t=xyz>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	} {
		if h.Get(name) != want {
			t.Errorf("%s: %q, want %q", name, h.Get(name), want)
		}
	}
	if m.Subject != "Une recommandation reçue" {
		t.Errorf("subject %q", m.Subject)
	}
	if from, _ := h.AddressList("From"); len(from) != 1 || from[0].Name != "Open Recognition Registry" || from[0].Address != "registry@registry.example.org" {
		t.Errorf("From: %q", h.Get("From"))
	}
	if to, _ := h.AddressList("To"); len(to) != 1 || to[0].Name != "Ada Lovelace" || to[0].Address != "ada@example.org" {
		t.Errorf("To: %q", h.Get("To"))
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date: %q (%v)", h.Get("Date"), err)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", h.Get("Content-Type"))
	}
	if m.Text != testMessage().Text || m.HTML != testMessage().HTML {
		t.Errorf("parts:\n%q\n%q", m.Text, m.HTML)
	}
	if m.TLS {
		t.Error("TLS on a server that offers none")
	}
}

// Without List-Unsubscribe (the account-deletion confirmation), no such header is sent.
func TestSMTPWithoutUnsubscribe(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := testMessage()
	m.Unsubscribe = ""
	if err := sender(t, srv, "registry@registry.example.org").Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()[0]
	if got.Header.Get("List-Unsubscribe") != "" || got.Header.Get("List-Unsubscribe-Post") != "" {
		t.Errorf("unsubscribe headers on a message that cannot be turned off: %q", got.Header)
	}
}

// A server that offers STARTTLS gets it, even on loopback.
func TestSMTPUsesStartTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true})
	s := sender(t, srv, "registry@registry.example.org")
	s.TLSConfig = &tls.Config{RootCAs: srv.Roots()}
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages(); len(m) != 1 || !m[0].TLS {
		t.Fatalf("messages %v: want one, over TLS", m)
	}
}

// A server that is not on this machine must switch to TLS: without STARTTLS nothing is sent.
// The test names the server mail.example.org and dials the local one in its place.
func TestSMTPRequiresStartTLSAwayFromLoopback(t *testing.T) {
	for _, offered := range []bool{false, true} {
		srv := mailtest.Start(t, mailtest.Options{StartTLS: offered, TLSNames: []string{"mail.example.org"}})
		cfg, err := mail.ParseConfig("smtp://mail.example.org:587", "registry@registry.example.org")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Loopback {
			t.Fatal("mail.example.org taken for loopback")
		}
		var d net.Dialer
		s := &mail.SMTP{Config: cfg, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: srv.Roots()},
			Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, srv.Addr)
			}}
		err = s.Send(context.Background(), testMessage())
		switch {
		case offered && err != nil:
			t.Fatalf("STARTTLS offered: %v", err)
		case !offered && err == nil:
			t.Fatal("sent in clear text to a server away from this machine")
		case !offered && len(srv.Messages()) != 0:
			t.Fatal("the server recorded a message sent in clear text")
		case offered && (len(srv.Messages()) != 1 || !srv.Messages()[0].TLS):
			t.Fatalf("messages %v: want one, over TLS", srv.Messages())
		}
	}
}

// A temporary refusal and an unreachable server are errors: the outbox tries again.
func TestSMTPFailuresAreErrors(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.FailNext(1)
	s := sender(t, srv, "registry@registry.example.org")
	if err := s.Send(context.Background(), testMessage()); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("a 451 answer gave %v, want an error naming it", err)
	}
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatalf("second try: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Fatalf("%d messages recorded, want 1", len(srv.Messages()))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, _ := mail.ParseConfig("smtp://"+addr, "registry@registry.example.org")
	if err := (&mail.SMTP{Config: cfg, Timeout: 2 * time.Second}).Send(context.Background(), testMessage()); err == nil {
		t.Fatal("no error from a server that does not answer")
	}
}

// A message held in DATA whose client goes away is not accepted; one released while the client
// waits is.
func TestMailtestHoldsAndDrops(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := sender(t, srv, "registry@registry.example.org")
	conns := make(chan net.Conn, 1)
	var d net.Dialer
	s.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			conns <- c
		}
		return c, err
	}
	hold := srv.HoldNext()
	done := make(chan error, 1)
	go func() { done <- s.Send(context.Background(), testMessage()) }()
	<-hold.Arrived()
	(<-conns).Close() // the client dies before the answer
	if err := <-done; err == nil {
		t.Fatal("a send cancelled before the answer reported success")
	}
	hold.Release()
	hold = srv.HoldNext()
	go func() { done <- s.Send(context.Background(), testMessage()) }()
	<-hold.Arrived()
	<-conns
	hold.Release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages recorded, want 1 (the one whose client waited)", n)
	}
}
