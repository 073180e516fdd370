package demo

import (
	"testing"

	"github.com/open-recognition/registry/geo"
)

// Every city of the demo is a real one that the registry finds in its gazetteer, so that the demo
// map shows cities rather than country anchors.
func TestDemoCitiesAreOnTheMap(t *testing.T) {
	initCountries()
	for _, c := range countries {
		for _, ct := range c.cities {
			if _, ok := geo.FindCity(c.code, ct.name); !ok {
				t.Errorf("%s %q is not in the gazetteer", c.code, ct.name)
			}
		}
	}
}
