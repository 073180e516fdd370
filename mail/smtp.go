package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends messages to the configured server, one connection per message: the registry sends
// a few messages an hour per member, and a connection of its own keeps one message's failure
// from touching another.
type SMTP struct {
	Config Config
	// Timeout bounds each connection (dial, commands and data); 30 s by default.
	Timeout time.Duration
	// TLSConfig replaces the default TLS settings (system roots, the server's host name);
	// tests give the roots of their own server.
	TLSConfig *tls.Config
	// Dial replaces the network dial: tests reach a server on loopback under another name.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Send hands m to the server. Any failure (the connection, TLS, the login or a 4xx/5xx answer)
// is an error: the message was not accepted and the outbox tries again later.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail to %s via %s: %w", m.To, s.Config.Redacted(), err)
	}
	return nil
}

// client sets up the connection's rules: STARTTLS is required unless the server is on this
// machine, where it is used when offered.
func (s *SMTP) client() (*gomail.Client, error) {
	cfg := s.Config
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tlsConfig := s.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{}
	}
	tlsConfig = tlsConfig.Clone()
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = cfg.Host
	}
	if tlsConfig.MinVersion == 0 {
		tlsConfig.MinVersion = tls.VersionTLS12
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(timeout), gomail.WithTLSConfig(tlsConfig)}
	switch {
	case cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case cfg.Loopback:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.Username != "" {
		auth := gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover)
		if cfg.Loopback {
			// A password may cross a connection that never leaves this machine in clear text
			// (a local relay without TLS); the strongest mechanism offered still goes first.
			auth = gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc)
		}
		opts = append(opts, auth, gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	if s.Dial != nil {
		opts = append(opts, gomail.WithDialContextFunc(s.Dial))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: %s: %w", cfg.Redacted(), err)
	}
	return c, nil
}

// message writes m's headers and its two alternative bodies.
func (s *SMTP) message(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(s.Config.FromName, s.Config.From); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", s.Config.From, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.MessageID == "" {
		return nil, fmt.Errorf("mail: a message needs its Message-ID")
	}
	msg.SetMessageIDWithValue(m.MessageID)
	if m.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	}
	// RFC 3834: an automatic message, to which auto-responders do not answer.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		// RFC 8058 one-click unsubscribe: the URL in angle brackets, unfolded, as written.
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
