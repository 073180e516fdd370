package mail

import (
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Config is how the registry reaches its SMTP server, read from --smtp-url and --mail-from.
// The zero Config means mail is off.
type Config struct {
	// Host and Port are the SMTP server.
	Host string
	Port int
	// Username and Password log in (SMTP AUTH) when Username is set.
	Username, Password string
	// ImplicitTLS is smtps://: TLS from the first byte. Otherwise the connection must switch
	// to TLS with STARTTLS, unless Loopback says the server is on this machine.
	ImplicitTLS bool
	// Loopback is true when Host is this machine (127.0.0.0/8, ::1, localhost): a local relay
	// may offer no STARTTLS, since nothing crosses a network.
	Loopback bool
	// From and FromName are the sender of every message.
	From, FromName string
}

// On tells whether mail is configured.
func (c Config) On() bool { return c.Host != "" }

// ParseConfig reads --smtp-url (smtp://user:pass@host:587, or smtps://… for implicit TLS) and
// --mail-from (an address, optionally with a name: "Registry <registry@example.org>"). An
// empty URL turns mail off and returns the zero Config.
func ParseConfig(smtpURL, from string) (Config, error) {
	if strings.TrimSpace(smtpURL) == "" {
		return Config{}, nil
	}
	// The URL may hold a password: errors never repeat it.
	u, err := url.Parse(smtpURL)
	if err != nil {
		return Config{}, fmt.Errorf("--smtp-url is not a URL such as smtp://user:password@mail.example.org:587")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return Config{}, fmt.Errorf("--smtp-url must start with smtp:// (STARTTLS) or smtps:// (implicit TLS), not %q", u.Scheme+"://")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return Config{}, fmt.Errorf("--smtp-url names no server: expected smtp://user:password@mail.example.org:587")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("--smtp-url: port %q is not a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return Config{}, fmt.Errorf("--smtp-url takes no path or query: expected smtp://user:password@%s:%d", c.Host, c.Port)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" {
			return Config{}, fmt.Errorf("--smtp-url has a password but no user name")
		}
	}
	c.Loopback = loopback(c.Host)
	if strings.TrimSpace(from) == "" {
		return Config{}, fmt.Errorf("--mail-from is empty: mail needs a sender address such as registry@example.org")
	}
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return Config{}, fmt.Errorf("--mail-from %q is not an e-mail address (for example registry@example.org)", from)
	}
	c.From, c.FromName = a.Address, a.Name
	return c, nil
}

// loopback reports whether host is this machine: a loopback IP or localhost.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redacted is the server as logs may show it: no password.
func (c Config) Redacted() string {
	scheme := "smtp"
	if c.ImplicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}
