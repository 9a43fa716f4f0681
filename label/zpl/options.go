package zpl

import (
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/label"
)

// TextMode selects how text lines reach the printer.
type TextMode int

const (
	// TextFont prints every text line with the printer-resident font named by
	// [Options.FontFile], mapped to [Options.FontID] with ^CW.
	TextFont TextMode = iota
	// TextGraphics is for printers without a CJK font: lines with non-ASCII text are
	// rasterized by [Options.Rasterizer] and sent as ^GF graphics; ASCII-only lines use
	// the built-in scalable font 0.
	TextGraphics
)

// Compression selects the ^GF data encoding for graphics.
type Compression int

const (
	// CompressZ64 sends zlib-compressed, base64-encoded data with a CRC (:Z64:...).
	CompressZ64 Compression = iota
	// CompressACS sends hexadecimal data with ZPL ASCII run-length compression.
	CompressACS
	// CompressHex sends plain hexadecimal data.
	CompressHex
)

// Defaults for [Options].
const (
	DefaultDPI      = 203
	DefaultFontFile = "E:SIMSUN.TTF"
	DefaultFontID   = 'J'
)

// Options configure a [Renderer]. The zero value means: 203 dpi, no calibration,
// text through the printer font E:SIMSUN.TTF mapped to font J, Z64 graphics.
type Options struct {
	// DPI is the printer resolution: 203, 300 or 600 (0 means 203).
	DPI int
	// Calibration shifts every field by DX, DY and sets darkness (~SD) and speed (^PR)
	// when they are non-zero.
	Calibration label.Calibration
	// TextMode selects printer font or graphics for text.
	TextMode TextMode
	// FontFile is the printer-resident font for text, e.g. "E:SIMSUN.TTF" (the default)
	// or "E:MSUNG.TTF". Letters, digits and ":._-" only.
	FontFile string
	// FontID is the font identifier FontFile is mapped to: 'A'-'Z' or '0'-'9'
	// (0 means 'J').
	FontID byte
	// Compression of ^GF graphics (text in TextGraphics mode and images).
	Compression Compression
	// Rasterizer draws text lines as bitmaps; required when TextMode is TextGraphics.
	// In TextFont mode it draws the lines holding a character the printer font
	// lacks (see FontHas); nil there means label/raster with the fonts it finds on
	// the host, loaded when first needed. It is called with rotation 0 (the renderer
	// rotates the bitmap) and without Reverse (the renderer prints reverse lines
	// with ^FR).
	Rasterizer label.TextRasterizer
	// StrictFont makes a letter or digit the printer font lacks a
	// [*label.GlyphError] in TextFont mode instead of an image drawn by the
	// default rasterizer (an explicit Rasterizer is still used).
	StrictFont bool
	// FontHas reports whether the printer font has a character. Nil means
	// [label.InGB2312] and ¥: the Chinese fonts printers ship with (SIMSUN.TTF, MSUNG.TTF
	// and the GB 2312 fonts of most Chinese printers) are sure to have GB 2312 and
	// nothing more, so 喆 or 𠮷 in a name goes as a ^GF image.
	FontHas func(r rune) bool
}

// Errors returned by the renderer.
var (
	// ErrInvalidOptions is wrapped by every *OptionsError.
	ErrInvalidOptions = errors.New("zpl: invalid options")
	// ErrNoRasterizer means TextGraphics was requested without a Rasterizer.
	ErrNoRasterizer = errors.New("zpl: text mode graphics needs a text rasterizer")
	// ErrUnsupportedOp means a page holds an op this renderer does not know (or nil).
	ErrUnsupportedOp = errors.New("zpl: unsupported op")
	// ErrRotation means an op has a rotation other than 0, 90, 180 or 270.
	ErrRotation = errors.New("zpl: invalid rotation")
	// ErrBitmap means a bitmap's size and data do not agree.
	ErrBitmap = errors.New("zpl: invalid bitmap")
)

// OptionsError describes an invalid [Options] field.
type OptionsError struct {
	Field  string
	Reason string
}

func (e *OptionsError) Error() string {
	return fmt.Sprintf("zpl: invalid options: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrInvalidOptions].
func (e *OptionsError) Unwrap() error { return ErrInvalidOptions }

// OpError reports the op that could not be rendered.
type OpError struct {
	Page, Index int // zero-based page and op index
	Op          string
	Err         error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("zpl: page %d op %d (%s): %v", e.Page, e.Index, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

// Validate reports the first invalid field as an *[OptionsError] (or
// [ErrNoRasterizer]).
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	switch o.DPI {
	case 0, 203, 300, 600:
	default:
		return &OptionsError{"DPI", fmt.Sprintf("%d is not 203, 300 or 600", o.DPI)}
	}
	if d := o.Calibration.Darkness; d < 0 || d > 30 {
		return &OptionsError{"Calibration.Darkness", fmt.Sprintf("%d is not in 0-30", d)}
	}
	if s := o.Calibration.Speed; s < 0 || s > 14 {
		return &OptionsError{"Calibration.Speed", fmt.Sprintf("%d is not in 0-14", s)}
	}
	switch o.TextMode {
	case TextFont:
	case TextGraphics:
		if o.Rasterizer == nil {
			return ErrNoRasterizer
		}
	default:
		return &OptionsError{"TextMode", fmt.Sprintf("unknown mode %d", o.TextMode)}
	}
	for i := 0; i < len(o.FontFile); i++ {
		c := o.FontFile[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ':' || c == '.' || c == '_' || c == '-') {
			return &OptionsError{"FontFile", fmt.Sprintf("%q has a character other than letters, digits and \":._-\"", o.FontFile)}
		}
	}
	if id := o.FontID; id != 0 && !(id >= 'A' && id <= 'Z' || id >= '0' && id <= '9') {
		return &OptionsError{"FontID", fmt.Sprintf("%q is not A-Z or 0-9", id)}
	}
	switch o.Compression {
	case CompressZ64, CompressACS, CompressHex:
	default:
		return &OptionsError{"Compression", fmt.Sprintf("unknown compression %d", o.Compression)}
	}
	return nil
}
