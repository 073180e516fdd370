package mail_test

import (
	"strings"
	"testing"

	"github.com/open-recognition/registry/mail"
)

func TestParseConfig(t *testing.T) {
	off, err := mail.ParseConfig("", "")
	if err != nil || off.On() {
		t.Fatalf("empty URL: %+v, %v; want mail off", off, err)
	}
	c, err := mail.ParseConfig("smtp://user%40x:p%3Ass@mail.example.org:2525", "Registry <registry@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	want := mail.Config{Host: "mail.example.org", Port: 2525, Username: "user@x", Password: "p:ss", From: "registry@example.org", FromName: "Registry"}
	if c != want {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
	if strings.Contains(c.Redacted(), "p:ss") {
		t.Errorf("Redacted shows the password: %s", c.Redacted())
	}
	for url, want := range map[string]mail.Config{
		"smtp://mail.example.org":  {Host: "mail.example.org", Port: 587},
		"smtps://mail.example.org": {Host: "mail.example.org", Port: 465, ImplicitTLS: true},
		"smtp://127.0.0.9:25":      {Host: "127.0.0.9", Port: 25, Loopback: true},
		"smtp://[::1]:25":          {Host: "::1", Port: 25, Loopback: true},
		"smtp://LOCALHOST:25":      {Host: "LOCALHOST", Port: 25, Loopback: true},
		"smtp://10.0.0.1:25":       {Host: "10.0.0.1", Port: 25},
	} {
		got, err := mail.ParseConfig(url, "registry@example.org")
		want.From = "registry@example.org"
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", url, got, err, want)
		}
	}
	for _, bad := range []struct{ url, from, names string }{
		{"http://mail.example.org", "registry@example.org", "--smtp-url"},
		{"smtp://", "registry@example.org", "--smtp-url"},
		{"smtp://mail.example.org:99999", "registry@example.org", "--smtp-url"},
		{"smtp://mail.example.org/inbox", "registry@example.org", "--smtp-url"},
		{"smtp://:secret@mail.example.org", "registry@example.org", "--smtp-url"},
		{"smtp://mail.example.org", "", "--mail-from"},
		{"smtp://mail.example.org", "not an address", "--mail-from"},
	} {
		_, err := mail.ParseConfig(bad.url, bad.from)
		if err == nil || !strings.Contains(err.Error(), bad.names) {
			t.Errorf("%q %q: %v, want an error naming %s", bad.url, bad.from, err, bad.names)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
}
