package escpos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/label"
)

// Renderer writes documents as ESC/POS. It is safe for concurrent use.
type Renderer struct {
	opts  Options
	paper int
	pool  sync.Pool // *scratch
}

var _ label.Renderer = (*Renderer)(nil)

// scratch holds the buffers one call reuses.
type scratch struct {
	out     []byte
	clean   []byte
	gbCache *[0x10000]uint16 // BMP rune -> two-byte GB18030 code, 0 unknown, wideCode
	spare   [8]byte
	enc     []byte
	spans   []span
	items   []item
	band    []byte
	gb      *encoding.Encoder
}

type span struct {
	start, end int
	wide       bool // holds a 4-byte GB18030 sequence
}

type itemKind uint8

const (
	kindText itemKind = iota
	kindBarcode
	kindQR
	kindRule
	kindBlock
	kindImage
)

// item is one printable thing of a page, in dots, in print order.
type item struct {
	top, x int
	index  int // op index
	w, h   int // rules and blocks
	// Text lines.
	text      string
	size      int // GS ! multiplier
	kind      itemKind
	bold, rev bool
}

// New returns a renderer for opts (nil means defaults), or the error from
// [Options.Validate].
func New(opts *Options) (*Renderer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := &Renderer{paper: Paper80}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.PaperWidth != 0 {
		r.paper = r.opts.PaperWidth
	}
	return r, nil
}

func (r *Renderer) scratch() *scratch {
	s, _ := r.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{gb: simplifiedchinese.GB18030.NewEncoder()}
	}
	return s
}

func (r *Renderer) release(s *scratch) {
	if cap(s.out) > 1<<20 {
		s.out = nil
	}
	if cap(s.band) > 1<<20 {
		s.band = nil
	}
	r.pool.Put(s)
}

// Render writes doc to w: each page starts with ESC @ and ends with the configured
// cut.
func (r *Renderer) Render(ctx context.Context, w io.Writer, doc *label.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := r.scratch()
	defer r.release(s)
	var err error
	s.out, err = r.appendDocument(s, s.out[:0], doc)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = w.Write(s.out)
	return err
}

// AppendDocument appends the ESC/POS bytes for doc to dst and returns the extended
// buffer. A nil doc appends nothing.
func (r *Renderer) AppendDocument(dst []byte, doc *label.Document) ([]byte, error) {
	s := r.scratch()
	defer r.release(s)
	return r.appendDocument(s, dst, doc)
}

func (r *Renderer) appendDocument(s *scratch, dst []byte, doc *label.Document) ([]byte, error) {
	if doc == nil {
		return dst, nil
	}
	for i := range doc.Pages {
		var err error
		p := &doc.Pages[i]
		roll := rollWidth(r.paper)
		switch wide := p.Width > roll+0.05; {
		case wide && !r.opts.Scale:
			err = &PaperWidthError{Page: i, PageWidth: p.Width, PaperWidth: roll, Printable: math.Round(float64(r.paper) * 25.4 / DPI)}
		case wide && r.opts.PageRasterizer == nil:
			err = &OpError{Page: i, Index: -1, Op: "page", Err: ErrNoPageRasterizer}
		case wide:
			// Drawn at the resolution that makes the page as wide as the printable width.
			dst, err = r.appendRasterPage(s, dst, p, i, max(1, int(float64(r.paper)*25.4/p.Width)))
		case r.opts.Mode == ModeRaster:
			dst, err = r.appendRasterPage(s, dst, p, i, DPI)
		default:
			dst, err = r.appendTextPage(s, dst, &doc.Pages[i], i)
		}
		if err != nil {
			var ue *UnprintableError
			if errors.As(err, &ue) && ue.Order == "" {
				ue.Order = doc.Order
			}
			return dst, label.WithOrder(err, doc.Order)
		}
	}
	return dst, nil
}

// dots converts millimetres to printer dots.
func dots(mm float64) int {
	v := mm * (DPI / 25.4)
	switch {
	case v >= 0 && v < 1e6:
		return int(v + 0.5)
	case v < 0 && v > -1e6:
		return -int(-v + 0.5)
	}
	return 0 // NaN or absurd
}

