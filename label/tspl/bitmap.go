package tspl

import (
	"math"

	"github.com/dadanhq/dadan/label"
)

func validBitmap(bm *label.Bitmap) bool {
	return bm.Valid() && bm.Width <= 1<<14 && bm.Height <= 1<<14
}

func bit(bm *label.Bitmap, x, y int) bool { return bm.At(x, y) }

func newBitmap(w, h int) *label.Bitmap { return label.NewBitmap(w, h) }

func set(bm *label.Bitmap, x, y int) { bm.Set(x, y) }

// rotate returns bm rotated clockwise by rot (unrotated for a rotation layout
// never makes).
func rotate(bm *label.Bitmap, rot label.Rotation) *label.Bitmap {
	if r := bm.Rotate(rot); r != nil {
		return r
	}
	return bm
}

// scale returns bm resized to w x h by nearest neighbour.
func scale(bm *label.Bitmap, w, h int) *label.Bitmap { return bm.Scale(w, h) }

// bold returns bm with every dot repeated one dot to the right, widened by one.
func bold(bm *label.Bitmap) *label.Bitmap {
	out := newBitmap(bm.Width+1, bm.Height)
	for y := range bm.Height {
		for x := range bm.Width {
			if bit(bm, x, y) {
				set(out, x, y)
				set(out, x+1, y)
			}
		}
	}
	return out
}

// modules draws a matrix of modules (true = dark) with each module cell dots square.
func modules(m [][]bool, cell int) *label.Bitmap {
	n := len(m)
	out := newBitmap(n*cell, n*cell)
	for my, row := range m {
		for mx := 0; mx < n && mx < len(row); mx++ {
			if !row[mx] {
				continue
			}
			for y := my * cell; y < (my+1)*cell; y++ {
				for x := mx * cell; x < (mx+1)*cell; x++ {
					set(out, x, y)
				}
			}
		}
	}
	return out
}

// diagonal draws a line of thickness t dots from (x1, y1) to (x2, y2), relative
// to the returned bitmap's top-left corner (ox, oy).
func diagonal(x1, y1, x2, y2, t int) (bm *label.Bitmap, ox, oy int) {
	half := float64(t) / 2
	ox, oy = min(x1, x2)-t, min(y1, y2)-t
	w, h := abs(x2-x1)+2*t+1, abs(y2-y1)+2*t+1
	bm = newBitmap(w, h)
	dx, dy := float64(x2-x1), float64(y2-y1)
	l := math.Hypot(dx, dy)
	for y := range h {
		for x := range w {
			px, py := float64(x+ox-x1), float64(y+oy-y1)
			along := (px*dx + py*dy) / l
			across := math.Abs(px*dy-py*dx) / l
			if along >= -0.5 && along <= l+0.5 && across <= half {
				set(bm, x, y)
			}
		}
	}
	return bm, ox, oy
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// modeOR is the BITMAP mode that draws only the dots, so a glyph's background
// does not erase the frame lines under it.
const modeOR = 1

// appendBitmap appends BITMAP for bm at (x, y) in mode OR. TSPL bitmaps are
// inverted, a 0 bit prints a dot, unless invert is set for the firmware that
// prints 1 bits ([Options.InvertBitmaps]).
//
// The data is binary and the printer reads exactly width x height bytes of it, so
// quotes and line breaks in it are harmless. ESC ! and ~! are not: some printers
// act on these immediate commands wherever they see them. A pair of data bytes
// that reads as one has one dot of its second byte changed ('!' 0x21 becomes
// '#' 0x23), which no one sees on a label.
func appendBitmap(dst []byte, x, y int, bm *label.Bitmap, invert bool) []byte {
	wb := (bm.Width + 7) / 8
	dst = append(dst, "BITMAP "...)
	dst = appendInts(dst, max(x, 0), max(y, 0), wb, bm.Height, modeOR)
	dst = append(dst, ',')
	start := len(dst)
	flip := byte(0xFF) // the renderer's 1 = black becomes TSPL's 0
	if invert {
		flip = 0
	}
	var pad byte // the bits right of the image: white
	if r := bm.Width % 8; r != 0 {
		pad = 0xFF >> r
	}
	for row := range bm.Height {
		src := bm.Bits[row*bm.Stride : row*bm.Stride+wb]
		for _, b := range src {
			dst = append(dst, b^flip)
		}
		last := &dst[len(dst)-1]
		*last = (*last^flip)&^pad ^ flip
	}
	data := dst[start:]
	for i := 0; i+1 < len(data); i++ {
		if (data[i] == 0x1B || data[i] == '~') && data[i+1] == '!' {
			data[i+1] |= 0x02
		}
	}
	return append(dst, crlf...)
}
