package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// The peer is github.com/go-pdf/fpdf drawing the same ops with the same TrueType
// font: text with AddUTF8FontFromBytes (the font bytes are read once; fpdf parses
// them again for every document and subsets at Output), bars and modules as rects.

func benchPages(b *testing.B, n int) []label.Page {
	orders := labeltest.SampleOrders(b)
	pages := make([]label.Page, n)
	for i := range pages {
		pages[i] = waybill(b, orders[i%len(orders)])
		for j, op := range pages[i].Ops {
			if t, ok := op.(label.TextLine); ok {
				// fpdf v0.9.0 panics on characters outside the BMP (𠮷 in one order).
				t.Text = strings.Map(func(r rune) rune { return min(r, 0xFFFD) }, t.Text)
				pages[i].Ops[j] = t
			}
		}
	}
	return pages
}

func fpdfRender(b *testing.B, font []byte, pages []label.Page, out *bytes.Buffer) {
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: pages[0].Width, Ht: pages[0].Height}})
	f.SetAutoPageBreak(false, 0)
	f.AddUTF8FontFromBytes("cjk", "", font)
	for _, p := range pages {
		f.AddPageFormat("P", fpdf.SizeType{Wd: p.Width, Ht: p.Height})
		for _, op := range p.Ops {
			switch o := op.(type) {
			case label.TextLine:
				if o.Reverse {
					f.SetFillColor(0, 0, 0)
					f.Rect(o.X, o.Y, o.Width, o.Size, "F")
					f.SetTextColor(255, 255, 255)
				}
				f.SetFont("cjk", "", o.Size*k)
				f.Text(o.X, o.Y+o.Size*0.88, o.Text)
				f.SetTextColor(0, 0, 0)
			case label.Barcode:
				f.SetFillColor(0, 0, 0)
				n := 0
				for i := 0; i <= len(o.Modules); i++ {
					if i < len(o.Modules) && o.Modules[i] {
						n++
						continue
					}
					if n > 0 {
						f.Rect(o.X+float64(i-n)*o.Module, o.Y, float64(n)*o.Module, o.Height, "F")
						n = 0
					}
				}
			case label.QR:
				f.SetFillColor(0, 0, 0)
				for y, row := range o.Modules {
					n := 0
					for x := 0; x <= len(row); x++ {
						if x < len(row) && row[x] {
							n++
							continue
						}
						if n > 0 {
							f.Rect(o.X+float64(x-n)*o.Module, o.Y+float64(y)*o.Module, float64(n)*o.Module, o.Module, "F")
							n = 0
						}
					}
				}
			case label.Line:
				f.SetLineWidth(o.Thickness)
				f.Line(o.X1, o.Y1, o.X2, o.Y2)
			case label.Box:
				f.SetLineWidth(o.Thickness)
				style := "D"
				if o.Fill {
					style = "F"
				}
				f.Rect(o.X, o.Y, o.W, o.H, style)
			}
		}
	}
	out.Reset()
	require.NoError(b, f.Output(out))
}

func benchWaybills(b *testing.B, pages []label.Page) {
	r := renderer(b)
	font, err := os.ReadFile(cjkFont)
	require.NoError(b, err)
	doc := &label.Document{Template: "waybill-76x130", Pages: pages}
	ctx := context.Background()
	var out bytes.Buffer

	b.Run("dadan", func(b *testing.B) {
		require.NoError(b, r.Render(ctx, &out, doc)) // warm the subset cache
		b.ReportAllocs()
		for b.Loop() {
			out.Reset()
			if err := r.Render(ctx, &out, doc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(out.Len()), "pdf-bytes")
	})
	b.Run("dadan-nocache", func(b *testing.B) {
		// Every iteration builds and compresses the font subsets again.
		b.ReportAllocs()
		for b.Loop() {
			for _, f := range r.fonts {
				f.mu.Lock()
				f.subsets = nil
				f.mu.Unlock()
			}
			out.Reset()
			if err := r.Render(ctx, &out, doc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(out.Len()), "pdf-bytes")
	})
	b.Run("fpdf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fpdfRender(b, font, pages, &out)
		}
		b.ReportMetric(float64(out.Len()), "pdf-bytes")
	})
}

// BenchmarkWaybillPDF renders one 76x130 waybill page.
func BenchmarkWaybillPDF(b *testing.B) {
	benchWaybills(b, benchPages(b, 1))
}

// BenchmarkWaybillPDF100 renders 100 waybills of different orders into one file.
func BenchmarkWaybillPDF100(b *testing.B) {
	benchWaybills(b, benchPages(b, 100))
}

// BenchmarkWriterStream streams 100 one-page documents through a Writer.
func BenchmarkWriterStream(b *testing.B) {
	r := renderer(b)
	pages := benchPages(b, 100)
	docs := make([]label.Document, len(pages))
	for i := range pages {
		docs[i] = label.Document{Pages: pages[i : i+1]}
	}
	ctx := context.Background()
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		w := r.NewWriter(&out)
		for i := range docs {
			if err := w.Add(ctx, &docs[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "pdf-bytes")
}

// BenchmarkParseFont parses the CJK font (done once per process in normal use).
func BenchmarkParseFont(b *testing.B) {
	needFonts(b)
	data, err := os.ReadFile(cjkFont)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFont(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContentCompression compares the content-stream compressor with
// compress/zlib on one waybill page's content stream, reporting compressed sizes.
func BenchmarkContentCompression(b *testing.B) {
	r := renderer(b)
	w := r.NewWriter(&bytes.Buffer{})
	p := benchPages(b, 1)[0]
	require.NoError(b, w.page(&p))
	content := append([]byte(nil), w.s.content...)
	b.Run("fixed-huffman", func(b *testing.B) {
		var z fastZlib
		var out []byte
		b.SetBytes(int64(len(content)))
		for b.Loop() {
			out = z.compress(out[:0], content)
		}
		b.ReportMetric(float64(len(out)), "out-bytes")
	})
	for name, lvl := range map[string]int{"zlib-speed": zlib.BestSpeed, "zlib-default": zlib.DefaultCompression} {
		b.Run(name, func(b *testing.B) {
			var out bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&out, lvl)
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				out.Reset()
				zw.Reset(&out)
				zw.Write(content)
				zw.Close()
			}
			b.ReportMetric(float64(out.Len()), "out-bytes")
		})
	}
}
