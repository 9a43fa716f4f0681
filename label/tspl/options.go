package tspl

import (
	"errors"
	"fmt"
	"math"

	"github.com/dadanhq/dadan/label"
)

// Resolutions of the printers this package drives. TSPL counts 8 dots per
// millimetre at 203 dpi and 12 at 300 dpi.
const (
	DPI203 = 203
	DPI300 = 300
)

// DefaultMaxWidth is the widest page in millimetres a [Renderer] prints when
// [Options.MaxWidth] is zero: the 108 mm (4.25 inch) print width of the common
// 4-inch label printers.
const DefaultMaxWidth = 108

// DefaultGap is the gap between labels, in millimetres, when [Options.Gap] is zero.
const DefaultGap = 2

// Media is the kind of label stock, which decides how the printer finds the next
// label.
type Media int

const (
	// MediaGap is die-cut labels separated by a gap (GAP), the default.
	MediaGap Media = iota
	// MediaBlackMark is stock with a black mark on the back between labels (BLINE).
	MediaBlackMark
	// MediaContinuous is continuous stock without gaps (GAP 0,0): each page is cut or
	// torn at the length it needs, as a receipt is.
	MediaContinuous
)

// Options configure a [Renderer]. The zero value means 203 dpi, gap labels with a
// 2 mm gap, pages up to 108 mm wide, no calibration and no rasterizer (a character
// outside the printer font is then an error).
type Options struct {
	// DPI is the printer resolution: 203 or 300 (0 means 203).
	DPI int
	// Calibration shifts everything by DX, DY millimetres; Darkness (0-30, as for
	// ZPL) sets DENSITY to half of it, Speed sets SPEED in inches per second. Zero
	// keeps the printer's setting.
	Calibration label.Calibration
	// Media is the label stock; Gap is its gap or black mark height in millimetres
	// (0 means 2 mm; unused for continuous stock).
	Media Media
	Gap   float64
	// UpsideDown prints every label turned by 180 degrees (DIRECTION 1), for
	// printers that feed labels out the other way round.
	UpsideDown bool
	// MaxWidth is the printer's print width in millimetres (0 means 108); wider
	// pages are refused with a [*PageSizeError].
	MaxWidth float64
	// InvertBitmaps sends BITMAP data with 1 bits for dots, for the few firmwares
	// that print bitmaps white on black otherwise; the TSPL manual, and nearly
	// every printer, print 0 bits.
	InvertBitmaps bool
	// Rasterizer draws text the printer font cannot print as it is laid out:
	// characters outside GB2312 and lines whose size no multiple of the 24-dot
	// font comes close to. It is called with rotation 0 and reverse off (the
	// renderer rotates and reverses). label/raster implements it.
	Rasterizer label.TextRasterizer
}

// Errors returned by the renderer.
var (
	// ErrInvalidOptions is wrapped by every *OptionsError.
	ErrInvalidOptions = errors.New("tspl: invalid options")
	// ErrUnprintable means a text line holds a character outside the printer font
	// and no Rasterizer is configured to draw it.
	ErrUnprintable = errors.New("tspl: character outside the printer font")
	// ErrTextWidth means a text line printed in the printer font, without a
	// Rasterizer to draw it at its laid-out size, would run off the label. Text is
	// never cut silently.
	ErrTextWidth = errors.New("tspl: text runs off the label in the printer font")
	// ErrPageSize means a page is wider than the printer prints, or has no size.
	ErrPageSize = errors.New("tspl: page does not fit the printer")
	// ErrUnsupportedOp means a page holds an op this renderer does not know (or nil).
	ErrUnsupportedOp = errors.New("tspl: unsupported op")
	// ErrRotation means an op has a rotation other than 0, 90, 180 or 270.
	ErrRotation = errors.New("tspl: invalid rotation")
	// ErrBitmap means a bitmap's size and data do not agree.
	ErrBitmap = errors.New("tspl: invalid bitmap")
	// ErrBarcodeData means a barcode holds data the printer cannot be sent as text
	// and no modules to draw it from.
	ErrBarcodeData = errors.New("tspl: invalid barcode data")
	// ErrQRData means a QR code holds data the printer cannot be sent as text and
	// no modules to draw it from.
	ErrQRData = errors.New("tspl: invalid QR data")
)

