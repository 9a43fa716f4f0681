package label

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Template describes one printed document: its size in millimetres and a list of
// typed elements. Texts and barcode data bind fields of [Data] with placeholders,
// "{recipient.name|private_name}" (see [Filter] for the filters). Templates are
// plain values: build them in Go or load them from JSON with [ParseTemplate]; a
// template must not be changed while a [Layout] uses it.
type Template struct {
	Name    string  `json:"name"`
	Version string  `json:"version"`
	Width   float64 `json:"width"`  // mm
	Height  float64 `json:"height"` // mm; a receipt's minimum length
	// Kind is the document the template prints: [KindWaybill], [KindPackingList] or
	// [KindProductLabel]. "" (templates written before the field) leaves it to the
	// caller, which guesses from the name.
	Kind string `json:"kind,omitempty"`
	// Receipt templates grow in length with their table instead of continuing on
	// further pages.
	Receipt bool `json:"receipt,omitempty"`
	// Privacy templates always mask privacy fields (filters private_name and
	// private_phone), as [LayoutOptions.Mask] does.
	Privacy  bool      `json:"privacy,omitempty"`
	Elements []Element `json:"elements"`

	prep prepCache // what layout derived from this content; see prepare
}

// Document kinds a template declares in [Template.Kind]; the values are those of
// printer.DocKind.
const (
	KindWaybill      = "waybill"
	KindPackingList  = "packing_list"
	KindProductLabel = "product_label"
)

// Element is one element of a template. The set is closed: [*TextElement],
// [*Code128Element], [*QRElement], [*LineElement], [*BoxElement], [*ImageElement] and
// [*TableElement].
type Element interface {
	common() *Base
	kind() string
}

// Base holds what every element has.
type Base struct {
	// ID names the element in errors; optional.
	ID string `json:"id,omitempty"`
	// If names a field: the element is drawn only when the field is present and not
	// empty.
	If string `json:"if,omitempty"`
	// Pages selects the pages of a multi-page document the element appears on:
	// "" or "all", "first", "last", or "continued" (every page but the first).
	Pages string `json:"pages,omitempty"`
}

func (b *Base) common() *Base { return b }

// Align is the horizontal alignment of text in its box: "left" (or ""), "center" or
// "right".
type Align string

// Alignments.
const (
	AlignLeft   Align = "left"
	AlignCenter Align = "center"
	AlignRight  Align = "right"
)

// Overflow is what happens to text that does not fit its box even at its smallest
// size: "error" (or "") fails the layout with [ErrOverflow]; "mark" keeps what fits
// and ends the last line with "…", so a cut is always visible.
type Overflow string

// Overflow policies.
const (
	OverflowError Overflow = "error"
	OverflowMark  Overflow = "mark"
)

// TextElement is text in a box. It is set at Size and, when it does not fit, shrunk in
// steps down to MinSize; Wrap breaks it into at most MaxLines lines (0 = as many as
// the box holds). With Rotation 90 or 270 the text runs down or up the box, lines
// stacking across its width.
type TextElement struct {
	Base
	X        float64  `json:"x"`
	Y        float64  `json:"y"`
	W        float64  `json:"w"`
	H        float64  `json:"h"`
	Text     string   `json:"text"`
	Size     float64  `json:"size"`               // em height, mm
	MinSize  float64  `json:"min_size,omitempty"` // 0 = no shrinking
	Bold     bool     `json:"bold,omitempty"`
	Align    Align    `json:"align,omitempty"`
	Wrap     bool     `json:"wrap,omitempty"`
	MaxLines int      `json:"max_lines,omitempty"`
	Rotation Rotation `json:"rotation,omitempty"`
	Reverse  bool     `json:"reverse,omitempty"` // white on black, box filled
	Overflow Overflow `json:"overflow,omitempty"`
	// Optional makes absent fields print as empty instead of failing with
	// [ErrMissingField].
	Optional bool `json:"optional,omitempty"`
}

// Code128Element is a Code 128 barcode centred in a box W mm wide (quiet zones
// included) with bars H mm high, optionally with its data as text below.
type Code128Element struct {
	Base
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
	Data string  `json:"data"`
	// Module is the preferred narrow bar width in mm; when the symbol does not fit in
	// W with its quiet zones it narrows down to MinModule, and below that layout fails
	// with a [*FitError]. Defaults 0.375 (3 dots at 203 dpi) and [MinModule]; a
	// smaller MinModule than [MinModule] counts as [MinModule].
	Module    float64 `json:"module,omitempty"`
	MinModule float64 `json:"min_module,omitempty"`
	// Text prints the data under the bars at TextSize (default 2.5 mm).
	Text     bool    `json:"text,omitempty"`
	TextSize float64 `json:"text_size,omitempty"`
	Optional bool    `json:"optional,omitempty"`
}

