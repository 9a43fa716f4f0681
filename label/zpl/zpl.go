package zpl

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// Renderer writes documents as ZPL II. It is safe for concurrent use.
type Renderer struct {
	opts   Options
	dpi    int
	fontID byte
	font   string
	scale  float64   // dots per millimetre
	dx, dy int       // calibration offset in dots
	pool   sync.Pool // *[]byte buffers for Render
	zpool  sync.Pool // *compressor for Z64 graphics
	// specs[o][h] is the ^A font command for orientation index o and height h,
	// precomputed because nearly every field needs one.
	specs [4][maxSpec]string
	// statics caches the ZPL of static runs of ops (label.Page.Static), keyed by
	// *label.StaticKey. The map is never changed once published: a store (rare:
	// once per run a renderer meets) copies it under smu and publishes the copy,
	// keeping at most maxStatics entries (a full cache is emptied); loads take no
	// lock.
	statics  atomic.Pointer[map[*label.StaticKey][]byte]
	smu      sync.Mutex
	nStatics int
	gb       *[1024]uint64 // label.GB2312Bits, when Options.FontHas is nil
	// hostFonts makes the default rasterizer of TextFont mode on first use.
	hostFonts func() (label.TextRasterizer, error)
}

// Bounds of the static-run cache: entries, and bytes of one entry.
const (
	maxStatics     = 256
	maxStaticBytes = 32 << 10
)

var _ label.Renderer = (*Renderer)(nil)

// New returns a renderer for opts (nil means defaults), or the error from
// [Options.Validate].
func New(opts *Options) (*Renderer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := &Renderer{dpi: DefaultDPI, fontID: DefaultFontID, font: DefaultFontFile}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.DPI != 0 {
		r.dpi = r.opts.DPI
	}
	if r.opts.FontID != 0 {
		r.fontID = r.opts.FontID
	}
	if r.opts.FontFile != "" {
		r.font = r.opts.FontFile
	}
	if r.opts.FontHas == nil {
		r.gb = label.GB2312Bits()
	}
	if r.opts.TextMode == TextFont && r.opts.Rasterizer == nil && !r.opts.StrictFont {
		r.hostFonts = sync.OnceValues(func() (label.TextRasterizer, error) {
			rz, err := raster.New(nil)
			if err != nil {
				return nil, err
			}
			return rz, nil
		})
	}
	r.scale = float64(r.dpi) / 25.4
	r.dx, r.dy = r.dots(r.opts.Calibration.DX), r.dots(r.opts.Calibration.DY)
	for i, o := range "NRIB" {
		for h := 1; h < maxSpec; h++ {
			r.specs[i][h] = string(r.appendSpec(nil, byte(o), h))
		}
	}
	return r, nil
}

// Render writes doc to w as one ZPL stream, one ^XA ... ^XZ format per page.
func (r *Renderer) Render(ctx context.Context, w io.Writer, doc *label.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	bp, _ := r.pool.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	buf, err := r.AppendDocument((*bp)[:0], doc)
	if err == nil {
		if err = ctx.Err(); err == nil {
			_, err = w.Write(buf)
		}
	}
	if cap(buf) <= 1<<20 {
		*bp = buf
		r.pool.Put(bp)
	}
	return err
}

// AppendDocument appends the ZPL for doc to dst and returns the extended buffer. A
// nil doc appends nothing.
func (r *Renderer) AppendDocument(dst []byte, doc *label.Document) ([]byte, error) {
	if doc == nil {
		return dst, nil
	}
	for i := range doc.Pages {
		var err error
		if dst, err = r.appendPage(dst, &doc.Pages[i], i); err != nil {
			return dst, label.WithOrder(err, doc.Order)
		}
	}
	return dst, nil
}

// dots converts millimetres to printer dots.
func (r *Renderer) dots(mm float64) int {
	v := mm * r.scale
	switch {
	case v >= 0 && v < 1e6:
		return int(v + 0.5)
	case v < 0 && v > -1e6:
		return -int(-v + 0.5)
	}
	return 0 // NaN or absurd
}

