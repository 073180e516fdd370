package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reads the database pools' statistics at scrape time.
type poolCollector struct {
	pools map[string]*sql.DB
}

var (
	poolMaxOpen = prometheus.NewDesc("registry_db_connections_max_open",
		"Most connections the pool may open.", []string{"pool"}, nil)
	poolOpen = prometheus.NewDesc("registry_db_connections_open",
		"Connections open, in use or idle.", []string{"pool"}, nil)
	poolInUse = prometheus.NewDesc("registry_db_connections_in_use",
		"Connections running a query or holding a transaction.", []string{"pool"}, nil)
	poolIdle = prometheus.NewDesc("registry_db_connections_idle",
		"Connections open and waiting for work.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("registry_db_wait_count_total",
		"Times a query had to wait for a free connection.", []string{"pool"}, nil)
	poolWaited = prometheus.NewDesc("registry_db_wait_duration_seconds_total",
		"Time queries spent waiting for a free connection.", []string{"pool"}, nil)
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMaxOpen, poolOpen, poolInUse, poolIdle, poolWaits, poolWaited} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, db := range c.pools {
		s := db.Stats()
		ch <- prometheus.MustNewConstMetric(poolMaxOpen, prometheus.GaugeValue, float64(s.MaxOpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse), name)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle), name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, s.WaitDuration.Seconds(), name)
	}
}

// workCollector reads the background work waiting at scrape time, with one short query.
type workCollector struct {
	read  func(ctx context.Context) (models.OpsStats, error)
	kinds []string
	log   *slog.Logger
	// now is the clock the ages are measured with; tests replace it.
	now func() time.Time
}

// scrapeTimeout bounds the queries of one scrape: a database too busy to answer in time leaves
// these series out of that scrape rather than holding the scraper.
const scrapeTimeout = 3 * time.Second

var (
	jobsOpen = prometheus.NewDesc("registry_jobs_open",
		"Background jobs not done and not dead (due, running or waiting for a retry or their next round), by kind.", []string{"kind"}, nil)
	jobsDue = prometheus.NewDesc("registry_jobs_due",
		"Background jobs that could start now but nobody runs yet, by kind.", []string{"kind"}, nil)
	jobsRunning = prometheus.NewDesc("registry_jobs_running",
		"Background jobs under a lease (running on some server), by kind.", []string{"kind"}, nil)
	jobsOldest = prometheus.NewDesc("registry_jobs_oldest_due_age_seconds",
		"How long the longest-waiting due job has been due, by kind; 0 when none is.", []string{"kind"}, nil)
	jobsDead = prometheus.NewDesc("registry_jobs_dead",
		"Background jobs that failed for good and wait for an administrator (/admin), by kind.", []string{"kind"}, nil)
	issuanceOpen = prometheus.NewDesc("registry_issuance_outbox_open",
		"Credentials waiting to be signed or revoked (open rows of the issuance outbox).", nil, nil)
	mailDue = prometheus.NewDesc("registry_mail_outbox_due",
		"Notifications waiting to be e-mailed.", nil, nil)
	graphVersion = prometheus.NewDesc("registry_trust_graph_version",
		"Version of the trust graph: the count of its changes (signatories or endorsements), which the tier computation follows.", nil, nil)
	tiersCurrent = prometheus.NewDesc("registry_tiers_current",
		"1 when the stored tiers were computed from the current graph version, 0 while a recomputation is pending.", nil, nil)
	workUp = prometheus.NewDesc("registry_work_scrape_ok",
		"1 when the job queue and outboxes could be read for this scrape, else 0 (the series above are then missing).", nil, nil)
)

func (c *workCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{jobsOpen, jobsDue, jobsRunning, jobsOldest, jobsDead, issuanceOpen, mailDue, graphVersion, tiersCurrent, workUp} {
		ch <- d
	}
}

func (c *workCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	st, err := c.read(ctx)
	if err != nil {
		c.log.Warn("metrics: reading the background work", "err", err)
		ch <- prometheus.MustNewConstMetric(workUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(workUp, prometheus.GaugeValue, 1)
	now := time.Now()
	if c.now != nil {
		now = c.now()
	}
	byKind := map[string]models.JobQueue{}
	for _, k := range c.kinds {
		byKind[k] = models.JobQueue{Kind: k}
	}
	for _, q := range st.Jobs {
		byKind[q.Kind] = q
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		q := byKind[k]
		age := 0.0
		if !q.OldestDue.IsZero() {
			age = max(0, now.Sub(q.OldestDue).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(jobsOpen, prometheus.GaugeValue, float64(q.Open), k)
		ch <- prometheus.MustNewConstMetric(jobsDue, prometheus.GaugeValue, float64(q.Due), k)
		ch <- prometheus.MustNewConstMetric(jobsRunning, prometheus.GaugeValue, float64(q.Running), k)
		ch <- prometheus.MustNewConstMetric(jobsOldest, prometheus.GaugeValue, age, k)
		ch <- prometheus.MustNewConstMetric(jobsDead, prometheus.GaugeValue, float64(q.Dead), k)
	}
	ch <- prometheus.MustNewConstMetric(issuanceOpen, prometheus.GaugeValue, float64(st.IssuanceOpen))
	ch <- prometheus.MustNewConstMetric(mailDue, prometheus.GaugeValue, float64(st.MailDue))
	// The version is a counter kept as text, absent until the graph first changes; a value
	// that is not a number is left out.
	if st.GraphVersion == "" {
		st.GraphVersion = "0"
	}
	if v, err := strconv.ParseFloat(st.GraphVersion, 64); err == nil {
		ch <- prometheus.MustNewConstMetric(graphVersion, prometheus.GaugeValue, v)
	}
	current := 0.0
	if st.TiersComputed {
		current = 1
	}
	ch <- prometheus.MustNewConstMetric(tiersCurrent, prometheus.GaugeValue, current)
}
