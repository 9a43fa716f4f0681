package label_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dadanhq/dadan/label"
)

func TestBitmapRotateScale(t *testing.T) {
	b := label.NewBitmap(3, 2) // dots at (0,0) and (2,1)
	b.Set(0, 0)
	b.Set(2, 1)
	assert.True(t, b.Valid())
	assert.False(t, (*label.Bitmap)(nil).Valid())
	assert.False(t, (&label.Bitmap{Width: 9, Height: 1, Stride: 1, Bits: []byte{0}}).Valid())
	r := b.Rotate(label.Rotate90)
	assert.Equal(t, 2, r.Width)
	assert.Equal(t, 3, r.Height)
	assert.True(t, r.At(1, 0), "the top-left dot goes to the top-right")
	assert.True(t, r.At(0, 2))
	u := b.Rotate(label.Rotate180)
	assert.True(t, u.At(2, 1))
	assert.True(t, u.At(0, 0))
	l := b.Rotate(label.Rotate270)
	assert.True(t, l.At(0, 2))
	assert.True(t, l.At(1, 0))
	assert.Same(t, b, b.Rotate(label.Rotate0))
	assert.Nil(t, b.Rotate(label.Rotation(45)))
	s := b.Scale(6, 4)
	assert.True(t, s.At(0, 0) && s.At(1, 1) && s.At(5, 3))
	assert.False(t, s.At(2, 0))
	assert.Same(t, b, b.Scale(3, 2))
}
