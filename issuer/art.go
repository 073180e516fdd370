package issuer

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"golang.org/x/image/vector"
)

// The badge artwork is drawn from a few shapes on a 64×64 canvas, once as SVG and once as PNG
// from the same list, so that the two never disagree. Each badge has its own colour and sign,
// and nothing in it is smaller than a few units: it stays legible at 64 px.

type shape interface {
	svg() string
	paint(img *image.RGBA, scale float32)
}

type disc struct {
	cx, cy, r float64
	c         color.RGBA
}

type ring struct {
	cx, cy, r, w float64
	c            color.RGBA
}

type polygon struct {
	pts [][2]float64
	c   color.RGBA
}

type stroke struct {
	pts [][2]float64
	w   float64
	c   color.RGBA
}

func colorHex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// pass rasterizes one path and paints it: separate passes never cancel each other out where
// they overlap.
func pass(img *image.RGBA, c color.RGBA, path func(r *vector.Rasterizer)) {
	b := img.Bounds()
	r := vector.NewRasterizer(b.Dx(), b.Dy())
	path(r)
	r.Draw(img, b, image.NewUniform(c), image.Point{})
}

func (d disc) paint(img *image.RGBA, scale float32) {
	pass(img, d.c, func(r *vector.Rasterizer) { circlePath(r, d.cx, d.cy, d.r, scale, false) })
}

func (d ring) paint(img *image.RGBA, scale float32) {
	pass(img, d.c, func(r *vector.Rasterizer) {
		circlePath(r, d.cx, d.cy, d.r+d.w/2, scale, false)
		circlePath(r, d.cx, d.cy, d.r-d.w/2, scale, true)
	})
}

func (p polygon) paint(img *image.RGBA, scale float32) {
	pass(img, p.c, func(r *vector.Rasterizer) { polyPath(r, p.pts, scale) })
}

// paint draws a stroke as one rectangle per segment and a disc at every point (round caps and
// joins), each in its own pass.
func (s stroke) paint(img *image.RGBA, scale float32) {
	h := s.w / 2
	for i := 0; i+1 < len(s.pts); i++ {
		a, b := s.pts[i], s.pts[i+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		nx, ny := -dy/l*h, dx/l*h
		quad := [][2]float64{{a[0] + nx, a[1] + ny}, {b[0] + nx, b[1] + ny}, {b[0] - nx, b[1] - ny}, {a[0] - nx, a[1] - ny}}
		pass(img, s.c, func(r *vector.Rasterizer) { polyPath(r, quad, scale) })
	}
	for _, p := range s.pts {
		pass(img, s.c, func(r *vector.Rasterizer) { circlePath(r, p[0], p[1], h, scale, false) })
	}
}

func (d disc) svg() string {
	return fmt.Sprintf(`<circle cx="%g" cy="%g" r="%g" fill="%s"/>`, d.cx, d.cy, d.r, colorHex(d.c))
}
func (d ring) svg() string {
	return fmt.Sprintf(`<circle cx="%g" cy="%g" r="%g" fill="none" stroke="%s" stroke-width="%g"/>`, d.cx, d.cy, d.r, colorHex(d.c), d.w)
}
func (p polygon) svg() string {
	var b strings.Builder
	for i, pt := range p.pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%g,%g", round(pt[0]), round(pt[1]))
	}
	return fmt.Sprintf(`<polygon points="%s" fill="%s"/>`, b.String(), colorHex(p.c))
}
func (s stroke) svg() string {
	var b strings.Builder
	for i, pt := range s.pts {
		if i == 0 {
			fmt.Fprintf(&b, "M%g %g", pt[0], pt[1])
		} else {
			fmt.Fprintf(&b, "L%g %g", pt[0], pt[1])
		}
	}
	return fmt.Sprintf(`<path d="%s" fill="none" stroke="%s" stroke-width="%g" stroke-linecap="round" stroke-linejoin="round"/>`, b.String(), colorHex(s.c), s.w)
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

// circlePath adds a circle to the rasterizer; reverse winds it the other way (a hole).
func circlePath(r *vector.Rasterizer, cx, cy, rad float64, scale float32, reverse bool) {
	const n = 96
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i) / n
		if reverse {
			a = -a
		}
		x, y := float32(cx+rad*math.Cos(a))*scale, float32(cy+rad*math.Sin(a))*scale
		if i == 0 {
			r.MoveTo(x, y)
		} else {
			r.LineTo(x, y)
		}
	}
	r.ClosePath()
}

