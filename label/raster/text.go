package raster

import (
	"image"
	"math"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/dadanhq/dadan/label"
)

// lineMask draws text on a coverage mask, in the line's own frame, unrotated,
// each character in the first font that has it, or fails with a
// [*label.GlyphError] for a character that none has and [label.MustGlyph] does
// not excuse. With a Measure m (the renderer's own, as [Renderer.RenderPage] draws)
// every character is drawn at its font's advance, as layout measured it by m;
// the line is squeezed evenly only when it was laid out by another measure and is
// wider than its Width. Without one (the rasterizer of the printer-language
// renderers) every cluster is centred in the cell that the cell measure gave it,
// a glyph wider than its cell squeezed into it, so the line is exactly as wide as
// layout said and matches the printer font's text around it.
func (fs *fontSet) lineMask(t label.TextLine, pxPerMM float64, m *label.Measure) (*image.Alpha, error) {
	size := t.Size * pxPerMM
	natural := m.Text(t.Text) * t.Size // mm
	sx := 1.0
	if m != nil && t.Width > 0 && natural > t.Width*1.001 {
		sx = t.Width / natural
	}
	w := int(math.Ceil(math.Max(t.Width, natural*sx) * pxPerMM))
	bold := 0
	if t.Bold {
		bold = max(1, int(size/18))
		if m != nil {
			w += bold // the last glyph's extra strikes are not cut off
		}
	}
	h := int(math.Ceil(size))
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	img := image.NewAlpha(image.Rect(0, 0, w, h))
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(size * 64)
	if ppem < 64 {
		ppem = 64
	}
	g := glyphDrawer{fs: fs, img: img, buf: &buf, ppem: ppem, size: size, asc: -1, bold: bold}
	if m != nil {
		return img, g.fontLine(t, m, sx)
	}
	return img, g.cellLine(t)
}

// glyphDrawer draws the glyphs of one line.
type glyphDrawer struct {
	fs   *fontSet
	img  *image.Alpha
	buf  *sfnt.Buffer
	ppem fixed.Int26_6
	size float64 // em in pixels
	asc  float64 // ascent as a fraction of the em, from the first font used
	bold int     // extra strikes to the right
}

// glyph finds the font for r: fi < 0 when none has it, with err set when r must
// have one.
func (g *glyphDrawer) glyph(r rune, field string) (fi int, gi sfnt.GlyphIndex, err error) {
	fi, gi = g.fs.lookup(g.buf, r)
	if fi < 0 && label.MustGlyph(r) {
		return fi, gi, &label.GlyphError{Rune: r, Field: field, Font: g.fs.names()}
	}
	if fi >= 0 && g.asc < 0 {
		g.asc = g.fs.ascent(g.buf, fi)
	}
	return fi, gi, nil
}

// draw draws glyph gi of font fi with the pen at x pixels, squeezed by sx.
func (g *glyphDrawer) draw(fi int, gi sfnt.GlyphIndex, x, sx float64) error {
	m, err := g.fs.mask(g.buf, fi, gi, g.ppem, sx)
	if err != nil {
		return err
	}
	baseline := int(math.Round(g.asc * g.size))
	for b := 0; b <= g.bold; b++ {
		blit(g.img, m, int(math.Round(x))+b, baseline)
	}
	return nil
}

// fontLine draws every character at its advance by m, times sx.
func (g *glyphDrawer) fontLine(t label.TextLine, m *label.Measure, sx float64) error {
	pen := 0.0
	for _, r := range t.Text {
		r = printable(r)
		adv := m.Rune(r) * g.size * sx
		if r == ' ' || r == 0x3000 {
			pen += adv
			continue
		}
		fi, gi, err := g.glyph(r, t.Field)
		if err != nil {
			return err
		}
		if fi >= 0 {
			if err := g.draw(fi, gi, pen, sx); err != nil {
				return err
			}
		}
		pen += adv
	}
	return nil
}

// cellLine draws every cluster centred in its cell of the cell measure.
func (g *glyphDrawer) cellLine(t label.TextLine) error {
	pen := 0.0
	s := t.Text
	for len(s) > 0 {
		n, em := label.NextCluster(s)
		cluster := s[:n]
		s = s[n:]
		cell := em * g.size
		r, _ := utf8.DecodeRuneInString(cluster)
		if r < 0x20 || r == 0x7f || r == ' ' || r == 0x3000 {
			pen += cell
			continue
		}
		fi, gi, err := g.glyph(r, t.Field)
		if err != nil {
			return err
		}
		sx, x := 1.0, pen
		if fi >= 0 {
			adv := g.fs.advance(g.buf, fi, gi, g.ppem)
			if adv > cell && adv > 0 {
				sx = cell / adv // squeeze a glyph wider than its cell
			}
			x += (cell - math.Min(adv*sx, cell)) / 2
		}
		// Base character, then the marks of the cluster at the same origin.
		for i, cr := range cluster {
			fj, gj := fi, gi
			if i > 0 {
				if fj, gj, err = g.glyph(cr, t.Field); err != nil {
					return err
				}
			}
			if fj < 0 {
				continue // a modifier no font has, left out
			}
			if g.asc < 0 {
				g.asc = g.fs.ascent(g.buf, fj)
			}
			if err := g.draw(fj, gj, x, sx); err != nil {
				return err
			}
		}
		pen += cell
	}
	return nil
}

// printable maps control characters to a space: they print as blanks.
func printable(r rune) rune {
	if r < 0x20 || r >= 0x7f && r < 0xa0 {
		return ' '
	}
	return r
}

// advanceEm is the advance in ems of r as fontLine draws it: of its glyph in the
// first font that has it, 0 for a modifier no font has.
func (fs *fontSet) advanceEm(r rune) float64 {
	r = printable(r)
	var buf sfnt.Buffer
	fi, g := fs.lookup(&buf, r)
	if fi < 0 {
		if !label.MustGlyph(r) {
			return 0
		}
		return label.TextEm(string(r)) // drawing fails: no font has it
	}
	f := fs.font(fi)
	upem := fixed.Int26_6(f.UnitsPerEm())
	a, err := f.GlyphAdvance(&buf, g, upem<<6, font.HintingNone)
	if err != nil || upem <= 0 {
		return label.TextEm(string(r))
	}
	return float64(a) / 64 / float64(upem)
}

// blit ORs (max) a glyph mask into dst with the pen at (x, baseline).
func blit(dst *image.Alpha, m *glyphMask, x, baseline int) {
	if m.img == nil {
		return
	}
	ox, oy := x+m.dx, baseline+m.dy
	b := dst.Bounds()
	mb := m.img.Bounds()
	for y := 0; y < mb.Dy(); y++ {
		dy := oy + y
		if dy < b.Min.Y || dy >= b.Max.Y {
			continue
		}
		srow := m.img.Pix[y*m.img.Stride : y*m.img.Stride+mb.Dx()]
		drow := dst.Pix[dy*dst.Stride:]
		for xx, a := range srow {
			dx := ox + xx
			if a == 0 || dx < b.Min.X || dx >= b.Max.X {
				continue
			}
			if a > drow[dx] {
				drow[dx] = a
			}
		}
	}
}
