package tspl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"

	"github.com/dadanhq/dadan/label"
)

// Renderer writes documents as TSPL. It is safe for concurrent use.
type Renderer struct {
	opts     Options
	dpmm     int // dots per millimetre: 8 or 12
	dpi      int // dpmm in whole dots per inch (203, 305), for the rasterizer and Barcode.Dots
	dx, dy   int // calibration offset in dots
	maxWidth float64
	head     string // the commands between SIZE and CLS, the same on every page
	pool     sync.Pool
	// statics caches the TSPL of static runs of ops (label.Page.Static), keyed by
	// *label.StaticKey, as []byte: the rasterized small print of a waybill is
	// drawn once. Stores go under smu and keep at most maxStatics entries (a full
	// cache is emptied); loads take no lock.
	statics  sync.Map
	smu      sync.Mutex
	nStatics int
}

// Bounds of the static-run cache: entries, and bytes of one entry.
const (
	maxStatics     = 256
	maxStaticBytes = 64 << 10
)

var _ label.Renderer = (*Renderer)(nil)

// scratch holds the buffers one call reuses.
type scratch struct {
	out  []byte
	enc  []byte // GB2312 bytes of the font runs of a line
	runs []run
}

const crlf = "\r\n"

// font is the printer-resident simplified Chinese font: 24 x 24 dots for GB2312
// characters, 12 x 24 for ASCII.
const font = "TSS24.BF2"

// New returns a renderer for opts (nil means defaults), or the error from
// [Options.Validate].
func New(opts *Options) (*Renderer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := &Renderer{dpmm: 8, dpi: 203, maxWidth: DefaultMaxWidth}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.DPI == DPI300 {
		r.dpmm, r.dpi = 12, 305 // 12 dots/mm is 304.8 dpi
	}
	if r.opts.MaxWidth != 0 {
		r.maxWidth = r.opts.MaxWidth
	}
	r.dx, r.dy = r.dots(r.opts.Calibration.DX), r.dots(r.opts.Calibration.DY)
	var h []byte
	gap := r.opts.Gap
	if gap == 0 {
		gap = DefaultGap
	}
	switch r.opts.Media {
	case MediaGap:
		h = append(appendMM(append(h, "GAP "...), gap), " mm,0 mm"+crlf...)
	case MediaBlackMark:
		h = append(appendMM(append(h, "BLINE "...), gap), " mm,0 mm"+crlf...)
	case MediaContinuous:
		h = append(h, "GAP 0,0"+crlf...)
	}
	if r.opts.UpsideDown {
		h = append(h, "DIRECTION 1"+crlf...)
	} else {
		h = append(h, "DIRECTION 0"+crlf...)
	}
	h = append(h, "REFERENCE 0,0"+crlf...)
	if d := r.opts.Calibration.Darkness; d > 0 {
		h = append(appendInts(append(h, "DENSITY "...), min((d+1)/2, 15)), crlf...)
	}
	if s := r.opts.Calibration.Speed; s > 0 {
		h = append(appendInts(append(h, "SPEED "...), s), crlf...)
	}
	r.head = string(h)
	return r, nil
}

// appendMM appends millimetres with at most one decimal.
func appendMM(dst []byte, v float64) []byte {
	return strconv.AppendFloat(dst, math.Round(v*10)/10, 'f', -1, 64)
}

// Render writes doc to w, one SIZE ... PRINT 1,1 label per page.
func (r *Renderer) Render(ctx context.Context, w io.Writer, doc *label.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := r.scratch()
	defer r.release(s)
	var err error
	if s.out, err = r.appendDocument(s, s.out[:0], doc); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = w.Write(s.out)
	return err
}

// AppendDocument appends the TSPL for doc to dst and returns the extended buffer.
// A nil doc appends nothing.
func (r *Renderer) AppendDocument(dst []byte, doc *label.Document) ([]byte, error) {
	s := r.scratch()
	defer r.release(s)
	return r.appendDocument(s, dst, doc)
}

func (r *Renderer) scratch() *scratch {
	s, _ := r.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	return s
}

func (r *Renderer) release(s *scratch) {
	if cap(s.out) > 1<<20 {
		s.out = nil
	}
	r.pool.Put(s)
}