// QRElement is a QR code in a square box Size mm wide, quiet zone included. Module 0
// makes the modules as large as fit.
type QRElement struct {
	Base
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Size     float64 `json:"size"`
	Data     string  `json:"data"`
	Module   float64 `json:"module,omitempty"`
	Level    string  `json:"level,omitempty"` // "L", "M" (default), "Q" or "H"
	Optional bool    `json:"optional,omitempty"`
}

// LineElement is a straight line.
type LineElement struct {
	Base
	X1        float64 `json:"x1"`
	Y1        float64 `json:"y1"`
	X2        float64 `json:"x2"`
	Y2        float64 `json:"y2"`
	Thickness float64 `json:"thickness"`
}

// BoxElement is a rectangle outline or a filled rectangle.
type BoxElement struct {
	Base
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	W         float64 `json:"w"`
	H         float64 `json:"h"`
	Thickness float64 `json:"thickness,omitempty"`
	Fill      bool    `json:"fill,omitempty"`
}

// ImageElement is a 1-bit bitmap (a logo) scaled to W x H mm. In JSON the bitmap is
// {"width": px, "height": px, "bits": base64 of rows of (width+7)/8 bytes, MSB first,
// 1 = black}.
type ImageElement struct {
	Base
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Bitmap *Bitmap `json:"bitmap"`
}

// TableElement repeats a row per row of a data table. On a page template the rows
// fill the box (X, Y, W, H) and continue on further pages (in the box ContinueY,
// ContinueH when set); on a receipt the box grows and so does the page, moving the
// elements below the table down.
type TableElement struct {
	Base
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
	Table string  `json:"table"` // name of a table of Data, e.g. "items"
	Size  float64 `json:"size"`  // text em height, mm
	// RowHeight is the height of one line of a row (default 1.5 × Size).
	RowHeight float64 `json:"row_height,omitempty"`
	// Header prints the column headers (bold) at the top of the table on every page.
	Header bool `json:"header,omitempty"`
	// Rules draws a thin line under the header and under every row.
	Rules     bool     `json:"rules,omitempty"`
	ContinueY float64  `json:"continue_y,omitempty"`
	ContinueH float64  `json:"continue_h,omitempty"`
	Columns   []Column `json:"columns"`
	Optional  bool     `json:"optional,omitempty"`
}

// Column is one column of a table. Text binds row fields ("{name} {spec}"), falling
// back to the document's fields. A cell that does not fit is wrapped (Wrap, up to
// MaxLines, default 3, the row growing) and then cut with a visible "…".
type Column struct {
	Header   string  `json:"header"`
	Text     string  `json:"text"`
	Width    float64 `json:"width"` // mm
	Align    Align   `json:"align,omitempty"`
	Wrap     bool    `json:"wrap,omitempty"`
	MaxLines int     `json:"max_lines,omitempty"`
}

func (*TextElement) kind() string    { return "text" }
func (*Code128Element) kind() string { return "code128" }
func (*QRElement) kind() string      { return "qr" }
func (*LineElement) kind() string    { return "line" }
func (*BoxElement) kind() string     { return "box" }
func (*ImageElement) kind() string   { return "image" }
func (*TableElement) kind() string   { return "table" }

// elementName is the element's ID, or type#index.
func elementName(e Element, i int) string {
	if id := e.common().ID; id != "" {
		return id
	}
	return e.kind() + "#" + strconv.Itoa(i)
}

// ParseTemplate decodes a template from JSON strictly: unknown fields, unknown element
// types and trailing data are errors, and the template must pass [Template.Validate].
// Errors are [*Error] values wrapping [ErrTemplate].
func ParseTemplate(data []byte) (*Template, error) {
	t := new(Template)
	if err := t.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// ReadTemplate reads and parses one JSON template from r (see [ParseTemplate]).
func ReadTemplate(r io.Reader) (*Template, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return ParseTemplate(data)
}

type templateJSON struct {
	Name     string            `json:"name"`
	Version  string            `json:"version"`
	Kind     string            `json:"kind,omitempty"`
	Width    float64           `json:"width"`
	Height   float64           `json:"height"`
	Receipt  bool              `json:"receipt,omitempty"`
	Privacy  bool              `json:"privacy,omitempty"`
	Elements []json.RawMessage `json:"elements"`
}

type (
	textJSON struct {
		Type string `json:"type"`
		TextElement
	}
	code128JSON struct {
		Type string `json:"type"`
		Code128Element
	}
	qrJSON struct {
		Type string `json:"type"`
		QRElement
	}
	lineJSON struct {
		Type string `json:"type"`
		LineElement
	}
	boxJSON struct {
		Type string `json:"type"`
		BoxElement
	}
	imageJSON struct {
		Type string `json:"type"`
		ImageElement
	}
	tableJSON struct {
		Type string `json:"type"`
		TableElement
	}
)

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// UnmarshalJSON decodes a template strictly (see [ParseTemplate]); it does not
// validate.
func (t *Template) UnmarshalJSON(data []byte) error {
	var tj templateJSON
	if err := strictDecode(data, &tj); err != nil {
		return &Error{Template: tj.Name, Err: fmt.Errorf("%w: %v", ErrTemplate, err)}
	}
	*t = Template{Name: tj.Name, Version: tj.Version, Kind: tj.Kind, Width: tj.Width, Height: tj.Height,
		Receipt: tj.Receipt, Privacy: tj.Privacy, Elements: make([]Element, 0, len(tj.Elements))}
	for i, raw := range tj.Elements {
		e, err := decodeElement(raw)
		if err != nil {
			name := "element#" + strconv.Itoa(i)
			var head struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			}
			if json.Unmarshal(raw, &head) == nil {
				if head.ID != "" {
					name = head.ID
				} else if head.Type != "" {
					name = head.Type + "#" + strconv.Itoa(i)
				}
			}
			return &Error{Template: t.Name, Element: name, Err: fmt.Errorf("%w: %v", ErrTemplate, err)}
		}
		t.Elements = append(t.Elements, e)
	}
	return nil
}