// shift returns the horizontal offset in dots that centres a page on the paper and
// applies the calibration.
func (r *Renderer) shift(p *label.Page) int {
	sh := dots(r.opts.Calibration.DX)
	if pw := dots(p.Width); pw > r.paper {
		sh -= (pw - r.paper) / 2
	}
	return sh
}

func (r *Renderer) appendStart(dst []byte) []byte {
	dst = append(dst, 0x1B, '@') // ESC @ initialise
	dst = append(dst, 0x1C, '&') // FS & Chinese mode
	if dy := dots(r.opts.Calibration.DY); dy > 0 {
		dst = appendFeed(dst, dy)
	}
	return dst
}

func (r *Renderer) appendEnd(dst []byte) []byte {
	switch r.opts.Cut {
	case CutFull:
		dst = append(dst, 0x1D, 'V', 65, 0)
	case CutPartial:
		dst = append(dst, 0x1D, 'V', 66, 0)
	}
	return dst
}

// appendFeed appends ESC J feeds for n dots.
func appendFeed(dst []byte, n int) []byte {
	for n > 0 {
		k := min(n, 255)
		dst = append(dst, 0x1B, 'J', byte(k))
		n -= k
	}
	return dst
}

func opName(op label.Op) string { return fmt.Sprintf("%T", op) }

func (r *Renderer) appendTextPage(s *scratch, dst []byte, p *label.Page, page int) ([]byte, error) {
	sh := r.shift(p)
	s.items = s.items[:0]
	blocks := false // any filled box
	for i, op := range p.Ops {
		switch o := label.Value(op).(type) {
		case label.TextLine:
			s.items = append(s.items, item{top: dots(o.Y), x: dots(o.X) + sh, kind: kindText, index: i,
				text: o.Text, size: scaleFor(o.Size), bold: o.Bold, rev: o.Reverse})
		case label.Barcode:
			g, err := o.Dots(DPI)
			if err != nil {
				return dst, &OpError{Page: page, Index: i, Op: opName(op), Err: err}
			}
			s.items = append(s.items, item{top: g.Y, x: g.X + sh, kind: kindBarcode, index: i, w: g.Module, h: g.Height})
		case label.QR:
			s.items = append(s.items, item{top: dots(o.Y), x: dots(o.X) + sh, kind: kindQR, index: i})
		case label.Line:
			y1, y2 := dots(o.Y1), dots(o.Y2)
			if y1 != y2 {
				continue // vertical and diagonal lines need ModeRaster
			}
			x1, x2 := dots(o.X1), dots(o.X2)
			if x2 < x1 {
				x1, x2 = x2, x1
			}
			t := max(dots(o.Thickness), 1)
			s.items = append(s.items, item{top: y1 - t/2, x: x1 + sh, kind: kindRule, index: i, w: x2 - x1, h: t})
		case label.Box:
			x, y, w, h := dots(o.X)+sh, dots(o.Y), dots(o.W), dots(o.H)
			if o.Fill {
				s.items = append(s.items, item{top: y, x: x, kind: kindBlock, index: i, w: w, h: h})
				blocks = true
				continue
			}
			t := max(dots(o.Thickness), 1)
			s.items = append(s.items,
				item{top: y, x: x, kind: kindRule, index: i, w: w, h: t},
				item{top: y + h - t, x: x, kind: kindRule, index: i, w: w, h: t})
		case label.Image:
			s.items = append(s.items, item{top: dots(o.Y), x: dots(o.X) + sh, kind: kindImage, index: i})
		default:
			return dst, &OpError{Page: page, Index: i, Op: opName(op), Err: ErrUnsupportedOp}
		}
	}
	// A filled box behind text is its background: the text prints reversed instead.
	for i := 0; blocks && i < len(s.items); i++ {
		b := &s.items[i]
		if b.kind != kindBlock {
			continue
		}
		for _, t := range s.items {
			if t.kind == kindText && t.top >= b.top && t.top < b.top+b.h {
				b.kind = kindRule
				b.h = 0 // drawn as nothing
				break
			}
		}
	}
	if !inPrintOrder(s.items) { // layout mostly emits in order
		slices.SortStableFunc(s.items, printOrder)
	}

	dst = r.appendStart(dst)
	cur := 0
	for i := 0; i < len(s.items); {
		it := s.items[i]
		if it.top > cur {
			dst = appendFeed(dst, it.top-cur)
			cur = it.top
		}
		var (
			h   int
			err error
		)
		j := i + 1
		switch it.kind {
		case kindText:
			j = s.gatherRow(i)
			dst, h, err = r.appendTextRow(s, dst, p, s.items[i:j], page)
		case kindBarcode:
			b := label.Value(p.Ops[it.index]).(label.Barcode)
			dst, h, err = appendBarcode(s, dst, &b, it.x, it.w, it.h)
		case kindQR:
			q := label.Value(p.Ops[it.index]).(label.QR)
			dst, h, err = appendQR(s, dst, &q, it.x)
		case kindRule, kindBlock:
			if it.h > 0 && it.w > 0 {
				dst = r.appendBlock(dst, it.x, it.w, it.h)
				h = it.h
			}
		case kindImage:
			im := label.Value(p.Ops[it.index]).(label.Image)
			dst, h, err = r.appendImage(s, dst, &im, it.x)
		}
		if err != nil {
			return dst, &OpError{Page: page, Index: it.index, Op: opName(p.Ops[it.index]), Err: err}
		}
		cur += h
		i = j
	}
	if bottom := dots(p.Height); bottom > cur {
		dst = appendFeed(dst, bottom-cur)
	}
	return r.appendEnd(dst), nil
}