// OptionsError describes an invalid [Options] field.
type OptionsError struct {
	Field  string
	Reason string
}

func (e *OptionsError) Error() string {
	return fmt.Sprintf("tspl: invalid options: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrInvalidOptions].
func (e *OptionsError) Unwrap() error { return ErrInvalidOptions }

// UnprintableError names the first character of a text line that the printer
// font lacks (one outside GB 2312, see [label.InGB2312]) when no
// Rasterizer can draw it, with the line's field and the document's order when
// known. It wraps [ErrUnprintable] and a [*label.GlyphError], so errors.As finds
// the character either way.
type UnprintableError struct {
	Char  rune
	Field string
	Order string
}

func (e *UnprintableError) Error() string {
	s := fmt.Sprintf("%v: %q (U+%04X)", ErrUnprintable, e.Char, e.Char)
	if e.Field != "" {
		s += " in field " + e.Field
	}
	if e.Order != "" {
		s += " of order " + e.Order
	}
	return s
}

// Unwrap returns [ErrUnprintable] and the [*label.GlyphError] for the character.
func (e *UnprintableError) Unwrap() []error {
	return []error{ErrUnprintable, &label.GlyphError{Rune: e.Char, Field: e.Field, Order: e.Order, Font: font + " (GB 2312)"}}
}

// PageSizeError is a page the printer cannot print: wider than its print width
// (a packing list on A4, say), or without a positive size. It wraps [ErrPageSize].
type PageSizeError struct {
	Page          int     // zero-based page index
	Width, Height float64 // the page, in mm
	MaxWidth      float64 // the printer's print width, in mm
}

func (e *PageSizeError) Error() string {
	return fmt.Sprintf("%v: page %d is %g x %g mm, the printer prints at most %g mm wide",
		ErrPageSize, e.Page, e.Width, e.Height, e.MaxWidth)
}

// Unwrap returns [ErrPageSize].
func (e *PageSizeError) Unwrap() error { return ErrPageSize }

// OpError reports the op that could not be rendered.
type OpError struct {
	Page, Index int // zero-based page and op index
	Op          string
	Err         error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("tspl: page %d op %d (%s): %v", e.Page, e.Index, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

// Validate reports the first invalid field as an *[OptionsError].
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	switch o.DPI {
	case 0, DPI203, DPI300:
	default:
		return &OptionsError{"DPI", fmt.Sprintf("%d is not 203 or 300", o.DPI)}
	}
	c := o.Calibration
	if math.IsNaN(c.DX) || math.IsNaN(c.DY) || math.Abs(c.DX) > 100 || math.Abs(c.DY) > 100 {
		return &OptionsError{"Calibration", fmt.Sprintf("offset %v, %v mm is not within 100 mm", c.DX, c.DY)}
	}
	if c.Darkness < 0 || c.Darkness > 30 {
		return &OptionsError{"Calibration.Darkness", fmt.Sprintf("%d is not in 0-30", c.Darkness)}
	}
	if c.Speed < 0 || c.Speed > 14 {
		return &OptionsError{"Calibration.Speed", fmt.Sprintf("%d is not in 0-14", c.Speed)}
	}
	switch o.Media {
	case MediaGap, MediaBlackMark, MediaContinuous:
	default:
		return &OptionsError{"Media", fmt.Sprintf("unknown media %d", o.Media)}
	}
	if !(o.Gap >= 0 && o.Gap <= 50) {
		return &OptionsError{"Gap", fmt.Sprintf("%v mm is not in 0-50", o.Gap)}
	}
	if !(o.MaxWidth >= 0 && o.MaxWidth <= 300) {
		return &OptionsError{"MaxWidth", fmt.Sprintf("%v mm is not in 0-300", o.MaxWidth)}
	}
	return nil
}
