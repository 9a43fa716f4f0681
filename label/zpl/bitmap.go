package zpl

import "github.com/dadanhq/dadan/label"

func validBitmap(bm *label.Bitmap) bool {
	return bm.Width > 0 && bm.Height > 0 && bm.Stride >= (bm.Width+7)/8 &&
		len(bm.Bits) >= bm.Stride*(bm.Height-1)+(bm.Width+7)/8
}

func bit(bm *label.Bitmap, x, y int) bool {
	return bm.Bits[y*bm.Stride+x/8]&(0x80>>(x%8)) != 0
}

func newBitmap(w, h int) *label.Bitmap {
	s := (w + 7) / 8
	return &label.Bitmap{Width: w, Height: h, Stride: s, Bits: make([]byte, s*h)}
}

func set(bm *label.Bitmap, x, y int) { bm.Bits[y*bm.Stride+x/8] |= 0x80 >> (x % 8) }

// rotate returns bm rotated clockwise by rot.
func rotate(bm *label.Bitmap, rot label.Rotation) (*label.Bitmap, error) {
	if !validBitmap(bm) {
		return nil, ErrBitmap
	}
	if rot == label.Rotate0 {
		return bm, nil
	}
	w, h := bm.Width, bm.Height
	var out *label.Bitmap
	if rot == label.Rotate180 {
		out = newBitmap(w, h)
	} else {
		out = newBitmap(h, w)
	}
	for y := range h {
		for x := range w {
			if !bit(bm, x, y) {
				continue
			}
			switch rot {
			case label.Rotate90:
				set(out, h-1-y, x)
			case label.Rotate180:
				set(out, w-1-x, h-1-y)
			case label.Rotate270:
				set(out, y, w-1-x)
			default:
				return nil, ErrRotation
			}
		}
	}
	return out, nil
}

// scale returns bm resized to w x h by nearest neighbour (bm itself when the size
// already matches or w, h are not positive).
func scale(bm *label.Bitmap, w, h int) (*label.Bitmap, error) {
	if !validBitmap(bm) {
		return nil, ErrBitmap
	}
	if w <= 0 || h <= 0 || w == bm.Width && h == bm.Height {
		return bm, nil
	}
	out := newBitmap(w, h)
	for y := range h {
		sy := y * bm.Height / h
		for x := range w {
			if bit(bm, x*bm.Width/w, sy) {
				set(out, x, y)
			}
		}
	}
	return out, nil
}