func decodeElement(raw json.RawMessage) (Element, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case "text":
		var v textJSON
		err := strictDecode(raw, &v)
		return &v.TextElement, err
	case "code128":
		var v code128JSON
		err := strictDecode(raw, &v)
		return &v.Code128Element, err
	case "qr":
		var v qrJSON
		err := strictDecode(raw, &v)
		return &v.QRElement, err
	case "line":
		var v lineJSON
		err := strictDecode(raw, &v)
		return &v.LineElement, err
	case "box":
		var v boxJSON
		err := strictDecode(raw, &v)
		return &v.BoxElement, err
	case "image":
		var v imageJSON
		err := strictDecode(raw, &v)
		return &v.ImageElement, err
	case "table":
		var v tableJSON
		err := strictDecode(raw, &v)
		return &v.TableElement, err
	case "":
		return nil, errors.New(`element has no "type"`)
	}
	return nil, fmt.Errorf("unknown element type %q", head.Type)
}

// MarshalJSON encodes the template; every element carries its "type".
func (t Template) MarshalJSON() ([]byte, error) {
	tj := templateJSON{Name: t.Name, Version: t.Version, Kind: t.Kind, Width: t.Width, Height: t.Height,
		Receipt: t.Receipt, Privacy: t.Privacy, Elements: make([]json.RawMessage, len(t.Elements))}
	for i, e := range t.Elements {
		var v any
		switch e := e.(type) {
		case *TextElement:
			v = textJSON{"text", *e}
		case *Code128Element:
			v = code128JSON{"code128", *e}
		case *QRElement:
			v = qrJSON{"qr", *e}
		case *LineElement:
			v = lineJSON{"line", *e}
		case *BoxElement:
			v = boxJSON{"box", *e}
		case *ImageElement:
			v = imageJSON{"image", *e}
		case *TableElement:
			v = tableJSON{"table", *e}
		default:
			return nil, &Error{Template: t.Name, Element: strconv.Itoa(i), Err: fmt.Errorf("%w: nil element", ErrTemplate)}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		tj.Elements[i] = b
	}
	return json.Marshal(tj)
}

// MarshalJSON encodes a bitmap as {"width", "height", "bits"} with the rows packed
// (width+7)/8 bytes each and base64 encoded.
func (b *Bitmap) MarshalJSON() ([]byte, error) {
	stride := (b.Width + 7) / 8
	packed := make([]byte, 0, stride*b.Height)
	for y := 0; y < b.Height; y++ {
		if y*b.Stride+stride > len(b.Bits) {
			return nil, fmt.Errorf("%w: bitmap data too short", ErrTemplate)
		}
		packed = append(packed, b.Bits[y*b.Stride:y*b.Stride+stride]...)
	}
	return json.Marshal(struct {
		Width  int    `json:"width"`
		Height int    `json:"height"`
		Bits   string `json:"bits"`
	}{b.Width, b.Height, base64.StdEncoding.EncodeToString(packed)})
}

// UnmarshalJSON decodes the form written by [Bitmap.MarshalJSON], strictly.
func (b *Bitmap) UnmarshalJSON(data []byte) error {
	var v struct {
		Width  int    `json:"width"`
		Height int    `json:"height"`
		Bits   string `json:"bits"`
	}
	if err := strictDecode(data, &v); err != nil {
		return err
	}
	if v.Width <= 0 || v.Height <= 0 || v.Width > 1<<14 || v.Height > 1<<14 {
		return fmt.Errorf("bitmap size %dx%d", v.Width, v.Height)
	}
	bits, err := base64.StdEncoding.DecodeString(v.Bits)
	if err != nil {
		return fmt.Errorf("bitmap bits: %v", err)
	}
	stride := (v.Width + 7) / 8
	if len(bits) != stride*v.Height {
		return fmt.Errorf("bitmap bits: %d bytes, want %d", len(bits), stride*v.Height)
	}
	*b = Bitmap{Width: v.Width, Height: v.Height, Stride: stride, Bits: bits}
	return nil
}
