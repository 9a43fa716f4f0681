package pdf

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// wideNarrow is label data whose text is much wider (W, M, —) or much narrower
// (i, l) in the fonts than the cell measure of half an em, mixed with Chinese,
// with n goods lines.
func wideNarrow(t testing.TB, n int) *label.Data {
	d := labeltest.Data(labeltest.SampleOrders(t)[0])
	d.Fields["recipient.name"] = "WMWM William"
	d.Fields["recipient.address"] = "浙江省杭州市 Room 1808 — Tower WWW MMM Building, 科技园 WWWWWWWWWW illillill 高新南七道 MWMWMW"
	d.Fields["sender.name"] = "MMMM Warehouse — 仓储"
	d.Fields["order.remark"] = "——WWW—— 放门口😀 illilllilllllilil MMMMMMMM ¥9.90"
	items := make([]label.Row, n)
	names := []string{"WWWWWWWWWWWWWWWWWWWWWWWW", "保温杯 MMMMMMMMMM — WMW", "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiilllllll", "手机壳·经典款 Wide MW"}
	for i := range items {
		items[i] = label.Row{"sku": fmt.Sprintf("WM-%04d", i), "name": names[i%len(names)], "spec": "500ml×2 MW",
			"qty": "2", "unit_price": "59.90", "location": "W-01-01", "barcode": "6901234567892"}
	}
	d.Tables = map[string][]label.Row{"items": items}
	return d
}

// box is a rectangle in mm.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) has(x, y float64) bool { return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 }

// textBoxes returns the boxes text of t may take, unrotated and rotated: its text
// elements, the text under its barcodes and the columns of its table.
func textBoxes(t *label.Template) (flat, rotated []box) {
	for _, e := range t.Elements {
		switch e := e.(type) {
		case *label.TextElement:
			b := box{e.X, e.Y, e.X + e.W, e.Y + e.H}
			if e.Rotation != label.Rotate0 {
				rotated = append(rotated, b)
			} else {
				flat = append(flat, b)
			}
		case *label.Code128Element:
			if e.Text {
				flat = append(flat, box{e.X, e.Y + e.H, e.X + e.W, e.Y + e.H + 4})
			}
		case *label.TableElement:
			y0, y1 := e.Y, e.Y+e.H
			if e.ContinueH > 0 {
				y0, y1 = min(y0, e.ContinueY), max(y1, e.ContinueY+e.ContinueH)
			}
			x := e.X
			for _, c := range e.Columns {
				flat = append(flat, box{x, y0, x + c.Width, y1})
				x += c.Width
			}
		}
	}
	return flat, rotated
}

var wordRe = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// TestTextInsideItsBox lays out a waybill and a packing list for the renderer's
// fonts and checks, with the positions pdftotext reads from the file, that every
// word ends inside the box of its element, and that no line needed squeezing
// (Tz): what layout measured is what prints. The same data laid out by the cell
// measure does need squeezing, so the check has teeth.
func TestTextInsideItsBox(t *testing.T) {
	needTool(t, "pdftotext")
	// The default chain's GB 2312 font has half-em ASCII, so by it only the
	// characters of the fallbacks (😀, ¥) differ from the cell measure; a
	// proportional font first (DejaVu Sans: W is 0.99 em, i 0.28) differs a lot.
	prop, err := New(&Options{FontPath: latinFont, FallbackPaths: []string{cjkFont}})
	require.NoError(t, err)
	for _, c := range []struct {
		fonts    string
		r        *Renderer
		template string
		items    int
	}{{"default", renderer(t), "waybill-76x130", 3}, {"default", renderer(t), "packing-a4", 32},
		{"proportional", prop, "waybill-76x130", 3}, {"proportional", prop, "waybill-100x150", 3}, {"proportional", prop, "packing-a4", 32}} {
		r := c.r
		t.Run(c.fonts+"/"+c.template, func(t *testing.T) {
			tpl, err := label.Standard(c.template)
			require.NoError(t, err)
			d := wideNarrow(t, c.items)
			opts := (&label.LayoutOptions{Now: labeltest.PrintTime()}).ForRenderer(r)
			require.Same(t, r.TextMeasure(), opts.Measure)
			doc, err := label.Layout(tpl, d, &opts)
			require.NoError(t, err)
			for _, p := range doc.Pages {
				for _, op := range p.Ops {
					if tl, ok := op.(label.TextLine); ok && tl.Rotation == label.Rotate0 {
						assert.InDelta(t, r.TextMeasure().Text(tl.Text)*tl.Size, tl.Width, 1e-9, "%q", tl.Text)
						assert.LessOrEqual(t, tl.X+tl.Width, p.Width+1e-6, "%q inside the page", tl.Text)
						assert.LessOrEqual(t, tl.Y+tl.Size, p.Height+1e-6, "%q inside the page", tl.Text)
					}
				}
			}
			var buf bytes.Buffer
			require.NoError(t, r.Render(context.Background(), &buf, doc))
			for _, cs := range contentStreams(t, parsePDF(t, buf.Bytes())) {
				assert.NotContains(t, string(cs), " Tz", "no line squeezed")
			}

			out, _ := run(t, "pdftotext", "-bbox-layout", "-enc", "UTF-8", writeTemp(t, "m.pdf", buf.Bytes()), "-")
			flat, rotated := textBoxes(tpl)
			words := wordRe.FindAllStringSubmatch(out, -1)
			require.NotEmpty(t, words)
			const mm = 25.4 / 72
			checked := 0
			for _, w := range words {
				var v [4]float64
				for i := range v {
					v[i], _ = strconv.ParseFloat(w[i+1], 64)
					v[i] *= mm
				}
				x, y := v[0]+0.2, (v[1]+v[3])/2
				skip := false
				for _, b := range rotated {
					skip = skip || b.has(x, y)
				}
				if skip {
					continue
				}
				right := -1.0
				for _, b := range flat {
					if b.has(x, y) {
						right = max(right, b.x1)
					}
				}
				if !assert.Positive(t, right, "word %q at %.1f,%.1f mm is in no text box", w[5], x, y) {
					continue
				}
				assert.LessOrEqual(t, v[2], right+0.2, "word %q ends past its box", w[5])
				checked++
			}
			assert.Greater(t, checked, 20)

			// By the cell measure the same lines are wider in the fonts than laid
			// out, and print squeezed.
			doc, err = label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
			require.NoError(t, err)
			buf.Reset()
			require.NoError(t, r.Render(context.Background(), &buf, doc))
			squeezed := 0
			for _, cs := range contentStreams(t, parsePDF(t, buf.Bytes())) {
				squeezed += strings.Count(string(cs), " Tz") - strings.Count(string(cs), "100 Tz")
			}
			if c.fonts == "proportional" {
				assert.Positive(t, squeezed)
			}
		})
	}
}
