package models

import (
	"bufio"
	"net/url"
	"strings"
	"sync"

	"github.com/open-recognition/registry/data"
	"golang.org/x/net/publicsuffix"
)

// emailAtSite reports whether a signer's e-mail address proves they speak for an organisation's
// website: both must have the same registrable domain (the Public Suffix List decides where it
// starts, so "co.uk" or "github.io" prove nothing), and that domain must not be a free e-mail
// service (anyone can have an address at gmail.com, and "https://gmail.com" is no organisation).
// Everything else waits for an administrator.
func emailAtSite(email, website string) bool {
	_, mailHost, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok || website == "" {
		return false
	}
	u, err := url.Parse(website)
	if err != nil || u.Hostname() == "" {
		return false
	}
	site, err := registrable(u.Hostname())
	if err != nil {
		return false
	}
	mail, err := registrable(mailHost)
	if err != nil || mail != site {
		return false
	}
	return !freeMail()[site]
}

// registrable is a host's registrable domain (eTLD+1), refusing a bare public suffix and
// anything that is not a plain domain name.
func registrable(host string) (string, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || !strings.Contains(host, ".") || strings.Trim(host, "0123456789.:[]") == "" {
		return "", errNotDomain
	}
	return publicsuffix.EffectiveTLDPlusOne(host)
}

var errNotDomain = Errorf(EINVALID, "not a domain name")

// freeMail is the set of data/freemail.txt, read once.
var freeMail = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(data.FreeMail))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = true
		}
	}
	return set
})
