package pdf

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label"
)

// Options configure a [Renderer]. The zero value finds fonts on the host.
type Options struct {
	// Fonts, when set, are used as given: the first is the primary font, the rest are
	// fallbacks tried in order for characters the primary lacks. FontPath and
	// FallbackPaths are then ignored.
	Fonts []*Font
	// FontPath names the primary TrueType font. Empty means the first of the common
	// system CJK fonts that exists (internal/fontpath.CJK).
	FontPath string
	// FallbackPaths name fonts for characters the primary font lacks. Nil means the
	// fallbacks internal/fontpath finds: a Latin font, then fonts with the rare
	// ideographs of CJK Extension B and beyond.
	FallbackPaths []string
	// Cache parses each font file once. Nil means a cache shared by the process.
	Cache *FontCache
	// Calibration offsets everything on every page by DX, DY mm.
	Calibration label.Calibration
	// DPI is the resolution of the printer the PDF is for; barcodes are snapped to
	// its whole dots (see [label.Barcode.Dots]) so their modules print evenly. 0
	// means 203.
	DPI int
}

// Validate reports whether the options can be used.
func (o *Options) Validate() error {
	if !finite(o.Calibration.DX) || !finite(o.Calibration.DY) ||
		math.Abs(o.Calibration.DX) > maxCoord || math.Abs(o.Calibration.DY) > maxCoord {
		return fmt.Errorf("pdf: calibration offset: %w", ErrGeometry)
	}
	if o.DPI < 0 || o.DPI > 2400 {
		return fmt.Errorf("pdf: DPI %d: %w", o.DPI, ErrGeometry)
	}
	for _, f := range o.Fonts {
		if f == nil {
			return fmt.Errorf("pdf: nil font in Options.Fonts: %w", ErrNoFont)
		}
	}
	return nil
}

var sharedCache = sync.OnceValue(NewFontCache)

// Renderer renders documents as PDF. It is safe for concurrent use.
type Renderer struct {
	fonts []*Font
	cal   label.Calibration
	dpi   int
	pool  sync.Pool // *state
	// measure is the advance of every character in the font that draws it.
	measure *label.Measure
}

var (
	_ label.Renderer     = (*Renderer)(nil)
	_ label.TextMeasurer = (*Renderer)(nil)
)

// New returns a renderer with the fonts of opts loaded (a nil opts means defaults).
// It returns [ErrNoFont] when no font is named or found, and a *[FontError] when a
// font cannot be read.
func New(opts *Options) (*Renderer, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r := &Renderer{cal: o.Calibration, dpi: o.DPI}
	if r.dpi == 0 {
		r.dpi = 203
	}
	if len(o.Fonts) > 0 {
		r.fonts = append(r.fonts, o.Fonts...)
	} else {
		cache := o.Cache
		if cache == nil {
			cache = sharedCache()
		}
		primary := o.FontPath
		if primary == "" {
			primary = fontpath.First(fontpath.CJK)
		}
		if primary == "" {
			return nil, ErrNoFont
		}
		paths := []string{primary}
		if o.FallbackPaths != nil {
			paths = append(paths, o.FallbackPaths...)
		} else {
			paths = append(paths, fontpath.Fallbacks(primary)...)
		}
		for _, p := range paths {
			f, err := cache.Load(p)
			if err != nil {
				return nil, err
			}
			r.fonts = append(r.fonts, f)
		}
	}
	if len(r.fonts) > maxFonts {
		return nil, fmt.Errorf("pdf: more than %d fonts: %w", maxFonts, ErrNoFont)
	}
	r.measure = label.NewMeasure(r.advance)
	return r, nil
}

// TextMeasure returns the advances of the renderer's fonts, as it draws text:
// each character at the advance of its glyph in the first font that has it,
// without shaping. A layout for the renderer wraps and aligns text by it (see
// [label.LayoutOptions.ForRenderer]), so no line needs squeezing.
func (r *Renderer) TextMeasure() *label.Measure { return r.measure }

