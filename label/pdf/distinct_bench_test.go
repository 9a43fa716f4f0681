package pdf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signintech/gopdf"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/orderlabel"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
)

// distinctWaybills lays out the standard waybill-76x130 for n consecutive
// generated orders, each with its own waybill: what a station prints, where
// nearly every order's characters differ from the last one's, so a cache of
// font subsets by character set never hits.
func distinctWaybills(tb testing.TB, n int) []label.Page {
	tb.Helper()
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(tb, err)
	g := ordertest.New(11)
	at := time.Date(2026, 11, 11, 10, 0, 5, 0, time.FixedZone("CST", 8*3600))
	marks := []string{"杭州余杭", "上海浦东", "北京朝阳", "广州白云", "深圳南山"}
	pages := make([]label.Page, 0, n)
	for i := 0; len(pages) < n; i++ {
		o := g.Order()
		o.Waybill = &order.Waybill{TrackingNo: fmt.Sprintf("7599%08d", i+1), SortCode: fmt.Sprintf("%d-E%02d-%02d", 200+i%700, i%40, i%99),
			Mark: marks[i%len(marks)], BagAddr: "杭州转运中心", Service: "标快", Payment: "寄付"}
		doc, err := label.Layout(tpl, orderlabel.Data(o, at, ""), nil)
		require.NoError(tb, err)
		p := doc.Pages[0]
		ops := make([]label.Op, len(p.Ops))
		for j, op := range p.Ops {
			if t, ok := op.(label.TextLine); ok {
				// fpdf v0.9.0 panics on characters outside the BMP.
				t.Text = strings.Map(func(r rune) rune { return min(r, 0xFFFD) }, t.Text)
				op = t
			}
			ops[j] = op
		}
		p.Ops, p.Static = ops, nil
		pages = append(pages, p)
	}
	return pages
}

// gopdfRender draws the ops of page with github.com/signintech/gopdf and the
// same TrueType font (AddTTFFontData parses it for every document), bars and
// modules as rects, into one file.
func gopdfRender(b testing.TB, font []byte, p label.Page, out *bytes.Buffer) {
	var g gopdf.GoPdf
	g.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: p.Width, H: p.Height}})
	g.AddPage()
	if err := g.AddTTFFontData("cjk", font); err != nil {
		b.Fatal(err)
	}
	rect := func(x, y, w, h float64) { g.RectFromUpperLeftWithStyle(x, y, w, h, "F") }
	for _, op := range p.Ops {
		switch o := op.(type) {
		case label.TextLine:
			if o.Reverse {
				g.SetFillColor(0, 0, 0)
				rect(o.X, o.Y, o.Width, o.Size)
				g.SetTextColor(255, 255, 255)
			}
			if err := g.SetFont("cjk", "", o.Size*k); err != nil {
				b.Fatal(err)
			}
			g.SetXY(o.X, o.Y)
			if err := g.Text(o.Text); err != nil {
				b.Fatal(err)
			}
			g.SetTextColor(0, 0, 0)
		case label.Barcode:
			g.SetFillColor(0, 0, 0)
			n := 0
			for i := 0; i <= len(o.Modules); i++ {
				if i < len(o.Modules) && o.Modules[i] {
					n++
					continue
				}
				if n > 0 {
					rect(o.X+float64(i-n)*o.Module, o.Y, float64(n)*o.Module, o.Height)
					n = 0
				}
			}
		case label.QR:
			g.SetFillColor(0, 0, 0)
			for y, row := range o.Modules {
				n := 0
				for x := 0; x <= len(row); x++ {
					if x < len(row) && row[x] {
						n++
						continue
					}
					if n > 0 {
						rect(o.X+float64(x-n)*o.Module, o.Y+float64(y)*o.Module, float64(n)*o.Module, o.Module)
						n = 0
					}
				}
			}
		case label.Line:
			g.SetLineWidth(o.Thickness)
			g.Line(o.X1, o.Y1, o.X2, o.Y2)
		case label.Box:
			g.SetLineWidth(o.Thickness)
			if o.Fill {
				g.SetFillColor(0, 0, 0)
				rect(o.X, o.Y, o.W, o.H)
			} else {
				g.RectFromUpperLeftWithStyle(o.X, o.Y, o.W, o.H, "D")
			}
		}
	}
	out.Reset()
	if _, err := g.WriteTo(out); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWaybillPDFDistinct is the case a station meets: consecutive distinct
