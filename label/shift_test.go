package label_test

import (
	"testing"

	"github.com/dadanhq/dadan/label"
	"github.com/stretchr/testify/assert"
)

func TestPageShift(t *testing.T) {
	p := label.Page{Width: 10, Height: 10, Ops: []label.Op{
		label.TextLine{X: 1, Y: 2, Text: "a"}, label.Barcode{X: 1, Y: 2}, label.QR{X: 1, Y: 2},
		label.Line{X1: 1, Y1: 2, X2: 3, Y2: 4}, label.Box{X: 1, Y: 2}, label.Image{X: 1, Y: 2},
	}}
	s := p.Shift(0.5, -1)
	assert.Equal(t, label.TextLine{X: 1.5, Y: 1, Text: "a"}, s.Ops[0])
	assert.Equal(t, label.Barcode{X: 1.5, Y: 1}, s.Ops[1])
	assert.Equal(t, label.QR{X: 1.5, Y: 1}, s.Ops[2])
	assert.Equal(t, label.Line{X1: 1.5, Y1: 1, X2: 3.5, Y2: 3}, s.Ops[3])
	assert.Equal(t, label.Box{X: 1.5, Y: 1}, s.Ops[4])
	assert.Equal(t, label.Image{X: 1.5, Y: 1}, s.Ops[5])
	assert.Equal(t, label.TextLine{X: 1, Y: 2, Text: "a"}, p.Ops[0], "the original is unchanged")
	assert.Equal(t, 10.0, s.Width)
}

func TestValue(t *testing.T) {
	tl := &label.TextLine{Text: "a"}
	assert.Equal(t, label.TextLine{Text: "a"}, label.Value(tl))
	assert.Equal(t, label.Box{W: 1}, label.Value(label.Box{W: 1}))
	assert.Equal(t, label.QR{Data: "q"}, label.Value(&label.QR{Data: "q"}))
	var nilLine *label.Line
	assert.Nil(t, label.Value(nilLine))
	assert.Nil(t, label.Value(nil))
}
