// Package auth knows the login providers: which ones an operator switched on, and how a login
// travels to them and back. It holds no session and writes nothing; the web layer and the store
// do.
package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/openidConnect"
)

// Info names a provider on the login page.
type Info struct {
	Name  string // in URLs: /auth/{name}
	Label string
}

// Providers are the login providers switched on by the environment. OpenID Connect providers
// become usable once their discovery document has been read, in the background: a provider
// that is down never delays start-up.
type Providers struct {
	mu      sync.RWMutex
	ready   map[string]goth.Provider
	list    []Info
	pending map[string]bool
}

// Config is what Load needs.
type Config struct {
	BaseURL string
	Getenv  func(string) string
	Names   []string // the environment's variable names
	Log     *slog.Logger
	// Client makes discovery and provider calls; nil means a client with a 10 s timeout.
	Client *http.Client
}

// Load reads the provider settings: GITHUB_KEY/GITHUB_SECRET, GOOGLE_KEY/GOOGLE_SECRET and,
// for any NAME, OIDC_NAME_ISSUER/OIDC_NAME_KEY/OIDC_NAME_SECRET (with OIDC_NAME_LABEL for the
// button). Discovery runs until it succeeds or ctx ends.
func Load(ctx context.Context, cfg Config) (*Providers, error) {
	p := &Providers{ready: map[string]goth.Provider{}, pending: map[string]bool{}}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	callback := func(name string) string { return strings.TrimRight(cfg.BaseURL, "/") + "/auth/" + name + "/callback" }
	pair := func(prefix string) (string, string, error) {
		key, secret := cfg.Getenv(prefix+"_KEY"), cfg.Getenv(prefix+"_SECRET")
		if (key == "") != (secret == "") {
			return "", "", fmt.Errorf("%s_KEY and %s_SECRET go together: set both or neither", prefix, prefix)
		}
		return key, secret, nil
	}
	key, secret, err := pair("GITHUB")
	if err != nil {
		return nil, err
	}
	if key != "" {
		gh := github.New(key, secret, callback("github"), "read:user", "user:email")
		gh.HTTPClient = cfg.Client
		p.add(Info{"github", "GitHub"}, gh)
	}
	if key, secret, err = pair("GOOGLE"); err != nil {
		return nil, err
	}
	if key != "" {
		g := google.New(key, secret, callback("google"), "openid", "email", "profile")
		g.HTTPClient = cfg.Client
		p.add(Info{"google", "Google"}, g)
	}
	var oidc []string
	for _, n := range cfg.Names {
		if strings.HasPrefix(n, "OIDC_") && strings.HasSuffix(n, "_ISSUER") && len(n) > len("OIDC__ISSUER") {
			oidc = append(oidc, strings.TrimSuffix(strings.TrimPrefix(n, "OIDC_"), "_ISSUER"))
		}
	}
	sort.Strings(oidc)
	for _, upper := range oidc {
		prefix := "OIDC_" + upper
		issuer := strings.TrimRight(cfg.Getenv(prefix+"_ISSUER"), "/")
		key, secret, err := pair(prefix)
		if err != nil {
			return nil, err
		}
		if issuer == "" || key == "" {
			return nil, fmt.Errorf("%s_ISSUER needs %s_KEY and %s_SECRET", prefix, prefix, prefix)
		}
		name := strings.ToLower(upper)
		label := cfg.Getenv(prefix + "_LABEL")
		if label == "" {
			label = strings.ToUpper(name[:1]) + name[1:]
		}
		p.list = append(p.list, Info{name, label})
		p.pending[name] = true
		go p.discover(ctx, cfg, name, issuer, key, secret, callback(name))
	}
	return p, nil
}

func (p *Providers) add(info Info, prov goth.Provider) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, info)
	p.ready[info.Name] = prov
}

// discovery is the part of an OpenID Provider's metadata a login needs.
type discovery struct {
	Issuer           string `json:"issuer"`
	AuthEndpoint     string `json:"authorization_endpoint"`
	TokenEndpoint    string `json:"token_endpoint"`
	UserinfoEndpoint string `json:"userinfo_endpoint"`
	EndSession       string `json:"end_session_endpoint"`
}

// discover reads an issuer's discovery document, retrying with a growing pause, then makes the
// provider available.
func (p *Providers) discover(ctx context.Context, cfg Config, name, issuer, key, secret, callback string) {
	wait := time.Second
	for {
		d, err := fetchDiscovery(ctx, cfg.Client, issuer)
		var prov *openidConnect.Provider
		if err == nil {
			prov, err = openidConnect.NewCustomisedURL(key, secret, callback, d.AuthEndpoint, d.TokenEndpoint, d.Issuer, d.UserinfoEndpoint, d.EndSession,
				"openid", "email", "profile")
		}
		if err == nil {
			prov.SetName(name)
			prov.HTTPClient = cfg.Client
			p.mu.Lock()
			p.ready[name] = prov
			delete(p.pending, name)
			p.mu.Unlock()
			if cfg.Log != nil {
				cfg.Log.Info("login provider ready", "provider", name, "issuer", issuer)
			}
			return
		}
		if cfg.Log != nil {
			cfg.Log.Warn("login provider discovery failed; retrying", "provider", name, "issuer", issuer, "err", err, "retry_in", wait.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Minute)
	}
}

func fetchDiscovery(ctx context.Context, client *http.Client, issuer string) (*discovery, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("discovery answered %s", res.Status)
	}
	var d discovery
	if err := json.NewDecoder(http.MaxBytesReader(nil, res.Body, 1<<20)).Decode(&d); err != nil {
		return nil, fmt.Errorf("discovery document: %w", err)
	}
	if d.AuthEndpoint == "" || d.TokenEndpoint == "" {
		return nil, fmt.Errorf("discovery document lacks authorization_endpoint or token_endpoint")
	}
	if d.Issuer == "" {
		d.Issuer = issuer
	}
	return &d, nil
}

// List returns the configured providers, in the order of the login page.
func (p *Providers) List() []Info {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return append([]Info(nil), p.list...)
}

// Any reports whether a real provider is configured.
func (p *Providers) Any() bool { return len(p.List()) > 0 }

// ErrUnknown and ErrNotReady tell why Get found no provider.
var (
	ErrUnknown  = fmt.Errorf("no such login provider")
	ErrNotReady = fmt.Errorf("this login provider cannot be reached yet; try again in a minute")
)

// Get returns a provider that is ready for logins.
func (p *Providers) Get(name string) (goth.Provider, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if prov, ok := p.ready[name]; ok {
		return prov, nil
	}
	if p.pending[name] {
		return nil, ErrNotReady
	}
	return nil, ErrUnknown
}
