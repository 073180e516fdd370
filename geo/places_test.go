package geo

import (
	"math"
	"testing"
)

func TestFindCityByLocalAndForeignNames(t *testing.T) {
	for _, tc := range []struct {
		country, typed, want string
	}{
		{"IT", "Bologna", "Bologna"},
		{"IT", "Roma", "Rome"},
		{"IT", "rome", "Rome"},
		{"DE", "München", "Munich"},
		{"DE", "munchen", "Munich"},
		{"AT", "Wien", "Vienna"},
		{"GR", "Αθήνα", "Athens"},
		{"RU", "Москва", "Moscow"},
		{"BE", "Bruxelles", "Brussels"},
		{"CH", "Genf", "Genève"},
		{"FR", "Caen", "Caen"},
		{"FR", "saint-etienne", "Saint-Étienne"},
		{"IT", "Bologna, Emilia-Romagna", "Bologna"},
		{"IT", "Bologna (BO)", "Bologna"},
		{"XK", "Prishtina", "Pristina"},
	} {
		c, ok := FindCity(tc.country, tc.typed)
		if !ok || c.Name != tc.want || c.Country != tc.country {
			t.Errorf("%s %q: got %q in %s (found %v), want %q", tc.country, tc.typed, c.Name, c.Country, ok, tc.want)
		}
	}
	// A name is looked up within its country only, and nonsense finds nothing.
	for _, tc := range [][2]string{{"FR", "Bologna"}, {"IT", "Xqzzyville"}, {"IT", ""}, {"", "Bologna"}, {"IT", "rm"}} {
		if c, ok := FindCity(tc[0], tc[1]); ok {
			t.Errorf("%s %q found %s", tc[0], tc[1], c.Name)
		}
	}
}

func TestFindCityPrefersTheLargestNamesake(t *testing.T) {
	c, ok := FindCity("US", "Portland")
	if !ok || c.Population < 500000 {
		t.Fatalf("Portland, US: %+v", c)
	}
}

func TestLocateFallsBackToTheCountry(t *testing.T) {
	p, ok := Locate("FR", "Nowhere-sur-Rien")
	if !ok || p.ID != 0 {
		t.Fatalf("unknown city: %+v %v", p, ok)
	}
	// The anchor is in mainland France, not in the Atlantic between its overseas regions.
	if p.Lat < 42 || p.Lat > 51 || p.Lon < -5 || p.Lon > 8 {
		t.Fatalf("France's anchor at %.2f, %.2f", p.Lat, p.Lon)
	}
	if p, ok := Locate("US", ""); !ok || p.Lat < 25 || p.Lat > 49 || p.Lon < -125 || p.Lon > -67 {
		t.Fatalf("the US anchor is not in the contiguous states: %+v", p)
	}
	p, ok = Locate("IT", "Bologna")
	if !ok || p.ID == 0 || math.Abs(p.Lat-44.49) > 0.05 || math.Abs(p.Lon-11.34) > 0.05 {
		t.Fatalf("Bologna: %+v", p)
	}
	// Every country someone can choose has somewhere to be shown, except two uninhabited
	// territories without cities or shapes.
	for c := range codes {
		if _, _, ok := CountryAnchor(c); !ok && c != "BV" && c != "UM" && c != "HM" {
			t.Errorf("%s has no anchor", c)
		}
	}
}

func TestSuggestCities(t *testing.T) {
	got := SuggestCities("DE", "Münch", 5)
	if len(got) == 0 || got[0].Name != "Munich" || got[0].Spelling != "München" {
		t.Fatalf("Münch: %+v", got)
	}
	got = SuggestCities("IT", "", 3)
	if len(got) != 3 || got[0].Name != "Rome" {
		t.Fatalf("largest Italian cities: %+v", got)
	}
	if got := SuggestCities("IT", "Bol", 10); len(got) == 0 || got[0].Name != "Bologna" {
		t.Fatalf("Bol: %+v", got)
	}
}

func TestProjectionMatchesTheShapes(t *testing.T) {
	s := WorldShapes()
	if len(s.Check) == 0 || len(s.Countries) < 200 {
		t.Fatalf("shapes: %d checks, %d countries", len(s.Check), len(s.Countries))
	}
	for _, c := range s.Check {
		x, y := s.World.Point(c.Lon, c.Lat)
		if math.Abs(x-c.World[0]) > 1e-6 || math.Abs(y-c.World[1]) > 1e-6 {
			t.Errorf("world %v,%v: %v,%v want %v", c.Lon, c.Lat, x, y, c.World)
		}
		x, y = s.Europe.Point(c.Lon, c.Lat)
		if math.Abs(x-c.Europe[0]) > 1e-6 || math.Abs(y-c.Europe[1]) > 1e-6 {
			t.Errorf("europe %v,%v: %v,%v want %v", c.Lon, c.Lat, x, y, c.Europe)
		}
	}
	// Bologna is inside the Europe inset; Buenos Aires is not.
	if x, y := s.Europe.Point(11.34, 44.49); !s.Europe.Inside(x, y) {
		t.Error("Bologna is off the Europe inset")
	}
	if x, y := s.Europe.Point(-58.4, -34.6); s.Europe.Inside(x, y) {
		t.Error("Buenos Aires is on the Europe inset")
	}
	have := map[string]bool{}
	for _, c := range s.Countries {
		if c.World != "" {
			have[c.Code] = true
		}
	}
	for _, code := range []string{"IT", "FR", "XK", "MT", "AD", "LI", "SM", "VA", "MC", "SG", "RU", "FJ", "AQ"} {
		if !have[code] {
			t.Errorf("%s has no outline on the world map", code)
		}
	}
}
