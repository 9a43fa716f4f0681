package escpos

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	labeltest.Golden(t, name, got, *update)
}

func newBitmap(w, h int) *label.Bitmap {
	s := (w + 7) / 8
	return &label.Bitmap{Width: w, Height: h, Stride: s, Bits: make([]byte, s*h)}
}

func set(bm *label.Bitmap, x, y int) { bm.Bits[y*bm.Stride+x/8] |= 0x80 >> (x % 8) }

// fakeText draws a box the size of the line's frame with one stripe per character.
type fakeText struct{ calls int }

func (f *fakeText) RasterizeText(t label.TextLine, dpi int) (*label.Bitmap, error) {
	f.calls++
	w, h := max(dots(t.Width), 1), max(dots(t.Size), 1)
	bm := newBitmap(w, h)
	for x := range w {
		set(bm, x, 0)
		set(bm, x, h-1)
	}
	i := 0
	for range t.Text {
		for y := range h {
			if x := 2 + i*4; x < w {
				set(bm, x, y)
			}
		}
		i++
	}
	return bm, nil
}

// fakePage draws the page frame.
type fakePage struct{}

func (fakePage) RasterizePage(p label.Page, dpi int) (*label.Bitmap, error) {
	w, h := int(p.Width*float64(dpi)/25.4+0.5), int(p.Height*float64(dpi)/25.4+0.5)
	bm := newBitmap(w, h)
	for x := range w {
		set(bm, x, 0)
		set(bm, x, h-1)
	}
	for y := range h {
		set(bm, 0, y)
		set(bm, w-1, y)
	}
	return bm, nil
}

// packingList builds an 80 mm packing list with n item rows, the way layout does.
func packingList(n int) *label.Document {
	ops := []label.Op{
		label.TextLine{X: 20, Y: 2, Size: 6, Width: 32, Bold: true, Text: "发货清单"},
		label.TextLine{X: 0, Y: 10, Size: 3, Width: 40, Text: "订单 TB2026111100000"},
		label.TextLine{X: 44, Y: 10, Size: 3, Width: 28, Text: "2026-11-11 10:00"},
		label.Line{X1: 0, Y1: 14.5, X2: 72, Y2: 14.5, Thickness: 0.25},
		label.TextLine{X: 0, Y: 16, Size: 3, Width: 20, Bold: true, Text: "SKU"},
		label.TextLine{X: 22, Y: 16, Size: 3, Width: 30, Bold: true, Text: "商品"},
		label.TextLine{X: 64, Y: 16, Size: 3, Width: 8, Bold: true, Text: "数量"},
	}
	y := 20.0
	for i := range n {
		ops = append(ops,
			label.TextLine{X: 0, Y: y, Size: 3, Width: 20, Text: "CUP-500-" + strconv.Itoa(i)},
			label.TextLine{X: 22, Y: y, Size: 3, Width: 30, Text: "真空保温杯 500ml 白色"},
			label.TextLine{X: 64, Y: y, Size: 3, Width: 8, Text: strconv.Itoa(i + 1)},
		)
		y += 3.6
	}
	ops = append(ops,
		label.Line{X1: 0, Y1: y, X2: 72, Y2: y, Thickness: 0.25},
		label.Barcode{X: 10, Y: y + 2, Module: 0.25, Height: 10, Data: "756123456789", Modules: make([]bool, 90)},
		label.TextLine{X: 24, Y: y + 13, Size: 3, Width: 24, Text: "756123456789"},
		label.QR{X: 26, Y: y + 18, Module: 0.5, Level: label.QRLevelM, Data: "TB2026111100000", Modules: make([][]bool, 21)},
	)
	return &label.Document{Template: "packing-80mm", Version: "1", Pages: []label.Page{{Width: 72, Height: y + 32, Ops: ops}}}
}