// printOrder orders items top to bottom, text before other things at the same
// height, then left to right.
func printOrder(a, b item) int {
	if a.top != b.top {
		return a.top - b.top
	}
	if a.kind != b.kind {
		return int(a.kind) - int(b.kind)
	}
	return a.x - b.x
}

// inPrintOrder reports whether items are sorted by printOrder, like
// slices.IsSortedFunc but with the comparison inlined.
func inPrintOrder(items []item) bool {
	for k := 1; k < len(items); k++ {
		if printOrder(items[k], items[k-1]) < 0 {
			return false
		}
	}
	return true
}

// inXOrder reports whether items are sorted by byX.
func inXOrder(items []item) bool {
	for k := 1; k < len(items); k++ {
		if items[k].x < items[k-1].x {
			return false
		}
	}
	return true
}

// rowTolerance is how far apart in dots the tops of text lines may be and still
// print in one row (layout may place lines of different sizes a little apart).
const rowTolerance = 8

func byX(a, b item) int { return a.x - b.x }

// gatherRow moves the text items whose top is within rowTolerance of item i's to
// the front of that window, ordered by x, and returns the end of the row.
func (s *scratch) gatherRow(i int) int {
	top := s.items[i].top
	end := i + 1
	for end < len(s.items) && s.items[end].top-top <= rowTolerance {
		end++
	}
	// Stable partition: text first, then the rest, each in their order.
	n := i
	for n < end && s.items[n].kind == kindText { // usually the whole window
		n++
	}
	for k := n; k < end; k++ {
		if s.items[k].kind == kindText {
			it := s.items[k]
			copy(s.items[n+1:k+1], s.items[n:k])
			s.items[n] = it
			n++
		}
	}
	row := s.items[i:n]
	if !inXOrder(row) {
		slices.SortStableFunc(row, byX)
	}
	return n
}

