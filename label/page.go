package label

import (
	"context"
	"io"
	"unsafe"
)

// This file is the contract between layout and the renderers: a template bound to
// data is laid out into a [Document] of [Page]s, each a list of positioned [Op]s in
// millimetres. Renderers (label/zpl, label/escpos, label/pdf, label/raster) draw ops;
// they never see templates or order data, and they never measure or wrap text.

// Document is a laid-out print document: one or more pages of the same template.
type Document struct {
	Template string // template name, e.g. "waybill-76x130"
	Version  string // template version
	Hash     string // template content hash (hex), recorded with every printed document
	// Order is the order ID the document prints (its data's order.id field), or "";
	// renderers name it in errors.
	Order string
	Pages []Page
	// Warnings lists what layout printed other than the data says: text cut short
	// with "…" after shrinking to its element's minimum size. Nil when none.
	Warnings []Warning
}

// Warning is a layout decision a host should know about, such as an address cut
// short: Element names the template element, Field the data field it binds ("" for
// fixed text), Text is the whole text that did not fit. Reason, when set, says what
// was printed instead of the data (a SKU printed for a missing barcode); "" means
// the text was cut short.
type Warning struct {
	Element string
	Field   string
	Text    string
	Reason  string
}

func (w Warning) String() string {
	s := "label: element " + quote(w.Element)
	if w.Field != "" {
		s += " (" + w.Field + ")"
	}
	if w.Reason != "" {
		return s + ": " + w.Reason
	}
	return s + " cut short: " + quote(w.Text)
}

// Page is one physical label, sheet or receipt. Sizes are in millimetres. A receipt's
// Height is the length the content needs.
type Page struct {
	Width, Height float64
	Ops           []Op
	// Static lists runs of Ops that layout copied verbatim from a template's
	// data-free elements, in order and without overlap. It is only a cache hint:
	// a renderer may reuse its own encoding of a run it has seen under the same
	// Key, and must write exactly the same bytes with or without Static. A page
	// built by hand has none. Code that changes Ops in place must clear Static
	// (Shift does).
	Static []Span
}

// Span is a run Ops[Start:End] of a [Page] that layout copied verbatim from one or
// more consecutive data-free elements of a prepared template.
type Span struct {
	Start, End int
	// Key is the same pointer in every document laid out from the same prepared
	// template, for the same run of ops, and is never reused for other ops while
	// anyone holds it (it is garbage-collected memory). Renderers compare keys by
	// pointer only.
	Key *StaticKey
}

// StaticKey identifies a run of ops that layout reuses from a prepared template.
// Only layout makes meaningful keys; renderers compare them by pointer.
type StaticKey struct {
	ops []Op // the run
}

// Len returns the number of ops in the run k identifies, 0 for a nil or zero key.
func (k *StaticKey) Len() int {
	if k == nil {
		return 0
	}
	return len(k.ops)
}

// Valid reports whether s can be used as a cache hint on a page with these ops:
// it lies within them, is not empty, and ops[s.Start:s.End] are still the very ops
// its key was made for (equal values sharing their module slices and bitmaps), so a
// page whose ops were replaced or moved after layout falls back to drawing them.
// The contents of module slices and bitmaps are not compared: like the rest of a
// laid-out [Document], they must not be changed.
func (s Span) Valid(ops []Op) bool {
	if s.Key == nil || s.Start < 0 || s.Start >= s.End || s.End > len(ops) || s.End-s.Start != len(s.Key.ops) {
		return false
	}
	for i, want := range s.Key.ops {
		if !sameOp(ops[s.Start+i], want) {
			return false
		}
	}
	return true
}

// sameOp reports whether a and b are equal value ops, sharing any slices.
func sameOp(a, b Op) bool {
	if sameBox(a, b) {
		return true
	}
	switch x := a.(type) {
	case TextLine:
		y, ok := b.(TextLine)
		return ok && x == y
	case Line:
		y, ok := b.(Line)
		return ok && x == y
	case Box:
		y, ok := b.(Box)
		return ok && x == y
	case Image:
		y, ok := b.(Image)
		return ok && x == y
	case Barcode:
		y, ok := b.(Barcode)
		return ok && x.X == y.X && x.Y == y.Y && x.Module == y.Module && x.Height == y.Height &&
			x.Rotation == y.Rotation && x.Data == y.Data && x.Room == y.Room && sameSlice(x.Modules, y.Modules)
	case QR:
		y, ok := b.(QR)
		return ok && x.X == y.X && x.Y == y.Y && x.Module == y.Module && x.Level == y.Level &&
			x.Data == y.Data && sameSlice(x.Modules, y.Modules)
	}
	return false
}