// pairs holds "00" to "99".
const pairs = "0001020304050607080910111213141516171819" +
	"2021222324252627282930313233343536373839" +
	"4041424344454647484950515253545556575859" +
	"6061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendInt appends v in decimal; values below 10000, which are nearly all of them,
// skip strconv.
func appendInt(dst []byte, v int) []byte {
	switch {
	case v < 0 || v >= 10000:
		return strconv.AppendInt(dst, int64(v), 10)
	case v < 10:
		return append(dst, byte('0'+v))
	case v < 100:
		return append(dst, pairs[2*v], pairs[2*v+1])
	case v < 1000:
		lo := v % 100
		return append(dst, byte('0'+v/100), pairs[2*lo], pairs[2*lo+1])
	}
	hi, lo := v/100, v%100
	return append(dst, pairs[2*hi], pairs[2*hi+1], pairs[2*lo], pairs[2*lo+1])
}

func (r *Renderer) appendPage(dst []byte, p *label.Page, page int) ([]byte, error) {
	c := r.opts.Calibration
	if c.Darkness > 0 {
		dst = append(dst, "~SD"...)
		if c.Darkness < 10 {
			dst = append(dst, '0')
		}
		dst = appendInt(dst, c.Darkness)
		dst = append(dst, '\n')
	}
	dst = append(dst, "^XA\n^CI28\n^PW"...)
	dst = appendInt(dst, max(r.dots(p.Width), 1))
	dst = append(dst, "\n^LL"...)
	dst = appendInt(dst, max(r.dots(p.Height), 1))
	dst = append(dst, "\n^LH0,0\n"...)
	if c.Speed > 0 {
		dst = append(dst, "^PR"...)
		dst = appendInt(dst, c.Speed)
		dst = append(dst, '\n')
	}
	if r.opts.TextMode == TextFont {
		dst = append(dst, "^CW"...)
		dst = append(dst, r.fontID, ',')
		dst = append(dst, r.font...)
		dst = append(dst, '\n')
	}
	// Runs of ops the page marks static are written from the cache when this
	// renderer has written them before; the bytes are the same either way.
	var err error
	ops, i := p.Ops, 0
	for _, s := range p.Static {
		if s.Start < i || !s.Valid(ops) {
			continue
		}
		if dst, err = r.appendOps(dst, ops, i, s.Start, page); err != nil {
			return dst, err
		}
		if b, ok := r.static(s.Key); ok {
			dst = append(dst, b...)
		} else {
			start := len(dst)
			if dst, err = r.appendOps(dst, ops, s.Start, s.End, page); err != nil {
				return dst, err
			}
			r.storeStatic(s.Key, dst[start:])
		}
		i = s.End
	}
	if dst, err = r.appendOps(dst, ops, i, len(ops), page); err != nil {
		return dst, err
	}
	return append(dst, "^XZ\n"...), nil
}

// static returns the cached ZPL of the static run k.
func (r *Renderer) static(k *label.StaticKey) ([]byte, bool) {
	m := r.statics.Load()
	if m == nil {
		return nil, false
	}
	b, ok := (*m)[k]
	return b, ok
}

// storeStatic caches a copy of b, the ZPL of the static run k.
func (r *Renderer) storeStatic(k *label.StaticKey, b []byte) {
	if len(b) > maxStaticBytes {
		return
	}
	r.smu.Lock()
	defer r.smu.Unlock()
	if _, ok := r.static(k); ok {
		return
	}
	var m map[*label.StaticKey][]byte
	if old := r.statics.Load(); old != nil && r.nStatics < maxStatics {
		m = maps.Clone(*old)
	} else {
		m, r.nStatics = make(map[*label.StaticKey][]byte, 8), 0
	}
	m[k] = append([]byte(nil), b...)
	r.statics.Store(&m)
	r.nStatics++
}