func polyPath(r *vector.Rasterizer, pts [][2]float64, scale float32) {
	for i, pt := range pts {
		if i == 0 {
			r.MoveTo(float32(pt[0])*scale, float32(pt[1])*scale)
		} else {
			r.LineTo(float32(pt[0])*scale, float32(pt[1])*scale)
		}
	}
	r.ClosePath()
}

var (
	teal  = color.RGBA{0x0b, 0x55, 0x63, 0xff}
	amber = color.RGBA{0xf6, 0xa4, 0x3a, 0xff}
	ink   = color.RGBA{0x1d, 0x2a, 0x30, 0xff}
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// star is a regular star of n points around (32, 32).
func star(n int, outer, inner, turn float64) [][2]float64 {
	var pts [][2]float64
	for i := 0; i < 2*n; i++ {
		r := outer
		if i%2 == 1 {
			r = inner
		}
		a := turn + math.Pi*float64(i)/float64(n) - math.Pi/2
		pts = append(pts, [2]float64{32 + r*math.Cos(a), 32 + r*math.Sin(a)})
	}
	return pts
}

// artwork are the shapes of each badge: the Signatory's check (the registry's mark), the
// Advocate's star, the Ambassador's compass.
var artwork = map[string][]shape{
	"signatory": {disc{32, 32, 30, teal}, ring{32, 32, 21, 5, amber}, stroke{[][2]float64{{22, 33}, {29, 40}, {43, 25}}, 5, white}},
	"advocate":  {disc{32, 32, 30, amber}, ring{32, 32, 21, 4, teal}, polygon{star(5, 14, 6, 0), white}},
	"ambassador": {disc{32, 32, 30, ink}, ring{32, 32, 23, 3, amber}, polygon{star(4, 17, 4.5, 0), white},
		polygon{star(4, 10, 3, math.Pi/4), amber}, disc{32, 32, 3, ink}},
}

// logo is the registry's mark, the issuer's image: three members joined by recognition, on the
// colours of the badges.
var logo = []shape{disc{32, 32, 30, teal}, ring{32, 32, 23, 3, amber},
	stroke{[][2]float64{{32, 19}, {21, 39}, {43, 39}, {32, 19}}, 3.5, white},
	disc{32, 19, 6, amber}, disc{21, 39, 6, amber}, disc{43, 39, 6, amber}}

// Baking namespaces of the openbadges SVG element: Open Badges 3.0 and 2.0.
const (
	svgNamespaceOB3 = "https://purl.imsglobal.org/ob/v3p0"
	svgNamespaceOB2 = "http://openbadges.org"
)

// ArtSVG is a badge's artwork as SVG; inner (a baked credential) goes inside the root element.
func ArtSVG(kind, title, inner string) ([]byte, error) {
	return artSVG(kind, title, svgNamespaceOB3, inner)
}

// artSVG draws a badge as SVG with inner, an element of the openbadges namespace ns.
func artSVG(kind, title, ns, inner string) ([]byte, error) {
	shapes, ok := artwork[kind]
	if !ok {
		return nil, fmt.Errorf("no artwork for %q", kind)
	}
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg"`)
	if inner != "" {
		b.WriteString(` xmlns:openbadges="` + ns + `"`)
	}
	b.WriteString(` viewBox="0 0 64 64" width="256" height="256" role="img" aria-label="`)
	b.WriteString(escapeXML(title))
	b.WriteString(`">`)
	b.WriteString(inner)
	b.WriteString(`<title>` + escapeXML(title) + `</title>`)
	for _, s := range shapes {
		b.WriteString(s.svg())
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// ArtPNG draws a badge's artwork as a size×size PNG image.
func ArtPNG(kind string, size int) (image.Image, error) {
	shapes, ok := artwork[kind]
	if !ok {
		return nil, fmt.Errorf("no artwork for %q", kind)
	}
	return draw(shapes, size), nil
}

// LogoPNG draws the registry's logo as a size×size PNG image.
func LogoPNG(size int) image.Image { return draw(logo, size) }

func draw(shapes []shape, size int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scale := float32(size) / 64
	for _, s := range shapes {
		s.paint(img, scale)
	}
	return img
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
