package zpl

import "github.com/dadanhq/dadan/label"

func validBitmap(bm *label.Bitmap) bool { return bm.Valid() }

func bit(bm *label.Bitmap, x, y int) bool { return bm.At(x, y) }

func newBitmap(w, h int) *label.Bitmap { return label.NewBitmap(w, h) }

func set(bm *label.Bitmap, x, y int) { bm.Set(x, y) }

// rotate returns bm rotated clockwise by rot.
func rotate(bm *label.Bitmap, rot label.Rotation) (*label.Bitmap, error) {
	if !validBitmap(bm) {
		return nil, ErrBitmap
	}
	out := bm.Rotate(rot)
	if out == nil {
		return nil, ErrRotation
	}
	return out, nil
}

// scale returns bm resized to w x h by nearest neighbour (bm itself when the size
// already matches or w, h are not positive).
func scale(bm *label.Bitmap, w, h int) (*label.Bitmap, error) {
	if !validBitmap(bm) {
		return nil, ErrBitmap
	}
	return bm.Scale(w, h), nil
}
