package raster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/vector"

	"github.com/dadanhq/dadan/label"
)

// Options configure a [Renderer]. The zero value (and nil) means defaults.
type Options struct {
	// Font is the primary font file (TrueType or OpenType, or a .ttc collection);
	// "" picks the first CJK font of internal/fontpath.
	Font string
	// Fallback fonts are used, in order, for glyphs the primary font lacks, each
	// parsed when a character first needs it; nil picks the fallbacks
	// internal/fontpath finds (a Latin font, the rare-ideograph fonts, then the CJK
	// collections such as Noto CJK), an empty non-nil slice none.
	Fallback []string
	// DPI is the resolution of [Renderer.Render]; 0 means 203.
	DPI int
	// Calibration offsets the content of every page [Renderer.Render] draws, so a
	// preview shows what the calibrated printer prints. RenderPage and the
	// rasterizers draw pages as laid out: the renderers that call them apply their
	// own calibration.
	Calibration label.Calibration
}

// Validate reports whether the options are usable.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	if o.DPI < 0 || o.DPI > 2400 {
		return fmt.Errorf("raster: DPI %d out of range", o.DPI)
	}
	if c := o.Calibration; math.IsNaN(c.DX) || math.IsNaN(c.DY) || math.Abs(c.DX) > 100 || math.Abs(c.DY) > 100 {
		return fmt.Errorf("raster: calibration offset %v, %v mm out of range", c.DX, c.DY)
	}
	return nil
}

// Renderer draws laid-out documents as images. It is safe for concurrent use; fonts
// are parsed once and rasterised glyphs cached.
type Renderer struct {
	fonts   *fontSet
	dpi     int
	cal     label.Calibration
	measure *label.Measure
}

var (
	_ label.Renderer       = (*Renderer)(nil)
	_ label.TextRasterizer = (*Renderer)(nil)
	_ label.TextMeasurer   = (*Renderer)(nil)
)

// New loads the fonts and returns a renderer. It fails with [ErrNoFont] when no font
// is named or found, and with a [*FontError] when a font cannot be read.
func New(opts *Options) (*Renderer, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	fs, err := loadFonts(opts.Font, opts.Fallback)
	if err != nil {
		return nil, err
	}
	dpi := opts.DPI
	if dpi == 0 {
		dpi = 203
	}
	return &Renderer{fonts: fs, dpi: dpi, cal: opts.Calibration, measure: label.NewMeasure(fs.advanceEm)}, nil
}

// TextMeasure returns the advances of the renderer's fonts, as [Renderer.Render]
// and [Renderer.RenderPage] draw text: each character at the advance of its glyph
// in the first font that has it. A layout for the renderer wraps and aligns text
// by it (see [label.LayoutOptions.ForRenderer]).
func (r *Renderer) TextMeasure() *label.Measure { return r.measure }

// pageGap is the grey gap between the pages of a multi-page PNG, in mm.
const pageGap = 3

// Render writes doc as one grey-scale PNG at the renderer's DPI. The pages are stacked
// top to bottom, separated by a grey gap; a one-page document is just its page. Use
// [Renderer.RenderPage] for single pages.
func (r *Renderer) Render(ctx context.Context, w io.Writer, doc *label.Document) error {
	if doc == nil || len(doc.Pages) == 0 {
		return errors.New("raster: empty document")
	}
	var img *image.Gray
	if len(doc.Pages) == 1 {
		var err error
		if img, err = r.RenderPage(doc.Pages[0].Shift(r.cal.DX, r.cal.DY), r.dpi); err != nil {
			return label.WithOrder(err, doc.Order)
		}
	} else {
		pages := make([]*image.Gray, len(doc.Pages))
		width, height := 0, 0
		gap := int(math.Round(pageGap * float64(r.dpi) / 25.4))
		for i, p := range doc.Pages {
			if err := ctx.Err(); err != nil {
				return err
			}
			pg, err := r.RenderPage(p.Shift(r.cal.DX, r.cal.DY), r.dpi)
			if err != nil {
				return fmt.Errorf("raster: page %d: %w", i+1, label.WithOrder(err, doc.Order))
			}
			pages[i] = pg
			width = max(width, pg.Rect.Dx())
			height += pg.Rect.Dy()
		}
		height += gap * (len(pages) - 1)
		img = image.NewGray(image.Rect(0, 0, width, height))
		for i := range img.Pix {
			img.Pix[i] = 0x99
		}
		y := 0
		for _, pg := range pages {
			for row := 0; row < pg.Rect.Dy(); row++ {
				copy(img.Pix[(y+row)*img.Stride:], pg.Pix[row*pg.Stride:row*pg.Stride+pg.Rect.Dx()])
			}
			y += pg.Rect.Dy() + gap
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(bw, img); err != nil {
		return err
	}
	return bw.Flush()
}

// RasterizePage renders p at dpi as a 1-bit bitmap (1 = black), thresholding text at
// half coverage, for printers that take a page as graphics.
func (r *Renderer) RasterizePage(p label.Page, dpi int) (*label.Bitmap, error) {
	img, err := r.RenderPage(p, dpi)
	if err != nil {
		return nil, err
	}
	return toBitmap(img, false), nil
}

// RasterizeText renders one text line at dpi as a 1-bit bitmap as it appears on the
// page, rotated by t.Rotation. The bitmap covers the rotated frame's bounding box,
// whose top-left corner is at (X, Y) for rotation 0, (X-Size, Y) for 90,
// (X-Width, Y-Size) for 180 and (X, Y-Width) for 270. A reverse line is white on
// black.
func (r *Renderer) RasterizeText(t label.TextLine, dpi int) (*label.Bitmap, error) {
	if dpi <= 0 || dpi > 2400 {
		return nil, fmt.Errorf("raster: DPI %d out of range", dpi)
	}
	m, err := r.fonts.lineMask(t, float64(dpi)/25.4, nil)
	if err != nil {
		return nil, err
	}
	rot := rotateAlpha(m, t.Rotation)
	b := rot.Bounds()
	bm := &label.Bitmap{Width: b.Dx(), Height: b.Dy(), Stride: (b.Dx() + 7) / 8}
	bm.Bits = make([]byte, bm.Stride*bm.Height)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			black := rot.Pix[y*rot.Stride+x] >= 0x80
			if t.Reverse {
				black = !black
			}
			if black {
				bm.Bits[y*bm.Stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return bm, nil
}

// RenderPage renders p at dpi as a grey-scale image, white paper and black ink. Bars
// and QR modules are snapped to whole dots (at least one) so they scan; text is
// anti-aliased.
func (r *Renderer) RenderPage(p label.Page, dpi int) (*image.Gray, error) {
	if dpi <= 0 || dpi > 2400 {
		return nil, fmt.Errorf("raster: DPI %d out of range", dpi)
	}
	k := float64(dpi) / 25.4
	w, h := int(math.Round(p.Width*k)), int(math.Round(p.Height*k))
	if w <= 0 || h <= 0 || w*h > 1<<28 {
		return nil, fmt.Errorf("raster: page %gx%g mm at %d dpi", p.Width, p.Height, dpi)
	}
	c := canvas{img: image.NewGray(image.Rect(0, 0, w, h)), k: k, dpi: dpi}
	for i := range c.img.Pix {
		c.img.Pix[i] = 0xff
	}
	for _, op := range p.Ops {
		switch op := op.(type) {
		case label.Box:
			c.box(op)
		case label.Line:
			c.line(op)
		case label.Barcode:
			if err := c.barcode(op); err != nil {
				return nil, err
			}
		case label.QR:
			c.qr(op)
		case label.Image:
			c.image(op)
		case label.TextLine:
			m, err := r.fonts.lineMask(op, k, r.measure)
			if err != nil {
				return nil, err
			}
			c.text(op, m)
		}
	}
	return c.img, nil
}

type canvas struct {
	img *image.Gray
	k   float64 // pixels per mm
	dpi int
}

func (c *canvas) px(mm float64) int { return int(math.Round(mm * c.k)) }

// fill paints the pixel rectangle [x0,x1)x[y0,y1) with v.
func (c *canvas) fill(x0, y0, x1, y1 int, v byte) {
	r := image.Rect(x0, y0, x1, y1).Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Pix[y*c.img.Stride+r.Min.X : y*c.img.Stride+r.Max.X]
		for i := range row {
			row[i] = v
		}
	}
}

func (c *canvas) box(b label.Box) {
	x0, y0, x1, y1 := c.px(b.X), c.px(b.Y), c.px(b.X+b.W), c.px(b.Y+b.H)
	if b.Fill {
		c.fill(x0, y0, max(x1, x0+1), max(y1, y0+1), 0)
		return
	}
	t := max(1, c.px(b.Thickness))
	c.fill(x0, y0, x1, y0+t, 0)
	c.fill(x0, y1-t, x1, y1, 0)
	c.fill(x0, y0, x0+t, y1, 0)
	c.fill(x1-t, y0, x1, y1, 0)
}

func (c *canvas) line(l label.Line) {
	t := max(1, c.px(l.Thickness))
	switch {
	case l.Y1 == l.Y2:
		x0, x1 := c.px(math.Min(l.X1, l.X2)), c.px(math.Max(l.X1, l.X2))
		y := c.px(l.Y1 - l.Thickness/2)
		c.fill(x0, y, max(x1, x0+1), y+t, 0)
	case l.X1 == l.X2:
		y0, y1 := c.px(math.Min(l.Y1, l.Y2)), c.px(math.Max(l.Y1, l.Y2))
		x := c.px(l.X1 - l.Thickness/2)
		c.fill(x, y0, x+t, max(y1, y0+1), 0)
	default:
		dx, dy := l.X2-l.X1, l.Y2-l.Y1
		n := math.Hypot(dx, dy)
		nx, ny := -dy/n*l.Thickness/2, dx/n*l.Thickness/2
		b := c.img.Rect
		z := vector.NewRasterizer(b.Dx(), b.Dy())
		pt := func(x, y float64) (float32, float32) { return float32(x * c.k), float32(y * c.k) }
		z.MoveTo(pt(l.X1+nx, l.Y1+ny))
		z.LineTo(pt(l.X2+nx, l.Y2+ny))
		z.LineTo(pt(l.X2-nx, l.Y2-ny))
		z.LineTo(pt(l.X1-nx, l.Y1-ny))
		z.ClosePath()
		mask := image.NewAlpha(b)
		z.Draw(mask, b, image.Opaque, image.Point{})
		for i, a := range mask.Pix {
			if v := 0xff - a; v < c.img.Pix[i] {
				c.img.Pix[i] = v
			}
		}
	}
}

// rotRect maps the frame rectangle [fx0,fx1)x[fy0,fy1) (pixels, origin (ox, oy))
// rotated clockwise by rot to page pixels.
func rotRect(ox, oy int, rot label.Rotation, fx0, fy0, fx1, fy1 int) (int, int, int, int) {
	switch rot {
	case label.Rotate90:
		return ox - fy1, oy + fx0, ox - fy0, oy + fx1
	case label.Rotate180:
		return ox - fx1, oy - fy1, ox - fx0, oy - fy0
	case label.Rotate270:
		return ox + fy0, oy - fx1, ox + fy1, oy - fx0
	}
	return ox + fx0, oy + fy0, ox + fx1, oy + fy1
}

func (c *canvas) barcode(b label.Barcode) error {
	g, err := b.Dots(c.dpi)
	if err != nil {
		return err
	}
	n, m := len(b.Modules), g.Module
	for i := 0; i < n; {
		if !b.Modules[i] {
			i++
			continue
		}
		j := i
		for j < n && b.Modules[j] {
			j++
		}
		x0, y0, x1, y1 := rotRect(g.X, g.Y, b.Rotation, i*m, 0, j*m, g.Height)
		c.fill(x0, y0, x1, y1, 0)
		i = j
	}
	return nil
}

func (c *canvas) qr(q label.QR) {
	n := len(q.Modules)
	m := max(1, c.px(q.Module))
	half := q.Module * float64(n) / 2
	ox := int(math.Round((q.X+half)*c.k)) - m*n/2
	oy := int(math.Round((q.Y+half)*c.k)) - m*n/2
	for y, row := range q.Modules {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			j := x
			for j < len(row) && row[j] {
				j++
			}
			c.fill(ox+x*m, oy+y*m, ox+j*m, oy+(y+1)*m, 0)
			x = j
		}
	}
}

func (c *canvas) image(im label.Image) {
	bm := im.Bitmap
	if bm == nil || bm.Width <= 0 || bm.Height <= 0 || len(bm.Bits) < bm.Stride*bm.Height {
		return
	}
	x0, y0, x1, y1 := c.px(im.X), c.px(im.Y), c.px(im.X+im.W), c.px(im.Y+im.H)
	if x1 <= x0 || y1 <= y0 {
		return
	}
	for y := y0; y < y1; y++ {
		sy := (y - y0) * bm.Height / (y1 - y0)
		for x := x0; x < x1; x++ {
			sx := (x - x0) * bm.Width / (x1 - x0)
			if bm.Bits[sy*bm.Stride+sx/8]&(0x80>>(sx%8)) != 0 && image.Pt(x, y).In(c.img.Rect) {
				c.img.Pix[y*c.img.Stride+x] = 0
			}
		}
	}
}

func (c *canvas) text(t label.TextLine, m *image.Alpha) {
	ox, oy := c.px(t.X), c.px(t.Y)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if t.Reverse {
		x0, y0, x1, y1 := rotRect(ox, oy, t.Rotation, 0, 0, w, h)
		c.fill(x0, y0, x1, y1, 0)
	}
	b := c.img.Rect
	for fy := 0; fy < h; fy++ {
		row := m.Pix[fy*m.Stride : fy*m.Stride+w]
		for fx, a := range row {
			if a == 0 {
				continue
			}
			var x, y int
			switch t.Rotation {
			case label.Rotate90:
				x, y = ox-fy-1, oy+fx
			case label.Rotate180:
				x, y = ox-fx-1, oy-fy-1
			case label.Rotate270:
				x, y = ox+fy, oy-fx-1
			default:
				x, y = ox+fx, oy+fy
			}
			if x < b.Min.X || y < b.Min.Y || x >= b.Max.X || y >= b.Max.Y {
				continue
			}
			p := &c.img.Pix[y*c.img.Stride+x]
			if t.Reverse {
				if a > *p {
					*p = a
				}
			} else if v := 0xff - a; v < *p {
				*p = v
			}
		}
	}
}

// rotateAlpha returns m rotated clockwise by rot.
func rotateAlpha(m *image.Alpha, rot label.Rotation) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if rot == label.Rotate0 {
		return m
	}
	var out *image.Alpha
	if rot == label.Rotate180 {
		out = image.NewAlpha(image.Rect(0, 0, w, h))
	} else {
		out = image.NewAlpha(image.Rect(0, 0, h, w))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := m.Pix[y*m.Stride+x]
			switch rot {
			case label.Rotate90:
				out.Pix[x*out.Stride+(h-1-y)] = a
			case label.Rotate180:
				out.Pix[(h-1-y)*out.Stride+(w-1-x)] = a
			case label.Rotate270:
				out.Pix[(w-1-x)*out.Stride+y] = a
			}
		}
	}
	return out
}

// toBitmap thresholds a grey image at half: dark pixels become 1.
func toBitmap(img *image.Gray, invert bool) *label.Bitmap {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	bm := &label.Bitmap{Width: w, Height: h, Stride: (w + 7) / 8}
	bm.Bits = make([]byte, bm.Stride*h)
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x, v := range row {
			if (v < 0x80) != invert {
				bm.Bits[y*bm.Stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return bm
}
