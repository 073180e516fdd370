package geo

import "testing"

func TestCountries(t *testing.T) {
	for _, c := range []string{"IT", "FR", "XK", "GB", "US", "ZA"} {
		if !ValidCountry(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"", "it", "ZZ", "UK", "EU", "ITA", "X"} {
		if ValidCountry(c) {
			t.Errorf("%q accepted", c)
		}
	}
	if n := len(Countries("en")); n != 250 {
		t.Fatalf("%d countries, want the 249 ISO codes and XK", n)
	}
	if CountryName("IT", "fr") != "Italie" || CountryName("XK", "en") != "Kosovo" || CountryName("MK", "en") != "North Macedonia" {
		t.Fatal("country names")
	}
	fr := Countries("fr")
	if fr[0].Name != "Afghanistan" || fr[1].Name != "Afrique du Sud" {
		t.Fatalf("French order starts %v", fr[:3])
	}
}
