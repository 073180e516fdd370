package demo

import (
	"math/rand/v2"
	"strconv"
	"time"
)

const (
	orgShare         = 0.12 // organisations among signatories
	orgVerifiedShare = 0.92 // organisations whose signature was confirmed
	affiliationShare = 0.60 // people who name where they work or study
	personSiteShare  = 0.22 // people with a web site
	orgSiteShare     = 0.85 // organisations with a web site
	// Share of people, in a country whose language we can write, whose
	// statement is in that language rather than in English.
	localStatementShare = 0.45
)

// node is what the endorsement graph needs to know of a signatory. Nodes
// are sketched before any text is written, so that the graph can be built
// while the signatories are being written and emitted.
type node struct {
	signedAt int64 // Unix seconds
	country  uint16
	city     uint16
	org      bool
	verified bool
}

func (n *node) cityOf() *city { return &countries[n.country].cities[n.city] }

// sketch decides who signs, where and when: country, city, kind and
// verification of every signatory, in signing order. The founding
// Ambassadors come first: people, one per founding country, the very first
// of them in Bologna, where the Declaration was written.
func sketch(seed int64, n, nSeeds int, now time.Time) []node {
	times := signingTimes(seed, n, now)
	r := newRand(seed, streamSketch)
	nodes := make([]node, n)
	for i := range nodes {
		ci := countryPick.pick(r)
		if i < nSeeds {
			if i < len(founderIndexes) {
				ci = founderIndexes[i]
			} else {
				ci = oneOf(r, founderIndexes)
			}
		}
		c := &countries[ci]
		cti := c.cityPick.pick(r)
		if i == 0 {
			for k := range c.cities {
				if c.cities[k].name == "Bologna" {
					cti = k
				}
			}
		}
		nd := node{signedAt: times[i], country: uint16(ci), city: uint16(cti), verified: true}
		if i >= nSeeds && chance(r, orgShare) {
			nd.org = true
			nd.verified = chance(r, orgVerifiedShare)
		}
		nodes[i] = nd
	}
	return nodes
}

// peopleGen writes the signatories the sketch outlined.
type peopleGen struct {
	r          *rand.Rand
	nSeeds     int
	subdomains map[string]struct{} // organisation host names already taken (lookups only)
	orgNames   map[string]struct{} // names of the organisations that signed (lookups only)
	orgs       [][]knownOrg        // per country, organisations that signed so far
}

func newPeopleGen(seed int64, nSeeds int) *peopleGen {
	return &peopleGen{
		r:          newRand(seed, streamPeople),
		nSeeds:     nSeeds,
		subdomains: map[string]struct{}{},
		orgNames:   map[string]struct{}{},
		orgs:       make([][]knownOrg, len(countries)),
	}
}

// next writes signatory i, and returns with it how endorsers will call it
// (a given name or the organisation's name).
func (g *peopleGen) next(i int, nd *node) (s Signatory, short string) {
	c := &countries[nd.country]
	ct := &c.cities[nd.city]
	s = Signatory{
		Ref:      ref(i),
		Country:  c.code,
		City:     ct.name,
		Lang:     ct.lang,
		SignedAt: time.Unix(nd.signedAt, 0).UTC(),
		Verified: nd.verified,
	}
	if nd.org {
		short = g.organisation(c, ct, nd, &s)
	} else {
		short = g.person(i, c, ct, nd, &s)
	}
	if i >= g.nSeeds { // founding Ambassadors show everything
		s.Visibility = visibility(g.r, &s)
	}
	return s, short
}

func (g *peopleGen) person(i int, c *country, ct *city, nd *node, s *Signatory) (short string) {
	r := g.r
	p := randomPerson(r, c, ct)
	s.Kind = "person"
	s.Name = p.full

	affDomain := ""
	if chance(r, affiliationShare) {
		s.Affiliation = g.affiliation(c, ct, nd.city)
		if label := hostLabel(s.Affiliation); label != "" {
			affDomain = label + ".example.org"
		}
	}
	s.Email = personalEmail(r, p, i+1, affDomain)

	site := slug(p.givenLatin+" "+p.familyLatin, 30)
	if site == "" {
		site = "member-" + strconv.Itoa(i+1)
	}
	if chance(r, personSiteShare) {
		s.Website = "https://" + site + "." + oneOf(r, []string{"example.org", "example.net", "example.com"}) + "/"
	}

	lang := "en"
	if _, ok := voices[ct.lang]; ok && chance(r, localStatementShare) {
		lang = ct.lang
	}
	if chance(r, statementShare) {
		v := statementVars(lang, ct, s.Website, site)
		v.female = p.female
		s.Statement = writeStatement(r, lang, false, &v)
	}
	return p.given
}

