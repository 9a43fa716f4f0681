package pdf

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch with [errors.Is].
var (
	// ErrNoFont means no usable TrueType font was named or found on the host.
	ErrNoFont = errors.New("pdf: no font found")
	// ErrFontFormat means a font file is not a TrueType font this package can read.
	ErrFontFormat = errors.New("pdf: unsupported or damaged font")
	// ErrEmpty means a document has no pages.
	ErrEmpty = errors.New("pdf: document has no pages")
	// ErrPageSize means a page's width or height is not a positive size PDF allows.
	ErrPageSize = errors.New("pdf: invalid page size")
	// ErrGeometry means an op has a coordinate or size that is not finite or is out of range.
	ErrGeometry = errors.New("pdf: invalid op geometry")
	// ErrOp means an op is nil or of a type this renderer does not know.
	ErrOp = errors.New("pdf: unknown op")
	// ErrBitmap means an image's bitmap is missing or inconsistent with its size.
	ErrBitmap = errors.New("pdf: invalid bitmap")
	// ErrTooManyGlyphs means one file uses more distinct characters than a font can address.
	ErrTooManyGlyphs = errors.New("pdf: too many distinct glyphs in one file")
	// ErrClosed means a [Writer] was used after Close.
	ErrClosed = errors.New("pdf: writer closed")
)

// FontError reports a font that could not be loaded or parsed.
type FontError struct {
	Path string // file path, empty for fonts given as bytes
	Err  error  // wraps ErrFontFormat or an I/O error
}

// Error describes the font and the cause.
func (e *FontError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("pdf: font: %v", e.Err)
	}
	return fmt.Sprintf("pdf: font %s: %v", e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *FontError) Unwrap() error { return e.Err }

// OpError reports an invalid page or op; Op is -1 when the page itself is at fault.
type OpError struct {
	Page int   // page index in the document, from 0
	Op   int   // op index in the page, from 0, or -1
	Err  error // ErrPageSize, ErrGeometry, ErrOp or ErrBitmap
}

// Error names the page and op and the cause.
func (e *OpError) Error() string {
	if e.Op < 0 {
		return fmt.Sprintf("pdf: page %d: %v", e.Page, e.Err)
	}
	return fmt.Sprintf("pdf: page %d op %d: %v", e.Page, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }
