package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/metrics"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/traffic"
	"github.com/open-recognition/registry/views"
)

// minSessionSecret is the shortest SESSION_SECRET accepted: 32 characters.
const minSessionSecret = 32

func cmdServe(ctx context.Context, env *environment, _ []string) error {
	o := env.opts
	if o.DevLogin {
		if !loopbackAddr(o.Addr) {
			// Exit 1 like the base URL's refusal below: interfaces.md promises exit 1 for a refused
			// --dev-login.
			return fmt.Errorf("--dev-login lets anyone log in under any name, so it only listens on a loopback address (--addr 127.0.0.1:8080, [::1]:8080 or localhost:8080), not --addr %s", o.Addr)
		}
		if !loopbackHost(o.BaseURL) {
			return fmt.Errorf("--dev-login lets anyone log in under any name, so it only runs with a loopback base URL (http://localhost:…), not %s", o.BaseURL)
		}
		fmt.Fprintln(env.stderr, "WARNING: --dev-login is on: anyone can log in under any name. Never use it on a public server.")
	}
	providers, err := auth.Load(ctx, auth.Config{BaseURL: o.BaseURL, Getenv: env.getenv, Names: env.env.Names(), Log: env.log})
	if err != nil {
		return err
	}
	secret := env.getenv("SESSION_SECRET")
	if providers.Any() && len(secret) < minSessionSecret {
		return fmt.Errorf("SESSION_SECRET must hold at least %d random characters when a login provider is on (for example: openssl rand -base64 48)", minSessionSecret)
	}
	tcfg, err := trustConfig(o)
	if err != nil {
		return &usageError{msg: err.Error(), usage: "usage: registry serve [flags]"}
	}
	metricsAddr, metricsToken, err := metricsConfig(env)
	if err != nil {
		return &usageError{msg: err.Error(), usage: "usage: registry serve [flags]"}
	}
	ready := &handlers.Readiness{}
	keys, err := issuer.OpenKeys(o.Keys)
	if err != nil {
		return err
	}
	ready.KeysLoaded()
	perSecond, burst, _ := rateLimit(o.RateLimit)
	proxies, _ := trustedProxies(o.TrustedProxies)

	store, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	ready.Migrated()
	unlock, err := lockDatabase(store)
	if err != nil {
		return err
	}
	defer unlock()
	if err := store.PinBaseURL(ctx, o.BaseURL, o.ChangeBaseURL); err != nil {
		return err
	}
	explain := &explainer{}
	worker, err := issuer.NewWorker(store, keys, o.BaseURL, env.log)
	if err != nil {
		return err
	}
	worker.IssuerEmail = o.IssuerEmail
	visitors := &traffic.Meter{}
	worker.Traffic = visitors
	outbox, mailSecret, err := mailOutbox(ctx, env, store)
	if err != nil {
		return err
	}
	tw := &tiersWorker{store: store, cfg: tcfg, log: env.log, poll: 500 * time.Millisecond, quiet: 1500 * time.Millisecond, maxWait: 6 * time.Second, explain: explain}
	// In the background: a large registry from before places answers at once, and its map
	// fills in within seconds (the places job runs as soon as the engine starts).
	work := background(env, store, tw, worker, outbox)
	ready.WatchJobs(work.Running)
	var meters *metrics.Metrics // nil unless an operator asked for metrics: nothing recorded
	if metricsAddr != "" || metricsToken != "" {
		meters = newMetrics(env, store, work, ready)
		work.Observe, tw.observe = meters.ObserveJob, meters.ObserveTiers
	}
	// Outbox rows written before the credential job existed (an older registry, a restored
	// backup) get their job now.
	if err := store.QueueOpenIssuance(ctx); err != nil {
		return err
	}
	// Likewise status lists left stale without a job (an import, a restored backup).
	if err := store.QueueStaleStatusLists(ctx); err != nil {
		return err
	}
	e, _, err := handlers.New(handlers.Deps{Store: store, Logger: env.log, Providers: providers, SessionSecret: secret, Keys: keys, Jobs: work,
		Explainer: explain, MailSecret: mailSecret, Traffic: visitors, Metrics: meters, Ready: ready, Config: handlers.Config{MailOn: outbox.Sender != nil, MetricsToken: metricsToken,
			BaseURL: o.BaseURL, DevLogin: o.DevLogin, TrustedProxies: proxies, RateLimit: perSecond, RateBurst: burst, TileURL: o.TileURL,
			Admins: splitList(env.getenv("REGISTRY_ADMINS")), IssuerEmail: o.IssuerEmail,
			AdvocateCapacities: tcfg.Advocate, AmbassadorCapacities: tcfg.Ambassador}})
	if err != nil {
		return err
	}
	if metricsAddr != "" {
		stopMetrics, err := listenMetrics(env, metricsAddr, meters)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", o.Addr, err)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(env.log.Handler(), slog.LevelWarn),
	}
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	// On PostgreSQL: other servers' changes reach the caches at once, and this server's lock
	// there shows the others it runs (its jobs are claimed only while it holds it).
	listenCtx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	listened := make(chan struct{})
	go func() { defer close(listened); store.Listen(listenCtx, work.Name, env.log) }()
	go tw.run(workCtx)
	workDone := make(chan struct{})
	go func() {
		defer close(workDone)
		if err := work.Run(workCtx); err != nil {
			env.log.Error("background jobs", "err", err)
		}
	}()
	// A job interrupted by the shutdown is given back before the database closes, so that the
	// next start does it again at once instead of waiting for its lease to run out; the lock
	// that shows the others this server runs goes only then, or they would take back its jobs
	// while it is still giving them back.
	defer func() { stopWork(); <-workDone; stopListening(); <-listened }()
	go geo.Preload()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(env.stdout, "Open Recognition Registry listening on http://%s (public address %s)\n", ln.Addr(), o.BaseURL)
	env.log.Info("serving", "addr", ln.Addr().String(), "base_url", o.BaseURL, "db", store.Location)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	env.log.Info("shutting down")
	ready.Stopping()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// mailOutbox sets up the server's e-mail from --smtp-url and --mail-from (checked by run).
// Without a server, the registry says so once at start and sends nothing: notifications still
// show on /account.
func mailOutbox(ctx context.Context, env *environment, store *models.Store) (*mail.Outbox, []byte, error) {
	o := env.opts
	cfg, err := mail.ParseConfig(o.SMTPURL, o.MailFrom)
	if err != nil {
		return nil, nil, err
	}
	interval, err := mailInterval(o.MailInterval)
	if err != nil {
		return nil, nil, err
	}
	catalog, err := i18n.Load()
	if err != nil {
		return nil, nil, err
	}
	templates, err := views.LoadMail()
	if err != nil {
		return nil, nil, err
	}
	// The unsubscribe links of every message sent must keep working after a restart and on every
	// server of the database: the secret is kept in the database, made at the first start.
	secret, err := store.MailSecret(ctx)
	if err != nil {
		return nil, nil, err
	}
	writer := &mail.Writer{Catalog: catalog, BaseURL: o.BaseURL, Secret: secret, Store: store, Templates: templates}
	outbox := &mail.Outbox{Store: store, Composer: writer, Log: env.log, Host: mailHost(o.BaseURL), Spacing: interval}
	if cfg.On() {
		outbox.Sender = &mail.SMTP{Config: cfg}
		env.log.Info("e-mail is on", "smtp", cfg.Redacted(), "from", cfg.From)
	} else {
		env.log.Warn("e-mail is off: nothing is sent (notifications only show on /account); set --smtp-url or REGISTRY_SMTP_URL to send it")
	}
	return outbox, secret, nil
}

// mailHost is the host of the base URL, which ends every Message-ID.
func mailHost(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}

// loopbackAddr reports whether a listen address accepts connections from this machine only: a
// loopback IP or "localhost". An empty host (":8080") and 0.0.0.0 or [::] listen everywhere; any
// other name could resolve to anything.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// splitList reads a comma-separated setting.
func splitList(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
