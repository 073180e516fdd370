// Package handlers is the registry's web layer: the URL map, middleware, one error handler and
// one file per page or API action.
package handlers

import (
	"html/template"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/assets"
	"github.com/open-recognition/registry/auth"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/markdown"
	"github.com/open-recognition/registry/metrics"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/traffic"
	"github.com/open-recognition/registry/views"
)

// Config is what an operator sets with flags.
type Config struct {
	BaseURL        string
	DevLogin       bool
	TrustedProxies []*net.IPNet
	// RateLimit is requests per second per client; zero turns limits off.
	RateLimit float64
	RateBurst int
	TileURL   string
	// Admins are e-mail addresses whose first verified login makes them administrators
	// (REGISTRY_ADMINS): the way in for the first administrator.
	Admins []string
	// IssuerEmail is the issuer's contact in credentials and OB 2.0 documents (--issuer-email).
	IssuerEmail string
	// AdvocateCapacities and AmbassadorCapacities are the capacity tables in force, which the
	// tier criteria pages state.
	AdvocateCapacities, AmbassadorCapacities []int
	// MailOn says this server sends e-mail (an SMTP server is configured): /account says so.
	MailOn bool
	// MetricsToken, when set, serves /metrics on the public port to requests bearing it
	// (--metrics-token); without it /metrics is not served here.
	MetricsToken string
}

// Deps are the handler's dependencies, built in main.
type Deps struct {
	Store  *models.Store
	Logger *slog.Logger
	Config Config
	// Providers are the login providers switched on; nil means none.
	Providers *auth.Providers
	// SessionSecret keys the stored hashes of session tokens and login states.
	SessionSecret string
	// Keys are the issuer's signing keys.
	Keys *issuer.Keys
	// Jobs is the engine that runs background work; the handlers wake it after a change that
	// queued a job (a signature's badge, a notification's e-mail), so that the job starts at once. Nil in tests that
	// drain the credential outbox themselves.
	Jobs *jobs.Engine
	// Explainer says why a signatory holds their tier.
	Explainer Explainer
	// MailSecret checks the unsubscribe links of the registry's e-mail: the secret the mail
	// writer signs them with (mail.Writer.Secret). Without it no unsubscribe link verifies.
	MailSecret []byte
	// Traffic counts the time spent answering visitors, so that background work gives way to
	// them (issuer.Worker.Traffic). Nil: not counted.
	Traffic *traffic.Meter
	// Metrics records request latency and the map cache's hits; nil records nothing.
	Metrics *metrics.Metrics
	// Ready is what /readyz answers from; nil means ready whenever the database answers.
	Ready *Readiness
}

// Handler holds what every action needs.
type Handler struct {
	store   *models.Store
	summary *models.SummaryCache
	// searchCounts keeps the counts of searches for the registry's current state.
	searchCounts searchCounts
	views        *views.Renderer
	catalog      *i18n.Catalog
	assets       *assets.Set
	md           *markdown.Renderer
	log          *slog.Logger
	cfg          Config
	// providers log people in; hasher turns their tokens into what the database stores.
	providers *auth.Providers
	hasher    auth.Hasher
	// keys and did are the issuer's keys and did:web.
	keys   *issuer.Keys
	did    string
	signer *issuer.Signer
	jobs   *jobs.Engine
	// statusLists serves the signed status lists stored in the database (nil without keys).
	statusLists *issuer.StatusLists
	// explainer says why a signatory holds their tier.
	explainer Explainer
	// countryOptions are the <option> elements of every country select, per interface language,
	// rendered once: 250 options through the template on every list page cost more than the
	// rest of the page.
	countryOptions map[string]string
	// maps keeps the rendered map pages and /map.json for the current summary.
	maps *mapCache
	// pages keeps the pages visitors see, per state of the registry (visitor_pages.go).
	pages *mapCache
	// graphStreams holds a place for each download of the published graph under way: each
	// costs seconds of database work on a large registry, so only a few run at once.
	graphStreams chan struct{}
	// returnTo are the pages a login may come back to.
	returnTo returnPaths
	// shares draws and keeps the cards shown where a page is shared.
	shares *shareImages
	// mailSecret checks unsubscribe links (mail_unsubscribe.go).
	mailSecret []byte
	// traffic counts the time spent answering visitors.
	traffic *traffic.Meter
	// metrics records what operators monitor (nil: nothing); ready answers /readyz.
	metrics *metrics.Metrics
	ready   *Readiness
}