// appendOps appends the ZPL for ops[from:to] of page number page.
func (r *Renderer) appendOps(dst []byte, ops []label.Op, from, to, page int) ([]byte, error) {
	for i := from; i < to; i++ {
		op := ops[i]
		var err error
		switch o := label.Value(op).(type) {
		case label.TextLine:
			dst, err = r.appendText(dst, &o)
		case label.Barcode:
			dst, err = r.appendBarcode(dst, &o)
		case label.QR:
			dst = r.appendQR(dst, &o)
		case label.Line:
			dst = r.appendLine(dst, &o)
		case label.Box:
			dst = r.appendBox(dst, &o)
		case label.Image:
			dst, err = r.appendImage(dst, &o)
		default:
			err = ErrUnsupportedOp
		}
		if err != nil {
			return dst, &OpError{Page: page, Index: i, Op: fmt.Sprintf("%T", op), Err: err}
		}
	}
	return dst, nil
}

// appendFO appends ^FO for a position in dots, shifted by the calibration offset and
// clamped to the label.
func (r *Renderer) appendFO(dst []byte, x, y int) []byte {
	x += r.dx
	y += r.dy
	dst = append(dst, "^FO"...)
	dst = appendInt(dst, max(x, 0))
	dst = append(dst, ',')
	return appendInt(dst, max(y, 0))
}

// orientation returns the ZPL field orientation for rot.
func orientation(rot label.Rotation) (byte, error) {
	switch rot {
	case label.Rotate0:
		return 'N', nil
	case label.Rotate90:
		return 'R', nil
	case label.Rotate180:
		return 'I', nil
	case label.Rotate270:
		return 'B', nil
	}
	return 0, ErrRotation
}