// handDoc holds every op kind and flag.
func handDoc() *label.Document {
	img := newBitmap(16, 8)
	for i := range img.Bits {
		img.Bits[i] = 0xA5
	}
	return &label.Document{Pages: []label.Page{{Width: 80, Height: 60, Ops: []label.Op{
		label.TextLine{X: 4, Y: 2, Size: 8, Width: 40, Bold: true, Text: "大字 BIG"},
		label.TextLine{X: 4, Y: 12, Size: 3, Width: 20, Reverse: true, Text: "到付"},
		label.Box{X: 4, Y: 12, W: 20, H: 3, Fill: true}, // background of the reversed line
		label.TextLine{X: 30, Y: 12, Size: 3, Width: 30, Text: "{brace} ¥59.90"},
		label.Box{X: 2, Y: 18, W: 70, H: 10, Thickness: 0.25},
		label.Line{X1: 40, Y1: 18, X2: 40, Y2: 28, Thickness: 0.25}, // vertical: not drawn in text mode
		label.Box{X: 10, Y: 30, W: 10, H: 1, Fill: true},
		label.Barcode{X: 10, Y: 33, Module: 0.375, Height: 8, Data: "SF{12}3", Modules: make([]bool, 60)},
		label.Image{X: 60, Y: 33, W: 4, H: 2, Bitmap: img},
		label.TextLine{X: 4, Y: 45, Size: 3, Width: 20, Text: "𠮷野家"},
		&label.TextLine{X: 30, Y: 45, Size: 3, Width: 20, Text: "指针"},
	}}}}
}

func render(t *testing.T, opts *Options, doc *label.Document) []byte {
	t.Helper()
	r, err := New(opts)
	require.NoError(t, err)
	return labeltest.Render(t, r, doc)
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		opts *Options
		doc  *label.Document
	}{
		{"hand-packing-80mm", nil, packingList(3)},
		{"hand-packing-58mm-partial", &Options{PaperWidth: Paper58, Cut: CutPartial, Calibration: label.Calibration{DX: 1, DY: 2}, TextRasterizer: &fakeText{}, Scale: true, PageRasterizer: fakePage{}}, packingList(2)},
		{"hand", &Options{TextRasterizer: &fakeText{}, Cut: CutNone}, handDoc()},
		{"hand-replace", &Options{ReplaceUnprintable: true}, handDoc()},
		{"raster", &Options{Mode: ModeRaster, PageRasterizer: fakePage{}}, &label.Document{Pages: []label.Page{{Width: 48, Height: 4}, {Width: 80, Height: 3}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, c.opts, c.doc)
			golden(t, c.name+".bin", out)
			evs, err := decodeStream(out)
			require.NoError(t, err)
			golden(t, c.name+".txt", []byte(dump(evs)))
			assert.Equal(t, len(c.doc.Pages), countCmd(evs, "ESC @"), "one init per page")
		})
	}
}

func TestPackingListStructure(t *testing.T) {
	out := render(t, nil, packingList(20))
	evs, err := decodeStream(out)
	require.NoError(t, err)
	tx := texts(evs)
	require.Len(t, tx, 6+20*3+1)
	assert.Equal(t, "发货清单", tx[0])
	assert.Equal(t, []string{"CUP-500-19", "真空保温杯 500ml 白色", "20"}, tx[6+19*3:6+20*3])
	assert.Equal(t, 1, countCmd(evs, "GS k"))
	assert.Equal(t, 5, countCmd(evs, "GS ( k"))
	assert.Equal(t, 1, countCmd(evs, "GS V"))
	assert.Equal(t, []string{"ESC @", "FS &"}, cmds(evs)[:2])
	assert.Equal(t, "GS V", evs[len(evs)-1].Cmd)

	// Rows print in Y order, each line at its own column.
	var xs []int
	x := -1
	for _, e := range evs {
		switch e.Cmd {
		case "ESC $":
			x = int(e.Args[0]) | int(e.Args[1])<<8
		case "text":
			xs = append(xs, x)
		}
	}
	assert.Equal(t, []int{160, 0, 352, 0, 176, 511}, xs[:6])
	assert.Equal(t, []int{0, 176, 511}, xs[6:9])

	// Feeds add up to the page length.
	feed := 0
	for _, e := range evs {
		if e.Cmd == "ESC J" {
			feed += int(e.Args[0])
		}
		if e.Cmd == "GS v 0" {
			feed += e.Rows
		}
		if e.Cmd == "GS h" {
			feed += int(e.Args[0])
		}
		if e.Cmd == "GS ( k" && e.Args[4] == 67 {
			feed += 21 * int(e.Args[5])
		}
	}
	assert.Equal(t, dots(packingList(20).Pages[0].Height), feed)
}

