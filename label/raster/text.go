package raster

import (
	"image"
	"math"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/dadanhq/dadan/label"
)

// lineMask draws text on a coverage mask, each character in the first font that has
// it, or fails with a [*label.GlyphError] for a letter or digit that none has: the line's own frame, unrotated, with each
// cluster in the cell layout measured for it (a wide character one em, a narrow one
// half an em) so the line is exactly as wide as layout said.
func (fs *fontSet) lineMask(t label.TextLine, pxPerMM float64) (*image.Alpha, error) {
	size := t.Size * pxPerMM
	w := int(math.Ceil(math.Max(t.Width, label.TextEm(t.Text)*t.Size) * pxPerMM))
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
	bold := 0
	if t.Bold {
		bold = max(1, int(size/18))
	}
	var asc float64 = -1
	pen := 0.0
	s := t.Text
	for len(s) > 0 {
		n, em := label.NextCluster(s)
		cluster := s[:n]
		s = s[n:]
		cell := em * size
		r, _ := utf8.DecodeRuneInString(cluster)
		if r < 0x20 || r == 0x7f || r == ' ' || r == 0x3000 {
			pen += cell
			continue
		}
		fi, g := fs.lookup(&buf, r)
		if fi < 0 {
			if label.MustGlyph(r) {
				return nil, &label.GlyphError{Rune: r, Field: t.Field, Font: fs.names()}
			}
			drawTofu(img, pen, cell, size) // a symbol or emoji no font has
			pen += cell
			continue
		}
		if asc < 0 {
			asc = fs.ascent(&buf, fi)
		}
		adv := fs.advance(&buf, fi, g, ppem)
		sx := 1.0
		if adv > cell && adv > 0 {
			sx = cell / adv // squeeze a glyph wider than its cell
		}
		off := (cell - math.Min(adv*sx, cell)) / 2
		baseline := int(math.Round(asc * size))
		x := pen + off
		// Base character, then the marks of the cluster at the same origin.
		for i, cr := range cluster {
			gi := g
			fj := fi
			if i > 0 {
				if fj, gi = fs.lookup(&buf, cr); fj < 0 {
					continue
				}
			}
			m, err := fs.mask(&buf, fj, gi, ppem, sx)
			if err != nil {
				return nil, err
			}
			blit(img, m, int(math.Round(x)), baseline)
			if bold > 0 {
				for b := 1; b <= bold; b++ {
					blit(img, m, int(math.Round(x))+b, baseline)
				}
			}
		}
		pen += cell
	}
	return img, nil
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

// drawTofu draws an empty box for a character no font has.
func drawTofu(img *image.Alpha, pen, cell, size float64) {
	x0, x1 := int(pen+cell*0.15), int(pen+cell*0.85)
	y0, y1 := int(size*0.15), int(size*0.9)
	b := img.Bounds()
	set := func(x, y int) {
		if image.Pt(x, y).In(b) {
			img.Pix[y*img.Stride+x] = 0xff
		}
	}
	for x := x0; x <= x1; x++ {
		set(x, y0)
		set(x, y1)
	}
	for y := y0; y <= y1; y++ {
		set(x0, y)
		set(x1, y)
	}
}