// bounds returns the top-left corner of a w x h frame placed at (x, y) and rotated
// clockwise by rot about that point: ZPL places rotated fields by that corner.
func bounds(x, y, w, h int, rot label.Rotation) (int, int) {
	switch rot {
	case label.Rotate90:
		return x - h, y
	case label.Rotate180:
		return x - w, y - h
	case label.Rotate270:
		return x, y - w
	}
	return x, y
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (r *Renderer) appendText(dst []byte, t *label.TextLine) ([]byte, error) {
	o, err := orientation(t.Rotation)
	if err != nil {
		return dst, err
	}
	h := max(r.dots(t.Size), 1)
	w := max(r.dots(t.Width), 0)
	x, y := bounds(r.dots(t.X), r.dots(t.Y), w, h, t.Rotation)
	text := t.Text
	if !isASCII(text) {
		if r.opts.TextMode == TextGraphics {
			return r.appendTextGraphic(dst, t, x, y, r.opts.Rasterizer)
		}
		// A line layout found to be all GB 2312 needs no look at its characters.
		if t.Charset != label.CharsetGB2312 || r.gb == nil {
			must := r.opts.Rasterizer == nil && r.hostFonts == nil
			if c, ok := r.fontLacks(t.Text, must); ok {
				return r.appendLacking(dst, t, x, y, c)
			}
			if must {
				text = r.dropModifiers(text)
			}
		}
	}
	if t.Reverse {
		bw, bh := w, h
		if o == 'R' || o == 'B' {
			bw, bh = h, w
		}
		dst = r.appendFO(dst, x, y)
		dst = appendGB(dst, bw, bh, min(bw, bh))
		dst = append(dst, '\n')
	}
	dst = r.appendFO(dst, x, y)
	start := len(dst)
	if t.Reverse {
		dst = append(dst, "^FR"...)
	}
	if h < maxSpec {
		dst = append(dst, r.specs[int(t.Rotation)/90][h]...)
	} else {
		dst = r.appendSpec(dst, o, h)
	}
	dst = appendField(dst, "", text)
	dst = append(dst, '\n')
	if t.Bold && !t.Reverse { // reversing twice would cancel out
		// The second strike, one dot to the right, repeats the first one's font and
		// field bytes.
		end := len(dst)
		dst = r.appendFO(dst, x+1, y)
		dst = append(dst, dst[start:end]...)
	}
	return dst, nil
}

// maxSpec bounds the text heights in dots whose ^A command is precomputed.
const maxSpec = 160

// appendSpec appends the ^A command selecting the text font at height h: the mapped
// printer font, or the built-in font 0 for ASCII lines in TextGraphics mode.
func (r *Renderer) appendSpec(dst []byte, o byte, h int) []byte {
	font := r.fontID
	if r.opts.TextMode == TextGraphics {
		font = '0'
	}
	dst = append(dst, '^', 'A', font, o, ',')
	dst = appendInt(dst, h)
	dst = append(dst, ',')
	return appendInt(dst, h)
}

// fontLacks returns the first character of s the printer font does not have; with
// must, the first such letter, mark or digit (a symbol the font lacks prints as the
// font's box, as it would from any font: see [label.MustGlyph]).
func (r *Renderer) fontLacks(s string, must bool) (rune, bool) {
	gb := r.gb
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		var cr rune
		n := 3
		if c >= 0xe0 && c < 0xf0 && i+2 < len(s) { // the common case: three bytes
			u := uint16(c&0x0f)<<12 | uint16(s[i+1]&0x3f)<<6 | uint16(s[i+2]&0x3f)
			if gb != nil && gb[u>>6]&(1<<(u&63)) != 0 {
				i += 3
				continue
			}
			cr = rune(u)
		} else {
			cr, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if cr < 0xa0 || cr == utf8.RuneError {
			continue // C1 controls and invalid bytes: not characters (layout drops them)
		}
		if r.lacks(cr) && (!must || label.MustGlyph(cr)) {
			return cr, true
		}
	}
	return 0, false
}

// lacks reports whether the printer font lacks cr, a character from U+00A0 on.
func (r *Renderer) lacks(cr rune) bool {
	if r.gb == nil {
		return !r.opts.FontHas(cr)
	}
	// Printer TrueType fonts have ¥ too.
	return (cr > 0xffff || r.gb[cr>>6]&(1<<(cr&63)) == 0) && cr != '¥'
}

// dropModifiers returns s without the characters that modify another and draw
// nothing (see [label.MustGlyph]) which the printer font lacks: sent, they would
// print as its box.
func (r *Renderer) dropModifiers(s string) string {
	var b []byte
	for i, c := range s {
		if c >= 0xa0 && !label.MustGlyph(c) && r.lacks(c) {
			if b == nil {
				b = append(make([]byte, 0, len(s)), s[:i]...)
			}
			continue
		}
		if b != nil {
			b = utf8.AppendRune(b, c)
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}

// appendLacking sends t, which holds c that the printer font lacks, as an image
// drawn by the configured or the default rasterizer, or fails with a GlyphError.
func (r *Renderer) appendLacking(dst []byte, t *label.TextLine, x, y int, c rune) ([]byte, error) {
	rz := r.opts.Rasterizer
	if rz == nil && r.hostFonts != nil {
		var err error
		if rz, err = r.hostFonts(); err != nil {
			return dst, &label.GlyphError{Rune: c, Field: t.Field, Font: r.font + " (" + err.Error() + ")"}
		}
	}
	if rz == nil {
		return dst, &label.GlyphError{Rune: c, Field: t.Field, Font: r.font}
	}
	return r.appendTextGraphic(dst, t, x, y, rz)
}

// appendTextGraphic sends t as a ^GF image drawn by the rasterizer. A reverse line
// is drawn black on white over a black box and printed with ^FR (field reverse),
// so its glyphs come out white: a white-on-black bitmap would print as a solid
// block, ^GF having no white ink.
func (r *Renderer) appendTextGraphic(dst []byte, t *label.TextLine, x, y int, rz label.TextRasterizer) ([]byte, error) {
	if rz == nil {
		return dst, ErrNoRasterizer
	}
	u := *t
	u.Rotation = label.Rotate0
	u.Reverse = false
	bm, err := rz.RasterizeText(u, r.dpi)
	if err != nil {
		return dst, err
	}
	if bm == nil {
		return dst, ErrBitmap
	}
	if bm, err = rotate(bm, t.Rotation); err != nil {
		return dst, err
	}
	if t.Reverse {
		dst = r.appendFO(dst, x, y)
		dst = appendGB(dst, bm.Width, bm.Height, min(bm.Width, bm.Height))
		dst = append(dst, '\n')
	}
	dst = r.appendFO(dst, x, y)
	if t.Reverse {
		dst = append(dst, "^FR"...)
	}
	dst, err = r.appendGraphic(dst, bm)
	return append(dst, '\n'), err
}

// appendGraphic appends bm as ^GF with the configured compression.
func (r *Renderer) appendGraphic(dst []byte, bm *label.Bitmap) ([]byte, error) {
	zc, _ := r.zpool.Get().(*compressor)
	if zc == nil {
		zc = &compressor{}
	}
	dst, err := appendGraphic(dst, bm, r.opts.Compression, zc)
	if cap(zc.raw) <= 1<<20 {
		r.zpool.Put(zc)
	}
	return dst, err
}

func appendGB(dst []byte, w, h, t int) []byte {
	t = max(t, 1)
	dst = append(dst, "^GB"...)
	dst = appendInt(dst, max(w, t))
	dst = append(dst, ',')
	dst = appendInt(dst, max(h, t))
	dst = append(dst, ',')
	dst = appendInt(dst, t)
	return append(dst, ",B^FS"...)
}

func (r *Renderer) appendBarcode(dst []byte, b *label.Barcode) ([]byte, error) {
	o, err := orientation(b.Rotation)
	if err != nil {
		return dst, err
	}
	g, err := b.Dots(r.dpi)
	if err != nil {
		return dst, err
	}
	m, h := min(g.Module, 10), g.Height // ^BY takes 1-10 dots
	x, y := bounds(g.X, g.Y, g.Width/g.Module*m, h, b.Rotation)
	dst = append(dst, "^BY"...)
	dst = appendInt(dst, m)
	dst = append(dst, ",3,"...)
	dst = appendInt(dst, h)
	dst = r.appendFO(dst, x, y)
	dst = append(dst, "^BC"...)
	dst = append(dst, o, ',')
	dst = appendInt(dst, h)
	// The printed digits are a separate text line drawn by layout. The field gives
	// the printer layout's own code sets with invocation codes (>: start B, >;
	// start C, >5 to C, >6 to B), so it prints the very modules Dots measured. Data
	// with '>', which would read as an invocation code, and data layout cannot
	// encode let the printer choose subsets (mode A), where invocation codes are
	// not interpreted.
	if evenDigits(b.Data) {
		dst = append(dst, ",N,N,N,N"...)
		dst = appendField(dst, ">;", b.Data)
	} else if f := (field128{}); invocations(&f, b.Data) {
		dst = append(dst, ",N,N,N,N"...)
		dst = appendField(dst, "", unsafe.String(&f.b[0], f.n))
	} else {
		dst = append(dst, ",N,N,N,A"...)
		dst = appendField(dst, "", b.Data)
	}
	return append(dst, '\n'), nil
}

// field128 is Code 128 field data with invocation codes, on the stack.
type field128 struct {
	b [3*label.MaxCode128 + 2]byte
	n int
}

// invocations sets f to data with the ^BC invocation codes of layout's encoding
// (label.Code128Symbols), or reports false for data holding '>' or not encodable.
func invocations(f *field128, data string) bool {
	for i := 0; i < len(data); i++ {
		if data[i] == '>' {
			return false
		}
	}
	var vals [2*label.MaxCode128 + 3]int
	v, err := label.Code128Symbols(vals[:0], data)
	if err != nil || len(v) < 3 {
		return false
	}
	put := func(s string) { f.n += copy(f.b[f.n:], s) }
	setC, i := v[0] == label.Code128StartC, 0
	if setC {
		put(">;")
	} else {
		put(">:")
	}
	for _, x := range v[1 : len(v)-2] { // without check and stop
		switch {
		case x == label.Code128CodeC && !setC:
			put(">5")
			setC = true
		case x == label.Code128CodeB && setC:
			put(">6")
			setC = false
		case setC:
			put(data[i : i+2])
			i += 2
		default:
			put(data[i : i+1])
			i++
		}
	}
	return i == len(data)
}

func evenDigits(s string) bool {
	if len(s) == 0 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// qrSink is the ^BY bar code height set before every QR code: printers move a ^BQ
// symbol placed with ^FO down by the current ^BY height, so it is pinned and
// subtracted rather than left to whatever the last Code 128 set.
const qrSink = 10

func (r *Renderer) appendQR(dst []byte, q *label.QR) []byte {
	m := min(max(r.dots(q.Module), 1), 10)
	dst = appendInt(append(dst, "^BY2,3,"...), qrSink)
	dst = r.appendFO(dst, r.dots(q.X), r.dots(q.Y)-qrSink)
	dst = append(dst, "^BQN,2,"...)
	dst = appendInt(dst, m)
	var prefix string
	switch q.Level {
	case label.QRLevelL:
		prefix = "LA,"
	case label.QRLevelQ:
		prefix = "QA,"
	case label.QRLevelH:
		prefix = "HA,"
	default:
		prefix = "MA,"
	}
	dst = appendField(dst, prefix, q.Data)
	return append(dst, '\n')
}

func (r *Renderer) appendLine(dst []byte, l *label.Line) []byte {
	t := max(r.dots(l.Thickness), 1)
	x1, y1, x2, y2 := r.dots(l.X1), r.dots(l.Y1), r.dots(l.X2), r.dots(l.Y2)
	if x2 < x1 {
		x1, y1, x2, y2 = x2, y2, x1, y1
	}
	w, h := x2-x1, y2-y1
	switch {
	case h == 0: // horizontal, centred on the line
		dst = r.appendFO(dst, x1, y1-t/2)
		dst = appendGB(dst, w, t, t)
	case w == 0: // vertical
		dst = r.appendFO(dst, x1-t/2, min(y1, y2))
		dst = appendGB(dst, t, abs(h), t)
	default:
		dir := byte('L') // top-left to bottom-right
		if h < 0 {
			dir = 'R'
		}
		dst = r.appendFO(dst, x1, min(y1, y2))
		dst = append(dst, "^GD"...)
		dst = appendInt(dst, max(w, t))
		dst = append(dst, ',')
		dst = appendInt(dst, max(abs(h), t))
		dst = append(dst, ',')
		dst = appendInt(dst, t)
		dst = append(dst, ",B,"...)
		dst = append(dst, dir)
		dst = append(dst, "^FS"...)
	}
	return append(dst, '\n')
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func (r *Renderer) appendBox(dst []byte, b *label.Box) []byte {
	x, y, w, h := r.dots(b.X), r.dots(b.Y), r.dots(b.W), r.dots(b.H)
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	t := max(r.dots(b.Thickness), 1)
	if b.Fill {
		t = max(min(w, h), 1)
	}
	dst = r.appendFO(dst, x, y)
	dst = appendGB(dst, w, h, t)
	return append(dst, '\n')
}

func (r *Renderer) appendImage(dst []byte, im *label.Image) ([]byte, error) {
	if im.Bitmap == nil {
		return dst, ErrBitmap
	}
	bm, err := scale(im.Bitmap, r.dots(im.W), r.dots(im.H))
	if err != nil {
		return dst, err
	}
	dst = r.appendFO(dst, r.dots(im.X), r.dots(im.Y))
	dst, err = r.appendGraphic(dst, bm)
	return append(dst, '\n'), err
}

// QRByPrinter reports that the renderer prints QR codes from their data: the
// printer encodes them (^BQ), so layouts for it may leave QR modules out (see
// [label.LayoutOptions.QRByPrinter]).
func (r *Renderer) QRByPrinter() bool { return true }
