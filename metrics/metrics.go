// Package metrics holds the registry's Prometheus series: request latency by route, the
// database pools, the background work waiting and done, the tier computation and the map's
// cache. They live on a registry of their own (never the process-wide default), so that two
// servers in one test process, or a library that registers on the default, cannot collide.
//
// Every method is safe on a nil *Metrics: code that is handed none (a test, a command other
// than serve) records nothing.
package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sources are what the series read at scrape time.
type Sources struct {
	// Pools are the database connection pools by name ("primary").
	Pools map[string]*sql.DB
	// Work reads the background work waiting (models.Store.OpsStats); nil leaves those series out.
	Work func(ctx context.Context) (models.OpsStats, error)
	// Kinds are the job kinds this server runs: each is reported, at zero when it has no job, so
	// that an alert on a kind's queue has a series to watch from the start.
	Kinds []string
	// Ready tells whether the server is ready for traffic (registry_ready); nil leaves it out.
	Ready func() bool
	// Log receives scrape errors.
	Log *slog.Logger
}

// Metrics are the series a server records as it works.
type Metrics struct {
	reg         *prometheus.Registry
	log         *slog.Logger
	requests    *prometheus.HistogramVec
	jobsRun     *prometheus.CounterVec
	jobsFailed  *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
	tiers       prometheus.Histogram
	mapHits     prometheus.Counter
	mapMisses   prometheus.Counter
	pageHits    prometheus.Counter
	pageMisses  prometheus.Counter
}

// Latency buckets from 1 ms: the pages' target is a p99 of 25 ms, which the default buckets
// (from 5 ms, then 10 and 25) would hardly resolve.
var requestBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New makes the series and registers them, with the Go runtime's and the process's, on a
// registry of their own.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: src.Log,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "registry_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route pattern (unmatched for no route) and status class.",
			Buckets: requestBuckets,
		}, []string{"method", "route", "status"}),
		jobsRun: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registry_jobs_run_total",
			Help: "Background jobs run by this process, by kind (a run that failed counts too).",
		}, []string{"kind"}),
		jobsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registry_jobs_failed_total",
			Help: "Background job runs that failed, by kind (each is tried again until its last attempt).",
		}, []string{"kind"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "registry_job_duration_seconds",
			Help:    "Time a background job's run took, by kind.",
			Buckets: []float64{0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300},
		}, []string{"kind"}),
		tiers: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "registry_tiers_compute_duration_seconds",
			Help:    "Time a recomputation of the tiers took, from reading the graph to writing the tiers.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}),
		mapHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_map_cache_hits_total",
			Help: "Map pages and /map.json answered from the cache.",
		}),
		mapMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_map_cache_misses_total",
			Help: "Map pages and /map.json rendered because the cache had no current copy.",
		}),
		pageHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_page_cache_hits_total",
			Help: "Visitors' pages (home, lists, profiles, trust pages, API) answered from memory.",
		}),
		pageMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_page_cache_misses_total",
			Help: "Visitors' pages rendered because no copy for the registry's current state was kept.",
		}),
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.jobsRun, m.jobsFailed, m.jobDuration, m.tiers, m.mapHits, m.mapMisses, m.pageHits, m.pageMisses,
	)
	for _, kind := range src.Kinds {
		// Present at zero from the start, so that rate() and alerts see the first run.
		m.jobsRun.WithLabelValues(kind)
		m.jobsFailed.WithLabelValues(kind)
	}
	if len(src.Pools) > 0 {
		m.reg.MustRegister(&poolCollector{pools: src.Pools})
	}
	if src.Work != nil {
		m.reg.MustRegister(&workCollector{read: src.Work, kinds: src.Kinds, log: m.log})
	}
	if src.Ready != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "registry_ready",
			Help: "1 when the server is ready for traffic (what /readyz answers), else 0.",
		}, func() float64 {
			if src.Ready() {
				return 1
			}
			return 0
		}))
	}
	return m
}

// Handler serves the series in Prometheus's text format. A series that cannot be read (the
// database busy past the scrape's deadline) is left out and logged; the others are served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		ErrorLog:            slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		Registry:            m.reg, // promhttp_metric_handler_errors_total
		MaxRequestsInFlight: 4,
	})
}

// Registry is the registry the series are on, for tests that gather them directly.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest records one answered request. route is the route's pattern, never the URL,
// so that the number of series stays bounded whatever clients ask for.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(method, route, statusClass(status)).Observe(d.Seconds())
}

// statusClass is 2xx, 3xx, 4xx or 5xx.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "5xx" // nothing written: the server failed to answer
	}
	return strconv.Itoa(status/100) + "xx"
}

// ObserveJob records one run of a background job; err is nil when it succeeded (or put itself
// back to continue later, which is no failure).
func (m *Metrics) ObserveJob(kind string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.jobsRun.WithLabelValues(kind).Inc()
	if err != nil {
		m.jobsFailed.WithLabelValues(kind).Inc()
	}
	m.jobDuration.WithLabelValues(kind).Observe(d.Seconds())
}

// ObserveTiers records one recomputation of the tiers.
func (m *Metrics) ObserveTiers(d time.Duration) {
	if m == nil {
		return
	}
	m.tiers.Observe(d.Seconds())
}

// PageCache records one lookup among the pages kept for visitors.
func (m *Metrics) PageCache(hit bool) {
	if m == nil {
		return
	}
	if hit {
		m.pageHits.Inc()
	} else {
		m.pageMisses.Inc()
	}
}

// MapCache records one lookup in the map's cache.
func (m *Metrics) MapCache(hit bool) {
	if m == nil {
		return
	}
	if hit {
		m.mapHits.Inc()
	} else {
		m.mapMisses.Inc()
	}
}
