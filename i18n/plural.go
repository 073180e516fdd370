package i18n

import (
	"fmt"
	"sort"
	"strings"
)

// PluralForm is the CLDR cardinal plural category of the whole number n in lang: "one", "many"
// or "other" (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html).
// For whole numbers the rules of the interface languages are:
//
//	en, de  one: 1
//	fr      one: 0 and 1; many: a non-zero multiple of 1,000,000 ("1 000 000 de signataires")
//	it, es  one: 1; many: a non-zero multiple of 1,000,000 ("1.000.000 di firmatari")
func PluralForm(lang string, n int64) string {
	if n < 0 {
		n = -n
	}
	switch {
	case n == 1, n == 0 && lang == "fr":
		return "one"
	case hasMany(lang) && n != 0 && n%1_000_000 == 0:
		return "many"
	}
	return "other"
}

// hasMany tells whether lang's rule has the "many" category for whole numbers.
func hasMany(lang string) bool { return lang == "fr" || lang == "it" || lang == "es" }

// check makes every catalog hold the same keys, whichever language gained one first, and every
// plural form its language uses: a message "x" is plural when the catalogs have "x.one" and
// "x.other", and then French, Italian and Spanish also need "x.many", which English and German
// must not have.
func (c *Catalog) check() error {
	owner := map[string]string{} // every key outside the "many" forms → a language that has it
	for _, lang := range Languages {
		for k := range c.messages[lang] {
			if !strings.HasSuffix(k, ".many") {
				if _, ok := owner[k]; !ok {
					owner[k] = lang
				}
			}
		}
	}
	var plurals []string
	for k := range owner {
		if base, ok := strings.CutSuffix(k, ".one"); ok {
			if _, other := owner[base+".other"]; other {
				plurals = append(plurals, base)
			}
		}
	}
	sort.Strings(plurals)
	var problems []string
	for _, lang := range Languages {
		m := c.messages[lang]
		var missing []string
		for k, from := range owner {
			if _, ok := m[k]; !ok {
				missing = append(missing, fmt.Sprintf("%q (which %s has)", k, from))
			}
		}
		for _, p := range plurals {
			_, ok := m[p+".many"]
			switch {
			case hasMany(lang) && !ok:
				missing = append(missing, fmt.Sprintf("%q (the plural form of %s's rule for millions)", p+".many", lang))
			case !hasMany(lang) && ok:
				problems = append(problems, fmt.Sprintf("%s has %q, a plural form its rule does not use", lang, p+".many"))
			}
		}
		for k := range m {
			if base, ok := strings.CutSuffix(k, ".many"); ok && !contains(plurals, base) {
				problems = append(problems, fmt.Sprintf("%s has %q, which is not the plural form of any message", lang, k))
			}
		}
		sort.Strings(missing)
		for _, k := range missing {
			problems = append(problems, fmt.Sprintf("%s lacks %s", lang, k))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("i18n: %s", strings.Join(problems, "; "))
	}
	return nil
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}