var hostile = []string{
	"^XZ^XA^FO50,50^A0N,80,80^FDPWNED^FS^XZ",
	"~JR~PS",
	"\x1b@",
	"\x1dV\x00",
	"a\x00b\x0a\x0dc",
	"(a) Tj",
	`C:\path\\`,
	"\x1c.\x1b!\x30\x10\x04\x01",
	strings.Repeat("长", 500),
	"\x7f\u0085\u009b\u009d",
	"bad \xff\xfe utf8",
	"张三 {B} ¥",
}

// clean is what a printer prints for s: s without control characters, with the yen
// sign as the fullwidth sign GBK has.
// assertPrinted checks that got is exactly the one text want: text is never cut.
func assertPrinted(t *testing.T, want string, got []string) {
	t.Helper()
	require.Len(t, got, 1)
	assert.Equal(t, want, got[0])
}

// printerWidth is the width of s in font A at size 1, in dots.
func printerWidth(s string) int {
	w := 0
	for _, r := range s {
		w += 12
		if r >= 0x80 {
			w += 12
		}
	}
	return w
}

func clean(s string) string { return strings.ReplaceAll(string(appendClean(nil, s)), "¥", "￥") }

// TestHostileText checks that hostile data prints as text only: the command stream
// is the one harmless text produces and the decoded text is the input without its
// control characters.
func TestHostileText(t *testing.T) {
	doc := func(s string) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 72, Height: 40, Ops: []label.Op{
			label.TextLine{X: 0, Y: 0, Size: 3, Width: 72, Text: "T" + s},
			label.TextLine{X: 0, Y: 5, Size: 3, Width: 72, Text: "🙂 " + s},
			label.QR{X: 0, Y: 10, Module: 0.5, Data: "Q" + s},
		}}}}
	}
	opts := &Options{TextRasterizer: &fakeText{}}
	base, err := decodeStream(render(t, opts, doc("x")))
	require.NoError(t, err)
	for _, s := range hostile {
		out := render(t, opts, doc(s))
		evs, err := decodeStream(out)
		require.NoError(t, err, "%q", s)
		if printerWidth("T"+clean(s)) > Paper80 {
			// Wider than the paper in the printer font: both rows print as laid out,
			// as images, never as cut text.
			assert.Empty(t, texts(evs), "%q", s)
			assert.Equal(t, 2, countCmd(evs, "GS v 0"), "%q", s)
			continue
		}
		assert.Equal(t, cmds(base), cmds(evs), "%q: command sequence", s)
		assertPrinted(t, "T"+clean(s), texts(evs))
		var qr []byte
		for _, e := range evs {
			if e.Cmd == "GS ( k" && e.Args[4] == 80 {
				qr = e.Args[6:]
			}
		}
		assert.Equal(t, string(appendClean([]byte("Q"), s)), string(qr), "%q: QR data", s)
		for _, c := range qr {
			assert.True(t, c >= 0x20 && c != 0x7F, "%q: control byte %#x in QR data", s, c)
		}
	}
	assert.Equal(t, "a b c", strings.ReplaceAll(clean("a\x00 b\x1b\x7f c"), "\x00", ""))
}

func TestBarcode(t *testing.T) {
	bc := func(data string) ([]byte, error) {
		r, err := New(nil)
		require.NoError(t, err)
		out, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 72, Height: 20, Ops: []label.Op{
			label.Barcode{X: 5, Y: 0, Module: 0.25, Height: 10, Data: data},
		}}}})
		if err != nil {
			return nil, err
		}
		evs, err := decodeStream(out)
		require.NoError(t, err)
		for _, e := range evs {
			if e.Cmd == "GS k" {
				assert.Equal(t, int(e.Args[1]), len(e.Args)-2, "length byte")
				return e.Args[2:], nil
			}
		}
		return nil, errors.New("no GS k")
	}
	got, err := bc("756123456789")
	require.NoError(t, err)
	assert.Equal(t, []byte{'{', 'C', 75, 61, 23, 45, 67, 89}, got)
	got, err = bc("SF{1}\x1b\x1dV\x00X")
	require.NoError(t, err)
	assert.Equal(t, "{BSF{{1}VX", string(got))
	// Layout's code sets: a run of four digits goes in set C, as layout measured it.
	got, err = bc("12345")
	require.NoError(t, err)
	assert.Equal(t, []byte{'{', 'B', '1', '{', 'C', 23, 45}, got)
	got, err = bc("JDVA01234567890123456789")
	require.NoError(t, err)
	assert.Equal(t, append([]byte("{BJDVA{C"), 1, 23, 45, 67, 89, 1, 23, 45, 67, 89), got)
	for _, bad := range []string{"", "\x00\x1b", "条码", strings.Repeat("A", 254)} {
		_, err := bc(bad)
		assert.ErrorIs(t, err, ErrBarcodeData, "%q", bad)
	}
}

// gb2312Only is what the encoder must send for s: GB 2312 characters as themselves
// (¥ as ￥), everything else as '?', and whether there was anything else.
func gb2312Only(s string) (string, bool) {
	wide := false
	out := strings.Map(func(r rune) rune {
		if r == '¥' {
			return '￥'
		}
		if label.InGB2312(r) {
			return r
		}
		wide = true
		return '?'
	}, s)
	return out, wide
}

// The printer font is sure to have GB 2312 only: 喆 (GBK), 𠮷 (Extension B), 😀
// and € are outside it.
func TestGB2312(t *testing.T) {
	s := &scratch{gb: simplifiedchinese.GB18030.NewEncoder()}
	for _, in := range []string{"收件人：张三 13800138000", "ASCII only", "¥€—“”…·", "𠮷", "王喆", "a😀b", "\uFFFD", strings.Repeat("龍", 300), strings.Repeat("龙", 300)} {
		s.enc = s.enc[:0]
		sp := s.encode(in)
		got, err := simplifiedchinese.GB18030.NewDecoder().Bytes(s.enc[sp.start:sp.end])
		require.NoError(t, err)
		want, wide := gb2312Only(in)
		assert.Equal(t, want, string(got), "%q", in)
		assert.Equal(t, wide, sp.wide, "%q", in)
	}
}

func TestUnprintable(t *testing.T) {
	doc := &label.Document{Pages: []label.Page{{Width: 72, Height: 10, Ops: []label.Op{
		label.TextLine{Size: 3, Width: 20, Text: "ok"},
		label.TextLine{Y: 4, Size: 3, Width: 20, Text: "¥5 王𠮷"},
	}}}}
	r, err := New(nil)
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, doc)
	require.ErrorIs(t, err, ErrUnprintable)
	var oe *OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, 1, oe.Index)
	var ue *UnprintableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, '𠮷', ue.Char)
	assert.Contains(t, err.Error(), "U+20BB7")

	evs, err := decodeStream(render(t, &Options{ReplaceUnprintable: true}, doc))
	require.NoError(t, err)
	assert.Equal(t, []string{"ok", "￥5 王?"}, texts(evs))

	f := &fakeText{}
	evs, err = decodeStream(render(t, &Options{TextRasterizer: f}, doc))
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, texts(evs))
	assert.Equal(t, 1, f.calls)
	require.Equal(t, 1, countCmd(evs, "GS v 0"))
	for _, e := range evs {
		if e.Cmd == "GS v 0" {
			assert.Equal(t, Paper80/8, e.Stride)
			assert.Equal(t, 24, e.Rows)
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := New(&Options{Mode: ModeRaster})
	assert.ErrorIs(t, err, ErrNoPageRasterizer)
	for _, o := range []Options{{PaperWidth: 100}, {PaperWidth: -8}, {Mode: 5}, {Cut: 9}} {
		_, err := New(&o)
		var oe *OptionsError
		assert.ErrorAs(t, err, &oe, "%+v", o)
		assert.ErrorIs(t, err, ErrInvalidOptions)
	}
	r, err := New(nil)
	require.NoError(t, err)
	for _, c := range []struct {
		op   label.Op
		want error
	}{
		{nil, ErrUnsupportedOp},
		{(*label.Box)(nil), ErrUnsupportedOp},
		{label.QR{}, ErrQRData},
		{label.Image{W: 1, H: 1}, ErrBitmap},
	} {
		_, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 10, Height: 10, Ops: []label.Op{c.op}}}})
		assert.ErrorIs(t, err, c.want, "%#v", c.op)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	assert.ErrorIs(t, r.Render(ctx, &buf, packingList(1)), context.Canceled)
	assert.Zero(t, buf.Len())
}

func TestRasterModeCentresWidePage(t *testing.T) {
	// 58 mm, as wide as the roll: centred on the 48 mm printable width.
	evs, err := decodeStream(render(t, &Options{Mode: ModeRaster, PageRasterizer: fakePage{}, PaperWidth: Paper58}, &label.Document{Pages: []label.Page{{Width: 58, Height: 40}}}))
	require.NoError(t, err)
	var rows int
	for _, e := range evs {
		if e.Cmd == "GS v 0" {
			assert.Equal(t, Paper58/8, e.Stride)
			rows += e.Rows
		}
	}
	assert.Equal(t, dots(40), rows, "bands cover the page")
	assert.Equal(t, 2, countCmd(evs, "GS v 0"), "a 320-row page is sent in two bands")
}

// FuzzTextLine checks that whatever the text, the output holds our commands only
// and the text (or a raster row for lines outside the printer font).
func FuzzTextLine(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("𠮷")
	r, err := New(&Options{TextRasterizer: &fakeText{}})
	require.NoError(f, err)
	mk := func(s string) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 72, Height: 20, Ops: []label.Op{
			label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: s},
			label.TextLine{X: 40, Y: 1, Size: 3, Width: 30, Text: "x"},
		}}}}
	}
	baseOut, err := r.AppendDocument(nil, mk("x"))
	require.NoError(f, err)
	base, err := decodeStream(baseOut)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		out, err := r.AppendDocument(nil, mk(s))
		require.NoError(t, err)
		evs, err := decodeStream(out)
		require.NoError(t, err)
		if countCmd(evs, "GS v 0") > 0 {
			assert.Empty(t, texts(evs), "a raster row carries the whole row")
			return
		}
		c := clean(s)
		if c == "" {
			assert.Equal(t, []string{"x"}, texts(evs))
			return
		}
		assert.Equal(t, cmds(base), cmds(evs))
		got := texts(evs)
		require.Len(t, got, 2)
		assert.Equal(t, "x", got[1])
		assertPrinted(t, c, got[:1])
	})
}

func TestTextWiderThanPaper(t *testing.T) {
	doc := &label.Document{Pages: []label.Page{{Width: 48, Height: 10, Ops: []label.Op{
		label.TextLine{X: 40, Y: 0, Size: 3, Width: 8, Text: "ABCDEFGHIJ"}, // 320 + 10*12 > 384
		label.TextLine{X: 30, Y: 4, Size: 3, Width: 8, Text: "中文字符测试"},     // 240 + 6*24 = 384 fits
		label.TextLine{X: 2, Y: 4, Size: 3, Width: 8, Text: "x"},
	}}}}
	r, err := New(&Options{PaperWidth: Paper58})
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, doc)
	var oe *OpError
	require.ErrorAs(t, err, &oe, "text is never cut silently")
	assert.ErrorIs(t, err, ErrTextWidth)
	assert.Equal(t, 0, oe.Index)

	// With a rasterizer the wide row prints as laid out, the others as text.
	evs, err := decodeStream(render(t, &Options{PaperWidth: Paper58, TextRasterizer: &fakeText{}}, doc))
	require.NoError(t, err)
	assert.Equal(t, []string{"x", "中文字符测试"}, texts(evs))
	assert.Equal(t, 1, countCmd(evs, "GS v 0"))
	assert.Equal(t, "\xd6\xd0", string(fit([]byte("\xd6\xd0\xce\xc4"), 47, 12)[0:2]))
	assert.Empty(t, fit([]byte("\xd6\xd0"), 23, 12))
}