// sameBox reports whether a and b hold the very same boxed value: the same
// dynamic type and the same data pointer. A layout copies a template's static
// ops as they are, so their boxes are shared; a boxed value cannot change.
func sameBox(a, b Op) bool {
	x, y := (*opIface)(unsafe.Pointer(&a)), (*opIface)(unsafe.Pointer(&b))
	return x.tab == y.tab && x.data == y.data && x.data != nil
}

// The type words of TextLine, Barcode and QR held in an Op.
var (
	textLineTab = typeWord(TextLine{})
	barcodeTab  = typeWord(Barcode{})
	qrTab       = typeWord(QR{})
)

// opIface is the layout of an interface value.
type opIface struct{ tab, data unsafe.Pointer }

func typeWord(op Op) unsafe.Pointer { return (*opIface)(unsafe.Pointer(&op)).tab }

// arenaOp appends v to *arena and returns an Op holding the copy there, as Op(v)
// does, without a heap box of its own; tab is the type word of T. The Op reads
// the arena, so that element must not change while anyone holds the Op and
// expects the value it had. A full arena is replaced, not grown: the ops made
// before keep pointing into the old array.
func arenaOp[T TextLine | Barcode | QR](arena *[]T, v T, tab unsafe.Pointer) Op {
	if len(*arena) == cap(*arena) {
		*arena = make([]T, 0, max(4, 2*cap(*arena)))
	}
	*arena = append(*arena, v)
	var op Op
	x := (*opIface)(unsafe.Pointer(&op))
	x.tab, x.data = tab, unsafe.Pointer(&(*arena)[len(*arena)-1])
	return op
}

// sameSlice reports whether a and b are the same slice: same length and backing array.
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Op is one drawing operation on a page. The set is closed: [TextLine], [Barcode],
// [QR], [Line], [Box] and [Image]. Renderers switch on the concrete type.
type Op interface{ op() }

// Rotation is a clockwise rotation in degrees: 0, 90, 180 or 270.
type Rotation int

// Rotations.
const (
	Rotate0   Rotation = 0
	Rotate90  Rotation = 90
	Rotate180 Rotation = 180
	Rotate270 Rotation = 270
)

// TextLine is a single line of text, already wrapped, aligned and measured by layout.
// In its own frame the line occupies [0, Width] x [0, Size] mm with the origin at its
// top-left corner; the frame is placed at (X, Y) and rotated clockwise by Rotation
// about that point. Size is the em height in millimetres; Width is the line's advance
// as layout measured it: by the cell measure (a wide East Asian character advances
// Size, a narrow one Size/2) or by the [Measure] of the renderer's fonts. Text is untrusted data: renderers must print it
// as text, never as commands.
type TextLine struct {
	X, Y     float64
	Size     float64
	Width    float64
	Bold     bool
	Reverse  bool // white on black
	Rotation Rotation
	Text     string
	// Field is the first data field the line's text binds ("recipient.name"), or ""
	// for fixed text; renderers name it in errors such as [*GlyphError].
	Field string
	// Charset is what layout found the text to hold, so printer-language renderers
	// need not look at every character again; the zero value means not known.
	Charset Charset
}

// Charset classifies the characters of a [TextLine] against [InGB2312], the set
// of the resident fonts of common Chinese printers.
type Charset uint8

// Charsets.
const (
	CharsetUnknown Charset = iota // not looked at (a line built by hand)
	CharsetGB2312                 // printable ASCII and GB 2312 only
	CharsetBeyond                 // some character outside GB 2312 (or a control)
)

// Barcode is a Code 128 symbol. Modules holds the encoded bar pattern including the
// start, check and stop characters (true = bar), without quiet zones; renderers that
// draw bars use it, printer languages with a native command (ZPL ^BC, ESC/POS GS k)
// send Data. As laid out in millimetres the symbol occupies
// [X, X+Module*len(Modules)] x [Y, Y+Height] of its frame, inside Room with a quiet
// zone of at least [QuietModules] modules on each side. Printers print whole dots:
// renderers place it with [Barcode.Dots], never from X and Module directly.
type Barcode struct {
	X, Y     float64
	Module   float64 // narrowest bar width in mm
	Height   float64 // bar height in mm, without human-readable text
	Rotation Rotation
	Data     string
	Modules  []bool
	// Room is the length in mm, centred on the symbol, that the symbol and its quiet
	// zones may take; 0 means no limit (Module rounded to whole dots is printed).
	Room float64
}