// encode appends the GB18030 bytes of the cleaned text to s.enc and returns their
// span. Two-byte codes of BMP characters are cached per scratch, so x/text is only
// asked once per character.
func (s *scratch) encode(text string) span {
	sp := span{start: len(s.enc)}
	if s.encodePlain(text) {
		sp.end = len(s.enc)
		return sp
	}
	s.enc = s.enc[:sp.start]
	s.clean = appendClean(s.clean[:0], text)
	src := s.clean
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			s.enc = append(s.enc, c)
			i++
			continue
		}
		var r rune
		var n int
		if c >= 0xE0 && c <= 0xEF && i+2 < len(src) { // three bytes, valid after appendClean
			r, n = rune(c&0x0F)<<12|rune(src[i+1]&0x3F)<<6|rune(src[i+2]&0x3F), 3
		} else {
			r, n = utf8.DecodeRune(src[i:])
		}
		i += n
		if r == '\u00a5' {
			r = '\uffe5' // GBK has no U+00A5; printers print the fullwidth sign the same way
		}
		if code := s.gbCode(r); code != wideCode {
			s.enc = append(s.enc, byte(code>>8), byte(code))
			continue
		}
		// Outside the printer font: the row prints as an image, or with
		// ReplaceUnprintable this placeholder prints.
		sp.wide = true
		s.enc = append(s.enc, '?')
	}
	sp.end = len(s.enc)
	return sp
}

// encodePlain appends the GB18030 bytes of text and reports true if text holds only
// bytes appendClean keeps as they are and characters with two-byte codes: printable
// ASCII and three-byte UTF-8 sequences with lead E1-EC or EE-EF (most CJK text).
// Otherwise it reports false, and the caller takes the general path through
// appendClean.
func (s *scratch) encodePlain(text string) bool {
	if s.gbCache == nil {
		s.gbCache = new([0x10000]uint16)
	}
	cache := s.gbCache
	// The output is never longer than text: one byte per ASCII byte, two per
	// three-byte sequence.
	n := len(s.enc)
	s.enc = slices.Grow(s.enc, len(text))
	out := s.enc[n : n+len(text)]
	j := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return false
			}
			out[j] = c
			j++
			i++
			continue
		}
		if c-0xE1 > 0xEF-0xE1 || c == 0xED || i+2 >= len(text) || (text[i+1]^0x80)|(text[i+2]^0x80) >= 0x40 {
			return false
		}
		r := uint16(c&0x0F)<<12 | uint16(text[i+1]&0x3F)<<6 | uint16(text[i+2]&0x3F)
		code := cache[r]
		if code == 0 {
			code = s.gbCode(rune(r))
		}
		if code == wideCode {
			return false
		}
		out[j], out[j+1] = byte(code>>8), byte(code)
		j += 2
		i += 3
	}
	s.enc = s.enc[:n+j]
	return true
}

// wideCode marks characters outside GB 2312, which the printer font is not sure to
// have (no two-byte code has a trail byte 0xFF).
const wideCode = 0xFFFF

// gbCode returns the two-byte GB 2312 code of r (its GB18030 code), or wideCode
// for a character outside GB 2312 (see [label.InGB2312]).
func (s *scratch) gbCode(r rune) uint16 {
	if r > 0xFFFF {
		return wideCode
	}
	if s.gbCache == nil {
		s.gbCache = new([0x10000]uint16)
	}
	if code := s.gbCache[r]; code != 0 {
		return code
	}
	var buf [utf8.UTFMax]byte
	s.gb.Reset()
	code := uint16(wideCode)
	if k, _, err := s.gb.Transform(s.spare[:], buf[:utf8.EncodeRune(buf[:], r)], true); err == nil && k == 2 && label.InGB2312(r) {
		code = uint16(s.spare[0])<<8 | uint16(s.spare[1])
	}
	s.gbCache[r] = code
	return code
}

// firstWide returns the first printable character of s outside GB 2312.
func firstWide(s string) rune {
	for _, r := range s {
		if r < 0xa0 || r == '\u00a5' { // controls are dropped; ¥ prints as ￥
			continue
		}
		if !label.InGB2312(r) {
			return r
		}
	}
	return utf8.RuneError
}

// replaceWide replaces each 4-byte sequence in b with '?'.
func replaceWide(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); {
		switch {
		case b[i] < 0x80:
			out = append(out, b[i])
			i++
		case i+3 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
			out = append(out, '?')
			i += 4
		default:
			out = append(out, b[i:min(i+2, len(b))]...)
			i += 2
		}
	}
	return out
}

