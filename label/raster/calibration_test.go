package raster_test

import (
	"bytes"
	"context"
	"image/png"
	"testing"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// firstBlack returns the first dark pixel in reading order of a rendered PNG.
func firstBlack(t *testing.T, r *raster.Renderer, doc *label.Document) (int, int) {
	var buf bytes.Buffer
	require.NoError(t, r.Render(context.Background(), &buf, doc))
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
				return x, y
			}
		}
	}
	t.Fatal("no dark pixel")
	return 0, 0
}

func TestCalibrationOffsetsPreview(t *testing.T) {
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{label.Box{X: 5, Y: 5, W: 5, H: 5, Fill: true}}}}}
	plain, err := raster.New(&raster.Options{DPI: 254, Fallback: []string{}})
	if err != nil {
		t.Skipf("no font: %v", err)
	}
	x0, y0 := firstBlack(t, plain, doc)
	assert.InDelta(t, 50, x0, 1, "5 mm at 254 dpi")
	assert.InDelta(t, 50, y0, 1)
	cal, err := raster.New(&raster.Options{DPI: 254, Fallback: []string{}, Calibration: label.Calibration{DX: 2, DY: -1}})
	require.NoError(t, err)
	x1, y1 := firstBlack(t, cal, doc)
	assert.InDelta(t, 70, x1, 1, "moved 2 mm right")
	assert.InDelta(t, 40, y1, 1, "moved 1 mm up")

	_, err = raster.New(&raster.Options{Calibration: label.Calibration{DX: 1e9}})
	assert.Error(t, err)
}