// QRLevel is a QR error-correction level.
type QRLevel byte

// QR error-correction levels.
const (
	QRLevelL QRLevel = 'L'
	QRLevelM QRLevel = 'M'
	QRLevelQ QRLevel = 'Q'
	QRLevelH QRLevel = 'H'
)

// QR is a QR code. Modules is the square matrix, row-major, true = dark, without the
// quiet zone; the symbol occupies Module*len(Modules) mm on each side from (X, Y) and
// layout has reserved a 4-module quiet zone around it. A layout with
// [LayoutOptions.QRByPrinter] leaves Modules nil for data-bound codes, for renderers
// whose printer encodes the symbol from Data.
type QR struct {
	X, Y    float64
	Module  float64
	Level   QRLevel
	Data    string
	Modules [][]bool
}

// Line is a straight line of the given thickness.
type Line struct {
	X1, Y1, X2, Y2 float64
	Thickness      float64
}

// Box is a rectangle outline of the given thickness, or a filled rectangle.
type Box struct {
	X, Y, W, H float64
	Thickness  float64
	Fill       bool
}

// Image is a 1-bit image scaled to W x H mm at (X, Y).
type Image struct {
	X, Y, W, H float64
	Bitmap     *Bitmap
}

// Bitmap is a 1-bit image: Stride bytes per row, most significant bit first, 1 = black.
type Bitmap struct {
	Width, Height int
	Stride        int
	Bits          []byte
}

func (TextLine) op() {}
func (Barcode) op()  {}
func (QR) op()       {}
func (Line) op()     {}
func (Box) op()      {}
func (Image) op()    {}

// Calibration adjusts output for one printer so one template prints right on every
// device. Every renderer applies the offset; darkness and speed apply where the printer
// language has them (zero keeps the printer's setting).
type Calibration struct {
	DX, DY   float64 // offset in mm, positive moves right and down
	Darkness int     // ZPL ~SD 0-30
	Speed    int     // ZPL ^PR inches per second
}

// Renderer writes a laid-out document in one output format.
// Implementations must not retain doc after Render returns.
type Renderer interface {
	Render(ctx context.Context, w io.Writer, doc *Document) error
}

// TextRasterizer turns a text line into a bitmap at the given resolution, for printers
// that print Chinese as graphics (ZPL ^GF, ESC/POS GS v 0). label/raster implements it.
type TextRasterizer interface {
	RasterizeText(t TextLine, dpi int) (*Bitmap, error)
}

// Shift returns a copy of p with every op moved by dx, dy millimetres (positive
// right and down), the way a renderer without an offset command of its own applies
// a [Calibration]. p is not changed.
func (p Page) Shift(dx, dy float64) Page {
	if dx == 0 && dy == 0 {
		return p
	}
	ops := make([]Op, len(p.Ops))
	for i, op := range p.Ops {
		switch o := op.(type) {
		case TextLine:
			o.X, o.Y = o.X+dx, o.Y+dy
			op = o
		case Barcode:
			o.X, o.Y = o.X+dx, o.Y+dy
			op = o
		case QR:
			o.X, o.Y = o.X+dx, o.Y+dy
			op = o
		case Line:
			o.X1, o.Y1, o.X2, o.Y2 = o.X1+dx, o.Y1+dy, o.X2+dx, o.Y2+dy
			op = o
		case Box:
			o.X, o.Y = o.X+dx, o.Y+dy
			op = o
		case Image:
			o.X, o.Y = o.X+dx, o.Y+dy
			op = o
		}
		ops[i] = op
	}
	p.Ops = ops
	p.Static = nil
	return p
}

// Value returns the op a pointer op points to (*TextLine as TextLine, and so on),
// op itself for a value op, and nil for a nil pointer, so renderers switch on the
// value types only.
func Value(op Op) Op {
	switch o := op.(type) {
	case *TextLine:
		if o != nil {
			return *o
		}
	case *Barcode:
		if o != nil {
			return *o
		}
	case *QR:
		if o != nil {
			return *o
		}
	case *Line:
		if o != nil {
			return *o
		}
	case *Box:
		if o != nil {
			return *o
		}
	case *Image:
		if o != nil {
			return *o
		}
	default:
		return op
	}
	return nil
}
