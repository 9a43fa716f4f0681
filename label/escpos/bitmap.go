package escpos

import "github.com/dadanhq/dadan/label"

func validBitmap(bm *label.Bitmap) bool {
	return bm.Width > 0 && bm.Height > 0 && bm.Stride >= (bm.Width+7)/8 &&
		len(bm.Bits) >= bm.Stride*(bm.Height-1)+(bm.Width+7)/8
}

func bit(bm *label.Bitmap, x, y int) bool {
	return bm.Bits[y*bm.Stride+x/8]&(0x80>>(x%8)) != 0
}

// blit ORs bm into a band of stride bytes per row and width dots, at column x0,
// clipping what falls outside.
func blit(band []byte, stride, width int, bm *label.Bitmap, x0 int) {
	rows := len(band) / stride
	for y := 0; y < bm.Height && y < rows; y++ {
		row := band[y*stride:]
		for x := 0; x < bm.Width; x++ {
			px := x0 + x
			if px < 0 || px >= width || !bit(bm, x, y) {
				continue
			}
			row[px/8] |= 0x80 >> (px % 8)
		}
	}
}

// scale returns bm resized to w x h by nearest neighbour (bm itself when the size
// already matches or w, h are not positive).
func scale(bm *label.Bitmap, w, h int) *label.Bitmap {
	if w <= 0 || h <= 0 || w == bm.Width && h == bm.Height {
		return bm
	}
	s := (w + 7) / 8
	out := &label.Bitmap{Width: w, Height: h, Stride: s, Bits: make([]byte, s*h)}
	for y := range h {
		sy := y * bm.Height / h
		for x := range w {
			if bit(bm, x*bm.Width/w, sy) {
				out.Bits[y*s+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return out
}
