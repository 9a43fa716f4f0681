package label

import (
	"fmt"
	"math"
)

// Validate reports whether the template is well formed: positive sizes, elements
// inside the page, known alignments, rotations, overflow policies and filters,
// placeholders that parse, boxes that hold at least one line, at most one table.
// Errors are [*Error] values wrapping [ErrTemplate].
func (t *Template) Validate() error {
	fail := func(elem, format string, args ...any) error {
		return &Error{Template: t.Name, Element: elem, Err: fmt.Errorf("%w: "+format, append([]any{ErrTemplate}, args...)...)}
	}
	if t.Name == "" {
		return fail("", "no name")
	}
	switch t.Kind {
	case "", KindWaybill, KindPackingList, KindProductLabel:
	default:
		return fail("", "kind %q (want %s, %s or %s)", t.Kind, KindWaybill, KindPackingList, KindProductLabel)
	}
	if !finitePos(t.Width) || !finitePos(t.Height) || t.Width > 2000 || t.Height > 5000 {
		return fail("", "size %gx%g mm", t.Width, t.Height)
	}
	const tol = 0.01
	in := func(x, y, w, h float64) bool {
		return finite(x, y, w, h) && x >= -tol && y >= -tol && w >= 0 && h >= 0 &&
			x+w <= t.Width+tol && y+h <= t.Height+tol
	}
	tables := 0
	for i, e := range t.Elements {
		if e == nil {
			return fail(fmt.Sprintf("element#%d", i), "nil element")
		}
		name := elementName(e, i)
		switch e.common().Pages {
		case "", "all", "first", "last", "continued":
		default:
			return fail(name, "pages %q", e.common().Pages)
		}
		switch e := e.(type) {
		case *TextElement:
			if !in(e.X, e.Y, e.W, e.H) || e.W == 0 || e.H == 0 {
				return fail(name, "box %g,%g %gx%g outside the page", e.X, e.Y, e.W, e.H)
			}
			if !finitePos(e.Size) || e.MinSize < 0 || e.MinSize > e.Size || e.MaxLines < 0 || e.MaxLines > 1000 || !finite(e.MinSize) {
				return fail(name, "size %g, min size %g, max lines %d", e.Size, e.MinSize, e.MaxLines)
			}
			across := e.H
			if e.Rotation == Rotate90 || e.Rotation == Rotate270 {
				across = e.W
			}
			smallest := e.Size
			if e.MinSize > 0 {
				smallest = e.MinSize
			}
			if across+tol < smallest {
				return fail(name, "box too small for one line of %g mm", smallest)
			}
			if err := checkText(e.Align, e.Rotation, e.Overflow); err != nil {
				return &Error{Template: t.Name, Element: name, Err: err}
			}
			if err := checkBinding(e.Text); err != nil {
				return &Error{Template: t.Name, Element: name, Err: err}
			}
		case *Code128Element:
			if !in(e.X, e.Y, e.W, e.H) || e.W == 0 || e.H == 0 {
				return fail(name, "box outside the page")
			}
			if e.Module < 0 || e.MinModule < 0 || e.TextSize < 0 || !finite(e.Module, e.MinModule, e.TextSize) ||
				(e.MinModule > 0 && e.MinModule < 0.1) {
				return fail(name, "module %g, min module %g", e.Module, e.MinModule)
			}
			if e.Text {
				ts := e.TextSize
				if ts == 0 {
					ts = 2.5
				}
				if e.Y+e.H+ts > t.Height+tol {
					return fail(name, "human-readable text below the page")
				}
			}
			if err := checkBinding(e.Data); err != nil {
				return &Error{Template: t.Name, Element: name, Err: err}
			}
		case *QRElement:
			if !in(e.X, e.Y, e.Size, e.Size) || e.Size == 0 || e.Module < 0 || !finite(e.Module) {
				return fail(name, "box outside the page")
			}
			switch e.Level {
			case "", "L", "M", "Q", "H":
			default:
				return fail(name, "QR level %q", e.Level)
			}
			if err := checkBinding(e.Data); err != nil {
				return &Error{Template: t.Name, Element: name, Err: err}
			}
		case *LineElement:
			if !in(math.Min(e.X1, e.X2), math.Min(e.Y1, e.Y2), math.Abs(e.X2-e.X1), math.Abs(e.Y2-e.Y1)) ||
				!finitePos(e.Thickness) {
				return fail(name, "line outside the page or no thickness")
			}
		case *BoxElement:
			if !in(e.X, e.Y, e.W, e.H) || e.Thickness < 0 || !finite(e.Thickness) || (!e.Fill && e.Thickness == 0) {
				return fail(name, "box outside the page or no thickness")
			}
		case *ImageElement:
			if !in(e.X, e.Y, e.W, e.H) || e.Bitmap == nil || e.Bitmap.Width <= 0 || e.Bitmap.Height <= 0 ||
				e.Bitmap.Stride < (e.Bitmap.Width+7)/8 || len(e.Bitmap.Bits) < e.Bitmap.Stride*e.Bitmap.Height {
				return fail(name, "image outside the page or bad bitmap")
			}
		case *TableElement:
			tables++
			if tables > 1 {
				return fail(name, "more than one table")
			}
			if !in(e.X, e.Y, e.W, e.H) || e.Table == "" || !finitePos(e.Size) || e.RowHeight < 0 || !finite(e.RowHeight) {
				return fail(name, "table box, name or size")
			}
			if e.ContinueH != 0 && !in(e.X, e.ContinueY, e.W, e.ContinueH) {
				return fail(name, "continuation box outside the page")
			}
			rowH := e.RowHeight
			if rowH == 0 {
				rowH = 1.5 * e.Size
			}
			if rowH < e.Size {
				return fail(name, "row height below text size")
			}
			if len(e.Columns) == 0 {
				return fail(name, "no columns")
			}
			var sum float64
			for _, c := range e.Columns {
				if !finitePos(c.Width) || c.MaxLines < 0 || c.MaxLines > 100 {
					return fail(name, "column %q width %g", c.Header, c.Width)
				}
				sum += c.Width
				if err := checkText(c.Align, 0, ""); err != nil {
					return &Error{Template: t.Name, Element: name, Err: err}
				}
				if err := checkBinding(c.Text); err != nil {
					return &Error{Template: t.Name, Element: name, Err: err}
				}
			}
			if sum > e.W+tol {
				return fail(name, "columns %g mm wider than the table %g mm", sum, e.W)
			}
			lines := 1
			for _, c := range e.Columns {
				if c.Wrap {
					lines = max(lines, cmp0(c.MaxLines, 3))
				}
			}
			need := float64(lines) * rowH
			if e.Header {
				need += rowH
			}
			if !t.Receipt && (e.H+tol < need || (e.ContinueH != 0 && e.ContinueH+tol < need)) {
				return fail(name, "table box holds no row")
			}
		}
	}
	return nil
}

func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func checkText(a Align, r Rotation, o Overflow) error {
	switch a {
	case "", AlignLeft, AlignCenter, AlignRight:
	default:
		return fmt.Errorf("%w: align %q", ErrTemplate, a)
	}
	switch r {
	case Rotate0, Rotate90, Rotate180, Rotate270:
	default:
		return fmt.Errorf("%w: rotation %d", ErrTemplate, r)
	}
	switch o {
	case "", OverflowError, OverflowMark:
	default:
		return fmt.Errorf("%w: overflow %q", ErrTemplate, o)
	}
	return nil
}

func finite(v ...float64) bool {
	for _, f := range v {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

func finitePos(f float64) bool { return finite(f) && f > 0 }
