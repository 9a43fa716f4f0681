package pdf

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

func allWaybills(t testing.TB) *label.Document {
	t.Helper()
	doc := &label.Document{Template: "waybill-76x130"}
	for _, o := range labeltest.SampleOrders(t) {
		doc.Pages = append(doc.Pages, waybill(t, o))
	}
	return doc
}

// squash removes all white space, for comparing text whose line breaks and spacing
// a text extractor decides.
func squash(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' ' // control characters print as blanks
		}
		return r
	}, s)), "")
}

func TestWaybillTextExtractsExactly(t *testing.T) {
	needTool(t, "pdftotext")
	r := renderer(t)
	doc := allWaybills(t)
	path := writeTemp(t, "waybills.pdf", labeltest.Render(t, r, doc))
	for i, p := range doc.Pages {
		n := strconv.Itoa(i + 1)
		// -raw keeps content-stream order, which is the order of the ops.
		got, _ := run(t, "pdftotext", "-raw", "-enc", "UTF-8", "-f", n, "-l", n, path, "-")
		want := strings.Join(pageTexts(p), "")
		assert.Equal(t, squash(want), squash(got), "page %d", i+1)
	}
}

func TestTextLinesExactlyIncludingHostileText(t *testing.T) {
	needTool(t, "pdftotext")
	r := renderer(t)
	long := strings.Repeat("长地址", 100) + strings.Repeat("x", 200)
	lines := []string{
		"(a) Tj \\ )",
		")",
		"\\",
		"% not a comment",
		"<< /Type /Catalog >>",
		"endstream endobj",
		"^XZ^XA^FDhello^FS",
		"\x1b@\x1dV\x00",
		"𠮷野家 😀 👍🏽 emoji",
		"𐌀𐌁𐌂 old italic", // outside the BMP, drawn with the fallback font
		"é ü ß Ω → ∑",
		"收件人 张伟 16709145341",
		"浙江省杭州市余杭区五常街道文一西路1号",
		long,
	}
	for _, o := range labeltest.SampleOrders(t) {
		lines = append(lines, o.Recipient.Name, o.Recipient.Address, o.Remark.Buyer)
	}
	var pages []label.Page
	var want []string
	p := label.Page{Width: 100, Height: 150}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(p.Ops) == 20 {
			pages = append(pages, p)
			p = label.Page{Width: 100, Height: 150}
		}
		tl := text(2, 2+float64(len(p.Ops))*7, 4, l)
		tl.Width = min(tl.Width, 96) // long lines are squeezed into the page
		p.Ops = append(p.Ops, tl)
		// A skin-tone modifier no font has is left out; the thumb prints.
		want = append(want, strings.ReplaceAll(l, "\U0001F3FD", ""))
	}
	pages = append(pages, p)
	b := labeltest.Render(t, r, &label.Document{Pages: pages})

	// The hostile strings never reach the file as PDF syntax: content streams hold
	// only operators and hex glyph strings.
	objs := parsePDF(t, b)
	for _, c := range contentStreams(t, objs) {
		for _, l := range lines[:8] {
			assert.NotContains(t, string(c), l)
		}
		assert.NotRegexp(t, `\(`, string(c), "no literal strings in content")
	}

	got, _ := run(t, "pdftotext", "-raw", "-enc", "UTF-8", writeTemp(t, "hostile.pdf", b), "-")
	gotLines := normLines(got)
	var wantLines []string
	for _, l := range want {
		// Control characters print as blanks; extraction collapses runs of blanks.
		l = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
			if r < 0x20 {
				return ' '
			}
			return r
		}, l)), " ")
		wantLines = append(wantLines, l)
	}
	for i := range gotLines {
		gotLines[i] = strings.Join(strings.Fields(gotLines[i]), " ")
	}
	assert.Equal(t, wantLines, gotLines)
}

var contentsRe = regexp.MustCompile(`/Contents (\d+) 0 R`)

func contentStreams(t testing.TB, objs map[int]pdfObject) [][]byte {
	t.Helper()
	var out [][]byte
	for _, o := range find(objs, "/Type /Page ") {
		m := contentsRe.FindStringSubmatch(o.dict)
		require.NotNil(t, m)
		n, _ := strconv.Atoi(m[1])
		out = append(out, objs[n].stream)
	}
	return out
}

