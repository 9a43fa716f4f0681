package raster_test

import (
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// wideNarrow is label data whose text is much wider (W, M, —) or narrower (i, l)
// in proportional fonts than the cell measure, mixed with Chinese, with n goods
// lines.
func wideNarrow(t testing.TB, n int) *label.Data {
	d := labeltest.Data(labeltest.SampleOrders(t)[0])
	d.Fields["recipient.name"] = "WMWM William"
	d.Fields["recipient.address"] = "浙江省杭州市 Room 1808 — Tower WWW MMM Building, 科技园 WWWWWWWWWW illillill 高新南七道 MWMWMW"
	d.Fields["order.remark"] = "——WWW—— 放门口😀 illilllilllllilil MMMMMMMM ¥9.90"
	names := []string{"WWWWWWWWWWWWWWWWWWWWWWWW", "保温杯 MMMMMMMMMM — WMW", "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiilllllll", "手机壳·经典款 Wide MW"}
	items := make([]label.Row, n)
	for i := range items {
		items[i] = label.Row{"sku": fmt.Sprintf("WM-%04d", i), "name": names[i%len(names)], "spec": "500ml×2 MW",
			"qty": "2", "unit_price": "59.90", "location": "W-01-01", "barcode": "6901234567892"}
	}
	d.Tables = map[string][]label.Row{"items": items}
	return d
}

// inkX returns the leftmost and rightmost columns with ink, or -1, -1.
func inkX(img *image.Gray) (int, int) {
	lo, hi := -1, -1
	b := img.Rect
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if img.Pix[y*img.Stride+x] < 0x80 {
				if lo < 0 || x < lo {
					lo = x
				}
				hi = max(hi, x)
			}
		}
	}
	return lo, hi
}

// Laid out for the renderer's fonts, every line of a waybill and a packing list
// prints as wide as it was measured: its ink ends at its measured right edge, not
// past it (nothing is cut by the page or runs into the next box) and not well
// short of it (no glyph squeezed into a cell).
func TestLinesPrintAsMeasured(t *testing.T) {
	primary := fontpath.First(fontpath.CJK)
	latin := fontpath.First(fontpath.Latin)
	if primary == "" || latin == "" {
		t.Skip("needs a CJK and a Latin font (Debian: fonts-arphic-gbsn00lp, fonts-dejavu-core)")
	}
	// The default chain's GB 2312 font has half-em ASCII; a proportional font
	// first (DejaVu Sans) is where the cell measure is far off.
	prop, err := raster.New(&raster.Options{Font: latin, Fallback: []string{primary}})
	require.NoError(t, err)
	const dpi = 203
	k := dpi / 25.4
	for _, c := range []struct {
		fonts    string
		r        *raster.Renderer
		template string
		items    int
	}{{"default", newRenderer(t), "waybill-100x150", 3}, {"proportional", prop, "waybill-76x130", 3},
		{"proportional", prop, "waybill-100x150", 3}, {"proportional", prop, "packing-80mm", 32}} {
		t.Run(c.fonts+"/"+c.template, func(t *testing.T) {
			tpl, err := label.Standard(c.template)
			require.NoError(t, err)
			opts := (&label.LayoutOptions{Now: labeltest.PrintTime()}).ForRenderer(c.r)
			require.Same(t, c.r.TextMeasure(), opts.Measure)
			doc, err := label.Layout(tpl, wideNarrow(t, c.items), &opts)
			require.NoError(t, err)
			checked := 0
			for _, p := range doc.Pages {
				for _, op := range p.Ops {
					tl, ok := op.(label.TextLine)
					if !ok || tl.Rotation != label.Rotate0 || tl.Reverse {
						continue
					}
					require.LessOrEqual(t, tl.X+tl.Width, p.Width+1e-6, "%q inside the page", tl.Text)
					// The line alone, on its page and on one twice as wide.
					img, err := c.r.RenderPage(label.Page{Width: p.Width, Height: p.Height, Ops: []label.Op{tl}}, dpi)
					require.NoError(t, err)
					wide, err := c.r.RenderPage(label.Page{Width: 2 * p.Width, Height: p.Height, Ops: []label.Op{tl}}, dpi)
					require.NoError(t, err)
					lo, hi := inkX(img)
					_, wideHi := inkX(wide)
					if hi < 0 {
						continue
					}
					assert.Equal(t, wideHi, hi, "%q: nothing cut at the page's edge", tl.Text)
					right := (tl.X + tl.Width) * k
					assert.LessOrEqual(t, float64(hi), math.Ceil(right)+1, "%q ends past its measured width", tl.Text)
					last := []rune(tl.Text)
					if l := last[len(last)-1]; l == 'W' || l == 'M' {
						// A wide letter fills its advance: the ink reaches the end.
						assert.GreaterOrEqual(t, float64(hi), right-0.15*tl.Size*k, "%q ends short: squeezed", tl.Text)
					}
					assert.GreaterOrEqual(t, float64(lo), math.Floor(tl.X*k)-1, "%q starts before its box", tl.Text)
					// Given room to spare, the line prints the same: it was not squeezed.
					roomy := tl
					roomy.Width *= 2
					free, err := c.r.RenderPage(label.Page{Width: 2 * p.Width, Height: p.Height, Ops: []label.Op{roomy}}, dpi)
					require.NoError(t, err)
					assert.True(t, sameInk(wide, free), "%q is squeezed", tl.Text)
					checked++
				}
			}
			assert.Greater(t, checked, 10)
		})
	}
}

// sameInk reports whether a and b have ink at the same pixels.
func sameInk(a, b *image.Gray) bool {
	if a.Rect != b.Rect {
		return false
	}
	for i := range a.Pix {
		if (a.Pix[i] < 0x80) != (b.Pix[i] < 0x80) {
			return false
		}
	}
	return true
}
