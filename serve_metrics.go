package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/metrics"
	"github.com/open-recognition/registry/models"
)

// minMetricsToken is the shortest --metrics-token accepted: it guards the public port.
const minMetricsToken = 16

// metricsFlags are serve's flags for the Prometheus metrics; each also reads an environment
// variable (metricsConfig), the flag winning.
func metricsFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.MetricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this separate address, e.g. 127.0.0.1:9090 (REGISTRY_METRICS_ADDR); empty: no separate listener")
	fs.StringVar(&o.MetricsToken, "metrics-token", "", "serve /metrics on the public port too, to requests with Authorization: Bearer TOKEN (REGISTRY_METRICS_TOKEN); empty: /metrics is not on the public port")
}

// metricsConfig reads --metrics-addr and --metrics-token (or their variables) and checks them.
func metricsConfig(env *environment) (addr, token string, err error) {
	addr, token = env.opts.MetricsAddr, env.opts.MetricsToken
	if addr == "" {
		addr = strings.TrimSpace(env.getenv("REGISTRY_METRICS_ADDR"))
	}
	if token == "" {
		token = env.getenv("REGISTRY_METRICS_TOKEN")
	}
	if addr != "" {
		_, port, err := net.SplitHostPort(addr)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || n < 0 || n > 65535 {
			return "", "", fmt.Errorf("--metrics-addr: %q is not a host:port such as 127.0.0.1:9090", addr)
		}
		if addr == env.opts.Addr && n != 0 {
			return "", "", fmt.Errorf("--metrics-addr %s is the public --addr: the metrics listener needs an address of its own (or use --metrics-token)", addr)
		}
	}
	if token != "" && (len(token) < minMetricsToken || strings.ContainsAny(token, " \t\r\n")) {
		return "", "", fmt.Errorf("--metrics-token must hold at least %d characters and no spaces (for example: openssl rand -hex 32)", minMetricsToken)
	}
	return addr, token, nil
}

// newMetrics makes the series of a server: its pool, its job engine's kinds, its readiness.
func newMetrics(env *environment, store *models.Store, work *jobs.Engine, ready *handlers.Readiness) *metrics.Metrics {
	kinds := make([]string, 0, len(work.Handlers))
	for k := range work.Handlers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return metrics.New(metrics.Sources{
		Pools: map[string]*sql.DB{"primary": store.SQL()},
		Work:  store.OpsStats,
		Kinds: kinds,
		Ready: func() bool { ok, _ := ready.Ready(); return ok },
		Log:   env.log,
	})
}

// listenMetrics serves /metrics alone on the separate address, and returns how to stop it.
func listenMetrics(env *environment, addr string, m *metrics.Metrics) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(env.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			env.log.Error("metrics listener", "err", err)
		}
	}()
	// Not "listening on": that line names the public address, which scripts look for.
	fmt.Fprintf(env.stdout, "Prometheus metrics at http://%s/metrics\n", ln.Addr())
	env.log.Info("serving metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
