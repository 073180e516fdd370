// Package sharecard draws the 1200×630 picture that social networks show when someone shares a
// page of the registry: the badge artwork (or the registry's logo), a name, a line saying what it
// is, and the registry's identity. It draws only what it is given: the caller decides what is
// public.
package sharecard

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/open-recognition/registry/issuer"
)

// Width and Height are the size Open Graph consumers (Facebook, LinkedIn, X, Mastodon) crop least.
const (
	Width  = 1200
	Height = 630
)

// Card is what one picture says. Kind names the badge artwork ("signatory", "advocate",
// "ambassador"); empty draws the registry's logo instead.
type Card struct {
	Kind string
	// Title is the large line: a person's public name, or the registry's own words.
	Title string
	// Subtitle says what the title holds (a tier, the Declaration).
	Subtitle string
	// Warning is drawn in red under the subtitle: a revoked badge says so.
	Warning string
	// Site names the registry; Host is its address, at the foot.
	Site, Host string
}

// The registry's colours (assets/static/app.css).
var (
	paper = color.RGBA{0xff, 0xff, 0xff, 0xff}
	wash  = color.RGBA{0xe3, 0xf1, 0xf3, 0xff}
	teal  = color.RGBA{0x0b, 0x55, 0x63, 0xff}
	ink   = color.RGBA{0x1d, 0x2a, 0x30, 0xff}
	muted = color.RGBA{0x5b, 0x6b, 0x72, 0xff}
	amber = color.RGBA{0xf6, 0xa4, 0x3a, 0xff}
	rose  = color.RGBA{0xb2, 0x34, 0x4f, 0xff}
)

// Painter holds the parsed fonts: the Go fonts (BSD licence), embedded in the binary, so that
// drawing needs no file or network.
type Painter struct {
	regular, bold *opentype.Font
}

// New parses the fonts once.
func New() (*Painter, error) {
	r, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	return &Painter{regular: r, bold: b}, nil
}

func (p *Painter) face(f *opentype.Font, size float64) (font.Face, error) {
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

// layout of the card: the artwork in a pale panel on the left, the words on the right.
const (
	panel   = 470 // width of the artwork panel
	artSize = 340
	textX   = panel + 60
	textW   = Width - textX - 60
)

// Draw paints the card.
func (p *Painter) Draw(c Card) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, panel, Height), image.NewUniform(wash), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, Height-14, Width, Height), image.NewUniform(teal), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(panel-6, 0, panel, Height-14), image.NewUniform(amber), image.Point{}, draw.Src)

	var art image.Image
	if c.Kind != "" {
		a, err := issuer.ArtPNG(c.Kind, artSize)
		if err != nil {
			return nil, err
		}
		art = a
	} else {
		art = issuer.LogoPNG(artSize)
	}
	at := image.Pt((panel-artSize)/2, (Height-artSize)/2)
	draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(image.Pt(artSize, artSize))}, art, image.Point{}, draw.Over)

	// The registry's identity at the top: its logo, small, and its name.
	logo := issuer.LogoPNG(56)
	xdraw.Draw(img, image.Rect(textX, 52, textX+56, 108), logo, image.Point{}, draw.Over)
	site, err := p.face(p.bold, 30)
	if err != nil {
		return nil, err
	}
	p.text(img, site, teal, textX+72, 91, fit(site, c.Site, textW-72))

	// The title: as large as fits, on up to three lines.
	y := 230
	lines, face, err := p.wrapTitle(c.Title)
	if err != nil {
		return nil, err
	}
	lh := face.Metrics().Height.Ceil()
	for _, line := range lines {
		p.text(img, face, ink, textX, y, line)
		y += lh
	}
	y += 12
	if c.Subtitle != "" {
		sub, err := p.face(p.regular, 34)
		if err != nil {
			return nil, err
		}
		for _, line := range wrap(sub, c.Subtitle, textW, 2) {
			p.text(img, sub, muted, textX, y, line)
			y += sub.Metrics().Height.Ceil()
		}
	}
	if c.Warning != "" {
		warn, err := p.face(p.bold, 36)
		if err != nil {
			return nil, err
		}
		p.text(img, warn, rose, textX, y+10, fit(warn, c.Warning, textW))
	}
	if c.Host != "" {
		host, err := p.face(p.regular, 28)
		if err != nil {
			return nil, err
		}
		p.text(img, host, teal, textX, Height-50, fit(host, c.Host, textW))
	}
	return img, nil
}

// PNG draws the card and encodes it.
func (p *Painter) PNG(c Card) ([]byte, error) {
	img, err := p.Draw(c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// wrapTitle picks the largest size at which the title fits in three lines.
func (p *Painter) wrapTitle(title string) ([]string, font.Face, error) {
	var face font.Face
	var lines []string
	for _, size := range []float64{72, 64, 56, 48, 42} {
		f, err := p.face(p.bold, size)
		if err != nil {
			return nil, nil, err
		}
		face, lines = f, wrap(f, title, textW, 3)
		if len(lines) <= 2 && !strings.HasSuffix(lines[len(lines)-1], "…") {
			break
		}
	}
	return lines, face, nil
}

func (p *Painter) text(img *image.RGBA, face font.Face, col color.Color, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// wrap breaks s into at most max lines of width w at spaces; a word too long for a line is cut,
// and what does not fit ends in an ellipsis.
func wrap(face font.Face, s string, w, max int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := ""
	for i, word := range words {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if font.MeasureString(face, try).Ceil() <= w {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = word
		if len(lines) == max-1 {
			// The last line takes the rest, cut to fit.
			lines = append(lines, fit(face, strings.Join(append([]string{cur}, words[i+1:]...), " "), w))
			return lines
		}
	}
	lines = append(lines, fit(face, cur, w))
	return lines
}

// fit shortens s with an ellipsis until it is no wider than w.
func fit(face font.Face, s string, w int) string {
	if font.MeasureString(face, s).Ceil() <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && font.MeasureString(face, string(r)+"…").Ceil() > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func measure(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }
