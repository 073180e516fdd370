// Package geo knows countries and, later, places: codes, names in the interface languages and
// the geocoding of free-text cities. It has no HTTP or SQL inside.
package geo

import (
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// iso3166 lists the officially assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which the
// registry accepts as the European Commission and many others do.
const iso3166 = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE
GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP
KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF
NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN
SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT
ZA ZM ZW`

var codes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso3166) {
		m[c] = true
	}
	return m
}()

// Names that CLDR's bundled data gives in an older form.
var nameOverrides = map[string]map[string]string{
	"en": {"MK": "North Macedonia", "SZ": "Eswatini", "TR": "Türkiye", "HK": "Hong Kong", "MO": "Macao", "PS": "Palestine", "CZ": "Czechia"},
	"fr": {"MK": "Macédoine du Nord", "SZ": "Eswatini", "HK": "Hong Kong", "MO": "Macao", "PS": "Palestine"},
	"it": {"MK": "Macedonia del Nord", "SZ": "Eswatini", "HK": "Hong Kong", "MO": "Macao", "PS": "Palestina"},
	"es": {"MK": "Macedonia del Norte", "SZ": "Esuatini", "HK": "Hong Kong", "MO": "Macao", "PS": "Palestina", "CI": "Costa de Marfil"},
	"de": {"MK": "Nordmazedonien", "SZ": "Eswatini", "HK": "Hongkong", "MO": "Macau", "PS": "Palästina"},
}

// ValidCountry reports whether code is an accepted country code (upper case).
func ValidCountry(code string) bool { return codes[code] }

// Country is a code with its name in one language.
type Country struct {
	Code string
	Name string
}

// CountryName returns the name of a country in lang ("en", "fr", "it", "es", "de"), or the code if unknown.
func CountryName(code, lang string) string {
	if n, ok := nameOverrides[lang][code]; ok {
		return n
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	tag := language.Make(lang)
	if n := display.Regions(tag).Name(r); n != "" {
		return n
	}
	return code
}

// Countries lists every accepted country, sorted by name in lang with that language's collation.
func Countries(lang string) []Country {
	out := make([]Country, 0, len(codes))
	for c := range codes {
		out = append(out, Country{Code: c, Name: CountryName(c, lang)})
	}
	col := collate.New(language.Make(lang))
	sort.Slice(out, func(i, j int) bool { return col.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}
