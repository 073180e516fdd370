package geo

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// countries.json is Natural Earth's 1:50m countries (public domain, from the npm package
// world-atlas), projected by geo/gen onto two canvases: the world, and an inset of Europe. Each
// country carries its anchor point: the centroid of its largest polygon, so that France's lands
// in France rather than in the Atlantic between its overseas regions.
//
//go:embed data/countries.json
var countriesJSON []byte

// Shapes is the map's base: the two canvases and every country's outline on each.
type Shapes struct {
	Attribution string     `json:"attribution"`
	World       Projection `json:"world"`
	Europe      Projection `json:"europe"`
	Countries   []Shape    `json:"countries"`
	// Land is drawn but names no country in ISO 3166 (Northern Cyprus, Somaliland…).
	Land []Shape `json:"land"`
	// Check holds points d3 projected, to test Projection against.
	Check []struct {
		Lon    float64    `json:"lon"`
		Lat    float64    `json:"lat"`
		World  [2]float64 `json:"world"`
		Europe [2]float64 `json:"europe"`
	} `json:"check"`
}

// Shape is one country (or piece of land): SVG path data on each canvas, empty when it is not
// on that canvas or has no outline at this scale.
type Shape struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
	World  string  `json:"world"`
	Europe string  `json:"europe"`
}

var shapes = sync.OnceValue(func() *Shapes {
	var s Shapes
	if err := json.Unmarshal(countriesJSON, &s); err != nil {
		panic("geo: embedded country shapes: " + err.Error()) // the tests load it
	}
	return &s
})

// WorldShapes returns the map's base, loaded once.
func WorldShapes() *Shapes { return shapes() }

// anchors are the countries' anchor points by code.
var anchors = sync.OnceValue(func() map[string]Shape {
	m := map[string]Shape{}
	for _, c := range shapes().Countries {
		m[c.Code] = c
	}
	return m
})

// countryAnchor returns the point a country's signatories are shown at when their city is not.
func countryAnchor(code string) (Shape, bool) {
	s, ok := anchors()[code]
	return s, ok && (s.Lat != 0 || s.Lon != 0)
}

// CountryAnchor returns a country's anchor point.
func CountryAnchor(code string) (lat, lon float64, ok bool) {
	s, ok := countryAnchor(code)
	return s.Lat, s.Lon, ok
}

// Preload parses the embedded gazetteer and shapes now (about half a second), so that a server
// does it at start in the background rather than in the first signature or map view.
func Preload() {
	places()
	shapes()
}
