package tspl

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/label/zpl"
)

// benchWaybill is the standard 76 x 130 waybill of the first sample order.
func benchWaybill(b *testing.B) *label.Document {
	orders := labeltest.SampleOrders(b)
	return labeltest.Layout(b, "waybill-76x130", labeltest.Data(orders[0]))
}

// BenchmarkWaybillTSPL renders the standard waybill to TSPL, with label/raster
// drawing the lines the 24-dot font does not fit, into a reused buffer.
func BenchmarkWaybillTSPL(b *testing.B) {
	rz, err := raster.New(nil)
	if err != nil {
		b.Skipf("no font: %v", err)
	}
	r, err := New(&Options{Rasterizer: rz})
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, benchWaybill(b))
}

// BenchmarkWaybillTSPL300 is BenchmarkWaybillTSPL for a 300 dpi printer.
func BenchmarkWaybillTSPL300(b *testing.B) {
	rz, err := raster.New(nil)
	if err != nil {
		b.Skipf("no font: %v", err)
	}
	r, err := New(&Options{DPI: 300, Rasterizer: rz})
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, benchWaybill(b))
}

// BenchmarkProductTSPLFont renders a product label printed in the font alone.
func BenchmarkProductTSPLFont(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	d := labeltest.Data(labeltest.SampleOrders(b)[0])
	labeltest.AppendLoop(b, r, labeltest.Layout(b, "product-60x40", d.WithRow("item.", d.Tables["items"][0])))
}

// BenchmarkWaybillZPL renders the same waybill with the ZPL renderer and the
// printer's TrueType font, for comparison.
func BenchmarkWaybillZPL(b *testing.B) {
	r, err := zpl.New(nil)
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, benchWaybill(b))
}

// BenchmarkWaybillZPLGraphics renders the same waybill with the ZPL renderer
// printing Chinese as graphics, as TSPL prints what its font does not fit.
func BenchmarkWaybillZPLGraphics(b *testing.B) {
	rz, err := raster.New(nil)
	if err != nil {
		b.Skipf("no font: %v", err)
	}
	r, err := zpl.New(&zpl.Options{TextMode: zpl.TextGraphics, Rasterizer: rz})
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, benchWaybill(b))
}

// BenchmarkPackingTSPLFont renders a packing list of long-addr's items in the
// font alone: mostly GB 2312 text lines, which layout marks for the quicker path.
// The "unmarked" run clears TextLine.Charset, for comparison.
func BenchmarkPackingTSPLFont(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	doc := labeltest.Layout(b, "packing-80mm", labeltest.Data(labeltest.Cases(b)["long-addr"]))
	b.Run("marked", func(b *testing.B) { labeltest.AppendLoop(b, r, doc) })
	plain := *doc
	plain.Pages = nil
	for _, p := range doc.Pages {
		p.Static = nil
		p.Ops = append([]label.Op(nil), p.Ops...)
		for i, op := range p.Ops {
			if tl, ok := op.(label.TextLine); ok {
				tl.Charset = label.CharsetUnknown
				p.Ops[i] = tl
			}
		}
		plain.Pages = append(plain.Pages, p)
	}
	b.Run("unmarked", func(b *testing.B) { labeltest.AppendLoop(b, r, &plain) })
}