// decode runs zbarimg on a PNG and returns "TYPE:data" lines, sorted.
func decode(t testing.TB, png string) []string {
	t.Helper()
	out, _ := run(t, "zbarimg", "-q", png)
	lines := normLines(out)
	sort.Strings(lines)
	return lines
}

func rasterize(t testing.TB, pdf string, dpi int) []string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "p")
	run(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-png", pdf, prefix)
	files, err := filepath.Glob(prefix + "*.png")
	require.NoError(t, err)
	sort.Strings(files)
	return files
}

func TestBarcodesScanAt203And300DPI(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	r := renderer(t)
	// Every seventh order keeps the test quick; the IDs all share one shape.
	var orders []*order.Order
	for i, o := range labeltest.SampleOrders(t) {
		if i%7 == 0 {
			orders = append(orders, o)
		}
	}
	doc := &label.Document{}
	for _, o := range orders {
		p := waybill(t, o)
		for i, op := range p.Ops {
			if q, ok := op.(label.QR); ok {
				q.Data = "https://t.example/w/" + o.ID + "?c=" + o.Carrier
				q.Modules = qrModules(t, q.Data)
				p.Ops[i] = q
			}
		}
		doc.Pages = append(doc.Pages, p)
	}
	path := writeTemp(t, "codes.pdf", labeltest.Render(t, r, doc))
	for _, dpi := range []int{203, 300} {
		pngs := rasterize(t, path, dpi)
		require.Len(t, pngs, len(orders))
		for i, f := range pngs {
			o := orders[i]
			want := []string{"CODE-128:" + o.ID, "QR-Code:https://t.example/w/" + o.ID + "?c=" + o.Carrier}
			assert.Equal(t, want, decode(t, f), "%d dpi, order %s", dpi, o.ID)
		}
	}
}

func TestRotatedBarcodeScansAndLandsInPlace(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	r := renderer(t)
	data := "SF1234567890123"
	mods := code128Modules(t, data)
	const module = 3 * 25.4 / 203 // whole dots at 203 dpi, so the symbol lands where laid out
	for _, rot := range []label.Rotation{label.Rotate90, label.Rotate180, label.Rotate270} {
		t.Run(strconv.Itoa(int(rot)), func(t *testing.T) {
			page := label.Page{Width: 120, Height: 120, Ops: []label.Op{
				label.Barcode{X: 60, Y: 60, Module: module, Height: 10, Rotation: rot, Data: data, Modules: mods},
			}}
			path := writeTemp(t, "rot.pdf", labeltest.Render(t, r, &label.Document{Pages: []label.Page{page}}))
			png := rasterize(t, path, 254)[0] // 10 px per mm
			assert.Equal(t, []string{"CODE-128:" + data}, decode(t, png))
			l := float64(len(mods)) * module
			var want image.Rectangle
			switch rot { // the symbol rotates clockwise about its anchor (60, 60)
			case label.Rotate90:
				want = image.Rect(500, 600, 600, int(600+10*l))
			case label.Rotate180:
				want = image.Rect(int(600-10*l), 500, 600, 600)
			case label.Rotate270:
				want = image.Rect(600, int(600-10*l), 700, 600)
			}
			assertNear(t, want, inkBounds(t, png), 3)
		})
	}
}