// New builds the web application: handler, templates, middleware and routes.
func New(d Deps) (*echo.Echo, *Handler, error) {
	catalog, err := i18n.Load()
	if err != nil {
		return nil, nil, err
	}
	set, err := assets.Load()
	if err != nil {
		return nil, nil, err
	}
	h := &Handler{
		store:          d.Store,
		summary:        &models.SummaryCache{Store: d.Store, Interval: time.Second},
		catalog:        catalog,
		assets:         set,
		md:             markdown.New(),
		log:            d.Logger,
		cfg:            d.Config,
		providers:      d.Providers,
		hasher:         auth.NewHasher(d.SessionSecret),
		keys:           d.Keys,
		jobs:           d.Jobs,
		explainer:      d.Explainer,
		mailSecret:     d.MailSecret,
		traffic:        d.Traffic,
		countryOptions: map[string]string{},
		maps:           &mapCache{lookup: d.Metrics.MapCache},
		pages:          &mapCache{maxBytes: visitorPagesBytes, dropOnError: true, lookup: d.Metrics.PageCache, holdWhileBusy: visitorPagesHold},
		metrics:        d.Metrics,
		ready:          d.Ready,
		graphStreams:   make(chan struct{}, graphStreamLimit),
	}
	h.cfg.BaseURL = strings.TrimRight(h.cfg.BaseURL, "/")
	if h.providers == nil {
		h.providers = &auth.Providers{}
	}
	if h.did, err = issuer.DID(h.cfg.BaseURL); err != nil {
		return nil, nil, err
	}
	if h.signer, err = issuer.NewSigner(); err != nil {
		return nil, nil, err
	}
	if h.keys != nil {
		if h.statusLists, err = issuer.NewStatusLists(h.store, h.keys, h.signer, h.cfg.BaseURL, h.log); err != nil {
			return nil, nil, err
		}
	}
	if h.shares, err = newShareImages(); err != nil {
		return nil, nil, err
	}
	for _, lang := range i18n.Languages {
		var b strings.Builder
		for _, c := range geo.Countries(lang) {
			b.WriteString(`<option value="` + c.Code + `">` + template.HTMLEscapeString(c.Name) + `</option>`)
		}
		h.countryOptions[lang] = b.String()
	}
	h.views, err = views.Load(template.FuncMap{
		"asset":       h.assetURL,
		"initials":    initials,
		"subheadings": subheadings,
		"feed":        feedLink,
	})
	if err != nil {
		return nil, nil, err
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = ipExtractor(d.Config.TrustedProxies)
	h.middleware(e)
	h.routes(e)
	h.returnTo = newReturnPaths(e.Routes())
	return e, h, nil
}

// countrySelect returns the country options with one selected.
func (h *Handler) countrySelect(lang, selected string) template.HTML {
	opts := h.countryOptions[lang]
	if selected != "" {
		opts = strings.Replace(opts, `value="`+selected+`">`, `value="`+selected+`" selected>`, 1)
	}
	return template.HTML(opts)
}

func (h *Handler) assetURL(name string) (string, error) { return h.assets.URL(name) }

// initials draws a signatory's avatar letters from their public name.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if len(out) < 2 && (r >= 'A' && r <= 'Z' || r > 127 || r >= 'a' && r <= 'z') {
				out = append(out, []rune(strings.ToUpper(string(r)))...)
			}
			break
		}
	}
	if len(out) == 0 {
		return "•"
	}
	return string(out)
}

// ipExtractor takes client IPs from the connection, or from X-Forwarded-For only when the
// request came through a trusted proxy, so that a forged header cannot dodge rate limits.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