// orders, one PDF file per order, the standard 76x130 waybill. dadan builds a
// font subset for nearly every file (its subset cache does not hit); fpdf and
// gopdf parse the font and subset it for every file. All three in one run.
func BenchmarkWaybillPDFDistinct(b *testing.B) {
	r := renderer(b)
	font, err := os.ReadFile(cjkFont)
	require.NoError(b, err)
	pages := distinctWaybills(b, 2000)
	ctx := context.Background()
	var out bytes.Buffer
	b.Run("dadan", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			doc := label.Document{Template: "waybill-76x130", Pages: pages[i%len(pages) : i%len(pages)+1]}
			i++
			out.Reset()
			if err := r.Render(ctx, &out, &doc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(out.Len()), "pdf-bytes")
	})
	b.Run("fpdf", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			fpdfRender(b, font, pages[i%len(pages):i%len(pages)+1], &out)
			i++
		}
		b.ReportMetric(float64(out.Len()), "pdf-bytes")
	})
	b.Run("gopdf", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			gopdfRender(b, font, pages[i%len(pages)], &out)
			i++
		}
		b.ReportMetric(float64(out.Len()), "pdf-bytes")
	})
}

// The distinct orders really are distinct for the subset cache, and gopdf's file
// is a PDF with the text (so the benchmark compares like with like).
func TestDistinctWaybillsPeers(t *testing.T) {
	needFonts(t)
	pages := distinctWaybills(t, 50)
	sets := map[string]bool{}
	for _, p := range pages {
		var rs []rune
		for _, op := range p.Ops {
			if tl, ok := op.(label.TextLine); ok {
				rs = append(rs, []rune(tl.Text)...)
			}
		}
		seen := map[rune]bool{}
		var key []rune
		for _, c := range rs {
			if !seen[c] {
				seen[c] = true
				key = append(key, c)
			}
		}
		sets[string(key)] = true
	}
	require.Greater(t, len(sets), 45, "character sets of 50 orders")
	font, err := os.ReadFile(cjkFont)
	require.NoError(t, err)
	var out bytes.Buffer
	gopdfRender(t, font, pages[0], &out)
	require.True(t, bytes.HasPrefix(out.Bytes(), []byte("%PDF-")))
	needTool(t, "pdftotext")
	path := writeTemp(t, "gopdf.pdf", out.Bytes())
	txt, _ := run(t, "pdftotext", path, "-")
	require.Contains(t, txt, "集包地")
}

// Files rendered at once by several goroutines, sharing the font's glyph codes
// as they fill, are byte for byte the files a renderer with its own, fresh font
// writes one at a time.
func TestDistinctWaybillsConcurrent(t *testing.T) {
	needFonts(t)
	pages := distinctWaybills(t, 24)
	shared, err := New(&Options{FontPath: cjkFont, Cache: NewFontCache()})
	require.NoError(t, err)
	got := make([][]byte, len(pages))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < len(pages); i += 4 {
				var out bytes.Buffer
				doc := label.Document{Pages: pages[i : i+1]}
				if err := shared.Render(context.Background(), &out, &doc); err != nil {
					t.Error(err)
					return
				}
				got[i] = out.Bytes()
			}
		})
	}
	wg.Wait()
	for i := range pages {
		fresh, err := New(&Options{FontPath: cjkFont, Cache: NewFontCache()})
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, fresh.Render(context.Background(), &out, &label.Document{Pages: pages[i : i+1]}))
		require.True(t, bytes.Equal(out.Bytes(), got[i]), "file %d", i)
	}
}