// FuzzCodes checks barcode and QR data: the output decodes to our commands only and
// the symbol data is the input without control characters.
func FuzzCodes(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("756123456789")
	f.Add("{{{")
	r, err := New(nil)
	require.NoError(f, err)
	mk := func(s string) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 72, Height: 40, Ops: []label.Op{
			label.Barcode{X: 1, Y: 1, Module: 0.25, Height: 10, Data: s},
			label.QR{X: 1, Y: 15, Module: 0.5, Data: s},
		}}}}
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := r.AppendDocument(nil, mk(s))
		if err != nil {
			require.True(t, errors.Is(err, ErrBarcodeData) || errors.Is(err, ErrQRData), "%v", err)
			return
		}
		evs, err := decodeStream(out)
		require.NoError(t, err)
		assert.Empty(t, texts(evs))
		c := appendClean(nil, s)
		for _, e := range evs {
			switch {
			case e.Cmd == "GS k" && string(e.Args[2:4]) == "{B":
				assert.Equal(t, string(c), strings.ReplaceAll(string(e.Args[4:]), "{{", "{"))
			case e.Cmd == "GS k":
				var digits []byte
				for _, v := range e.Args[4:] {
					digits = append(digits, '0'+v/10, '0'+v%10)
				}
				assert.Equal(t, string(c), string(digits))
			case e.Cmd == "GS ( k" && e.Args[4] == 80:
				assert.Equal(t, string(c), string(e.Args[6:]))
			}
		}
		assert.Equal(t, 1, countCmd(evs, "GS k"))
		assert.Equal(t, 1, countCmd(evs, "GS V"))
	})
}

func TestBlockBits(t *testing.T) {
	r, err := New(&Options{PaperWidth: Paper58})
	require.NoError(t, err)
	cases := [][2]int{{0, 384}, {370, 50}, {-5, 10}, {100, 0}}
	for x := range 20 {
		for w := 1; w < 20; w++ {
			cases = append(cases, [2]int{x, w})
		}
	}
	assert.Len(t, ones, 2040/8)
	for _, c := range cases {
		out := r.appendBlock(nil, c[0], c[1], 2)
		evs, err := decodeStream(out)
		require.NoError(t, err)
		if c[1] <= 0 {
			assert.Equal(t, "ESC J", evs[0].Cmd)
			continue
		}
		require.Len(t, evs, 1)
		e := evs[0]
		require.Equal(t, 2, e.Rows)
		for y := range 2 {
			for x := range 384 {
				want := x >= c[0] && x < c[0]+c[1]
				got := e.Bits[y*e.Stride+x/8]&(0x80>>(x%8)) != 0
				require.Equal(t, want, got, "block %v at %d,%d", c, x, y)
			}
		}
	}
}

func TestRowTolerance(t *testing.T) {
	doc := &label.Document{Pages: []label.Page{{Width: 72, Height: 20, Ops: []label.Op{
		label.TextLine{X: 40, Y: 1.5, Size: 3, Width: 10, Text: "right"},
		label.Line{X1: 0, Y1: 1.2, X2: 72, Y2: 1.2, Thickness: 0.25},
		label.TextLine{X: 0, Y: 1, Size: 5, Width: 30, Text: "left big"},
		label.TextLine{X: 0, Y: 6, Size: 3, Width: 30, Text: "next row"},
	}}}}
	evs, err := decodeStream(render(t, nil, doc))
	require.NoError(t, err)
	assert.Equal(t, []string{"left big", "right", "next row"}, texts(evs))
	var seq []string
	for _, e := range evs {
		if e.Cmd == "text" || e.Cmd == "GS v 0" {
			seq = append(seq, e.Cmd)
		}
	}
	assert.Equal(t, []string{"text", "text", "GS v 0", "text"}, seq, "lines 0.5 mm apart share a row; the rule follows it")
}

