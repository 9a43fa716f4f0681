package raster

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/dadanhq/dadan/internal/fontpath"
)

// ErrNoFont means no usable TrueType font was found: none named in [Options], and
// none of the default locations (package internal/fontpath) holds one.
var ErrNoFont = errors.New("raster: no font found")

// FontError is a font file that could not be read or parsed.
type FontError struct {
	Path string
	Err  error
}

func (e *FontError) Error() string { return "raster: font " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FontError) Unwrap() error { return e.Err }

// fontSet is the primary font and its fallbacks, with a cache of rasterised
// glyphs. The primary is parsed by New; a fallback when a character first needs
// it (the rare-ideograph fonts are tens of megabytes, and most labels never need
// them). It is safe for concurrent use.
type fontSet struct {
	fonts []*sfnt.Font // nil until loaded; read them through font
	errs  []error      // why a fallback could not be loaded
	once  []sync.Once
	paths []string

	mu     sync.Mutex
	glyphs map[glyphKey]*glyphMask
}

type glyphKey struct {
	font  int
	glyph sfnt.GlyphIndex
	ppem  fixed.Int26_6
	sx    int32 // horizontal scale, 1/1024
}

// glyphMask is a rasterised glyph: its coverage and offset from the pen position on
// the baseline.
type glyphMask struct {
	img    *image.Alpha
	dx, dy int
}

const maxCachedGlyphs = 8192

func loadFonts(primary string, fallback []string) (*fontSet, error) {
	var paths []string
	if primary == "" {
		primary = fontpath.First(fontpath.CJK)
	}
	if primary != "" {
		paths = append(paths, primary)
	}
	if fallback == nil {
		fallback = append(fontpath.Fallbacks(primary), fontpath.Found(fontpath.Collections)...)
	}
	paths = append(paths, fallback...)
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w (looked in %v and %v)", ErrNoFont, fontpath.CJK, fontpath.Latin)
	}
	fs := &fontSet{glyphs: make(map[glyphKey]*glyphMask), paths: paths,
		fonts: make([]*sfnt.Font, len(paths)), errs: make([]error, len(paths)), once: make([]sync.Once, len(paths))}
	for i, p := range paths {
		if i == 0 {
			if fs.font(0) == nil {
				return nil, &FontError{Path: p, Err: fs.errs[0]}
			}
			continue
		}
		if fi, err := os.Stat(p); err != nil {
			return nil, &FontError{Path: p, Err: err}
		} else if !fi.Mode().IsRegular() {
			return nil, &FontError{Path: p, Err: errors.New("not a regular file")}
		}
	}
	return fs, nil
}

// parseFont parses a font file; of a collection (.ttc, .otc) it takes the face
// whose family name says SC (Simplified Chinese), or the first.
func parseFont(path string, data []byte) (*sfnt.Font, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ttc", ".otc":
	default:
		return sfnt.Parse(data)
	}
	c, err := sfnt.ParseCollection(data)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			continue
		}
		if name, err := f.Name(&buf, sfnt.NameIDFamily); err == nil && strings.Contains(name, " SC") {
			return f, nil
		}
	}
	return c.Font(0)
}

// font returns font i, loading it on first use, or nil when it cannot be read
// (fs.errs[i] says why).
func (fs *fontSet) font(i int) *sfnt.Font {
	fs.once[i].Do(func() {
		data, err := os.ReadFile(fs.paths[i])
		if err != nil {
			fs.errs[i] = err
			return
		}
		f, err := parseFont(fs.paths[i], data)
		if err != nil {
			fs.errs[i] = err
			return
		}
		fs.fonts[i] = f
	})
	return fs.fonts[i]
}

// names lists the font files, for error messages.
func (fs *fontSet) names() string {
	s := ""
	for i, p := range fs.paths {
		if i > 0 {
			s += ", "
		}
		s += filepath.Base(p)
		if fs.errs[i] != nil {
			s += " (unreadable: " + fs.errs[i].Error() + ")"
		}
	}
	return s
}

// lookup finds the first font with a glyph for r.
func (fs *fontSet) lookup(buf *sfnt.Buffer, r rune) (int, sfnt.GlyphIndex) {
	for i := range fs.paths {
		f := fs.font(i)
		if f == nil {
			continue // unreadable: a glyph only it has is missing, and says so
		}
		if g, err := f.GlyphIndex(buf, r); err == nil && g != 0 {
			return i, g
		}
	}
	return -1, 0
}

// advance is the glyph's advance in pixels at ppem.
func (fs *fontSet) advance(buf *sfnt.Buffer, fi int, g sfnt.GlyphIndex, ppem fixed.Int26_6) float64 {
	a, err := fs.font(fi).GlyphAdvance(buf, g, ppem, font.HintingNone)
	if err != nil {
		return float64(ppem) / 64
	}
	return float64(a) / 64
}

// ascent is the font's ascent as a fraction of the em.
func (fs *fontSet) ascent(buf *sfnt.Buffer, fi int) float64 {
	f := fs.font(fi)
	upem := fixed.Int26_6(f.UnitsPerEm())
	m, err := f.Metrics(buf, upem, font.HintingNone)
	if err != nil || m.Ascent+m.Descent <= 0 {
		return 0.88
	}
	return float64(m.Ascent) / float64(m.Ascent+m.Descent)
}

// mask rasterises glyph g of font fi at ppem, scaled horizontally by sx.
func (fs *fontSet) mask(buf *sfnt.Buffer, fi int, g sfnt.GlyphIndex, ppem fixed.Int26_6, sx float64) (*glyphMask, error) {
	key := glyphKey{fi, g, ppem, int32(sx * 1024)}
	fs.mu.Lock()
	m, ok := fs.glyphs[key]
	fs.mu.Unlock()
	if ok {
		return m, nil
	}
	segs, err := fs.font(fi).LoadGlyph(buf, g, ppem, nil)
	if err != nil {
		return nil, err
	}
	b := segs.Bounds()
	x0 := int(float64(b.Min.X)/64*sx) - 1
	x1 := int(float64(b.Max.X)/64*sx) + 2
	y0, y1 := b.Min.Y.Floor()-1, b.Max.Y.Ceil()+1
	m = &glyphMask{dx: x0, dy: y0}
	if x1 > x0 && y1 > y0 && len(segs) > 0 {
		z := vector.NewRasterizer(x1-x0, y1-y0)
		px := func(p fixed.Point26_6) (float32, float32) {
			return float32(float64(p.X)/64*sx) - float32(x0), float32(p.Y)/64 - float32(y0)
		}
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				z.MoveTo(px(s.Args[0]))
			case sfnt.SegmentOpLineTo:
				z.LineTo(px(s.Args[0]))
			case sfnt.SegmentOpQuadTo:
				ax, ay := px(s.Args[0])
				bx, by := px(s.Args[1])
				z.QuadTo(ax, ay, bx, by)
			case sfnt.SegmentOpCubeTo:
				ax, ay := px(s.Args[0])
				bx, by := px(s.Args[1])
				cx, cy := px(s.Args[2])
				z.CubeTo(ax, ay, bx, by, cx, cy)
			}
		}
		z.ClosePath()
		img := image.NewAlpha(image.Rect(0, 0, x1-x0, y1-y0))
		z.Draw(img, img.Bounds(), image.Opaque, image.Point{})
		m.img = img
	}
	fs.mu.Lock()
	if len(fs.glyphs) >= maxCachedGlyphs {
		clear(fs.glyphs)
	}
	fs.glyphs[key] = m
	fs.mu.Unlock()
	return m, nil
}
