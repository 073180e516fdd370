package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
)

// pageWeightLimit is what a page may weigh, HTML, CSS and JavaScript together as the browser
// received them once decompressed: a page must stay light on a poor connection.
const pageWeightLimit = 100 << 10

// pageWidths are a phone held upright and a laptop, the width the journey browses at, last.
var pageWidths = []struct{ W, H int64 }{{390, 844}, {1280, 800}}

// pagesFixture is the registry the pages show, beside the demo generator's signatories: a
// founding Ambassador with badges and endorsements, an Advocate she endorsed, and an
// organisation.
const pagesFixture = `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Moretti","email":"ada@pages.example","country":"IT","city":"Bologna","affiliation":"Università di Bologna","website":"https://ada.example.org","statement":"Every learner deserves to have **what they know** recognised, wherever they learned it.","signed_at":"2025-01-10T10:00:00Z"}
{"type":"signatory","ref":"bea","kind":"person","name":"Béatrice Laurent-Delacroix","email":"bea@pages.example","country":"FR","city":"Lyon","affiliation":"Réseau des tiers-lieux apprenants","statement":"Recognition is a conversation, not a certificate.","signed_at":"2025-02-01T10:00:00Z"}
{"type":"signatory","ref":"kofi","kind":"person","name":"Kofi Mensah","email":"kofi@pages.example","country":"KE","city":"Nairobi","signed_at":"2025-02-15T10:00:00Z"}
{"type":"signatory","ref":"olf","kind":"organisation","name":"Open Learning Foundation","representative":"Jana Novak","role":"Director","email":"jana@olf.example","country":"DE","city":"Berlin","website":"https://olf.example","signed_at":"2025-03-01T10:00:00Z"}
{"type":"seed","ref":"ada"}
{"type":"endorsement","from":"bea","to":"ada","level":"ambassador","status":"accepted","comment":"Ada *opened* the first open badge programme of her city, and taught us all how.","created_at":"2025-04-01T10:00:00Z"}
{"type":"endorsement","from":"kofi","to":"ada","level":"advocate","status":"accepted","comment":"She listens first.","created_at":"2025-04-02T10:00:00Z"}
{"type":"endorsement","from":"ada","to":"bea","level":"advocate","status":"accepted","comment":"Béatrice brings the tiers-lieux of the Rhône together.","created_at":"2025-04-03T10:00:00Z"}
{"type":"endorsement","from":"olf","to":"bea","level":"advocate","status":"accepted","created_at":"2025-04-04T10:00:00Z"}
`

// computedTiers computes the tiers once, as the server's tier worker does, and explains them to
// the trust pages.
type computedTiers struct {
	latest atomic.Pointer[tierSnapshot]
}

type tierSnapshot struct {
	in     *models.TrustInput
	result *trust.Result
	at     time.Time
	index  map[string]int
}

func (x *computedTiers) compute(t *testing.T, s *models.Store) {
	t.Helper()
	ctx := context.Background()
	in, err := s.LoadTrust(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := trust.Compute(in.Members, in.Edges, trust.DefaultConfig())
	if _, _, err := s.ApplyTiers(ctx, in, r.Tiers); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkTiersCurrent(ctx, in.Version); err != nil {
		t.Fatal(err)
	}
	snap := &tierSnapshot{in: in, result: r, at: time.Now().UTC(), index: map[string]int{}}
	for i, m := range in.Members {
		snap.index[m.ID] = i
	}
	x.latest.Store(snap)
}

func (x *computedTiers) Explain(_ context.Context, publicID string) (*handlers.Explanation, error) {
	snap := x.latest.Load()
	if snap == nil {
		return nil, handlers.ErrTiersNotComputed
	}
	exp := &handlers.Explanation{Computation: handlers.Computation{Version: snap.in.Version, GraphAt: snap.at, ComputedAt: snap.at}}
	i, ok := snap.index[publicID]
	if !ok {
		exp.Missing = true
		return exp, nil
	}
	standing := func(r *trust.Run) handlers.Standing {
		st := r.Standing(i)
		out := handlers.Standing{Accepted: st.Accepted, Distance: st.Distance, Capacity: st.Capacity}
		for _, m := range st.Path {
			out.Path = append(out.Path, snap.in.Members[m].ID)
		}
		return out
	}
	exp.Tier, exp.Seed = snap.result.Tiers[i].String(), snap.in.Members[i].Seed && snap.in.Members[i].Active
	exp.Advocate, exp.Ambassador = standing(&snap.result.Advocate), standing(&snap.result.Ambassador)
	return exp, nil
}

// shownPage is what the review expects of one page.
type shownPage struct {
	// name names the page in failures and its screenshots: home, sign-person, …
	name   string
	status int
	// interactive is the map, whose interactive part is allowed above the weight limit.
	interactive bool
	// readme are the widths whose pictures illustrate the README.
	readme []int64
}

// pageReview looks at every page the way a person would meet it, at each width, and collects
// what is wrong so that one run reports every page at once.
type pageReview struct {
	j        *journey
	axe      string
	shots    string // every screenshot
	readme   string // the README's pictures, when REGISTRY_SCREENSHOTS names a folder
	problems []string
	weights  []string
	seen     map[string]bool
}

// visit opens a page and reviews it.
func (r *pageReview) visit(p shownPage, path string) {
	r.j.t.Helper()
	r.j.open(path)
	r.review(p)
}

type pageLoad struct {
	Status              int
	URL                 string
	HTML, CSS, JS, Rest int
	Files               []string
}

// review checks the page now shown: its status and weight as loaded, then at each width
// whether anything sticks out sideways, a screenshot, and axe-core's checks.
func (r *pageReview) review(p shownPage) {
	j := r.j
	j.t.Helper()
	if r.seen[p.name] {
		j.t.Fatalf("the page %s is reviewed twice", p.name)
	}
	r.seen[p.name] = true
	var load pageLoad
	j.run(p.name+": read the load", chromedp.Evaluate(`(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const out = {Status: nav.responseStatus, URL: location.pathname + location.search, HTML: nav.decodedBodySize, CSS: 0, JS: 0, Rest: 0, Files: []};
		for (const e of performance.getEntriesByType("resource")) {
			const path = new URL(e.name).pathname;
			if (/\.css$/.test(path)) out.CSS += e.decodedBodySize;
			else if (/\.m?js$/.test(path)) out.JS += e.decodedBodySize;
			else { out.Rest += e.decodedBodySize; continue; }
			out.Files.push(path.replace(/^\/assets\/[^/]+\//, "") + " " + e.decodedBodySize);
		}
		return out;
	})()`, &load))
	where := fmt.Sprintf("%s (%s)", p.name, load.URL)
	if load.Status != p.status {
		r.problems = append(r.problems, fmt.Sprintf("%s: answered %d, want %d", where, load.Status, p.status))
	}
	weight := load.HTML + load.CSS + load.JS
	r.weights = append(r.weights, fmt.Sprintf("%-22s %6.1f KB (HTML %.1f, CSS %.1f, JS %.1f; images %.1f KB)", p.name,
		kibibytes(weight), kibibytes(load.HTML), kibibytes(load.CSS), kibibytes(load.JS), kibibytes(load.Rest)))
	if weight > pageWeightLimit && !p.interactive {
		r.problems = append(r.problems, fmt.Sprintf("%s weighs %.1f KB of HTML, CSS and JavaScript, above the %d KB limit: HTML %.1f KB, %s",
			where, kibibytes(weight), pageWeightLimit>>10, kibibytes(load.HTML), strings.Join(load.Files, ", ")))
	}

	injected := false
	violations := map[string][]string{} // rule → the widths where it failed, with what
	var rules []string
	for _, size := range pageWidths {
		j.run(fmt.Sprintf("%s: %d px wide", p.name, size.W), chromedp.EmulateViewport(size.W, size.H), settleLayout())
		var wide struct {
			Width, Inner int
			Culprits     []string
		}
		j.run(p.name+": measure", chromedp.Evaluate(`(() => {
			const inner = window.innerWidth, width = document.documentElement.scrollWidth, out = [];
			const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
				Array.from(el.classList).slice(0, 2).map(c => "." + c).join("");
			if (width > inner) {
				// The outermost elements reaching past the right edge: the ones to fix.
				for (const el of document.body.querySelectorAll("*")) {
					const box = el.getBoundingClientRect();
					if (box.width === 0 || box.right <= inner + 0.5) continue;
					const parent = el.parentElement;
					if (parent !== document.body && parent.getBoundingClientRect().right > inner + 0.5) continue;
					const culprit = name(parent) + " > " + name(el) + " to " + Math.round(box.right) + " px";
					if (!out.includes(culprit)) out.push(culprit);
					if (out.length === 4) break;
				}
			}
			return {Width: width, Inner: inner, Culprits: out};
		})()`, &wide))
		if wide.Width > wide.Inner {
			r.problems = append(r.problems, fmt.Sprintf("%s at %d px: the document is %d px wide and scrolls sideways; sticking out: %s",
				where, size.W, wide.Width, strings.Join(wide.Culprits, "; ")))
		}

		var png []byte
		j.run(p.name+": screenshot", chromedp.CaptureScreenshot(&png))
		file := fmt.Sprintf("%s-%d.png", p.name, size.W)
		r.save(filepath.Join(r.shots, file), png)
		if r.readme != "" && slices.Contains(p.readme, size.W) {
			r.save(filepath.Join(r.readme, file), png)
		}

		if !injected {
			// Runtime.evaluate runs outside the page's Content-Security-Policy, which allows no
			// inline script: axe is injected as the DevTools console would.
			var loaded bool
			j.run(p.name+": inject axe-core", chromedp.Evaluate(r.axe+"\n;typeof window.axe === 'object'", &loaded))
			if !loaded {
				j.t.Fatalf("%s: axe-core did not load into the page", where)
			}
			injected = true
		}
		var res axeReport
		j.run(p.name+": run axe-core", chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]})`, &res,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if len(res.Passes) == 0 {
			j.t.Fatalf("%s: axe-core checked nothing", where)
		}
		for _, v := range res.Violations {
			if v.Impact != "serious" && v.Impact != "critical" {
				continue
			}
			var targets []string
			for i, n := range v.Nodes {
				if i == 3 {
					targets = append(targets, fmt.Sprintf("… %d more", len(v.Nodes)-3))
					break
				}
				targets = append(targets, fmt.Sprint(n.Target...))
			}
			key := fmt.Sprintf("%s [%s] %s: %s", v.ID, v.Impact, v.Help, strings.Join(targets, ", "))
			if violations[key] == nil {
				rules = append(rules, key)
			}
			violations[key] = append(violations[key], fmt.Sprint(size.W))
		}
	}
	for _, key := range rules {
		r.problems = append(r.problems, fmt.Sprintf("%s at %s px: axe-core %s", where, strings.Join(violations[key], " and "), key))
	}
}

// settleLayout waits until the page has been laid out again at its new size.
func settleLayout() chromedp.Action {
	var ignored any
	return chromedp.Evaluate(`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`, &ignored,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
}

func (r *pageReview) save(file string, png []byte) {
	r.j.t.Helper()
	if err := os.WriteFile(file, png, 0o644); err != nil {
		r.j.t.Fatal(err)
	}
}

func kibibytes(n int) float64 { return float64(n) / 1024 }

// report fails the test once per problem, after every page was seen.
func (r *pageReview) report() {
	t := r.j.t
	t.Helper()
	t.Logf("page weights (HTML + CSS + JS, decompressed):\n%s", strings.Join(r.weights, "\n"))
	sort.Strings(r.problems)
	for _, p := range r.problems {
		t.Error(p)
	}
	if r.readme != "" {
		t.Logf("the README's pictures are in %s", r.readme)
	}
}

// member is a person of their own logged in through the OpenID provider, with a client that
// keeps their session.
func (s *oidcSite) member(subject, email string) *devUser {
	s.t.Helper()
	c := s.newClient()
	s.oidc.QueueUser(&mockoidc.MockUser{Subject: subject, Email: email, EmailVerified: true, PreferredUsername: subject})
	if res := s.login(c, "/"); res.StatusCode != http.StatusOK {
		s.t.Fatalf("%s could not log in: %d", subject, res.StatusCode)
	}
	return &devUser{site: s, c: c}
}

// credentialOf is the id of a signatory's live (or, with revoked, revoked) credential of a kind.
func credentialOf(t *testing.T, s *models.Store, publicID, kind string, revoked bool) string {
	t.Helper()
	var c models.Credential
	q := s.DB.Joins("JOIN signatories ON signatories.id = credentials.signatory_id").
		Where("signatories.public_id = ? AND credentials.kind = ?", publicID, kind)
	if revoked {
		q = q.Where("credentials.revoked_at IS NOT NULL")
	} else {
		q = q.Where("credentials.revoked_at IS NULL")
	}
	if err := q.Order("credentials.issued_at").Take(&c).Error; err != nil {
		t.Fatalf("no %s credential (revoked: %v) for %s: %v", kind, revoked, publicID, err)
	}
	return c.ID
}

// Every page a person can see, as a visitor, a signatory, an endorser and an administrator, at a
// phone's width and a laptop's: nothing scrolls sideways, axe-core finds no serious or critical
// violation, and each page but the interactive map stays under 100 KB of HTML, CSS and
// JavaScript. Each page's screenshots are kept; REGISTRY_SCREENSHOTS names the folder where the
// README's pictures are written (docs/screens).
func TestJourneyEveryPage(t *testing.T) {
	axe := axeScript(t)
	// Some thirty pages, each looked at twice: more than the other journeys' time on a busy machine.
	ctx := browserFor(t, 4*time.Minute)
	s := testutil.SQLite(t)
	fillWithDemo(t, s, 800)
	load(t, s, pagesFixture)
	tiers := &computedTiers{}
	var worker *issuer.Worker
	site := newOIDCSiteWith(t, s, []string{"test"}, func(base string, d *handlers.Deps) {
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		if worker, err = issuer.NewWorker(s, keys, base, discardLogger()); err != nil {
			t.Fatal(err)
		}
		d.Keys, d.Explainer = keys, tiers
		d.Config.Admins = []string{"admin@pages.example"}
	})
	bg := context.Background()
	drain := func() {
		t.Helper()
		if _, err := worker.Drain(bg); err != nil {
			t.Fatal(err)
		}
	}

	// Others sign through the site: an endorser, a person who later withdraws, and an
	// organisation waiting for an administrator.
	chidi := site.member("chidi", "chidi@pages.example")
	chidi.form("/sign", "/sign", person(url.Values{"name": {"Chidi Okafor"}, "country": {"NG"}, "city": {"Lagos"}, "affiliation": {""}, "website": {""}}))
	dora := site.member("dora", "dora@pages.example")
	dora.form("/sign", "/sign", person(url.Values{"name": {"Dora Lindqvist"}, "country": {"SE"}, "city": {"Stockholm"}}))
	rep := site.member("lucia", "lucia@escuela.example")
	rep.form("/sign?kind=organisation", "/sign", url.Values{"kind": {"organisation"}, "name": {"Escuela Abierta de Sevilla"},
		"representative": {"Lucía Ortega"}, "role": {"Directora"}, "country": {"ES"}, "city": {"Sevilla"}, "consent": {"yes"}})
	drain()
	dora.form("/account", "/account/withdraw", url.Values{"reason": {"I am moving on."}})
	tiers.compute(t, s)
	drain()
	// A second version of the Declaration: the first stays readable as an older version.
	v1, err := s.CurrentDeclaration(bg, "en")
	if err != nil {
		t.Fatal(err)
	}
	v2, err := declaration.Parse(v1.Version+1, "en", []byte(v1.Body+"\n\nWe review this Declaration together every year.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PublishVersion(bg, models.Actor{Name: "cli"}, models.Declaration{Version: v2.Version, Lang: v2.Lang, Title: v2.Title,
		Body: v2.Body, SHA256: v2.SHA256}); err != nil {
		t.Fatal(err)
	}

	ada, bea, doraID := models.SignatoryID("fixture", "ada"), models.SignatoryID("fixture", "bea"), ""
	var doraEntry models.Signatory
	s.DB.Where("name = ?", "Dora Lindqvist").Take(&doraEntry)
	doraID = doraEntry.PublicID
	var endorsement models.Credential
	if err := s.DB.Joins("JOIN signatories ON signatories.id = credentials.signatory_id").
		Where("signatories.public_id = ? AND credentials.kind = ? AND credentials.revoked_at IS NULL", ada, "endorsement").
		Take(&endorsement).Error; err != nil {
		t.Fatalf("no endorsement credential for Ada: %v", err)
	}

	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	r := &pageReview{j: j, axe: axe, shots: t.TempDir(), readme: os.Getenv("REGISTRY_SCREENSHOTS"), seen: map[string]bool{}}
	if r.readme != "" {
		if err := os.MkdirAll(r.readme, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Every page is weighed as a first visit would load it.
	j.run("no cache", network.SetCacheDisabled(true), chromedp.EmulateViewport(1280, 800))

	// A visitor.
	r.visit(shownPage{name: "home", status: http.StatusOK, readme: []int64{390, 1280}}, "/")
	r.visit(shownPage{name: "declaration", status: http.StatusOK}, "/declaration")
	r.visit(shownPage{name: "declaration-older", status: http.StatusOK}, fmt.Sprintf("/declaration/%d", v1.Version))
	r.visit(shownPage{name: "signatories", status: http.StatusOK}, "/signatories")
	r.visit(shownPage{name: "signatories-filtered", status: http.StatusOK}, "/signatories?country=IT&kind=person&tier=ambassador")
	r.visit(shownPage{name: "signatories-search", status: http.StatusOK}, "/signatories?q=Moretti")
	r.visit(shownPage{name: "profile", status: http.StatusOK, readme: []int64{1280}}, "/signatories/"+ada)
	j.expect("Ada Moretti", "Ambassador", "She listens first.")
	r.visit(shownPage{name: "trust", status: http.StatusOK, readme: []int64{1280}}, "/signatories/"+bea+"/trust")
	r.visit(shownPage{name: "map", status: http.StatusOK, interactive: true, readme: []int64{1280}}, "/map")
	var place string
	j.run("find a city on the map", chromedp.AttributeValue(`#map-world g.dots a[href*="place="]`, "href", &place, nil, chromedp.ByQuery))
	r.visit(shownPage{name: "signatories-place", status: http.StatusOK}, place)
	r.visit(shownPage{name: "credential-signatory", status: http.StatusOK}, "/credentials/"+credentialOf(t, s, ada, "signatory", false))
	r.visit(shownPage{name: "credential-tier", status: http.StatusOK, readme: []int64{1280}}, "/credentials/"+credentialOf(t, s, ada, "ambassador", false))
	r.visit(shownPage{name: "credential-endorsement", status: http.StatusOK}, "/credentials/"+endorsement.ID)
	r.visit(shownPage{name: "credential-revoked", status: http.StatusOK}, "/credentials/"+credentialOf(t, s, doraID, "signatory", true))
	r.visit(shownPage{name: "criteria", status: http.StatusOK}, "/achievements/ambassador/criteria")
	r.visit(shownPage{name: "error-404", status: http.StatusNotFound}, "/no-such-page")
	r.visit(shownPage{name: "error-404-signatory", status: http.StatusNotFound}, "/signatories/"+models.SignatoryID("fixture", "nobody"))
	r.visit(shownPage{name: "error-410", status: http.StatusGone}, "/signatories/"+doraID)
	r.visit(shownPage{name: "login", status: http.StatusOK}, "/login?return_to="+url.QueryEscape("/sign"))

	// A person logs in with the OpenID provider and signs.
	j.clickUntil("log in with the OpenID provider", `form[action="/auth/test"] button[type=submit]`, "/sign")
	r.review(shownPage{name: "sign-person", status: http.StatusOK, readme: []int64{390}})
	r.visit(shownPage{name: "sign-organisation", status: http.StatusOK}, "/sign?kind=organisation")
	j.open("/sign")
	j.sign(map[string]string{"#e-name": "Jane Browser", "#e-country": "GB", "#e-city": "London",
		"#e-statement": "I learned most of what I know **outside** a classroom."})
	drain()
	r.visit(shownPage{name: "thanks", status: http.StatusOK}, "/sign/thanks")
	j.expect("Thank you for signing")
	var jane models.Signatory
	s.DB.Where("name = ?", "Jane Browser").Take(&jane)
	r.visit(shownPage{name: "profile-own", status: http.StatusOK}, "/signatories/"+jane.PublicID)
	r.visit(shownPage{name: "embed", status: http.StatusOK, readme: []int64{1280}}, "/signatories/"+jane.PublicID+"/embed")
	r.visit(shownPage{name: "profile-endorsable", status: http.StatusOK}, "/signatories/"+ada)
	// Chidi endorses Jane, who finds it waiting on her account.
	page := "/signatories/" + jane.PublicID
	chidi.form(page, page+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Jane *ran* the community library's badge evenings."}})
	r.visit(shownPage{name: "account", status: http.StatusOK}, "/account")
	j.expect("Chidi Okafor")
	r.visit(shownPage{name: "error-403", status: http.StatusForbidden}, "/admin")
	j.logout()

	// An administrator.
	site.oidc.QueueUser(&mockoidc.MockUser{Subject: "admin", Email: "admin@pages.example", EmailVerified: true, PreferredUsername: "Registry Admin"})
	j.open("/login?return_to=" + url.QueryEscape("/admin"))
	j.clickUntil("log in as the administrator", `form[action="/auth/test"] button[type=submit]`, "/admin")
	r.review(shownPage{name: "admin", status: http.StatusOK})
	j.expect("Escuela Abierta de Sevilla")

	r.report()
}