func FuzzClean(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []rune
		for i, r := range s {
			if r == utf8.RuneError {
				if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
					continue
				}
			}
			if r < 0x20 || r >= 0x7F && r <= 0x9F {
				continue
			}
			want = append(want, r)
		}
		require.Equal(t, string(want), string(appendClean(nil, s)))
	})
}

// FuzzGB18030 checks the cached encoder against x/text: same bytes, and wide exactly
// when a character needs four bytes.
func FuzzGB18030(f *testing.F) {
	for _, s := range []string{"收件人：张三", "¥€—“”…·", "𠮷😀", "\uFFFD", "ÀÉÎõü", "한국어", "日本語かな", "\u3000\uff01", "王喆李堃"} {
		f.Add(s)
	}
	s := &scratch{gb: simplifiedchinese.GB18030.NewEncoder()}
	f.Fuzz(func(t *testing.T, in string) {
		want, wide := gb2312Only(string(appendClean(nil, in)))
		ref, err := simplifiedchinese.GB18030.NewEncoder().String(want)
		require.NoError(t, err)
		s.enc = s.enc[:0]
		sp := s.encode(in)
		require.Equal(t, ref, string(s.enc[sp.start:sp.end]))
		require.Equal(t, wide, sp.wide)
	})
}

func TestConcurrentRender(t *testing.T) {
	r, err := New(&Options{TextRasterizer: &fakeText{}, ReplaceUnprintable: true})
	require.NoError(t, err)
	want, err := r.AppendDocument(nil, packingList(20))
	require.NoError(t, err)
	labeltest.RenderConcurrently(t, r, func() *label.Document { return packingList(20) }, want)
}

// TestPageWiderThanPaper: a page wider than the paper roll is refused with both
// widths, in text and raster mode, unless Scale is set; scaled, it is one image as
// wide as the printable width.
func TestPageWiderThanPaper(t *testing.T) {
	doc := &label.Document{Order: "A1", Pages: []label.Page{{Width: 100, Height: 30, Ops: []label.Op{
		label.TextLine{X: 80, Y: 2, Size: 3, Width: 20, Text: "运单号"},
	}}}}
	for _, o := range []*Options{nil, {Mode: ModeRaster, PageRasterizer: fakePage{}}, {PaperWidth: Paper58}} {
		r, err := New(o)
		require.NoError(t, err)
		_, err = r.AppendDocument(nil, doc)
		require.ErrorIs(t, err, ErrPaperWidth)
		var pe *PaperWidthError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 100.0, pe.PageWidth)
		assert.Contains(t, err.Error(), "100 mm wide")
		paper := "80 mm paper (72 mm printable)"
		if o != nil && o.PaperWidth == Paper58 {
			paper = "58 mm paper (48 mm printable)"
		}
		assert.Contains(t, err.Error(), paper)
	}
	// As wide as the roll is centred, not refused.
	r, err := New(nil)
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 80, Height: 10}}})
	require.NoError(t, err)

	// Scale without a page rasterizer cannot draw the page.
	r, err = New(&Options{Scale: true})
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, doc)
	require.ErrorIs(t, err, ErrNoPageRasterizer)

	evs, err := decodeStream(render(t, &Options{Scale: true, PageRasterizer: fakePage{}}, doc))
	require.NoError(t, err)
	assert.Empty(t, texts(evs), "the scaled page is an image")
	var rows int
	for _, e := range evs {
		if e.Cmd == "GS v 0" {
			rows += e.Rows
		}
	}
	assert.InDelta(t, 30*float64(Paper80)/100, rows, 2, "height scaled as the width: 100 mm onto 576 dots")
}
