package escpos

import (
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/label"
)

// DPI is the resolution of the receipt printers this package drives.
const DPI = 203

// Printable widths in dots of common paper rolls.
const (
	Paper58 = 384 // 58 mm paper, 48 mm printable
	Paper80 = 576 // 80 mm paper, 72 mm printable
)

// Mode selects how pages are printed.
type Mode int

const (
	// ModeText prints text with the printer's fonts, line by line.
	ModeText Mode = iota
	// ModeRaster prints every page as one GS v 0 image from [Options.PageRasterizer].
	ModeRaster
)

// Cut selects the cut at the end of each page.
type Cut int

const (
	// CutFull feeds to the cutter and cuts through (GS V 65).
	CutFull Cut = iota
	// CutPartial feeds to the cutter and leaves a hinge (GS V 66).
	CutPartial
	// CutNone does not cut, for printers without a cutter.
	CutNone
)

// PageRasterizer draws a whole page as a bitmap; label/raster implements it.
type PageRasterizer interface {
	RasterizePage(p label.Page, dpi int) (*label.Bitmap, error)
}

// Options configure a [Renderer]. The zero value means 80 mm paper, text mode, full
// cut, and an error for characters the printer font cannot print.
type Options struct {
	// PaperWidth is the printable width in dots: [Paper58] or [Paper80] (0 means
	// Paper80). A page no wider than the paper roll (58 or 80 mm; for other widths
	// the printable width plus 8 mm) is centred on the paper; a wider page is a
	// [*PaperWidthError] unless Scale is set.
	PaperWidth int
	// Scale prints a page wider than the paper as one image scaled down to the
	// printable width, drawn by PageRasterizer (required for such pages).
	Scale bool
	// Mode selects text or raster printing.
	Mode Mode
	// Cut selects the cut after each page.
	Cut Cut
	// Calibration offsets the content (DX, DY in mm; a negative DY is ignored).
	// Darkness and Speed are not used: ESC/POS has no common command for them.
	Calibration label.Calibration
	// TextRasterizer draws text rows that hold characters outside the printer font.
	TextRasterizer label.TextRasterizer
	// PageRasterizer draws whole pages; required in ModeRaster.
	PageRasterizer PageRasterizer
	// ReplaceUnprintable prints '?' for characters outside the printer font when no
	// TextRasterizer is set, instead of failing with [ErrUnprintable].
	ReplaceUnprintable bool
}

// Errors returned by the renderer.
var (
	// ErrInvalidOptions is wrapped by every *OptionsError.
	ErrInvalidOptions = errors.New("escpos: invalid options")
	// ErrNoPageRasterizer means ModeRaster was requested without a PageRasterizer.
	ErrNoPageRasterizer = errors.New("escpos: raster mode needs a page rasterizer")
	// ErrUnprintable means a text line holds characters the printer font cannot have
	// and neither a TextRasterizer nor ReplaceUnprintable is configured.
	ErrUnprintable = errors.New("escpos: character outside the printer font")
	// ErrUnsupportedOp means a page holds an op this renderer does not know (or nil).
	ErrUnsupportedOp = errors.New("escpos: unsupported op")
	// ErrBarcodeData means barcode data cannot be sent with GS k (empty, not ASCII,
	// or too long).
	ErrBarcodeData = errors.New("escpos: invalid barcode data")
	// ErrQRData means QR data is empty or longer than GS ( k can store.
	ErrQRData = errors.New("escpos: invalid QR data")
	// ErrBitmap means a bitmap's size and data do not agree.
	ErrBitmap = errors.New("escpos: invalid bitmap")
	// ErrTextWidth means a text line is wider in the printer font (whose cells are
	// multiples of 24 dots) than the paper left of it allows, and no TextRasterizer
	// is configured to print it as laid out. Text is never cut silently.
	ErrTextWidth = errors.New("escpos: text wider than the paper in the printer font")
	// ErrPaperWidth is wrapped by every *PaperWidthError.
	ErrPaperWidth = errors.New("escpos: page wider than the paper")
)

// OptionsError describes an invalid [Options] field.
type OptionsError struct {
	Field  string
	Reason string
}

func (e *OptionsError) Error() string {
	return fmt.Sprintf("escpos: invalid options: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrInvalidOptions].
func (e *OptionsError) Unwrap() error { return ErrInvalidOptions }

// UnprintableError names the first character of a text line that the printer font
// cannot have (one outside GB 2312, see [label.InGB2312]), the line's field and the
// document's order when known. It wraps [ErrUnprintable] and a
// [*label.GlyphError], so errors.As finds the character either way.
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
	return []error{ErrUnprintable, &label.GlyphError{Rune: e.Char, Field: e.Field, Order: e.Order, Font: "the printer font (GB 2312)"}}
}

// OpError reports the op that could not be rendered.
type OpError struct {
	Page, Index int // zero-based page and op index
	Op          string
	Err         error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("escpos: page %d op %d (%s): %v", e.Page, e.Index, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

// Validate reports the first invalid field as an *[OptionsError] (or
// [ErrNoPageRasterizer]).
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	if o.PaperWidth < 0 || o.PaperWidth > 0 && (o.PaperWidth%8 != 0 || o.PaperWidth > 2040) {
		return &OptionsError{"PaperWidth", fmt.Sprintf("%d is not a positive multiple of 8 up to 2040", o.PaperWidth)}
	}
	switch o.Mode {
	case ModeText:
	case ModeRaster:
		if o.PageRasterizer == nil {
			return ErrNoPageRasterizer
		}
	default:
		return &OptionsError{"Mode", fmt.Sprintf("unknown mode %d", o.Mode)}
	}
	switch o.Cut {
	case CutFull, CutPartial, CutNone:
	default:
		return &OptionsError{"Cut", fmt.Sprintf("unknown cut %d", o.Cut)}
	}
	return nil
}

// PaperWidthError is a page wider than the paper roll, which would lose what lies
// beyond the paper's edges. Widths are in millimetres.
type PaperWidthError struct {
	Page       int     // page index
	PageWidth  float64 // the page's (template's) width
	PaperWidth float64 // the paper roll's width
	Printable  float64 // the printable width on it
}

func (e *PaperWidthError) Error() string {
	return fmt.Sprintf("escpos: page %g mm wide does not fit %g mm paper (%g mm printable): use a template at most %g mm wide, or scale it down to the paper",
		e.PageWidth, e.PaperWidth, e.Printable, e.PaperWidth)
}

// Unwrap returns [ErrPaperWidth].
func (e *PaperWidthError) Unwrap() error { return ErrPaperWidth }

// rollWidth is the width in mm of the paper roll with a printable width of paper dots.
func rollWidth(paper int) float64 {
	switch paper {
	case Paper58:
		return 58
	case Paper80:
		return 80
	}
	return float64(paper)*25.4/DPI + 8
}