// inkBounds returns the bounding box of dark pixels of a grey PNG.
func inkBounds(t testing.TB, path string) image.Rectangle {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	g := toGray(img)
	r := image.Rectangle{Min: g.Rect.Max, Max: g.Rect.Min}
	for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
		for x := g.Rect.Min.X; x < g.Rect.Max.X; x++ {
			if g.GrayAt(x, y).Y < 128 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func assertNear(t testing.TB, want, got image.Rectangle, tol int) {
	t.Helper()
	near := func(a, b int) bool { return a-b <= tol && b-a <= tol }
	assert.True(t, near(want.Min.X, got.Min.X) && near(want.Min.Y, got.Min.Y) &&
		near(want.Max.X, got.Max.X) && near(want.Max.Y, got.Max.Y), "want %v, got %v", want, got)
}

func TestGeometryCalibrationAndImage(t *testing.T) {
	needTool(t, "pdftoppm")
	needFonts(t)
	bm := &label.Bitmap{Width: 10, Height: 4, Stride: 3, Bits: []byte{
		0xFF, 0xC0, 0xAA, // row 0 all black (last byte is stride padding)
		0x80, 0x40, 0x00,
		0x80, 0x40, 0x00,
		0xFF, 0xC0, 0x00,
	}}
	cases := []struct {
		name string
		op   label.Op
		cal  label.Calibration
		want image.Rectangle // pixels at 254 dpi (10 per mm)
	}{
		{"filled box", label.Box{X: 10, Y: 20, W: 15, H: 5, Fill: true}, label.Calibration{}, image.Rect(100, 200, 250, 250)},
		{"calibrated box", label.Box{X: 10, Y: 20, W: 15, H: 5, Fill: true}, label.Calibration{DX: 2.5, DY: -3}, image.Rect(125, 170, 275, 220)},
		{"outline box", label.Box{X: 5, Y: 5, W: 30, H: 20, Thickness: 0.5}, label.Calibration{}, image.Rect(50, 50, 350, 250)},
		{"horizontal line", label.Line{X1: 5, Y1: 10, X2: 45, Y2: 10, Thickness: 1}, label.Calibration{}, image.Rect(50, 95, 450, 105)},
		{"vertical line", label.Line{X1: 20, Y1: 5, X2: 20, Y2: 35, Thickness: 0.4}, label.Calibration{DX: 1}, image.Rect(208, 50, 212, 350)},
		{"image", label.Image{X: 10, Y: 10, W: 20, H: 8, Bitmap: bm}, label.Calibration{}, image.Rect(100, 100, 300, 180)},
		{"reverse text", label.TextLine{X: 10, Y: 10, Size: 5, Width: 10, Reverse: true, Text: "收件"}, label.Calibration{}, image.Rect(100, 100, 200, 150)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New(&Options{FontPath: cjkFont, FallbackPaths: []string{latinFont}, Calibration: c.cal})
			require.NoError(t, err)
			doc := &label.Document{Pages: []label.Page{{Width: 50, Height: 40, Ops: []label.Op{c.op}}}}
			path := writeTemp(t, "g.pdf", labeltest.Render(t, r, doc))
			assertNear(t, c.want, inkBounds(t, rasterize(t, path, 254)[0]), 2)
		})
	}
}

func TestImageMaskPixels(t *testing.T) {
	needTool(t, "pdftoppm")
	r := renderer(t)
	// A 2x2 checkerboard scaled to 20x20 mm: top-left and bottom-right black.
	bm := &label.Bitmap{Width: 2, Height: 2, Stride: 1, Bits: []byte{0x80, 0x40}}
	doc := &label.Document{Pages: []label.Page{{Width: 20, Height: 20, Ops: []label.Op{
		label.Image{X: 0, Y: 0, W: 20, H: 20, Bitmap: bm},
	}}}}
	png := rasterize(t, writeTemp(t, "im.pdf", labeltest.Render(t, r, doc)), 254)[0]
	f, err := os.Open(png)
	require.NoError(t, err)
	defer f.Close()
	img, err := pngDecode(f)
	require.NoError(t, err)
	dark := func(x, y int) bool { return img.GrayAt(x, y).Y < 128 }
	assert.True(t, dark(50, 50))
	assert.False(t, dark(150, 50))
	assert.False(t, dark(50, 150))
	assert.True(t, dark(150, 150))
}

func pngDecode(f *os.File) (*image.Gray, error) {
	img, err := png.Decode(f)
	if err != nil {
		return nil, err
	}
	return toGray(img), nil
}

func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, g.Rect.Min, draw.Src)
	return g
}

func TestEmbeddedSubsetFonts(t *testing.T) {
	needTool(t, "pdffonts")
	r := renderer(t)
	doc := &label.Document{Pages: []label.Page{{Width: 60, Height: 30, Ops: []label.Op{
		text(2, 2, 4, "张伟 浙江省杭州市"),
		text(2, 8, 4, "Őrség ŵ ǆ"), // not in the CJK font: fallback font
	}}}}
	out, _ := run(t, "pdffonts", writeTemp(t, "f.pdf", labeltest.Render(t, r, doc)))
	rows := normLines(out)[2:]
	require.Len(t, rows, 2, out)
	for _, row := range rows {
		f := strings.Fields(row)
		// name type(2 words) encoding emb sub uni object ID
		assert.Regexp(t, `^[A-Z]{6}\+`, f[0])
		assert.Equal(t, []string{"CID", "TrueType", "Identity-H", "yes", "yes", "yes"}, f[1:7], row)
	}
	assert.Contains(t, rows[0], "+BousungEG-Light-GB")
	assert.Contains(t, rows[1], "+DejaVuSans")
}

var (
	length1Re = regexp.MustCompile(`/Length1 (\d+)`)
	refRe     = regexp.MustCompile(`/(DescendantFonts \[|FontDescriptor |FontFile2 |ToUnicode )(\d+) 0 R`)
)

func TestFontStructureAndSubsetSize(t *testing.T) {
	r := renderer(t)
	b := labeltest.Render(t, r, allWaybills(t))
	objs := parsePDF(t, b)
	ref := func(dict, key string) pdfObject {
		for _, m := range refRe.FindAllStringSubmatch(dict, -1) {
			if strings.HasPrefix(m[1], key) {
				n, _ := strconv.Atoi(m[2])
				return objs[n]
			}
		}
		t.Fatalf("no %s in %s", key, dict)
		return pdfObject{}
	}
	type0 := find(objs, "/Subtype /Type0")
	require.NotEmpty(t, type0)
	for _, f := range type0 {
		assert.Contains(t, f.dict, "/Encoding /Identity-H")
		cid := ref(f.dict, "DescendantFonts")
		assert.Contains(t, cid.dict, "/Subtype /CIDFontType2")
		assert.Contains(t, cid.dict, "/CIDToGIDMap /Identity")
		assert.Regexp(t, `/W \[0 \[\d+( \d+)*\]\]`, cid.dict)
		desc := ref(cid.dict, "FontDescriptor")
		file := ref(desc.dict, "FontFile2")
		m := length1Re.FindStringSubmatch(file.dict)
		require.NotNil(t, m)
		assert.Equal(t, m[1], strconv.Itoa(len(file.stream)))
		tu := ref(f.dict, "ToUnicode")
		assert.Contains(t, string(tu.stream), "begincodespacerange\n<0000> <FFFF>")
		assert.Contains(t, string(tu.stream), "beginbfchar")

		// The subset is a font this package can read back, far smaller than the file.
		sub, err := ParseFont(file.stream)
		require.NoError(t, err)
		if strings.Contains(f.dict, "BousungEG") {
			fi, err := os.Stat(cjkFont)
			require.NoError(t, err)
			assert.Less(t, len(file.stream)*10, int(fi.Size()), "subset of %d bytes", len(file.stream))
			assert.True(t, sub.HasGlyph('张'))
			assert.False(t, sub.HasGlyph('龘'))
		}
	}
}

func TestSubsetKeepsGlyphsAndComposites(t *testing.T) {
	needFonts(t)
	cache := NewFontCache()
	f, err := cache.Load(latinFont)
	require.NoError(t, err)
	runes := []rune{0, 'A', 'é', 'Å', '中'} // é and Å are composites in DejaVu Sans
	gids := make([]uint16, len(runes))
	for i, r := range runes[1:] {
		gids[i+1] = f.glyphIndex(r)
	}
	require.NotZero(t, gids[1])
	ttf, _, err := f.subsetTTF(runes, gids)
	require.NoError(t, err)
	sub, err := ParseFont(ttf)
	require.NoError(t, err)
	assert.Greater(t, sub.NumGlyphs(), len(runes), "composite components added")
	assert.Less(t, sub.NumGlyphs(), 20)
	for cid, r := range runes[1:4] {
		cid++
		assert.Equal(t, uint16(cid), sub.glyphIndex(r), "rune %q keeps CID %d", r, cid)
		assert.Equal(t, f.advance(gids[cid]), sub.advance(uint16(cid)))
		orig, err := f.glyph(gids[cid])
		require.NoError(t, err)
		got, err := sub.glyph(uint16(cid))
		require.NoError(t, err)
		if int16(orig[0])<<8|int16(orig[1]) >= 0 {
			assert.Equal(t, orig, got[:len(orig)], "simple glyph copied")
			continue
		}
		// Composite: each component is renumbered to a subset glyph with the same outline.
		comps := components(t, got)
		require.NotEmpty(t, comps)
		origComps := components(t, orig)
		require.Len(t, comps, len(origComps))
		for i, c := range comps {
			require.Less(t, int(c), sub.NumGlyphs())
			a, _ := f.glyph(origComps[i])
			b, _ := sub.glyph(c)
			assert.Equal(t, a, b[:len(a)])
		}
	}
	assert.False(t, sub.HasGlyph('中'))
	again, err := cache.Load(latinFont)
	require.NoError(t, err)
	assert.Same(t, f, again, "parsed once per cache")
}

func components(t testing.TB, g []byte) []uint16 {
	t.Helper()
	var out []uint16
	for o := 10; ; {
		flags := uint16(g[o])<<8 | uint16(g[o+1])
		out = append(out, uint16(g[o+2])<<8|uint16(g[o+3]))
		o += 4
		if flags&1 != 0 {
			o += 4
		} else {
			o += 2
		}
		switch {
		case flags&8 != 0:
			o += 2
		case flags&0x40 != 0:
			o += 4
		case flags&0x80 != 0:
			o += 8
		}
		if flags&0x20 == 0 {
			return out
		}
	}
}

func TestPageCountAndSize(t *testing.T) {
	needTool(t, "pdfinfo")
	r := renderer(t)
	doc := allWaybills(t)
	doc.Pages = append(doc.Pages, label.Page{Width: 100, Height: 150, Ops: []label.Op{text(5, 5, 4, "大页")}})
	out, _ := run(t, "pdfinfo", "-f", "1", "-l", strconv.Itoa(len(doc.Pages)), writeTemp(t, "n.pdf", labeltest.Render(t, r, doc)))
	assert.Contains(t, out, "Pages:           "+strconv.Itoa(len(doc.Pages)))
	assert.Contains(t, out, "Page    1 size:  215.433 x 368.504 pts")                               // 76 x 130 mm
	assert.Contains(t, out, "Page   "+strconv.Itoa(len(doc.Pages))+" size:  283.465 x 425.197 pts") // 100 x 150 mm
	assert.Contains(t, out, "PDF version:     1.7")
}

// recorder records what reached the output and when.
type recorder struct {
	bytes.Buffer
	writes int
}

func (r *recorder) Write(p []byte) (int, error) { r.writes++; return r.Buffer.Write(p) }

func TestWriterStreamsManyDocumentsIntoOneFile(t *testing.T) {
	needTool(t, "pdfinfo", "pdftotext")
	r := renderer(t)
	orders := labeltest.SampleOrders(t)
	var out recorder
	w := r.NewWriter(&out)
	ctx := context.Background()
	for i, o := range orders {
		require.NoError(t, w.Add(ctx, &label.Document{Pages: []label.Page{waybill(t, o)}}))
		assert.Equal(t, i+1, w.Pages())
		if i == 0 {
			assert.True(t, bytes.HasPrefix(out.Bytes(), []byte("%PDF-1.7")), "first page written before Close")
		}
	}
	assert.NotContains(t, out.String(), "/FontFile2", "fonts come at Close")
	before := out.Len()
	require.NoError(t, w.Close())
	assert.Greater(t, out.Len(), before)
	assert.ErrorIs(t, w.Add(ctx, allWaybills(t)), ErrClosed)
	assert.ErrorIs(t, w.Close(), ErrClosed)

	parsePDF(t, out.Bytes())
	path := writeTemp(t, "stream.pdf", out.Bytes())
	info, _ := run(t, "pdfinfo", path)
	assert.Contains(t, info, "Pages:           "+strconv.Itoa(len(orders)))
	last := strconv.Itoa(len(orders))
	got, _ := run(t, "pdftotext", "-raw", "-enc", "UTF-8", "-f", last, "-l", last, path, "-")
	assert.Equal(t, squash(strings.Join(pageTexts(waybill(t, orders[len(orders)-1])), "")), squash(got))
}

