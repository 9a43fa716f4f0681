package raster_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

func newRenderer(tb testing.TB) *raster.Renderer {
	tb.Helper()
	r, err := raster.New(nil)
	if err != nil {
		tb.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-dejavu-core): %v", err)
	}
	return r
}

// zbar decodes every symbol in a PNG file.
func zbar(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("zbarimg", "-q", "--raw", path).Output()
	require.NoError(t, err, "zbarimg %s", path)
	return strings.Fields(strings.TrimSpace(string(out)))
}

// writePNG writes img to path as a PNG file.
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

func TestWaybillsScan(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	r := newRenderer(t)
	orders := labeltest.SampleOrders(t)
	dir := t.TempDir()
	if d := os.Getenv("RASTER_OUT"); d != "" {
		dir = d
	}
	for _, name := range []string{"waybill-76x130", "waybill-100x180", "waybill-100x150"} {
		for _, i := range []int{0, 1, 46, 50, 51, 52} {
			if i >= len(orders) {
				continue
			}
			d := labeltest.Data(orders[i])
			doc := labeltest.Layout(t, name, d)
			for _, dpi := range []int{203, 300} {
				img, err := r.RenderPage(doc.Pages[0], dpi)
				require.NoError(t, err)
				path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", name, orders[i].ID, dpi))
				writePNG(t, path, img)
				got := zbar(t, path)
				want := d.Fields["waybill.tracking_no"]
				// Code 128 (once or twice: the stub repeats it) and QR all carry it.
				assert.GreaterOrEqual(t, len(got), 2, path)
				for _, g := range got {
					assert.Equal(t, want, g, path)
				}
			}
		}
	}
}

func TestRenderPNG(t *testing.T) {
	r := newRenderer(t)
	orders := labeltest.SampleOrders(t)
	doc := labeltest.Layout(t, "waybill-76x130", labeltest.Data(orders[0]))
	var buf bytes.Buffer
	require.NoError(t, r.Render(context.Background(), &buf, doc))
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	assert.Equal(t, 607, img.Bounds().Dx())
	assert.Equal(t, 1039, img.Bounds().Dy())
}

func TestProductLabelsScan(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	r := newRenderer(t)
	orders := labeltest.SampleOrders(t)
	dir := t.TempDir()
	for _, name := range []string{"product-40x30", "product-60x40"} {
		o := orders[2]
		d := labeltest.Data(o)
		for k, row := range d.Tables["items"] {
			doc := labeltest.Layout(t, name, d.WithRow("item.", row))
			for _, dpi := range []int{203, 300} {
				img, err := r.RenderPage(doc.Pages[0], dpi)
				require.NoError(t, err)
				path := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.png", name, k, dpi))
				writePNG(t, path, img)
				want := row["sku"]
				if name == "product-40x30" {
					want = row["barcode"]
				}
				assert.Equal(t, []string{want}, zbar(t, path), path)
			}
		}
	}
}

func TestRasterizeText(t *testing.T) {
	r := newRenderer(t)
	for _, rot := range []label.Rotation{0, 90, 180, 270} {
		tl := label.TextLine{Size: 4, Width: label.TextEm("收件人 ABC") * 4, Rotation: rot, Text: "收件人 ABC"}
		bm, err := r.RasterizeText(tl, 203)
		require.NoError(t, err)
		long, short := bm.Width, bm.Height
		if rot == 90 || rot == 270 {
			long, short = short, long
		}
		assert.Equal(t, 160, long) // 20 mm at 8 dots/mm
		assert.Equal(t, 32, short)
		ink := 0
		for _, b := range bm.Bits {
			for ; b != 0; b &= b - 1 {
				ink++
			}
		}
		assert.Greater(t, ink, 300, "glyphs are drawn")
		assert.Less(t, ink, 160*32/2)
	}
}

func TestNoFont(t *testing.T) {
	_, err := raster.New(&raster.Options{Font: "/nonexistent/font.ttf", Fallback: []string{}})
	var fe *raster.FontError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "/nonexistent/font.ttf", fe.Path)
}

func BenchmarkRenderPNGWaybill(b *testing.B) {
	r, err := raster.New(nil)
	if err != nil {
		b.Skip(err)
	}
	orders := labeltest.SampleOrders(b)
	doc := labeltest.Layout(b, "waybill-76x130", labeltest.Data(orders[1]))
	ctx := context.Background()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.Render(ctx, &buf, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// The realistic barcodes of every standard template scan from the PNG preview at
// 203 and 300 dpi (a 12-character SKU was clipped at 203 dpi), and their quiet zones
// are blank and inside the image.
func TestStandardBarcodesScan(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	r := newRenderer(t)
	dir := t.TempDir()
	for _, c := range labeltest.BarcodeCases() {
		doc := labeltest.Layout(t, c.Template, labeltest.BarcodeData(t, c))
		for _, dpi := range []int{203, 300} {
			img, err := r.RenderPage(doc.Pages[0], dpi)
			require.NoError(t, err)
			path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", c.Template, c.Data, dpi))
			writePNG(t, path, img)
			got := zbar(t, path)
			assert.Contains(t, got, c.Data, path)
			for _, g := range got {
				assert.Equal(t, c.Data, g, path) // waybills' QR codes carry it too
			}
			for _, op := range doc.Pages[0].Ops {
				b, ok := op.(label.Barcode)
				if !ok {
					continue
				}
				g, err := b.Dots(dpi)
				require.NoError(t, err)
				q := label.QuietModules * g.Module
				require.GreaterOrEqual(t, g.X-q, 0, path)
				require.LessOrEqual(t, g.X+g.Width+q, img.Rect.Dx(), path)
				ink := 0
				for y := g.Y; y < g.Y+g.Height; y++ {
					for x := g.X - q; x < g.X+g.Width+q; x++ {
						if x < g.X || x >= g.X+g.Width {
							if img.GrayAt(x, y).Y < 0x80 {
								ink++
							}
						}
					}
				}
				assert.Zero(t, ink, "ink in the quiet zones of %s", path)
			}
		}
	}
}
