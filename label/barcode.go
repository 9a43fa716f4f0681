package label

import (
	"fmt"
	"math"
)

// This file decides where a Code 128 symbol prints in whole printer dots. Every
// renderer (label/zpl, label/escpos, label/pdf, label/raster, and label/tspl) calls
// [Barcode.Dots] instead of converting millimetres itself, so no two renderers can
// disagree on a module width or a position, and a symbol never grows past the room
// layout reserved for it.

// MinModule is the narrowest Code 128 module in millimetres that layout lays out and
// renderers print: 0.254 mm (10 mil), which is 2 dots at 203 dpi, 3 at 300 and 6 at
// 600 ([MinModuleDots]). One dot at 203 dpi (0.125 mm) or two at 300 (0.17 mm)
// are narrower than the 10-mil minimum usual for thermal-printed Code 128, where
// a bar spreads or thins by a fraction of a dot.
const MinModule = 0.254

// QuietModules is the quiet zone on each side of a Code 128 symbol, in modules,
// that layout reserves and renderers keep clear.
const QuietModules = 10

// MinModuleDots is the narrowest module in whole dots at dpi: dpi/100 (0.01 in),
// at least 1.
func MinModuleDots(dpi int) int { return max(1, dpi/100) }

// FitError is content that cannot fit its box: a barcode whose symbol and quiet
// zones need Need mm along the bars' direction where its box has Have mm, even at
// [MinModule] (or the element's larger minimum). Field is the data field the
// element binds ("waybill.tracking_no"), or "" when not known (an op built by
// hand). DPI is the resolution at which [Barcode.Dots] found it did not fit; it is
// 0 from layout, whose check holds at every resolution. It wraps [ErrOverflow].
type FitError struct {
	Field      string
	Data       string
	Need, Have float64
	DPI        int
}

func (e *FitError) Error() string {
	s := "label: barcode"
	if e.Field != "" {
		s += " for " + e.Field
	}
	s += fmt.Sprintf(" %q needs %.1f mm with quiet zones, has %.1f mm", e.Data, e.Need, e.Have)
	if e.DPI > 0 {
		s += fmt.Sprintf(" at %d dpi", e.DPI)
	}
	return s
}

// Unwrap returns [ErrOverflow].
func (e *FitError) Unwrap() error { return ErrOverflow }

// BarcodeDots is where a [Barcode] prints in whole printer dots, as [Barcode.Dots]
// decides it for every renderer.
type BarcodeDots struct {
	// X, Y is the origin of the symbol's frame: for Rotate0 the top-left corner of
	// its first bar. The frame is rotated clockwise about it by the barcode's
	// Rotation, as for the op itself; the symbol occupies [0, Width] x [0, Height]
	// of the frame.
	X, Y   int
	Module int // narrow bar width
	Width  int // Module * len(Modules)
	Height int // bar height
}

// Dots returns the whole-dot geometry of b at dpi. The module is b.Module rounded
// to whole dots, at least [MinModuleDots], made smaller when that would not fit
// b.Room with the quiet zones ([QuietModules] each side), and the symbol is centred
// where layout centred it; its total width is computed from the rounded module, so
// it never ends past its room. When even [MinModuleDots] does not fit, Dots fails
// with a [*FitError]; layout has checked that it fits at every resolution, so only
// a Barcode built by hand can fail. One with no Modules is measured by encoding
// Data (or, without a Room, estimated when Data cannot be encoded).
func (b *Barcode) Dots(dpi int) (BarcodeDots, error) {
	n := len(b.Modules)
	if n == 0 { // an op built by hand for a printer-native symbol (ZPL ^BC, GS k)
		var vals [2*MaxCode128 + 3]int
		v, err := code128Values(vals[:0], b.Data)
		switch {
		case err == nil:
			n = 11*len(v) + 2 // every symbol is 11 modules, the stop 13
		case b.Room > 0:
			return BarcodeDots{}, err
		default: // the printer decides; a subset B symbol's length is the estimate
			n = 11*(len(b.Data)+3) + 2
		}
	}
	if dpi <= 0 || dpi > 2400 {
		return BarcodeDots{}, fmt.Errorf("%w: barcode at %d dpi", ErrEncode, dpi)
	}
	if n == 0 || !finite(b.X, b.Y, b.Module, b.Height, b.Room) || b.Module <= 0 || b.Module > 100 ||
		math.Abs(b.X) > 1e4 || math.Abs(b.Y) > 1e4 || b.Height < 0 || b.Height > 1e4 || b.Room > 1e4 {
		return BarcodeDots{}, fmt.Errorf("%w: barcode of %d modules, module %g mm", ErrEncode, n, b.Module)
	}
	s := float64(dpi) / 25.4
	total := n + 2*QuietModules
	m := max(int(math.Round(b.Module*s)), MinModuleDots(dpi))
	if b.Room > 0 {
		if m = min(m, int(b.Room*s+1e-6)/total); m < MinModuleDots(dpi) {
			return BarcodeDots{}, &FitError{Data: b.Data, Need: float64(total*MinModuleDots(dpi)) / s, Have: b.Room, DPI: dpi}
		}
	}
	w := m * n
	half := b.Module * float64(n) / 2 // from the origin to the centre, along the frame
	g := BarcodeDots{X: roundDots(b.X * s), Y: roundDots(b.Y * s), Module: m, Width: w,
		Height: max(roundDots(b.Height*s), 1)}
	switch b.Rotation {
	case Rotate90:
		g.Y = roundDots((b.Y+half)*s) - w/2
	case Rotate180:
		g.X = roundDots((b.X-half)*s) + w - w/2
	case Rotate270:
		g.Y = roundDots((b.Y-half)*s) + w - w/2
	default:
		g.X = roundDots((b.X+half)*s) - w/2
	}
	return g, nil
}

// roundDots rounds v to the nearest integer, halves away from zero.
func roundDots(v float64) int { return int(math.Round(v)) }
