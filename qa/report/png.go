package report

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/dadanhq/dadan/internal/fontpath"
)

// ErrNoFont means no TrueType font was found for the text of PNG charts.
var ErrNoFont = errors.New("report: no font found")

// Fonts are the TrueType fonts PNG charts draw text with: the first that has a
// character's glyph is used. It is safe for concurrent use.
type Fonts struct {
	fonts []*sfnt.Font
	mu    sync.Mutex
	faces map[[2]int]font.Face // font index, size in 1/64 px
}

// LoadFonts reads the fonts at paths, or, with none, the host's Chinese font
// and its Latin fallback (package internal/fontpath).
func LoadFonts(paths ...string) (*Fonts, error) {
	if len(paths) == 0 {
		if p := fontpath.First(fontpath.CJK); p != "" {
			paths = append(paths, p)
		}
		if p := fontpath.First(fontpath.Latin); p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w (looked in %v and %v)", ErrNoFont, fontpath.CJK, fontpath.Latin)
	}
	fs := &Fonts{faces: map[[2]int]font.Face{}}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("report: font %s: %w", p, err)
		}
		f, err := opentype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("report: font %s: %w", p, err)
		}
		fs.fonts = append(fs.fonts, f)
	}
	return fs, nil
}

func (fs *Fonts) face(i int, size float64) font.Face {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	k := [2]int{i, int(size * 64)}
	if f, ok := fs.faces[k]; ok {
		return f
	}
	f, err := opentype.NewFace(fs.fonts[i], &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	fs.faces[k] = f
	return f
}

// pick returns the index of the first font with a glyph for r, or 0.
func (fs *Fonts) pick(buf *sfnt.Buffer, r rune) int {
	for i, f := range fs.fonts {
		if g, err := f.GlyphIndex(buf, r); err == nil && g != 0 {
			return i
		}
	}
	return 0
}

// pngCanvas draws on an RGBA image.
type pngCanvas struct {
	img   *image.RGBA
	fonts *Fonts
	buf   sfnt.Buffer
	mu    sync.Mutex // font faces are not safe for concurrent use
}

func (p *pngCanvas) rect(x, y, w, h float64, fill color.RGBA, _ string, _ float64) {
	r := image.Rect(int(math.Round(x)), int(math.Round(y)), int(math.Round(x+w)), int(math.Round(y+h)))
	if w > 0 && r.Dx() == 0 {
		r.Max.X++
	}
	if h > 0 && r.Dy() == 0 {
		r.Max.Y++
	}
	draw.Draw(p.img, r, image.NewUniform(fill), image.Point{}, draw.Src)
}

// poly fills a polygon, rasterising only its bounding box.
func (p *pngCanvas) poly(pts [][2]float64, c color.RGBA) {
	x0, y0, x1, y1 := pts[0][0], pts[0][1], pts[0][0], pts[0][1]
	for _, q := range pts {
		x0, y0, x1, y1 = math.Min(x0, q[0]), math.Min(y0, q[1]), math.Max(x1, q[0]), math.Max(y1, q[1])
	}
	b := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(p.img.Bounds())
	if b.Empty() {
		return
	}
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	ox, oy := float32(b.Min.X), float32(b.Min.Y)
	z.MoveTo(float32(pts[0][0])-ox, float32(pts[0][1])-oy)
	for _, q := range pts[1:] {
		z.LineTo(float32(q[0])-ox, float32(q[1])-oy)
	}
	z.ClosePath()
	z.Draw(p.img, b, image.NewUniform(c), image.Point{})
}

func (p *pngCanvas) segment(x1, y1, x2, y2, width float64, c color.RGBA) {
	dx, dy := x2-x1, y2-y1
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*width/2, dx/l*width/2
	p.poly([][2]float64{{x1 + nx, y1 + ny}, {x2 + nx, y2 + ny}, {x2 - nx, y2 - ny}, {x1 - nx, y1 - ny}}, c)
}

func (p *pngCanvas) line(x1, y1, x2, y2, width float64, c color.RGBA, dashed bool) {
	if !dashed {
		p.segment(x1, y1, x2, y2, width, c)
		return
	}
	l := math.Hypot(x2-x1, y2-y1)
	for t := 0.0; t < l; t += 10 {
		e := math.Min(t+6, l)
		p.segment(x1+(x2-x1)*t/l, y1+(y2-y1)*t/l, x1+(x2-x1)*e/l, y1+(y2-y1)*e/l, width, c)
	}
}

func (p *pngCanvas) circle(x, y, r float64, c color.RGBA) {
	pts := make([][2]float64, 16)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / 16
		pts[i] = [2]float64{x + r*math.Cos(a), y + r*math.Sin(a)}
	}
	p.poly(pts, c)
}

func (p *pngCanvas) text(x, y float64, s string, size float64, c color.RGBA, anchor int) {
	if p.fonts == nil || s == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	type glyph struct {
		face font.Face
		r    rune
		adv  fixed.Int26_6
	}
	var gs []glyph
	var w fixed.Int26_6
	for _, r := range s {
		f := p.fonts.face(p.fonts.pick(&p.buf, r), size)
		if f == nil {
			continue
		}
		adv, ok := f.GlyphAdvance(r)
		if !ok {
			adv = fixed.I(int(size / 2))
		}
		gs = append(gs, glyph{f, r, adv})
		w += adv
	}
	dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
	dot.X -= w * fixed.Int26_6(anchor) / 2
	src := image.NewUniform(c)
	for _, g := range gs {
		dr, mask, mp, _, ok := g.face.Glyph(dot, g.r)
		if ok {
			draw.DrawMask(p.img, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += g.adv
	}
}

// PNG writes the chart as a PNG image of [Width] × [Height] pixels. With nil
// fonts the text is left out.
func (ch *Chart) PNG(w io.Writer, fonts *Fonts) error {
	c := &pngCanvas{img: image.NewRGBA(image.Rect(0, 0, Width, Height)), fonts: fonts}
	ch.draw(c)
	return png.Encode(w, c.img)
}
