// Package demo generates realistic synthetic signatories of the Bologna
// Open Recognition Declaration and the endorsements between them, to fill a
// registry for demonstrations, development and load tests.
//
// Everything is invented but plausible: people are named after the cultures
// of their countries, live in real cities (GeoNames spellings, so that they
// geocode), work for fictional organisations, write their reasons to sign in
// their own language or in English, and endorse each other mostly locally.
// All addresses and web sites use the reserved example.org/.com/.net
// domains. The output depends only on the Config: the same Config always
// yields the same bytes.
package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// Config: N signatories, M endorsements, deterministic for a given Seed. Now
// is the reference "today": signed_at dates spread over the ~3 years before
// Now (more recent = more frequent, with growth over time), endorsements
// dated after both parties signed and before Now. A zero Now means the
// current time (and therefore a different output at each run).
type Config struct {
	Signatories  int
	Endorsements int
	Seed         int64
	Now          time.Time
}

// Signatory is one signer of the Declaration, a person or an organisation.
type Signatory struct {
	Ref            string            // "d1", "d2", ... unique, in signing order
	Kind           string            // "person" or "organisation"
	Name           string            // person's full name, or the organisation's name
	Representative string            // organisation only: who signed for it
	Role           string            // organisation only: the representative's title
	Email          string            // unique; reserved example.* domains only
	Country        string            // ISO 3166-1 alpha-2
	City           string            // a real city of Country, GeoNames spelling
	Affiliation    string            // people only, optional
	Website        string            // optional, https://….example.org/ style
	Statement      string            // "why I sign", Markdown, may be empty
	Visibility     map[string]string // non-public fields only ("members" or "hidden"); nil when all public
	SignedAt       time.Time         // UTC, second precision
	Verified       bool              // people always; most organisations
	Lang           string            // the language spoken in City (ISO 639-1), which the signer reads
}

// Endorsement is one signatory vouching for another.
type Endorsement struct {
	From, To  int       // indexes into the signatories, in emission order
	Level     string    // "advocate" or "ambassador"
	Status    string    // "accepted", "pending" or "declined"
	Comment   string    // Markdown, short, often empty
	CreatedAt time.Time // UTC, second precision, after both signatures, not after Now
}

// Generate emits every signatory in order (index i = 0..N-1), then every
// endorsement (by date), then returns the indexes of the founding
// Ambassadors: the very first signers, spread over several countries and
// well connected. It stops and returns the first error a callback returns
// (a nil callback is skipped). When M exceeds the N(N-1) possible
// endorsements, all of them are emitted.
func Generate(cfg Config, onSignatory func(i int, s Signatory) error, onEndorsement func(e Endorsement) error) (seeds []int, err error) {
	n, m, now := cfg.normalised()
	nSeeds := seedCount(n)
	nodes := sketch(cfg.Seed, n, nSeeds, now)

	// The graph only needs the sketch: build it on another core while the
	// signatories are written and handed to the caller (who is typically
	// inserting them into a database).
	var stop atomic.Bool
	defer stop.Store(true)
	built := make(chan []edge, 1)
	go func() {
		edges := buildEdges(newRand(cfg.Seed, streamGraph), nodes, nSeeds, m, now.Unix(), &stop)
		sortEdges(edges)
		built <- edges
	}()

	shorts := make([]string, n)
	people := newPeopleGen(cfg.Seed, nSeeds)
	for i := range n {
		s, short := people.next(i, &nodes[i])
		shorts[i] = short
		if onSignatory != nil {
			if err := onSignatory(i, s); err != nil {
				return nil, err
			}
		}
	}
	people = nil // let the host-name set go

	edges := <-built
	r := newRand(cfg.Seed, streamComments)
	for _, e := range edges {
		if onEndorsement == nil {
			break
		}
		if err := onEndorsement(endorsement(r, nodes, shorts, e)); err != nil {
			return nil, err
		}
	}

	seeds = make([]int, nSeeds)
	for i := range seeds {
		seeds[i] = i
	}
	return seeds, nil
}

// normalised returns the sizes (never negative) and the reference time (UTC, whole seconds).
func (cfg Config) normalised() (n, m int, now time.Time) {
	now = cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	return max(cfg.Signatories, 0), max(cfg.Endorsements, 0), now.UTC().Truncate(time.Second)
}

// ref is signatory i's reference in the generated file.
func ref(i int) string { return "d" + strconv.Itoa(i+1) }

// endorsement turns an edge into what callers see, writing its comment in
// the endorser's language now and then when both parties share it, else in
// English.
func endorsement(r *rand.Rand, nodes []node, shorts []string, e edge) Endorsement {
	from, to := &nodes[e.from], &nodes[e.to]
	toCity := to.cityOf()
	lang := "en"
	if fromLang := from.cityOf().lang; fromLang == toCity.lang && chance(r, 0.3) {
		if vc, ok := voices[fromLang]; ok && len(vc.commentAny) > 0 {
			lang = fromLang
		}
	}
	v := textVars{name: shorts[e.to], city: toCity.name}
	if lang == toCity.lang {
		v.city = toCity.local
	}
	return Endorsement{
		From:      int(e.from),
		To:        int(e.to),
		Level:     levels[e.level],
		Status:    statuses[e.status],
		Comment:   writeComment(r, lang, to.org, &v),
		CreatedAt: time.Unix(e.at, 0).UTC(),
	}
}

// seedCount: a handful of founding Ambassadors, as in the movement: one
// for the smallest registries, three from 20 signatories on, growing with
// the square root of the size to about ten for 100,000 and at most twelve.
func seedCount(n int) int {
	switch {
	case n < 1:
		return 0
	case n < 20:
		return 1
	}
	return min(max(3, int(math.Round(math.Sqrt(float64(n))/30))), 12)
}

// signingTimes draws n signing dates, in increasing order, over the three
// years before now: a burst when the Declaration is launched, then a flow
// that grows exponentially (the last months are about four times busier
// than the first ones), quieter at weekends. Nobody signs in the last hour,
// which leaves room to date endorsements after every signature.
func signingTimes(seed int64, n int, now time.Time) []int64 {
	r := newRand(seed, streamTimes)
	const (
		growth      = 1.5  // density ∝ e^(growth·t), t in [0, 1]
		launchShare = 0.04 // signatures in the launch weeks
		launchDays  = 6.0  // mean delay after the launch for those
		weekendSkip = 0.45 // share of weekend dates redrawn
	)
	start := now.AddDate(-3, 0, 0).Unix()
	end := now.Add(-time.Hour).Unix()
	span := float64(end - start)
	ts := make([]int64, n)
	for i := range ts {
		var t int64
		for try := 0; ; try++ {
			var x float64
			if chance(r, launchShare) {
				x = r.ExpFloat64() * launchDays * 86400 / span
			} else {
				x = math.Log1p(r.Float64()*math.Expm1(growth)) / growth
			}
			x = min(max(x, 0), 1)
			t = start + int64(x*span)
			day := (t/86400 + 4) % 7 // 1970-01-01 was a Thursday; 0 is Sunday
			if (day == 0 || day == 6) && try < 3 && chance(r, weekendSkip) {
				continue
			}
			break
		}
		ts[i] = t
	}
	slices.Sort(ts)
	return ts
}

// The reference tables are parsed once, in dependency order: countries name
// the cultures their people belong to.
func init() {
	initFold()
	initCultures()
	initCountries()
	initOrgLangs()
}
