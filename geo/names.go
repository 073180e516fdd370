package geo

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

// city_names.tsv gives cities' names in the interface languages where they differ from GeoNames'
// own (English) name: geonameid, language, name. GeoNames' alternate names carry no language,
// so geo/gen takes these from Unicode CLDR, whose time zones name some 130 capitals and large
// cities in each language (Roma, Wien, Londres); other cities keep GeoNames' name.
//
//go:embed data/city_names.tsv
var cityNamesTSV string

var cityNames = sync.OnceValue(func() map[int64]map[string]string {
	m := map[int64]map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(cityNamesTSV, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			panic("geo: embedded city names: bad line " + strconv.Quote(line)) // the tests read it
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			panic("geo: embedded city names: " + err.Error())
		}
		if m[id] == nil {
			m[id] = map[string]string{}
		}
		m[id][f[1]] = f[2]
	}
	return m
})

// CityName names a city in lang: its name in that language where one is known, else GeoNames'.
func CityName(c City, lang string) string {
	if n, ok := cityNames()[c.ID][lang]; ok {
		return n
	}
	return c.Name
}

// LocalCityName gives the city someone typed in the page's language: when what they typed is
// exactly a name of a city that has names per language ("Roma", "Rome", "Rom"), the name in
// lang; otherwise what they typed, as they typed it.
func LocalCityName(country, typed, lang string) string {
	city, ok := places().lookup(country + " " + nameKey(typed))
	if !ok || cityNames()[city.ID] == nil {
		return typed
	}
	return CityName(city, lang)
}