// advance is the advance in ems of c as text draws it.
func (r *Renderer) advance(c rune) float64 {
	c = printable(c)
	fi, gid := r.glyph(c)
	if gid == 0 {
		if !label.MustGlyph(c) {
			return 0 // left out
		}
		return label.TextEm(string(c)) // no font has it: rendering fails
	}
	f := r.fonts[fi]
	return float64(f.advance(gid)) / float64(f.upem)
}

// printable maps control characters to a space: they print as blanks, never as
// commands or boxes.
func printable(c rune) rune {
	if c < 0x20 || c >= 0x7F && c < 0xA0 {
		return ' '
	}
	return c
}

// glyph returns the font that draws c, the first that has it, and its glyph; gid
// 0 when no font has c.
func (r *Renderer) glyph(c rune) (fi int, gid uint16) {
	for i, f := range r.fonts {
		if g := f.glyphIndex(c); g != 0 {
			return i, g
		}
	}
	return 0, 0
}

// Fonts returns the fonts in use, primary first.
func (r *Renderer) Fonts() []*Font { return append([]*Font(nil), r.fonts...) }

// Render writes doc as one PDF file to w. Nothing is written when doc is invalid.
func (r *Renderer) Render(ctx context.Context, w io.Writer, doc *label.Document) error {
	if doc == nil || len(doc.Pages) == 0 {
		return ErrEmpty
	}
	pw := r.NewWriter(w)
	if err := pw.Add(ctx, doc); err != nil {
		pw.abort()
		return err
	}
	return pw.Close()
}

// Writer streams documents into one PDF file: pages are written to the underlying
// writer as they are added, the fonts when the writer is closed. A Writer is not safe
// for concurrent use.
type Writer struct {
	r   *Renderer
	out io.Writer
	s   *state
	err error
}

// NewWriter returns a writer that puts every added document into one PDF file on w.
func (r *Renderer) NewWriter(w io.Writer) *Writer {
	s, _ := r.pool.Get().(*state)
	if s == nil {
		s = newState()
	}
	s.reset(len(r.fonts))
	return &Writer{r: r, out: w, s: s}
}

// NewWriter is a shortcut for [New] followed by [Renderer.NewWriter].
func NewWriter(w io.Writer, opts *Options) (*Writer, error) {
	r, err := New(opts)
	if err != nil {
		return nil, err
	}
	return r.NewWriter(w), nil
}

// Pages returns the number of pages added so far.
func (w *Writer) Pages() int {
	if w.s == nil {
		return 0
	}
	return len(w.s.pages)
}

