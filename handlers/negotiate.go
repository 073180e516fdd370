package handlers

import (
	"mime"
	"strconv"
	"strings"
)

// credentialOffers are what /credentials/{id} can answer, in the order that breaks a tie: the
// page first, so that "*/*" (a link checker, curl) reads the page. The JSON types are the
// credential itself: application/vc is VC 2.0's registered media type (for a credential secured
// with an embedded proof, as ours are); application/vc+ld+json is its name in drafts before the
// registration, which wallets still send; JSON-LD and plain JSON for everything else.
var credentialOffers = []string{"text/html", "application/ld+json", "application/vc", "application/vc+ld+json", "application/json"}

// wantsJSON reads Accept (RFC 9110 12.5.1) for /credentials/{id}: every offer takes the quality
// of the most specific range that matches it (type/subtype over type/* over */*), q=0 refuses.
// The highest quality wins; among equals an exact match beats a wildcard, then the range the
// client listed first, then credentialOffers' order. It returns the JSON type to answer with,
// named as the client asked for it, or false for the page (also when nothing is acceptable).
func wantsJSON(accept string) (string, bool) {
	type rng struct {
		typ, sub string
		q        float64
	}
	var ranges []rng
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		ranges = append(ranges, rng{typ, sub, q})
	}
	best, bestQ, bestSpec, bestPos := "", 0.0, -1, 0
	for _, offer := range credentialOffers {
		typ, sub, _ := strings.Cut(offer, "/")
		q, spec, pos := 0.0, -1, 0
		for i, r := range ranges {
			s := -1
			switch {
			case r.typ == typ && r.sub == sub:
				s = 2
			case r.typ == typ && r.sub == "*":
				s = 1
			case r.typ == "*" && r.sub == "*":
				s = 0
			}
			if s > spec {
				q, spec, pos = r.q, s, i
			}
		}
		if spec < 0 || q <= 0 {
			continue
		}
		if q > bestQ || (q == bestQ && (spec > bestSpec || (spec == bestSpec && pos < bestPos))) {
			best, bestQ, bestSpec, bestPos = offer, q, spec, pos
		}
	}
	if best == "" || best == "text/html" {
		return "", false
	}
	return best, true
}
