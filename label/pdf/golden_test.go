package pdf

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestGoldenShapes pins the bytes of a document without text, so it does not depend
// on the host's fonts: any change to the file structure, number formatting, code
// drawing or compression shows up here. Refresh with go test -run Golden -update.
func TestGoldenShapes(t *testing.T) {
	r := renderer(t)
	mods := []bool{true, true, false, true, false, false, true, true, true, false, true}
	doc := &label.Document{Pages: []label.Page{
		{Width: 76, Height: 130, Ops: []label.Op{
			label.Box{X: 0.5, Y: 0.5, W: 75, H: 129, Thickness: 0.3},
			label.Box{X: 10, Y: 10, W: 5, H: 5, Fill: true},
			label.Line{X1: 1, Y1: 20, X2: 75, Y2: 20, Thickness: 0.3},
			label.Line{X1: 1, Y1: 21, X2: 30, Y2: 40, Thickness: 0.2},
			label.Barcode{X: 10, Y: 25, Module: 0.33, Height: 10, Data: "x", Modules: mods},
			label.Barcode{X: 60, Y: 25, Module: 0.33, Height: 10, Rotation: label.Rotate90, Data: "x", Modules: mods},
			label.QR{X: 10, Y: 50, Module: 0.5, Data: "x", Modules: [][]bool{
				{true, true, false}, {true, true, false}, {false, true, true}}},
			label.Image{X: 40, Y: 50, W: 8, H: 4, Bitmap: &label.Bitmap{Width: 4, Height: 2, Stride: 1, Bits: []byte{0xA0, 0x50}}},
		}},
		{Width: 100, Height: 150},
	}}
	got := labeltest.Render(t, r, doc)
	const path = "testdata/shapes.golden.pdf"
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "output differs from %s; rerun with -update if the change is intended", path)
	parsePDF(t, got)
}
