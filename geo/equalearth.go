package geo

import "math"

// Projection is the Equal Earth projection (Šavrič, Patterson and Jenny, 2018) scaled and moved
// onto an SVG canvas the way d3-geo's geoEqualEarth().scale(k).translate([tx, ty]) does, so that
// points projected here land on the country shapes geo/gen projected with d3.
type Projection struct {
	Width     float64    `json:"width"`
	Height    float64    `json:"height"`
	Scale     float64    `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

const (
	eeA1 = 1.340264
	eeA2 = -0.081106
	eeA3 = 0.000893
	eeA4 = 0.003796
)

var eeM = math.Sqrt(3) / 2

// Point projects a longitude and latitude in degrees to canvas x, y.
func (p Projection) Point(lon, lat float64) (x, y float64) {
	lambda, phi := lon*math.Pi/180, lat*math.Pi/180
	l := math.Asin(eeM * math.Sin(phi))
	l2 := l * l
	l6 := l2 * l2 * l2
	rx := lambda * math.Cos(l) / (eeM * (eeA1 + 3*eeA2*l2 + l6*(7*eeA3+9*eeA4*l2)))
	ry := l * (eeA1 + eeA2*l2 + l6*(eeA3+eeA4*l2))
	return p.Translate[0] + p.Scale*rx, p.Translate[1] - p.Scale*ry
}

// Inside reports whether a canvas point falls on the canvas.
func (p Projection) Inside(x, y float64) bool {
	return x >= 0 && y >= 0 && x <= p.Width && y <= p.Height
}