func (g *peopleGen) organisation(c *country, ct *city, nd *node, s *Signatory) (short string) {
	r := g.r
	// Two signing organisations should not share a name: draw again when
	// the name is taken (the space of names is large, a few tries do).
	var on orgNaming
	for try := 0; try < 16; try++ {
		on = nameOrganisation(r, c, ct, orgType(signerTypes.pick(r)), 0.7)
		if _, taken := g.orgNames[on.name]; !taken {
			break
		}
	}
	g.orgNames[on.name] = struct{}{}
	rep := randomPerson(r, c, ct)
	s.Kind = "organisation"
	s.Name = on.name
	s.Representative = rep.full
	s.Role = roleFor(r, on.lang, on.typ, rep.female)

	host := g.orgHost(on, ct)
	s.Email = mailbox(r, on.lang, rep) + "@" + host
	if chance(r, orgSiteShare) {
		s.Website = "https://" + host + "/"
	}

	lang := "en"
	switch {
	case on.lang != "en" && chance(r, 0.8):
		lang = on.lang
	case on.lang == "en" && chance(r, 0.2):
		if _, ok := voices[ct.lang]; ok {
			lang = ct.lang
		}
	}
	if chance(r, statementShare) {
		v := statementVars(lang, ct, s.Website, host)
		s.Statement = writeStatement(r, lang, true, &v)
	}
	g.orgs[nd.country] = append(g.orgs[nd.country], knownOrg{name: on.name, city: nd.city})
	return on.name
}

type knownOrg struct {
	name string
	city uint16
}

// affiliation names where a person works or studies: now and then an
// organisation of the same country (preferably of the same city) that
// already signed, otherwise a plausible invented one.
func (g *peopleGen) affiliation(c *country, ct *city, cityIdx uint16) string {
	r := g.r
	ci := countryByCode[c.code]
	if known := g.orgs[ci]; len(known) > 0 && chance(r, 0.18) {
		o := oneOf(r, known)
		for try := 0; try < 4 && o.city != cityIdx; try++ {
			o = oneOf(r, known)
		}
		return o.name
	}
	return nameOrganisation(r, c, ct, orgType(affiliationTypes.pick(r)), 0.7).name
}

// orgHost gives each organisation its own host under example.org, derived
// from its name (or, for a name in Greek script, from its city and kind)
// and made unique with a counter.
func (g *peopleGen) orgHost(on orgNaming, ct *city) string {
	base := hostLabel(on.name)
	if base == "" {
		base = slug(ct.name+" "+orgKindWords[on.typ], 48)
	}
	h := base
	for n := 2; ; n++ {
		if _, taken := g.subdomains[h]; !taken {
			break
		}
		h = base + "-" + strconv.Itoa(n)
	}
	g.subdomains[h] = struct{}{}
	return h + ".example.org"
}

var orgKindWords = [numOrgTypes]string{"school", "university", "association", "company", "municipality", "network"}

// personalEmail builds a unique address: the Latin form of the name plus the
// signatory's number, which alone guarantees uniqueness.
func personalEmail(r *rand.Rand, p personName, n int, affDomain string) string {
	given, family := asciiJoin(p.givenLatin, ""), asciiJoin(p.familyLatin, "")
	if given == "" {
		given = "member"
	}
	if family == "" {
		family = "signatory"
	}
	num := strconv.Itoa(n)
	var local string
	switch x := r.Float64(); {
	case x < 0.5:
		local = given + "." + family + "." + num
	case x < 0.7:
		local = given[:1] + "." + family + "." + num
	case x < 0.85:
		local = family + "." + given + "." + num
	default:
		local = given + "_" + family + num
	}
	var domain string
	switch x := r.Float64(); {
	case affDomain != "" && x < 0.3:
		domain = affDomain
	case x < 0.55:
		domain = "example.org"
	case x < 0.75:
		domain = "example.com"
	case x < 0.9:
		domain = "example.net"
	default:
		domain = "mail.example.com"
	}
	return local + "@" + domain
}

// statementVars prepares the placeholders of a statement: the city as the
// text's language names it, and a link to the signatory's site (or to a
// page about it).
func statementVars(lang string, ct *city, website, site string) textVars {
	v := textVars{city: ct.name}
	if lang == ct.lang {
		v.city = ct.local
	}
	v.url = website
	if v.url == "" {
		v.url = "https://" + site + ".example.org/open-recognition/"
	}
	v.host = hostOf(v.url)
	return v
}

func hostOf(url string) string {
	h := url[len("https://"):]
	for i := 0; i < len(h); i++ {
		if h[i] == '/' {
			return h[:i]
		}
	}
	return h
}

// visibility hides a few fields, as real signatories do: most show
// everything, about one in ten keeps the city private, a few restrict their
// statement or, for people, their name.
func visibility(r *rand.Rand, s *Signatory) map[string]string {
	var vis map[string]string
	set := func(field string, share, membersShare float64) {
		if !chance(r, share) {
			return
		}
		if vis == nil {
			vis = make(map[string]string, 2)
		}
		if chance(r, membersShare) {
			vis[field] = "members"
		} else {
			vis[field] = "hidden"
		}
	}
	set("city", 0.10, 0.4)
	if s.Statement != "" {
		set("statement", 0.06, 0.65)
	}
	if s.Kind == "person" {
		set("name", 0.03, 1)
	} else {
		set("representative", 0.08, 0.6)
	}
	if s.Affiliation != "" {
		set("affiliation", 0.05, 0.7)
	}
	if s.Website != "" {
		set("website", 0.03, 0.5)
	}
	return vis
}
