package handlers

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// maxDots is how many cities the drawn map marks, the largest first: beyond it dots would be
// too small to see and the page too heavy to send. The table and /map.json list every one.
const maxDots = 1500

// shades is the number of colour steps for countries with signatories (classes s1…s5; s0 has none).
const shades = 5

// shade puts a count on a logarithmic scale: a country with ten signatories stays visible next
// to one with ten thousand.
func shade(n, max int64) int {
	if n <= 0 {
		return 0
	}
	if max <= 1 {
		return shades
	}
	t := math.Log1p(float64(n)) / math.Log1p(float64(max))
	return 1 + min(shades-1, int(t*shades))
}

// shadeFloor is the smallest count with a given shade, for the legend.
func shadeFloor(s int, max int64) int64 {
	if s <= 1 || max <= 1 {
		return 1
	}
	n := int64(math.Ceil(math.Expm1(float64(s-1) / shades * math.Log1p(float64(max)))))
	for n > 1 && shade(n-1, max) >= s {
		n--
	}
	for n < max && shade(n, max) < s {
		n++
	}
	return n
}

// mapCanvas draws one canvas of the map (the world, or the Europe inset).
type mapCanvas struct {
	id      string
	proj    geo.Projection
	path    func(geo.Shape) string
	dotMax  float64 // radius of the largest city
	dotMin  float64
	label   string
	filter  models.MapFilter
	countsL *i18n.Localizer
}

func (h *Handler) mapSVG(cv mapCanvas, m models.MapCounts) template.HTML {
	l := cv.countsL
	s := geo.WorldShapes()
	counts := make(map[string]int64, len(m.Countries))
	for _, c := range m.Countries {
		counts[c.Code] = c.Count
	}
	var b strings.Builder
	b.Grow(256 << 10)
	w, hgt := cv.proj.Width, cv.proj.Height
	if cv.id == "map-world" {
		// The world stops at 58° south: Antarctica, a band along the bottom of an Equal Earth
		// map, has no signatories and would take a tenth of the picture.
		_, hgt = cv.proj.Point(0, -58)
		hgt = math.Ceil(hgt)
	}
	fmt.Fprintf(&b, `<svg class="map-svg" id="%s" viewBox="0 0 %s %s" aria-labelledby="%s-title">`, cv.id, num(w), num(hgt), cv.id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, cv.id, template.HTMLEscapeString(cv.label))
	if cv.id == "map-world" {
		b.WriteString(`<path class="sea" d="` + spherePath(cv.proj) + `"/>`)
	} else {
		fmt.Fprintf(&b, `<rect class="sea" width="%s" height="%s"/>`, num(w), num(hgt))
	}
	b.WriteString(`<g class="land" aria-hidden="true">`)
	for _, sh := range s.Land {
		if d := cv.path(sh); d != "" {
			b.WriteString(`<path d="` + d + `"/>`)
		}
	}
	b.WriteString(`</g><g class="countries">`)
	for _, sh := range s.Countries {
		d := cv.path(sh)
		if d == "" || (sh.Code == "AQ" && cv.id == "map-world") {
			continue
		}
		n := counts[sh.Code]
		if n == 0 {
			fmt.Fprintf(&b, `<path class="s0" d="%s" aria-hidden="true"/>`, d)
			continue
		}
		title := template.HTMLEscapeString(l.T(l.Plural("map.count", n), geo.CountryName(sh.Code, l.Lang), l.Number(n)))
		fmt.Fprintf(&b, `<a href="%s" aria-label="%s"><path class="s%d" d="%s"><title>%s</title></path></a>`,
			template.HTMLEscapeString(signatoriesURL(cv.filter, "country", sh.Code)), title, shade(n, m.MaxCountry), d, title)
	}
	b.WriteString(`</g><g class="dots">`)
	drawn := 0
	for _, p := range m.Places {
		if drawn == maxDots {
			break
		}
		x, y := cv.proj.Point(p.City.Lon, p.City.Lat)
		if !cv.proj.Inside(x, y) || y > hgt {
			continue
		}
		drawn++
		r := cv.dotMin + (cv.dotMax-cv.dotMin)*math.Sqrt(float64(p.Count)/float64(max(1, m.MaxPlace)))
		title := template.HTMLEscapeString(l.T(l.Plural("map.count", p.Count), geo.CityName(p.City, l.Lang)+", "+geo.CountryName(p.City.Country, l.Lang), l.Number(p.Count)))
		fmt.Fprintf(&b, `<a href="%s" aria-label="%s"><circle cx="%s" cy="%s" r="%s"><title>%s</title></circle></a>`,
			template.HTMLEscapeString(signatoriesURL(cv.filter, "place", strconv.FormatInt(p.City.ID, 10))), title, num(x), num(y), num(r), title)
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// signatoriesURL links to the registry under the map's tier and kind filters and one more.
func signatoriesURL(f models.MapFilter, key, value string) string {
	u := "/signatories?" + key + "=" + value
	if f.Tier != "" {
		u += "&tier=" + f.Tier
	}
	if f.Kind != "" {
		u += "&kind=" + f.Kind
	}
	return u
}

// spherePath is the outline of the whole Earth on a canvas: the sea.
func spherePath(p geo.Projection) string {
	var b strings.Builder
	for lat := -90; lat <= 90; lat += 3 {
		x, y := p.Point(-180, float64(lat))
		b.WriteString(pathStep(b.Len() == 0, x, y))
	}
	for lat := 90; lat >= -90; lat -= 3 {
		x, y := p.Point(180, float64(lat))
		b.WriteString(pathStep(false, x, y))
	}
	return b.String() + "Z"
}

func pathStep(first bool, x, y float64) string {
	cmd := "L"
	if first {
		cmd = "M"
	}
	return cmd + num(x) + "," + num(y)
}

// num writes a canvas coordinate with one decimal: a tenth of a pixel.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
