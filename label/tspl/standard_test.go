package tspl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// layoutFor lays out template for a sample order; product labels bind its first item.
func layoutFor(t *testing.T, template, sample string) *label.Document {
	t.Helper()
	d := labeltest.Data(labeltest.Cases(t)[sample])
	if strings.HasPrefix(template, "product") {
		d = d.WithRow("item.", d.Tables["items"][0])
	}
	return labeltest.Layout(t, template, d)
}

// checkDocument decodes out and checks it is well formed for doc: one label per
// page, each SIZE ... CLS ... PRINT 1,1 with the page's size, and TEXT carrying
// exactly the font runs of the laid-out lines.
func checkDocument(t *testing.T, doc *label.Document, out []byte, dpmm int, raster bool) []command {
	t.Helper()
	cmds, err := decode(out)
	require.NoError(t, err)
	assert.Equal(t, len(doc.Pages), count(cmds, "PRINT"))
	assert.Equal(t, len(doc.Pages), count(cmds, "CLS"))
	var sizes []string
	for _, p := range doc.Pages {
		sizes = append(sizes, fmt.Sprintf("%s mm|%s mm", appendMM(nil, p.Width), appendMM(nil, p.Height)))
	}
	var got []string
	for _, c := range cmds {
		switch c.Name {
		case "SIZE":
			got = append(got, strings.Join(c.Args, "|"))
		case "PRINT":
			assert.Equal(t, []string{"1", "1"}, c.Args)
		case "TEXT":
			assert.Equal(t, font, c.Args[2])
		}
	}
	assert.Equal(t, sizes, got)
	assert.Equal(t, "PRINT", cmds[len(cmds)-1].Name)
	assert.Equal(t, expectedTexts(doc, dpmm, raster), texts(cmds))
	return cmds
}

// TestStandardTemplates renders every standard template that suits a label
// printer for sample orders, hostile ones included, with a rasterizer that draws
// boxes: the output matches the golden files and decodes to exactly the laid-out
// text. packing-a4 is refused.
func TestStandardTemplates(t *testing.T) {
	rz := &boxRasterizer{}
	r, err := New(&Options{Rasterizer: rz})
	require.NoError(t, err)
	for _, tpl := range label.StandardNames() {
		samples := []string{"ordinary"}
		if tpl == "waybill-76x130" || tpl == "packing-80mm" {
			samples = append(samples, "zpl-in-name", "tilde", "non-bmp", "emoji", "escpos-in-address", "long-addr")
		}
		for _, sample := range samples {
			t.Run(tpl+"/"+sample, func(t *testing.T) {
				doc := layoutFor(t, tpl, sample)
				out, err := r.AppendDocument(nil, doc)
				if tpl == "packing-a4" {
					var pe *PageSizeError
					require.ErrorAs(t, err, &pe)
					assert.ErrorIs(t, err, ErrPageSize)
					assert.Equal(t, 210.0, pe.Width)
					assert.Equal(t, float64(DefaultMaxWidth), pe.MaxWidth)
					assert.Empty(t, out)
					return
				}
				require.NoError(t, err)
				golden(t, tpl+"-"+sample+".tspl", out)
				cmds := checkDocument(t, doc, out, 8, true)
				assert.Positive(t, count(cmds, "TEXT")+count(cmds, "BITMAP"))
				if strings.HasPrefix(tpl, "waybill") {
					assert.Positive(t, count(cmds, "BARCODE"))
					assert.Positive(t, count(cmds, "QRCODE"))
				}
			})
		}
	}
	assert.Positive(t, rz.calls.Load(), "small text and rare characters went to the rasterizer")
}

// TestStandardTemplatesRaster prints the waybill with label/raster drawing what the
// printer font cannot: 𠮷 and emoji become bitmaps with ink.
func TestStandardTemplatesRaster(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-dejavu-core): %v", err)
	}
	for _, dpi := range []int{203, 300} {
		r, err := New(&Options{DPI: dpi, Rasterizer: rz})
		require.NoError(t, err)
		for _, sample := range []string{"ordinary", "non-bmp", "emoji"} {
			for _, tpl := range []string{"waybill-76x130", "waybill-100x150", "packing-80mm"} {
				doc := layoutFor(t, tpl, sample)
				out, err := r.AppendDocument(nil, doc)
				require.NoError(t, err, "%s %s", tpl, sample)
				dpmm := 8
				if dpi == 300 {
					dpmm = 12
				}
				cmds := checkDocument(t, doc, out, dpmm, true)
				for _, c := range cmds {
					if c.Name == "BITMAP" {
						assert.True(t, hasInk(c.Data), "%s %s: bitmap has ink", tpl, sample)
					}
				}
			}
		}
	}
}

// hasInk reports whether TSPL bitmap data prints any dot (a 0 bit).
func hasInk(data []byte) bool {
	for _, b := range data {
		if b != 0xFF {
			return true
		}
	}
	return false
}

// TestStandardTemplatesWithoutRasterizer: product labels and packing lists print
// in the font alone; a waybill's 2 mm small print would run off the label in the
// 24-dot font and is refused, as is a rare ideograph, naming it.
func TestStandardTemplatesWithoutRasterizer(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for _, tpl := range []string{"product-40x30", "product-60x40", "packing-80mm"} {
		doc := layoutFor(t, tpl, "ordinary")
		out, err := r.AppendDocument(nil, doc)
		require.NoError(t, err, tpl)
		golden(t, tpl+"-ordinary-font.tspl", out)
		checkDocument(t, doc, out, 8, false)
	}
	_, err = r.AppendDocument(nil, layoutFor(t, "waybill-76x130", "ordinary"))
	assert.ErrorIs(t, err, ErrTextWidth)
	var oe *OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "label.TextLine", oe.Op)

	_, err = r.AppendDocument(nil, layoutFor(t, "packing-80mm", "non-bmp"))
	var ue *UnprintableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, '𠮷', ue.Char)
	assert.ErrorIs(t, err, ErrUnprintable)
}
