package geo

import (
	"testing"
)

func TestCityNamesInThePageLanguage(t *testing.T) {
	cases := []struct {
		country, typed string
		names          map[string]string
	}{
		{"IT", "Roma", map[string]string{"en": "Rome", "fr": "Rome", "it": "Roma", "es": "Roma", "de": "Rom"}},
		{"AT", "Wien", map[string]string{"en": "Vienna", "fr": "Vienne", "it": "Vienna", "es": "Viena", "de": "Wien"}},
		{"GB", "London", map[string]string{"en": "London", "fr": "Londres", "it": "Londra", "es": "Londres", "de": "London"}},
		{"BE", "Bruxelles", map[string]string{"en": "Brussels", "fr": "Bruxelles", "it": "Bruxelles", "es": "Bruselas", "de": "Brüssel"}},
		// No name per language for Bologna: GeoNames' name in every language.
		{"IT", "Bologna", map[string]string{"en": "Bologna", "fr": "Bologna", "it": "Bologna", "es": "Bologna", "de": "Bologna"}},
	}
	for _, c := range cases {
		city, ok := FindCity(c.country, c.typed)
		if !ok {
			t.Fatalf("%s is not found", c.typed)
		}
		for lang, want := range c.names {
			if got := CityName(city, lang); got != want {
				t.Errorf("%s in %s: %q, want %q", c.typed, lang, got, want)
			}
		}
	}
	// Every name belongs to a city of the gazetteer and differs from its default.
	n := 0
	for id, names := range cityNames() {
		city, ok := CityByID(id)
		if !ok {
			t.Errorf("city names for unknown GeoNames id %d", id)
			continue
		}
		for lang, name := range names {
			n++
			if name == city.Name || name == "" || lang == "en" {
				t.Errorf("%d (%s): %s name %q adds nothing", id, city.Name, lang, name)
			}
		}
	}
	if n < 200 {
		t.Errorf("only %d city names", n)
	}
}

func TestTypedCitiesReadInThePageLanguage(t *testing.T) {
	for _, c := range []struct{ country, typed, lang, want string }{
		{"IT", "Roma", "de", "Rom"},
		{"IT", "rome", "it", "Roma"},
		{"IT", "Roma", "en", "Rome"},
		{"AT", "Vienna", "de", "Wien"},
		{"IT", "Roma, Lazio", "de", "Roma, Lazio"}, // more than a city's name: as typed
		{"IT", "Milano", "de", "Milano"},           // no name per language: as typed
		{"FR", "Roma", "it", "Roma"},               // not a city of that country
	} {
		if got := LocalCityName(c.country, c.typed, c.lang); got != c.want {
			t.Errorf("LocalCityName(%s, %q, %s) = %q, want %q", c.country, c.typed, c.lang, got, c.want)
		}
	}
}