// fit returns the longest prefix of the GB18030 text b that fits in room dots, with
// narrow (single-byte) characters half wide and others a full cell.
func fit(b []byte, room, narrow int) []byte {
	if len(b)*narrow*2 <= room { // even all wide it fits
		return b
	}
	w := 0
	for i := 0; i < len(b); {
		n, cw := 1, narrow
		if b[i] >= 0x80 {
			n, cw = 2, 2*narrow
		}
		if w+cw > room {
			return b[:i]
		}
		w += cw
		i += n
	}
	return b
}

// scaleFor returns the GS ! multiplier for a text size in millimetres, with font A's
// 24-dot cell as 1.
func scaleFor(size float64) int { return min(max((dots(size)+12)/24, 1), 8) }

func (r *Renderer) appendTextRow(s *scratch, dst []byte, p *label.Page, row []item, page int) ([]byte, int, error) {
	s.enc = s.enc[:0]
	s.spans = s.spans[:0]
	wide := false
	for k := range row {
		sp := s.encode(row[k].text)
		wide = wide || sp.wide
		s.spans = append(s.spans, sp)
	}
	if wide {
		switch {
		case r.opts.TextRasterizer != nil:
			return r.appendTextRaster(s, dst, p, row)
		case !r.opts.ReplaceUnprintable:
			for k, sp := range s.spans {
				if sp.wide {
					it := row[k]
					tl, _ := label.Value(p.Ops[it.index]).(label.TextLine)
					return dst, 0, &OpError{Page: page, Index: it.index, Op: opName(p.Ops[it.index]),
						Err: &UnprintableError{Char: firstWide(it.text), Field: tl.Field}}
				}
			}
		}
	}
	// A line wider in the printer font than the paper allows prints as laid out
	// through the rasterizer, or is refused: cutting it would lose text.
	for k := range row {
		it := &row[k]
		b := s.enc[s.spans[k].start:s.spans[k].end]
		if s.spans[k].wide { // only with ReplaceUnprintable: replace once, here
			b = replaceWide(b)
			s.spans[k].end, s.spans[k].wide = s.spans[k].start+len(b), false
		}
		if x := max(it.x, 0); len(fit(b, r.paper-x, 12*it.size)) < len(b) {
			if r.opts.TextRasterizer != nil {
				return r.appendTextRaster(s, dst, p, row)
			}
			return dst, 0, ErrTextWidth
		}
	}
	h := 0
	bold, size, rev := false, 1, false
	for k := range row {
		it := &row[k]
		x := max(it.x, 0)
		b := s.enc[s.spans[k].start:s.spans[k].end]
		if s.spans[k].wide {
			b = replaceWide(b)
		}
		if len(b) == 0 {
			continue
		}
		dst = append(dst, 0x1B, '$', byte(x), byte(x>>8))
		if it.bold != bold {
			bold = it.bold
			dst = append(dst, 0x1B, 'E', b2i(bold))
		}
		if k := it.size; k != size {
			size = k
			dst = append(dst, 0x1D, '!', byte((k-1)<<4|(k-1)))
		}
		if it.rev != rev {
			rev = it.rev
			dst = append(dst, 0x1D, 'B', b2i(rev))
		}
		h = max(h, 24*size)
		dst = append(dst, b...)
	}
	if bold {
		dst = append(dst, 0x1B, 'E', 0)
	}
	if size != 1 {
		dst = append(dst, 0x1D, '!', 0)
	}
	if rev {
		dst = append(dst, 0x1D, 'B', 0)
	}
	return appendFeed(dst, h), h, nil
}

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// appendTextRaster prints a row of text lines as one GS v 0 image.
func (r *Renderer) appendTextRaster(s *scratch, dst []byte, p *label.Page, row []item) ([]byte, int, error) {
	bms := make([]*label.Bitmap, len(row))
	h := 0
	for k, it := range row {
		t := label.Value(p.Ops[it.index]).(label.TextLine)
		t.Rotation = label.Rotate0
		bm, err := r.opts.TextRasterizer.RasterizeText(t, DPI)
		if err != nil {
			return dst, 0, err
		}
		if bm == nil || !validBitmap(bm) {
			return dst, 0, ErrBitmap
		}
		bms[k] = bm
		h = max(h, bm.Height)
	}
	stride := r.paper / 8
	band := s.bandOf(stride * h)
	for k, it := range row {
		blit(band, stride, r.paper, bms[k], it.x)
	}
	return appendRaster(dst, band, stride, h), h, nil
}

