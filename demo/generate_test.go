package demo

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

var testNow = time.Date(2025, 6, 1, 12, 30, 15, 0, time.UTC)

type run struct {
	sigs  []Signatory
	ends  []Endorsement
	seeds []int
}

func generate(t testing.TB, n, m int, seed int64) run {
	t.Helper()
	var r run
	var err error
	r.seeds, err = Generate(Config{Signatories: n, Endorsements: m, Seed: seed, Now: testNow},
		func(i int, s Signatory) error {
			if i != len(r.sigs) {
				t.Fatalf("signatory index %d, want %d", i, len(r.sigs))
			}
			r.sigs = append(r.sigs, s)
			return nil
		},
		func(e Endorsement) error {
			r.ends = append(r.ends, e)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// digest hashes everything Generate emits, so that two runs can be compared
// byte for byte.
func digest(n, m int, seed int64) ([]byte, error) {
	h := sha256.New()
	seeds, err := Generate(Config{Signatories: n, Endorsements: m, Seed: seed, Now: testNow},
		func(i int, s Signatory) error {
			writeSignatory(h, i, s)
			return nil
		},
		func(e Endorsement) error {
			fmt.Fprintf(h, "%d|%d|%s|%s|%q|%d\n", e.From, e.To, e.Level, e.Status, e.Comment, e.CreatedAt.UnixNano())
			return nil
		})
	fmt.Fprintln(h, seeds)
	return h.Sum(nil), err
}

func writeSignatory(h hash.Hash, i int, s Signatory) {
	fmt.Fprintf(h, "%d|%q|%q|%q|%q|%q|%q|%q|%q|%q|%q|%q|%d|%v|", i, s.Ref, s.Kind, s.Name, s.Representative, s.Role,
		s.Email, s.Country, s.City, s.Affiliation, s.Website, s.Statement, s.SignedAt.UnixNano(), s.Verified)
	for _, k := range slices.Sorted(maps.Keys(s.Visibility)) {
		fmt.Fprintf(h, "%s=%s,", k, s.Visibility[k])
	}
	fmt.Fprintln(h)
}

func TestDeterministic(t *testing.T) {
	a, err := digest(3000, 20000, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := digest(3000, 20000, 7)
	if string(a) != string(b) {
		t.Fatal("two runs with the same Config differ")
	}
	c, _ := digest(3000, 20000, 8)
	if string(a) == string(c) {
		t.Fatal("another seed gives the same output")
	}
}

func TestCountsAndTinyInputs(t *testing.T) {
	for _, tc := range []struct{ n, m, want int }{
		{0, 0, 0}, {0, 100, 0}, {1, 100, 0}, {2, 100, 2}, {5, 1000, 20},
		{5, 7, 7}, {20, 380, 380}, {20, 1000, 380}, {30, 300, 300}, {200, 100, 100}, {1000, 0, 0},
	} {
		t.Run(fmt.Sprintf("N%d_M%d", tc.n, tc.m), func(t *testing.T) {
			r := generate(t, tc.n, tc.m, 1)
			if len(r.sigs) != tc.n {
				t.Errorf("%d signatories, want %d", len(r.sigs), tc.n)
			}
			if len(r.ends) != tc.want {
				t.Errorf("%d endorsements, want %d", len(r.ends), tc.want)
			}
			checkEndorsements(t, r)
			checkSeeds(t, r)
		})
	}
}

func TestInvariants(t *testing.T) {
	r := generate(t, 20000, 150000, 42)
	checkSignatories(t, r.sigs)
	checkEndorsements(t, r)
	checkSeeds(t, r)
	if len(r.ends) != 150000 {
		t.Fatalf("%d endorsements, want 150000", len(r.ends))
	}
}

var (
	countryRe = regexp.MustCompile(`^[A-Z]{2}$`)
	emailRe   = regexp.MustCompile(`^[a-z0-9._-]+@([a-z0-9-]+\.)*example\.(org|com|net)$`)
	websiteRe = regexp.MustCompile(`^https://([a-z0-9-]+\.)+example\.(org|com|net)/`)
)

func checkSignatories(t *testing.T, sigs []Signatory) {
	t.Helper()
	emails := map[string]int{}
	refs := map[string]bool{}
	orgs, verifiedOrgs, statements, visible := 0, 0, 0, 0
	for i, s := range sigs {
		if refs[s.Ref] || s.Ref != fmt.Sprintf("d%d", i+1) {
			t.Fatalf("%d: bad or duplicate ref %q", i, s.Ref)
		}
		refs[s.Ref] = true
		if j, dup := emails[s.Email]; dup {
			t.Fatalf("%d and %d share e-mail %q", j, i, s.Email)
		}
		emails[s.Email] = i
		if !emailRe.MatchString(s.Email) {
			t.Errorf("%d: e-mail %q outside the reserved domains", i, s.Email)
		}
		if s.Website != "" && !websiteRe.MatchString(s.Website) {
			t.Errorf("%d: web site %q outside the reserved domains", i, s.Website)
		}
		if !countryRe.MatchString(s.Country) {
			t.Errorf("%d: country %q", i, s.Country)
		}
		if ci, ok := countryByCode[s.Country]; !ok || !slices.ContainsFunc(countries[ci].cities, func(c city) bool { return c.name == s.City }) {
			t.Errorf("%d: city %q is not one of %s's", i, s.City, s.Country)
		}
		if s.SignedAt.Location() != time.UTC || s.SignedAt.Nanosecond() != 0 || !s.SignedAt.Before(testNow) || s.SignedAt.Before(testNow.AddDate(-3, 0, -1)) {
			t.Errorf("%d: signed at %v", i, s.SignedAt)
		}
		if i > 0 && s.SignedAt.Before(sigs[i-1].SignedAt) {
			t.Errorf("%d: signed before %d", i, i-1)
		}
		switch s.Kind {
		case "person":
			if s.Representative != "" || s.Role != "" || !s.Verified {
				t.Errorf("%d: person with organisation fields: %+v", i, s)
			}
		case "organisation":
			orgs++
			if s.Verified {
				verifiedOrgs++
			}
			if s.Representative == "" || s.Role == "" || s.Affiliation != "" {
				t.Errorf("%d: organisation fields: %+v", i, s)
			}
		default:
			t.Errorf("%d: kind %q", i, s.Kind)
		}
		for field, v := range map[string]string{"ref": s.Ref, "name": s.Name, "representative": s.Representative, "role": s.Role,
			"email": s.Email, "city": s.City, "affiliation": s.Affiliation, "website": s.Website, "statement": s.Statement} {
			checkText(t, fmt.Sprintf("%d %s", i, field), v)
		}
		if s.Name == "" || s.Email == "" || s.City == "" {
			t.Errorf("%d: missing name, e-mail or city", i)
		}
		if s.Statement != "" {
			statements++
		}
		if len(s.Visibility) > 0 {
			visible++
		}
		for k, v := range s.Visibility {
			if !slices.Contains([]string{"name", "city", "affiliation", "representative", "website", "statement"}, k) {
				t.Errorf("%d: visibility key %q", i, k)
			}
			if v != "members" && v != "hidden" {
				t.Errorf("%d: visibility %s=%q (public keys are omitted)", i, k, v)
			}
			if k == "name" && s.Kind != "person" {
				t.Errorf("%d: an organisation hides its name", i)
			}
		}
	}
	n := float64(len(sigs))
	within(t, "organisations", float64(orgs)/n, 0.09, 0.15)
	within(t, "verified organisations", float64(verifiedOrgs)/float64(orgs), 0.87, 0.97)
	within(t, "statements", float64(statements)/n, 0.70, 0.80)
	within(t, "restricted visibility", float64(visible)/n, 0.1, 0.35)
}

// checkText: no control character but newlines, no surrounding space,
// valid UTF-8, and no placeholder left unexpanded.
func checkText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8 %q", what, s)
	}
	if strings.TrimSpace(s) != s {
		t.Errorf("%s: surrounding space in %q", what, s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		t.Errorf("%s: control character in %q", what, s)
	}
	if strings.ContainsAny(s, "{}") || strings.Contains(s, "  ") {
		t.Errorf("%s: template leftovers in %q", what, s)
	}
}

func checkEndorsements(t *testing.T, r run) {
	t.Helper()
	type pair struct{ from, to int }
	seen := map[pair]bool{}
	levels, statuses := map[string]int{}, map[string]int{}
	comments := 0
	for k, e := range r.ends {
		if e.From < 0 || e.From >= len(r.sigs) || e.To < 0 || e.To >= len(r.sigs) {
			t.Fatalf("endorsement %d: index out of range: %+v", k, e)
		}
		if e.From == e.To {
			t.Fatalf("endorsement %d: self-endorsement of %d", k, e.From)
		}
		p := pair{e.From, e.To}
		if seen[p] {
			t.Fatalf("endorsement %d: duplicate %d -> %d", k, e.From, e.To)
		}
		seen[p] = true
		if e.CreatedAt.Location() != time.UTC || e.CreatedAt.Nanosecond() != 0 {
			t.Errorf("endorsement %d: created at %v", k, e.CreatedAt)
		}
		if !e.CreatedAt.After(r.sigs[e.From].SignedAt) || !e.CreatedAt.After(r.sigs[e.To].SignedAt) || e.CreatedAt.After(testNow) {
			t.Errorf("endorsement %d: created at %v, signatures %v and %v", k, e.CreatedAt, r.sigs[e.From].SignedAt, r.sigs[e.To].SignedAt)
		}
		if k > 0 && e.CreatedAt.Before(r.ends[k-1].CreatedAt) {
			t.Errorf("endorsement %d: not in date order", k)
		}
		levels[e.Level]++
		statuses[e.Status]++
		if e.Comment != "" {
			comments++
		}
		checkText(t, fmt.Sprintf("endorsement %d comment", k), e.Comment)
	}
	for l := range levels {
		if l != "advocate" && l != "ambassador" {
			t.Errorf("level %q", l)
		}
	}
	for s := range statuses {
		if s != "accepted" && s != "pending" && s != "declined" {
			t.Errorf("status %q", s)
		}
	}
	if m := float64(len(r.ends)); m >= 10000 {
		// Ambassador endorsements are rare, mostly among the founders and those near them.
		within(t, "ambassador level", float64(levels["ambassador"])/m, 0.04, 0.12)
		within(t, "accepted", float64(statuses["accepted"])/m, 0.76, 0.84)
		within(t, "pending", float64(statuses["pending"])/m, 0.10, 0.16)
		within(t, "comments", float64(comments)/m, 0.45, 0.55)
	}
}

func checkSeeds(t *testing.T, r run) {
	t.Helper()
	n := len(r.sigs)
	switch k := len(r.seeds); {
	case n == 0 && k != 0, n >= 1 && k < 1, n >= 20 && k < 3, k > 40:
		t.Errorf("%d seeds for %d signatories", k, n)
	}
	countries := map[string]bool{}
	for _, s := range r.seeds {
		if s < 0 || s >= n {
			t.Fatalf("seed %d out of range", s)
		}
		countries[r.sigs[s].Country] = true
	}
	if len(r.seeds) >= 3 && len(countries) < 3 {
		t.Errorf("seeds from %d countries only", len(countries))
	}
}

func within(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s: %.3f, want within [%.2f, %.2f]", what, got, lo, hi)
	}
}

// TestGraphShape checks that the graph looks like a real network: local,
// led by earlier signers, with hubs (the seeds among them) and a long tail.
func TestGraphShape(t *testing.T) {
	r := generate(t, 20000, 200000, 3)
	degree := make([]int, len(r.sigs))
	sameCountry, earlier := 0, 0
	for _, e := range r.ends {
		degree[e.From]++
		degree[e.To]++
		if r.sigs[e.From].Country == r.sigs[e.To].Country {
			sameCountry++
		}
		if e.From < e.To {
			earlier++
		}
	}
	m := float64(len(r.ends))
	within(t, "same country", float64(sameCountry)/m, 0.55, 0.9)
	within(t, "earlier endorser", float64(earlier)/m, 0.7, 0.95)
	low := 0
	for _, d := range degree {
		if d <= 3 {
			low++
		}
	}
	within(t, "signatories with 0-3 endorsements", float64(low)/float64(len(degree)), 0.15, 0.7)
	sorted := slices.Sorted(slices.Values(degree))
	median := sorted[len(sorted)/2]
	for _, s := range r.seeds {
		if degree[s] < 20*median {
			t.Errorf("seed %d has degree %d, median is %d", s, degree[s], median)
		}
	}
	if top := sorted[len(sorted)-1]; top < 50*median {
		t.Errorf("no hub: top degree %d, median %d", top, median)
	}
}

func TestCallbackErrorStops(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	_, err := Generate(Config{Signatories: 100, Endorsements: 100, Seed: 1, Now: testNow},
		func(i int, s Signatory) error {
			calls++
			if i == 9 {
				return stop
			}
			return nil
		}, nil)
	if !errors.Is(err, stop) || calls != 10 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	calls = 0
	_, err = Generate(Config{Signatories: 100, Endorsements: 100, Seed: 1, Now: testNow}, nil,
		func(e Endorsement) error {
			calls++
			if calls == 5 {
				return stop
			}
			return nil
		})
	if !errors.Is(err, stop) || calls != 5 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

// TestNames checks that transliteration keeps e-mails ASCII while some
// names keep their native script, and that city names in the tables are
// clean.
func TestNames(t *testing.T) {
	if got := asciiJoin("Ó Súilleabháin", ""); got != "osuilleabhain" {
		t.Errorf("fold: %q", got)
	}
	if got := slug("Tessere Formazione S.r.l.", 40); got != "tessere-formazione" {
		t.Errorf("slug: %q", got)
	}
	if len(countries) < 60 {
		t.Errorf("%d countries, want at least 60", len(countries))
	}
	for _, c := range countries {
		if len(c.cities) < 3 && c.code != "SG" {
			t.Errorf("%s has %d cities", c.code, len(c.cities))
		}
		for _, ct := range c.cities {
			checkText(t, c.code+" city", ct.name)
		}
	}
	r := generate(t, 20000, 0, 5)
	nonLatin := 0
	for _, s := range r.sigs {
		if strings.ContainsFunc(s.Name, func(r rune) bool { return unicode.In(r, unicode.Greek, unicode.Cyrillic, unicode.Han) }) {
			nonLatin++
		}
	}
	if nonLatin == 0 {
		t.Error("no name in a native script")
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, err := Generate(Config{Signatories: 100000, Endorsements: 1000000, Seed: 1, Now: testNow},
			func(int, Signatory) error { return nil },
			func(Endorsement) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}
