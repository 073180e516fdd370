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

// Country names read as each interface language writes them today, not in the older forms of
// the bundled CLDR data (Swaziland, Macedonia, "RAS di Hong Kong").
func TestCountryNamesInEveryLanguage(t *testing.T) {
	want := map[string]map[string]string{
		"it": {"IT": "Italia", "DE": "Germania", "MK": "Macedonia del Nord", "SZ": "Eswatini", "HK": "Hong Kong", "PS": "Palestina", "CI": "Costa d’Avorio"},
		"es": {"IT": "Italia", "DE": "Alemania", "MK": "Macedonia del Norte", "SZ": "Esuatini", "HK": "Hong Kong", "PS": "Palestina", "CI": "Costa de Marfil"},
		"de": {"IT": "Italien", "DE": "Deutschland", "MK": "Nordmazedonien", "SZ": "Eswatini", "HK": "Hongkong", "MO": "Macau", "PS": "Palästina"},
	}
	for lang, names := range want {
		for code, name := range names {
			if got := CountryName(code, lang); got != name {
				t.Errorf("%s %s = %q, want %q", lang, code, got, name)
			}
		}
		if len(Countries(lang)) != len(codes) {
			t.Errorf("%s: %d countries", lang, len(Countries(lang)))
		}
	}
}