func TestErrors(t *testing.T) {
	r := renderer(t)
	page := func(ops ...label.Op) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 50, Height: 50, Ops: ops}}}
	}
	nan := func() float64 { var z float64; return z / z }()
	cases := []struct {
		name string
		doc  *label.Document
		want error
		op   int
	}{
		{"nil document", nil, ErrEmpty, 0},
		{"no pages", &label.Document{}, ErrEmpty, 0},
		{"zero page", &label.Document{Pages: []label.Page{{}}}, ErrPageSize, -1},
		{"NaN page", &label.Document{Pages: []label.Page{{Width: nan, Height: 10}}}, ErrPageSize, -1},
		{"huge page", &label.Document{Pages: []label.Page{{Width: 6000, Height: 10}}}, ErrPageSize, -1},
		{"nil op", page(nil), ErrOp, 0},
		{"pointer op", page(&label.Box{W: 1, H: 1, Fill: true}), ErrOp, 0},
		{"NaN text", page(label.TextLine{X: nan, Size: 3, Text: "x"}), ErrGeometry, 0},
		{"zero text size", page(label.TextLine{Size: 0, Text: "x"}), ErrGeometry, 0},
		{"bad rotation", page(label.Box{W: 1, H: 1, Fill: true}, label.TextLine{Size: 3, Rotation: 45, Text: "x"}), ErrGeometry, 1},
		{"infinite line", page(label.Line{X2: 1 / func() float64 { return 0 }(), Thickness: 1}), ErrGeometry, 0},
		{"zero module", page(label.Barcode{Height: 5, Modules: []bool{true}}), ErrGeometry, 0},
		{"ragged QR", page(label.QR{Module: 1, Modules: [][]bool{{true, false}, {true}}}), ErrGeometry, 0},
		{"negative box", page(label.Box{W: -1, H: 1, Fill: true}), ErrGeometry, 0},
		{"nil bitmap", page(label.Image{W: 1, H: 1}), ErrBitmap, 0},
		{"short bitmap", page(label.Image{W: 1, H: 1, Bitmap: &label.Bitmap{Width: 9, Height: 2, Stride: 2, Bits: []byte{1, 2, 3}}}), ErrBitmap, 0},
		{"narrow stride", page(label.Image{W: 1, H: 1, Bitmap: &label.Bitmap{Width: 9, Height: 1, Stride: 1, Bits: []byte{1, 2}}}), ErrBitmap, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := r.Render(context.Background(), &out, c.doc)
			require.ErrorIs(t, err, c.want)
			assert.Zero(t, out.Len(), "nothing written for an invalid document")
			var oe *OpError
			if c.want != ErrEmpty {
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, c.op, oe.Op)
				assert.Equal(t, 0, oe.Page)
			}
		})
	}

	t.Run("invalid document leaves writer usable", func(t *testing.T) {
		var out bytes.Buffer
		w := r.NewWriter(&out)
		require.ErrorIs(t, w.Add(context.Background(), page(nil)), ErrOp)
		require.NoError(t, w.Add(context.Background(), page(text(1, 1, 3, "ok"))))
		require.NoError(t, w.Close())
		parsePDF(t, out.Bytes())
	})
	t.Run("close without pages", func(t *testing.T) {
		var out bytes.Buffer
		assert.ErrorIs(t, r.NewWriter(&out).Close(), ErrEmpty)
		assert.Zero(t, out.Len())
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.ErrorIs(t, r.Render(ctx, &bytes.Buffer{}, page()), context.Canceled)
	})
	t.Run("missing font file", func(t *testing.T) {
		_, err := New(&Options{FontPath: "/nonexistent/font.ttf", Cache: NewFontCache()})
		var fe *FontError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "/nonexistent/font.ttf", fe.Path)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
	t.Run("not a font", func(t *testing.T) {
		p := writeTemp(t, "x.ttf", []byte("%PDF-1.7 this is not a font at all"))
		_, err := New(&Options{FontPath: p, Cache: NewFontCache()})
		assert.ErrorIs(t, err, ErrFontFormat)
	})
	t.Run("nil font", func(t *testing.T) {
		_, err := New(&Options{Fonts: []*Font{nil}})
		assert.ErrorIs(t, err, ErrNoFont)
	})
	t.Run("NaN calibration", func(t *testing.T) {
		_, err := New(&Options{Calibration: label.Calibration{DX: nan}})
		assert.ErrorIs(t, err, ErrGeometry)
	})
}

