package label

// NewBitmap returns a blank w x h bitmap, rows padded to whole bytes.
func NewBitmap(w, h int) *Bitmap {
	s := (w + 7) / 8
	return &Bitmap{Width: w, Height: h, Stride: s, Bits: make([]byte, s*h)}
}

// Valid reports whether b is not nil and its size and bytes agree (a renderer
// checks it before reading a bitmap it was given).
func (b *Bitmap) Valid() bool {
	return b != nil && b.Width > 0 && b.Height > 0 && b.Stride >= (b.Width+7)/8 &&
		len(b.Bits) >= b.Stride*(b.Height-1)+(b.Width+7)/8
}

// At reports whether the dot at x, y is set.
func (b *Bitmap) At(x, y int) bool { return b.Bits[y*b.Stride+x/8]&(0x80>>(x%8)) != 0 }

// Set sets the dot at x, y.
func (b *Bitmap) Set(x, y int) { b.Bits[y*b.Stride+x/8] |= 0x80 >> (x % 8) }

// Rotate returns b rotated clockwise by rot (b itself for Rotate0), or nil for a
// rotation that is not one of the four.
func (b *Bitmap) Rotate(rot Rotation) *Bitmap {
	w, h := b.Width, b.Height
	var out *Bitmap
	switch rot {
	case Rotate0:
		return b
	case Rotate180:
		out = NewBitmap(w, h)
	case Rotate90, Rotate270:
		out = NewBitmap(h, w)
	default:
		return nil
	}
	for y := range h {
		for x := range w {
			if !b.At(x, y) {
				continue
			}
			switch rot {
			case Rotate90:
				out.Set(h-1-y, x)
			case Rotate180:
				out.Set(w-1-x, h-1-y)
			case Rotate270:
				out.Set(y, w-1-x)
			}
		}
	}
	return out
}

// Scale returns b resized to w x h by nearest neighbour (b itself when the size
// already matches or w, h are not positive).
func (b *Bitmap) Scale(w, h int) *Bitmap {
	if w <= 0 || h <= 0 || w == b.Width && h == b.Height {
		return b
	}
	out := NewBitmap(w, h)
	for y := range h {
		sy := y * b.Height / h
		for x := range w {
			if b.At(x*b.Width/w, sy) {
				out.Set(x, y)
			}
		}
	}
	return out
}
