package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/open-recognition/registry/data"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
	"golang.org/x/term"
)

// Env is the process environment: the real one in main, a map in tests.
type Env interface {
	Getenv(name string) string
	// Names lists the variables set, for settings named by a pattern (OIDC_<NAME>_ISSUER).
	Names() []string
}

type processEnv struct{}

func (processEnv) Getenv(name string) string { return os.Getenv(name) }

func (processEnv) Names() []string {
	var out []string
	for _, kv := range os.Environ() {
		if name, _, ok := strings.Cut(kv, "="); ok {
			out = append(out, name)
		}
	}
	return out
}

// mapEnv is an environment given as a map.
type mapEnv map[string]string

func (m mapEnv) Getenv(name string) string { return m[name] }

func (m mapEnv) Names() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// environment is what every command receives: its options and the process's streams.
type environment struct {
	opts   *options
	env    Env
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// run is the whole program; main only calls it, so tests start the real application the same way.
func run(ctx context.Context, args []string, e Env, stdin io.Reader, stdout, stderr io.Writer) error {
	getenv := e.Getenv
	cmd, o, pos, err := parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := checkBaseURL(o.BaseURL); err != nil {
		return &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.IssuerEmail, err = issuerEmail(o.IssuerEmail, o.BaseURL); err != nil {
		return &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	if o.MailFrom == "" {
		o.MailFrom = issuer.DefaultIssuerEmail(o.BaseURL)
	}
	if _, err := mail.ParseConfig(o.SMTPURL, o.MailFrom); err != nil {
		return &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	if _, err := mailInterval(o.MailInterval); err != nil {
		return &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	if _, _, err := rateLimit(o.RateLimit); err != nil {
		return &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	if _, err := trustedProxies(o.TrustedProxies); err != nil {
		return &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	if !models.IsPostgres(o.DB) {
		if _, err := models.SQLiteFile(o.DB); err != nil {
			return &usageError{msg: err.Error(), usage: usageLine(cmd)}
		}
	}
	env := &environment{opts: o, env: e, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv("REGISTRY_LOG_LEVEL"))}))}
	return cmd.run(ctx, env, pos)
}

func logLevel(v string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// checkBaseURL accepts an absolute http(s) origin, optionally with a path prefix.
func checkBaseURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("--base-url: %q is not an http:// or https:// origin such as https://registry.example.org", v)
	}
	return nil
}

// loopbackHost reports whether the base URL names this machine only.
func loopbackHost(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// openExistingStore is openStore for commands that read a registry (backup, export): a SQLite
// database that does not exist yet is refused, so that a mistyped path fails instead of
// quietly creating an empty registry.
func openExistingStore(ctx context.Context, env *environment) (*models.Store, error) {
	db := env.opts.DB
	if !models.IsPostgres(db) {
		path, err := models.SQLiteFile(db)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("database %s does not exist (check --db or REGISTRY_DB)", db)
		}
	}
	return openStore(ctx, env)
}

// openStore opens the database, applies pending migrations and publishes the declaration texts
// that are not published yet.
func openStore(ctx context.Context, env *environment) (*models.Store, error) {
	store, err := models.Open(ctx, env.opts.DB)
	if err != nil {
		return nil, err
	}
	store.Log = env.log
	n, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if n > 0 {
		env.log.Info("migrations applied", "count", n, "db", store.Location)
	}
	if err := publishDeclarations(ctx, env, store); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func publishDeclarations(ctx context.Context, env *environment, store *models.Store) error {
	var root fs.FS
	if dir := env.opts.Declarations; dir != "" {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("--declarations: %q is not a folder", dir)
		}
		root = os.DirFS(dir)
	} else {
		sub, err := fs.Sub(data.Declarations, "declarations")
		if err != nil {
			return err
		}
		root = sub
	}
	texts, err := declaration.Load(root)
	if err != nil {
		return err
	}
	rows := make([]models.Declaration, len(texts))
	for i, t := range texts {
		rows[i] = models.Declaration{Version: t.Version, Lang: t.Lang, Title: t.Title, Body: t.Body, SHA256: t.SHA256, PublishedAt: t.Published}
	}
	n, err := store.PublishDeclarations(ctx, rows)
	if err != nil {
		return err
	}
	if n > 0 {
		env.log.Info("declaration texts published", "count", n)
	}
	return nil
}

// isTerminal tells whether progress bars make sense on w.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// locateMissing gives their place on the map to entries stored before the registry knew places
// (or restored from such a backup); later runs find none to do.
func locateMissing(ctx context.Context, env *environment, store *models.Store) error {
	located, err := store.LocateMissing(ctx)
	if err != nil {
		return fmt.Errorf("locating signatories on the map: %w", err)
	}
	if located > 0 {
		env.log.Info("signatories located on the map", "count", located)
	}
	return nil
}