func (s *scratch) bandOf(n int) []byte {
	if cap(s.band) < n {
		s.band = make([]byte, n)
	}
	s.band = s.band[:n]
	clear(s.band)
	return s.band
}

// appendBlock prints a black w x h block at x as GS v 0.
func (r *Renderer) appendBlock(dst []byte, x, w, h int) []byte {
	stride := r.paper / 8
	x0, x1 := max(x, 0), min(x+w, r.paper)
	if x1 <= x0 {
		return appendFeed(dst, h)
	}
	dst = appendRasterHeader(dst, stride, h)
	start := len(dst)
	dst = slices.Grow(dst, stride*h)[:start+stride]
	row := dst[start:]
	clear(row)
	first, last := (x0+7)/8, x1/8 // whole bytes [first, last)
	if first < last {
		copy(row[first:last], ones)
	}
	if r := x0 % 8; r != 0 { // partial first byte, maybe also the last
		b := x0 / 8
		m := byte(0xFF) >> r
		if x1 < (b+1)*8 {
			m &= 0xFF << ((b+1)*8 - x1)
		}
		row[b] |= m
	}
	if r := x1 % 8; r != 0 && x1/8 >= first { // partial last byte
		row[x1/8] |= 0xFF << (8 - r)
	}
	for range h - 1 {
		dst = append(dst, row...)
	}
	return dst
}

func (r *Renderer) appendImage(s *scratch, dst []byte, im *label.Image, x int) ([]byte, int, error) {
	if im.Bitmap == nil || !validBitmap(im.Bitmap) {
		return dst, 0, ErrBitmap
	}
	bm := scale(im.Bitmap, dots(im.W), dots(im.H))
	stride := r.paper / 8
	band := s.bandOf(stride * bm.Height)
	blit(band, stride, r.paper, bm, x)
	return appendRaster(dst, band, stride, bm.Height), bm.Height, nil
}

func (r *Renderer) appendRasterPage(s *scratch, dst []byte, p *label.Page, page, dpi int) ([]byte, error) {
	bm, err := r.opts.PageRasterizer.RasterizePage(*p, dpi)
	if err == nil && (bm == nil || !validBitmap(bm)) {
		err = ErrBitmap
	}
	if err != nil {
		return dst, &OpError{Page: page, Index: -1, Op: "page", Err: err}
	}
	dst = r.appendStart(dst)
	stride := r.paper / 8
	band := s.bandOf(stride * bm.Height)
	sh := dots(r.opts.Calibration.DX)
	if bm.Width > r.paper {
		sh -= (bm.Width - r.paper) / 2
	}
	blit(band, stride, r.paper, bm, sh)
	dst = appendRaster(dst, band, stride, bm.Height)
	return r.appendEnd(dst), nil
}

// ones is a row of black bytes, as wide as the widest paper.
const ones = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"

// maxBand is the most rows sent in one GS v 0 command; printers with small buffers
// reject taller images.
const maxBand = 256

// appendRaster appends rows of stride bytes as GS v 0 commands of at most maxBand
// rows each.
func appendRaster(dst, bits []byte, stride, rows int) []byte {
	for y := 0; y < rows; y += maxBand {
		n := min(maxBand, rows-y)
		dst = appendRasterHeader(dst, stride, n)
		dst = append(dst, bits[y*stride:(y+n)*stride]...)
	}
	return dst
}

func appendRasterHeader(dst []byte, stride, rows int) []byte {
	return append(dst, 0x1D, 'v', '0', 0, byte(stride), byte(stride>>8), byte(rows), byte(rows>>8))
}