// Add validates doc and writes its pages. An invalid document is rejected whole and
// leaves the writer usable; a write error is returned by every later call.
func (w *Writer) Add(ctx context.Context, doc *label.Document) error {
	if w.s == nil {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if doc == nil || len(doc.Pages) == 0 {
		return ErrEmpty
	}
	if err := validate(doc, w.r.cal, w.r.dpi, w.r.fonts); err != nil {
		return err
	}
	s := w.s
	if s.off == 0 {
		s.buf = append(s.buf, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"...)
	}
	for i := range doc.Pages {
		if err := ctx.Err(); err != nil {
			w.err = err
			return err
		}
		if err := w.page(&doc.Pages[i]); err != nil {
			w.err = err
			return err
		}
		if len(s.buf) >= flushSize {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return w.flush()
}

// flushSize is how much output a writer gathers before writing it out.
const flushSize = 64 << 10

func (w *Writer) flush() error {
	s := w.s
	if len(s.buf) == 0 {
		return nil
	}
	n, err := w.out.Write(s.buf)
	s.off += int64(n)
	s.buf = s.buf[:0]
	if err != nil {
		w.err = err
	}
	return err
}

// Close writes the fonts, page tree and cross-reference table and finishes the file.
// It returns [ErrEmpty], writing nothing, when no page was added. Close does not close
// the underlying writer.
func (w *Writer) Close() error {
	if w.s == nil {
		return ErrClosed
	}
	defer w.abort()
	if w.err != nil {
		return w.err
	}
	s := w.s
	if len(s.pages) == 0 {
		return ErrEmpty
	}
	for i := range s.fonts {
		if err := w.writeFont(&s.fonts[i]); err != nil {
			return err
		}
	}
	s.begin(objPages)
	s.buf = append(s.buf, "<< /Type /Pages /Kids ["...)
	for i, p := range s.pages {
		if i > 0 {
			s.buf = append(s.buf, ' ')
		}
		s.buf = appendRef(s.buf, p)
	}
	s.buf = append(s.buf, "] /Count "...)
	s.buf = strconv.AppendInt(s.buf, int64(len(s.pages)), 10)
	s.buf = append(s.buf, " >>\nendobj\n"...)
	s.begin(objCatalog)
	s.buf = append(s.buf, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"...)
	s.begin(objInfo)
	s.buf = append(s.buf, "<< /Producer (dadan label/pdf) >>\nendobj\n"...)

	xref := s.off + int64(len(s.buf))
	s.buf = append(s.buf, "xref\n0 "...)
	s.buf = strconv.AppendInt(s.buf, int64(len(s.xref)), 10)
	s.buf = append(s.buf, "\n0000000000 65535 f \n"...)
	for _, off := range s.xref[1:] {
		s.buf = appendPadded(s.buf, off)
		s.buf = append(s.buf, " 00000 n \n"...)
	}
	s.buf = append(s.buf, "trailer\n<< /Size "...)
	s.buf = strconv.AppendInt(s.buf, int64(len(s.xref)), 10)
	s.buf = append(s.buf, " /Root 1 0 R /Info 3 0 R >>\nstartxref\n"...)
	s.buf = strconv.AppendInt(s.buf, xref, 10)
	s.buf = append(s.buf, "\n%%EOF\n"...)
	return w.flush()
}

// abort releases the writer's buffers; later calls return ErrClosed.
func (w *Writer) abort() {
	if w.s == nil {
		return
	}
	s := w.s
	w.s = nil
	if cap(s.buf) <= maxPooled && cap(s.content) <= maxPooled {
		w.r.pool.Put(s)
	}
}

// maxPooled keeps huge buffers out of the pool.
const maxPooled = 4 << 20

func appendPadded(b []byte, v int64) []byte {
	var d [10]byte
	for i := 9; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:]...)
}

func appendRef(b []byte, obj int) []byte {
	b = strconv.AppendInt(b, int64(obj), 10)
	return append(b, " 0 R"...)
}

// Fixed object numbers.
const (
	objCatalog = 1
	objPages   = 2
	objInfo    = 3
	firstFree  = 4
)

// maxFonts bounds the fonts of one renderer (a page records its fonts in a bit set).
const maxFonts = 64

// fontUse is one font's glyph set within one file: CID i draws runes[i] with glyph
// gids[i]. CIDs are given out in order of first use, so pages can be written before
// the set is complete.
type fontUse struct {
	font  *Font
	obj   int // Type0 font object, 0 while unused
	runes []rune
	gids  []uint16
	cids  map[rune]uint16
}

// state holds a writer's reusable buffers.
type state struct {
	buf       []byte
	content   []byte
	zbuf      []byte
	zlib      fastZlib
	off       int64
	xref      []int64
	pages     []int
	fonts     []fontUse
	images    []int // image objects of the current page
	imageObjs map[[32]byte]int
	runs      []qrRun
	refs      []glyphRef
	img       []byte
	prev      []int
	cur       []int
}

func newState() *state { return &state{} }

func (s *state) reset(nfonts int) {
	s.buf = s.buf[:0]
	s.content = s.content[:0]
	s.off = 0
	s.xref = append(s.xref[:0], 0, 0, 0, 0) // 0 free; catalog, pages, info reserved
	s.pages = s.pages[:0]
	if s.imageObjs == nil {
		s.imageObjs = make(map[[32]byte]int)
	}
	clear(s.imageObjs)
	if cap(s.fonts) < nfonts {
		s.fonts = make([]fontUse, nfonts)
	}
	s.fonts = s.fonts[:nfonts]
	for i := range s.fonts {
		u := &s.fonts[i]
		u.font, u.obj = nil, 0
		u.runes = append(u.runes[:0], 0)
		u.gids = append(u.gids[:0], 0)
		if u.cids == nil {
			u.cids = make(map[rune]uint16)
		} else {
			clear(u.cids)
		}
	}
}

// alloc reserves an object number.
func (s *state) alloc() int {
	s.xref = append(s.xref, 0)
	return len(s.xref) - 1
}

// begin records the offset of obj and writes its header.
func (s *state) begin(obj int) {
	s.xref[obj] = s.off + int64(len(s.buf))
	s.buf = strconv.AppendInt(s.buf, int64(obj), 10)
	s.buf = append(s.buf, " 0 obj\n"...)
}

// stream writes obj as a stream with data, Flate-compressed when that is smaller.
// extra is added to the stream dictionary.
func (s *state) stream(obj int, data []byte, extra string) {
	s.zbuf = s.zlib.compress(s.zbuf[:0], data)
	filter := ""
	if len(s.zbuf) < len(data) {
		data = s.zbuf
		filter = " /Filter /FlateDecode"
	}
	s.rawStream(obj, data, filter+extra)
}

// rawStream writes obj as a stream with data as is; dict holds extra entries.
func (s *state) rawStream(obj int, data []byte, dict string) {
	s.begin(obj)
	s.buf = append(s.buf, "<< /Length "...)
	s.buf = strconv.AppendInt(s.buf, int64(len(data)), 10)
	s.buf = append(s.buf, dict...)
	s.buf = append(s.buf, " >>\nstream\n"...)
	s.buf = append(s.buf, data...)
	s.buf = append(s.buf, "\nendstream\nendobj\n"...)
}

func (w *Writer) writeFont(u *fontUse) error {
	if u.obj == 0 {
		return nil
	}
	s := w.s
	sub, err := u.font.subsetFor(u.runes, u.gids)
	if err != nil {
		return err
	}
	f := u.font
	cid, desc, file, tu := s.alloc(), s.alloc(), s.alloc(), s.alloc()
	name := sub.tag + "+" + f.name

	s.begin(u.obj)
	s.buf = append(s.buf, "<< /Type /Font /Subtype /Type0 /BaseFont /"...)
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, " /Encoding /Identity-H /DescendantFonts ["...)
	s.buf = appendRef(s.buf, cid)
	s.buf = append(s.buf, "] /ToUnicode "...)
	s.buf = appendRef(s.buf, tu)
	s.buf = append(s.buf, " >>\nendobj\n"...)

	s.begin(cid)
	s.buf = append(s.buf, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /"...)
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor "...)
	s.buf = appendRef(s.buf, desc)
	s.buf = append(s.buf, " /CIDToGIDMap /Identity /DW 1000 /W ["...)
	s.buf = append(s.buf, sub.widths...)
	s.buf = append(s.buf, "] >>\nendobj\n"...)

	em := func(v int) int64 { return int64(v * 1000 / f.upem) }
	s.begin(desc)
	s.buf = append(s.buf, "<< /Type /FontDescriptor /FontName /"...)
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, " /Flags 4 /FontBBox ["...)
	for i, v := range f.bbox {
		if i > 0 {
			s.buf = append(s.buf, ' ')
		}
		s.buf = strconv.AppendInt(s.buf, em(v), 10)
	}
	s.buf = append(s.buf, "] /ItalicAngle 0 /Ascent "...)
	s.buf = strconv.AppendInt(s.buf, em(f.ascent), 10)
	s.buf = append(s.buf, " /Descent "...)
	s.buf = strconv.AppendInt(s.buf, em(f.descent), 10)
	s.buf = append(s.buf, " /CapHeight "...)
	s.buf = strconv.AppendInt(s.buf, em(f.ascent), 10)
	s.buf = append(s.buf, " /StemV 80 /FontFile2 "...)
	s.buf = appendRef(s.buf, file)
	s.buf = append(s.buf, " >>\nendobj\n"...)

	s.rawStream(file, sub.fontFile, " /Filter /FlateDecode /Length1 "+strconv.Itoa(sub.fontLen))
	s.rawStream(tu, sub.toUnicode, " /Filter /FlateDecode")
	if len(s.buf) >= flushSize {
		return w.flush()
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