func TestDefaultsFindHostFonts(t *testing.T) {
	needFonts(t)
	r, err := New(nil)
	require.NoError(t, err)
	fonts := r.Fonts()
	require.Len(t, fonts, 1+len(fontpath.Fallbacks(cjkFont)), "the primary and every fallback found")
	assert.Equal(t, cjkFont, fonts[0].Path())
	assert.Equal(t, latinFont, fonts[1].Path())
}

// TestRareIdeographs prints a family name with 𠮷 (CJK Extension B, missing from the
// primary font) and checks that a rare-ideograph font is embedded for it and that
// pdftotext reads the name back.
func TestRareIdeographs(t *testing.T) {
	needFonts(t)
	needTool(t, "pdffonts", "pdftotext")
	rare := fontpath.First(fontpath.Rare)
	if rare == "" {
		t.Skip("no rare-ideograph font installed (Debian: fonts-hanazono)")
	}
	r, err := New(nil) // the default fonts: primary, Latin, rare ideographs
	require.NoError(t, err)
	doc := &label.Document{Pages: []label.Page{{Width: 60, Height: 20, Ops: []label.Op{
		fit(text(2, 2, 5, "王𠮷 收"), 60),
	}}}}
	var buf bytes.Buffer
	require.NoError(t, r.Render(context.Background(), &buf, doc))
	path := writeTemp(t, "rare.pdf", buf.Bytes())
	fonts, _ := run(t, "pdffonts", path)
	assert.Contains(t, fonts, "HanaMin", "the rare-ideograph font is embedded")
	txt, _ := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	assert.Contains(t, txt, "王𠮷")
}

func TestConcurrentRendersAreIndependent(t *testing.T) {
	r := renderer(t)
	orders := labeltest.SampleOrders(t)[:8]
	want := make([][]byte, len(orders))
	for i, o := range orders {
		want[i] = labeltest.Render(t, r, &label.Document{Pages: []label.Page{waybill(t, o)}})
	}
	var wg sync.WaitGroup
	got := make([][]byte, len(orders))
	for i, o := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			if err := r.Render(context.Background(), &b, &label.Document{Pages: []label.Page{waybill(t, o)}}); err == nil {
				got[i] = b.Bytes()
			}
		}()
	}
	wg.Wait()
	for i := range orders {
		assert.Equal(t, want[i], got[i], "order %d", i)
	}
}

func TestAppendNum(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 1: "1", -1: "-1", 0.5: "0.5", 1.25: "1.25", 2.0001: "2", -0.0004: "0",
		215.4330708: "215.433", 10.1: "10.1", 1234.567: "1234.567", 0.05: "0.05", 99.9996: "100",
	} {
		assert.Equal(t, want, string(appendNum(nil, v)), "%v", v)
	}
}

type failingWriter struct{ after int }

var errDisk = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errDisk
	}
	f.after--
	return len(p), nil
}

func TestWriteErrorsAreReturnedAndSticky(t *testing.T) {
	r := renderer(t)
	doc := allWaybills(t)
	assert.ErrorIs(t, r.Render(context.Background(), &failingWriter{}, doc), errDisk)

	w := r.NewWriter(&failingWriter{after: 1})
	one := &label.Document{Pages: doc.Pages[:1]}
	require.NoError(t, w.Add(context.Background(), one))
	assert.ErrorIs(t, w.Add(context.Background(), one), errDisk)
	assert.ErrorIs(t, w.Add(context.Background(), one), errDisk)
	assert.ErrorIs(t, w.Close(), errDisk)
}

func TestNoFontFound(t *testing.T) {
	cjk, latin := fontpath.CJK, fontpath.Latin
	t.Cleanup(func() { fontpath.CJK, fontpath.Latin = cjk, latin })
	fontpath.CJK, fontpath.Latin = []string{"/nonexistent/a.ttf"}, nil
	_, err := New(nil)
	assert.ErrorIs(t, err, ErrNoFont)
	_, err = NewWriter(&bytes.Buffer{}, &Options{})
	assert.ErrorIs(t, err, ErrNoFont)
}