func (r *Renderer) appendDocument(s *scratch, dst []byte, doc *label.Document) ([]byte, error) {
	if doc == nil {
		return dst, nil
	}
	for i := range doc.Pages {
		var err error
		if dst, err = r.appendPage(s, dst, &doc.Pages[i], i); err != nil {
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
func (r *Renderer) dots(v float64) int {
	v *= float64(r.dpmm)
	switch {
	case v >= 0 && v < 1e6:
		return int(v + 0.5)
	case v < 0 && v > -1e6:
		return -int(-v + 0.5)
	}
	return 0 // NaN or absurd
}

// appendInts appends vs in decimal, separated by commas.
func appendInts(dst []byte, vs ...int) []byte {
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(v), 10)
	}
	return dst
}

// page is the page being drawn: its size in dots.
type page struct {
	w, h  int
	index int
}

func (r *Renderer) appendPage(s *scratch, dst []byte, p *label.Page, index int) ([]byte, error) {
	if !(p.Width > 0 && p.Height > 0 && p.Width <= r.maxWidth+0.05 && p.Height < 1e4) {
		return dst, &PageSizeError{Page: index, Width: p.Width, Height: p.Height, MaxWidth: r.maxWidth}
	}
	dst = append(dst, "SIZE "...)
	dst = appendMM(dst, p.Width)
	dst = append(dst, " mm,"...)
	dst = appendMM(dst, p.Height)
	dst = append(dst, " mm"+crlf...)
	dst = append(dst, r.head...)
	dst = append(dst, "CLS"+crlf...)
	pg := page{w: r.dots(p.Width), h: r.dots(p.Height), index: index}
	// Runs of ops the page marks static are written from the cache when this
	// renderer has written them before; the bytes are the same either way.
	var err error
	ops, i := p.Ops, 0
	for _, sp := range p.Static {
		if sp.Start < i || !sp.Valid(ops) {
			continue
		}
		if dst, err = r.appendOps(s, dst, ops, i, sp.Start, &pg); err != nil {
			return dst, err
		}
		if b, ok := r.statics.Load(sp.Key); ok {
			dst = append(dst, b.([]byte)...)
		} else {
			start := len(dst)
			if dst, err = r.appendOps(s, dst, ops, sp.Start, sp.End, &pg); err != nil {
				return dst, err
			}
			r.storeStatic(sp.Key, dst[start:])
		}
		i = sp.End
	}
	if dst, err = r.appendOps(s, dst, ops, i, len(ops), &pg); err != nil {
		return dst, err
	}
	return append(dst, "PRINT 1,1"+crlf...), nil
}

// storeStatic caches a copy of b, the TSPL of the static run k.
func (r *Renderer) storeStatic(k *label.StaticKey, b []byte) {
	if len(b) > maxStaticBytes {
		return
	}
	r.smu.Lock()
	defer r.smu.Unlock()
	if _, ok := r.statics.Load(k); ok {
		return
	}
	if r.nStatics >= maxStatics {
		r.statics.Clear()
		r.nStatics = 0
	}
	r.statics.Store(k, append([]byte(nil), b...))
	r.nStatics++
}

// appendOps appends the TSPL for ops[from:to] of the page pg.
func (r *Renderer) appendOps(s *scratch, dst []byte, ops []label.Op, from, to int, pg *page) ([]byte, error) {
	for i := from; i < to; i++ {
		op := ops[i]
		var err error
		switch o := label.Value(op).(type) {
		case label.TextLine:
			dst, err = r.appendText(s, dst, &o, pg)
		case label.Barcode:
			dst, err = r.appendBarcode(dst, &o)
		case label.QR:
			dst, err = r.appendQR(dst, &o)
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
			return dst, &OpError{Page: pg.index, Index: i, Op: fmt.Sprintf("%T", op), Err: err}
		}
	}
	return dst, nil
}

// pos converts a position in mm to dots with the calibration offset.
func (r *Renderer) pos(x, y float64) (int, int) {
	return r.dots(x) + r.dx, r.dots(y) + r.dy
}

func validRotation(rot label.Rotation) bool {
	switch rot {
	case label.Rotate0, label.Rotate90, label.Rotate180, label.Rotate270:
		return true
	}
	return false
}

// frame returns the rectangle [x0, x1) x [y0, y1) that the frame [fx0, fx1) x
// [fy0, fy1), placed at (ox, oy) and rotated clockwise by rot about that point,
// covers.
func frame(ox, oy int, rot label.Rotation, fx0, fy0, fx1, fy1 int) (x0, y0, x1, y1 int) {
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

// along returns the point d dots from (ox, oy) in the direction rot turns the
// x axis to.
func along(ox, oy int, rot label.Rotation, d int) (int, int) {
	switch rot {
	case label.Rotate90:
		return ox, oy + d
	case label.Rotate180:
		return ox - d, oy
	case label.Rotate270:
		return ox, oy - d
	}
	return ox + d, oy
}

// appendRect appends a command taking x, y, width, height, clipped at the top
// and left edges; an empty rectangle appends nothing.
func appendRect(dst []byte, cmd string, x0, y0, x1, y1 int) []byte {
	x0, y0 = max(x0, 0), max(y0, 0)
	if x1 <= x0 || y1 <= y0 {
		return dst
	}
	dst = append(dst, cmd...)
	dst = append(dst, ' ')
	return append(appendInts(dst, x0, y0, x1-x0, y1-y0), crlf...)
}

// maxNarrow is the widest narrow bar, in dots, BARCODE takes for Code 128.
const maxNarrow = 10

// Barcodes are placed where [label.Barcode.Dots] puts them, like in every other
// renderer: the module in whole dots, shrunk to fit the room layout reserved with
// its quiet zones, the symbol centred where layout centred it. Dots takes whole
// dpi: 203 and 305 stand for the printers' 8 and 12 dots per millimetre (203.2
// and 304.8 dpi), which puts a barcode less than 2 dots from where 8 or 12 dots
// per millimetre would on a 180 mm label.
//
// The symbol is sent as BARCODE "128M", Code 128 with the code sets chosen by the
// host: the TSPL2 manual's control codes !104 (start in set B), !105 (start in
// set C), !099 (switch to C) and !100 (switch from C to B) give the printer
// layout's own code sets ([label.Code128Symbols]), digits in set C going as their
// ASCII pairs, and the printer adds the check character and the stop. So the
// printer prints the very modules layout measured, Dots.Width wide; "128", which
// lets the firmware pick code sets, could print a symbol some modules longer
// than its room. Data 128M cannot carry is drawn from the modules, bar by bar
// (BAR): data holding '!', which opens a control code, or a byte no TSPL string
// may hold (see quote.go), a module wider than BARCODE takes, a symbol whose
// origin lies left of or above the label, and modules that are not the encoding
// of the data (an op built by hand). The printed digits are a separate text line
// drawn by layout (human readable off).
func (r *Renderer) appendBarcode(dst []byte, b *label.Barcode) ([]byte, error) {
	if !validRotation(b.Rotation) {
		return dst, ErrRotation
	}
	g, err := b.Dots(r.dpi)
	if err != nil {
		return dst, err
	}
	x, y := g.X+r.dx, g.Y+r.dy
	var f field128
	if g.Module <= maxNarrow && x >= 0 && y >= 0 && manual128(&f, b.Data, len(b.Modules)) {
		dst = append(dst, "BARCODE "...)
		dst = appendInts(dst, x, y)
		dst = append(dst, `,"128M",`...)
		dst = appendInts(dst, g.Height, 0, int(b.Rotation), g.Module, g.Module)
		dst = append(dst, ',')
		dst = appendString(dst, f.b[:f.n])
		return append(dst, crlf...), nil
	}
	mods := b.Modules
	if len(mods) == 0 {
		if mods, err = label.EncodeCode128(b.Data); err != nil {
			return dst, ErrBarcodeData
		}
	}
	for i := 0; i < len(mods); {
		if !mods[i] {
			i++
			continue
		}
		j := i
		for j < len(mods) && mods[j] {
			j++
		}
		x0, y0, x1, y1 := frame(x, y, b.Rotation, i*g.Module, 0, j*g.Module, g.Height)
		dst = appendRect(dst, "BAR", x0, y0, x1, y1)
		i = j
	}
	return dst, nil
}

// field128 is BARCODE "128M" data with control codes, on the stack: at most a
// start and a switch per data byte, four bytes each, and the data.
type field128 struct {
	b [5*label.MaxCode128 + 4]byte
	n int
}

// manual128 sets f to data with the "128M" control codes of layout's encoding
// ([label.Code128Symbols]), or reports false for data a TSPL string or 128M
// cannot carry, or whose symbol is not nmods modules long (nmods 0: any).
func manual128(f *field128, data string, nmods int) bool {
	if !barcodeString(data) {
		return false
	}
	var vals [2*label.MaxCode128 + 3]int
	v, err := label.Code128Symbols(vals[:0], data)
	if err != nil || len(v) < 3 || nmods != 0 && nmods != 11*len(v)+2 {
		return false
	}
	put := func(s string) { f.n += copy(f.b[f.n:], s) }
	setC, i := v[0] == label.Code128StartC, 0
	if setC {
		put("!105")
	} else {
		put("!104")
	}
	for _, c := range v[1 : len(v)-2] { // without check and stop
		switch {
		case c == label.Code128CodeC && !setC:
			put("!099")
			setC = true
		case c == label.Code128CodeB && setC:
			put("!100")
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

func (r *Renderer) appendQR(dst []byte, q *label.QR) ([]byte, error) {
	cell := min(max(r.dots(q.Module), 1), 10)
	x, y := r.pos(q.X, q.Y)
	if q.Data != "" && len(q.Data) <= 2000 && plainString(q.Data) {
		level := byte('M')
		switch q.Level {
		case label.QRLevelL, label.QRLevelQ, label.QRLevelH:
			level = byte(q.Level)
		}
		dst = append(dst, "QRCODE "...)
		dst = appendInts(dst, max(x, 0), max(y, 0))
		dst = append(dst, ',', level, ',')
		dst = appendInts(dst, cell)
		dst = append(dst, ",A,0,"...)
		dst = appendString(dst, q.Data)
		return append(dst, crlf...), nil
	}
	if len(q.Modules) == 0 || len(q.Modules) > 177 {
		return dst, ErrQRData
	}
	return appendBitmap(dst, x, y, modules(q.Modules, cell), r.opts.InvertBitmaps), nil
}

func (r *Renderer) appendLine(dst []byte, l *label.Line) []byte {
	t := max(r.dots(l.Thickness), 1)
	x1, y1 := r.pos(l.X1, l.Y1)
	x2, y2 := r.pos(l.X2, l.Y2)
	switch {
	case y1 == y2: // horizontal, centred on the line
		return appendRect(dst, "BAR", min(x1, x2), y1-t/2, max(x1, x2), y1-t/2+t)
	case x1 == x2: // vertical
		return appendRect(dst, "BAR", x1-t/2, min(y1, y2), x1-t/2+t, max(y1, y2))
	}
	// TSPL has no diagonal line every printer knows: it is drawn as a bitmap.
	bm, ox, oy := diagonal(x1, y1, x2, y2, t)
	return appendBitmap(dst, ox, oy, bm, r.opts.InvertBitmaps)
}

func (r *Renderer) appendBox(dst []byte, b *label.Box) []byte {
	x, y := r.pos(b.X, b.Y)
	w, h := r.dots(b.W), r.dots(b.H)
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	t := max(r.dots(b.Thickness), 1)
	if b.Fill || 2*t >= min(w, h) {
		return appendRect(dst, "BAR", x, y, x+max(w, 1), y+max(h, 1))
	}
	x0, y0 := max(x, 0), max(y, 0)
	if x+w <= x0 || y+h <= y0 {
		return dst
	}
	dst = append(dst, "BOX "...)
	dst = appendInts(dst, x0, y0, x+w, y+h, t)
	return append(dst, crlf...)
}

func (r *Renderer) appendImage(dst []byte, im *label.Image) ([]byte, error) {
	if !validBitmap(im.Bitmap) {
		return dst, ErrBitmap
	}
	w, h := r.dots(im.W), r.dots(im.H)
	if w > 1<<14 || h > 1<<14 {
		return dst, ErrBitmap
	}
	x, y := r.pos(im.X, im.Y)
	return appendBitmap(dst, x, y, scale(im.Bitmap, w, h), r.opts.InvertBitmaps), nil
}