func TestNonBMPGlyphFromFallbackFont(t *testing.T) {
	r := renderer(t)
	require.False(t, r.fonts[0].HasGlyph(0x10300))
	require.True(t, r.fonts[1].HasGlyph(0x10300))
	w := r.NewWriter(&bytes.Buffer{})
	p := label.Page{Width: 40, Height: 20, Ops: []label.Op{text(1, 1, 4, "中𐌀A")}}
	require.NoError(t, w.page(&p))
	assert.Contains(t, string(w.s.content), "/F1 11.339 Tf <0001> Tj\n/F2 11.339 Tf <0001> Tj\n/F1 11.339 Tf <0002> Tj")
	assert.Equal(t, []rune{0, 0x10300}, w.s.fonts[1].runes)
	w.abort()
}

func TestBoldAndRotatedText(t *testing.T) {
	needTool(t, "pdftoppm")
	r := renderer(t)
	ink := func(op label.TextLine) (image.Rectangle, int) {
		doc := &label.Document{Pages: []label.Page{{Width: 60, Height: 60, Ops: []label.Op{op}}}}
		png := rasterize(t, writeTemp(t, "t.pdf", labeltest.Render(t, r, doc)), 254)[0]
		f, err := os.Open(png)
		require.NoError(t, err)
		defer f.Close()
		g, err := pngDecode(f)
		require.NoError(t, err)
		n := 0
		for _, v := range g.Pix {
			if v < 128 {
				n++
			}
		}
		return inkBounds(t, png), n
	}
	line := text(10, 10, 5, "收件人张伟")
	_, regular := ink(line)
	line.Bold = true
	_, bold := ink(line)
	assert.Greater(t, float64(bold), 1.15*float64(regular), "bold strokes the outlines")

	// Rotated 90° clockwise about (40, 10): the line runs down from there, its top
	// facing right, so the ink lies left of x = 40 mm, between y = 10 and 35 mm.
	line = text(40, 10, 5, "收件人张伟")
	line.Rotation = label.Rotate90
	box, _ := ink(line)
	assert.True(t, box.Min.X >= 345 && box.Max.X <= 402 && box.Min.Y >= 98 && box.Max.Y <= 352 &&
		box.Dx() > 35 && box.Dy() > 200, "rotated ink at %v", box)
}

func TestSameImageWrittenOncePerFile(t *testing.T) {
	r := renderer(t)
	logo := &label.Bitmap{Width: 16, Height: 2, Stride: 2, Bits: []byte{0xFF, 0x00, 0x0F, 0xF0}}
	same := &label.Bitmap{Width: 16, Height: 2, Stride: 3, Bits: []byte{0xFF, 0x00, 0x77, 0x0F, 0xF0, 0x77}}
	other := &label.Bitmap{Width: 16, Height: 2, Stride: 2, Bits: []byte{0xFF, 0x00, 0x0F, 0xF1}}
	page := func(bms ...*label.Bitmap) label.Page {
		p := label.Page{Width: 50, Height: 50}
		for i, bm := range bms {
			p.Ops = append(p.Ops, label.Image{X: 1, Y: 1 + float64(i)*5, W: 16, H: 2, Bitmap: bm})
		}
		return p
	}
	doc := &label.Document{Pages: []label.Page{page(logo, same), page(logo, other), page(same)}}
	objs := parsePDF(t, labeltest.Render(t, r, doc))
	assert.Len(t, find(objs, "/Subtype /Image"), 2, "identical pixels share one XObject")
	pages := find(objs, "/Type /Page ")
	require.Len(t, pages, 3)
	assert.Contains(t, pages[0].dict, "/XObject << /Im1 4 0 R >>")
	assert.Regexp(t, `/XObject << /Im1 4 0 R /Im2 \d+ 0 R >>`, pages[1].dict)
	assert.Contains(t, pages[2].dict, "/XObject << /Im1 4 0 R >>")
	assert.Equal(t, 2, strings.Count(string(contentStreams(t, objs)[0]), "/Im1 Do"))
}

func TestFontCacheRetriesFailedLoads(t *testing.T) {
	needFonts(t)
	var cache FontCache // the zero value is ready
	path := filepath.Join(t.TempDir(), "late.ttf")
	_, err := cache.Load(path)
	require.ErrorIs(t, err, fs.ErrNotExist)
	data, err := os.ReadFile(latinFont)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	f, err := cache.Load(path)
	require.NoError(t, err, "a font installed later is found")
	again, err := cache.Load(path)
	require.NoError(t, err)
	assert.Same(t, f, again)
	assert.Equal(t, "DejaVuSans", f.Name())
}
