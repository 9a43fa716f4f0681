package tspl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/qr"
)

// hostile are field contents that try to end a string, start a command, or
// print something else than themselves, in TSPL and the other printer languages.
var hostile = []string{
	`"`,
	`a"b`,
	"\r\nPRINT 1",
	"x\",0,0,\"\r\nPRINT 99,1\r\nCLS\r\n\"",
	"^XZ^XA^FO50,50^FDPWNED^FS^XZ",
	"\x1b!R\x1b!?\x1b@",
	"~!T~!@",
	`\["]\[R]\\`,
	"a\x00b\x7f\u0085\u009b",
	"line1\nline2\rline3",
	"张三\"\r\nPRINT 1\r\n李四",
	"invalid \xff\xfe\xa1 utf8",
	"半个\xd5",
	"𠮷野家 😀",
	"¥62.90",
	"阿卜杜拉·买买提 ×1 α",
	strings.Repeat("长", 30),
}

// hand is a laid-out page with every kind of op.
func hand() *label.Document {
	bm := &label.Bitmap{Width: 10, Height: 3, Stride: 2, Bits: []byte{0xFF, 0xC0, 0x80, 0x40, 0xFF, 0xC0}}
	code, _ := label.EncodeCode128("756123456789")
	q, _ := qr.Encode("756123456789", qr.Medium)
	return &label.Document{Template: "hand", Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.Box{X: 1, Y: 1, W: 74, H: 128, Thickness: 0.3},
		label.TextLine{X: 3, Y: 3, Size: 3, Width: 30, Text: "2026-11-11 10:00"},
		label.TextLine{X: 50, Y: 3, Size: 3, Width: 12, Bold: true, Text: "标快"},
		label.TextLine{X: 3, Y: 8, Size: 6, Width: 60, Bold: true, Text: "200-E01-08"},
		label.Line{X1: 1, Y1: 19, X2: 75, Y2: 19, Thickness: 0.3},
		label.Line{X1: 60, Y1: 20, X2: 60, Y2: 30, Thickness: 0.5},
		label.Line{X1: 62, Y1: 20, X2: 70, Y2: 28, Thickness: 0.3},
		label.Barcode{X: 8, Y: 21, Module: 0.25, Height: 12, Data: "756123456789", Modules: code},
		label.Box{X: 2, Y: 40, W: 6, H: 6, Fill: true},
		label.TextLine{X: 2.5, Y: 41.5, Size: 3, Width: 3, Reverse: true, Bold: true, Text: "收"},
		label.TextLine{X: 10, Y: 41.5, Size: 3, Width: 60, Text: "张伟 16709145341"},
		label.TextLine{X: 10, Y: 45, Size: 3, Width: 60, Text: "浙江省杭州市余杭区文一西路1号"},
		label.QR{X: 50, Y: 90, Module: 0.5, Level: label.QRLevelM, Data: "756123456789", Modules: q.Modules},
		label.TextLine{X: 74, Y: 60, Size: 3, Width: 36, Rotation: label.Rotate90, Text: "756123456789"},
		label.Image{X: 3, Y: 110, W: 10, H: 3, Bitmap: bm},
	}}}}
}

func TestHand(t *testing.T) {
	for _, c := range []struct {
		name string
		opts *Options
	}{
		{"hand-203", nil},
		{"hand-300-calibrated", &Options{DPI: 300, Calibration: label.Calibration{DX: 1, DY: -0.5, Darkness: 20, Speed: 4}}},
		{"hand-blackmark-upside-down", &Options{Media: MediaBlackMark, Gap: 3, UpsideDown: true}},
		{"hand-continuous", &Options{Media: MediaContinuous}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := New(c.opts)
			require.NoError(t, err)
			doc := hand()
			out := labeltest.Render(t, r, doc)
			golden(t, c.name+".tspl", out)
			dpmm := 8
			if c.opts != nil && c.opts.DPI == 300 {
				dpmm = 12
			}
			checkDocument(t, doc, out, dpmm, false)
		})
	}
}

func TestHeader(t *testing.T) {
	r, err := New(&Options{DPI: 300, Calibration: label.Calibration{DX: 1, DY: -0.5, Darkness: 20, Speed: 4}})
	require.NoError(t, err)
	cmds, err := decode(labeltest.Render(t, r, hand()))
	require.NoError(t, err)
	assert.Equal(t, []string{"SIZE", "GAP", "DIRECTION", "REFERENCE", "DENSITY", "SPEED", "CLS"}, names(cmds)[:7])
	assert.Equal(t, []string{"10"}, cmds[4].Args, "darkness 20 of 30 is density 10 of 15")
	assert.Equal(t, []string{"4"}, cmds[5].Args)
	// The frame box at 1 mm moves by 1 mm right and 0.5 mm up: 24, 6 dots at 12/mm.
	assert.Equal(t, "BOX", cmds[7].Name)
	assert.Equal(t, []string{"24", "6", "912", "1542", "4"}, cmds[7].Args)

	r, err = New(&Options{Media: MediaBlackMark, Gap: 3, UpsideDown: true})
	require.NoError(t, err)
	cmds, err = decode(labeltest.Render(t, r, hand()))
	require.NoError(t, err)
	assert.Equal(t, command{Name: "BLINE", Args: []string{"3 mm", "0 mm"}}, cmds[1])
	assert.Equal(t, command{Name: "DIRECTION", Args: []string{"1"}}, cmds[2])
}

// TestHostileText prints hostile fields as text lines, barcodes and QR codes,
// with and without a rasterizer: the output always decodes, one label prints,
// every string holds only what the font prints, and data that cannot go in a
// string is drawn (bars, bitmaps) rather than sent.
func TestHostileText(t *testing.T) {
	for _, withRaster := range []bool{false, true} {
		opts := &Options{}
		if withRaster {
			opts.Rasterizer = &boxRasterizer{}
		}
		r, err := New(opts)
		require.NoError(t, err)
		for _, s := range hostile {
			ops := []label.Op{
				label.TextLine{X: 1, Y: 1, Size: 3, Width: 98, Text: s},
				label.TextLine{X: 1, Y: 10, Size: 3, Width: 98, Bold: true, Reverse: true, Text: s},
				label.TextLine{X: 90, Y: 20, Size: 3, Width: 98, Rotation: label.Rotate90, Text: s},
			}
			// Layout refuses what Code 128 cannot encode; the rest is drawn from modules.
			if code, err := label.EncodeCode128(s); err == nil {
				ops = append(ops, label.Barcode{X: 1, Y: 20, Module: 0.25, Height: 10, Data: s, Modules: code})
			}
			q, err := qr.Encode(s, qr.Medium)
			require.NoError(t, err)
			ops = append(ops, label.QR{X: 1, Y: 40, Module: 0.5, Data: s, Modules: q.Modules})
			doc := &label.Document{Pages: []label.Page{{Width: 100, Height: 150, Ops: ops}}}
			out, err := r.AppendDocument(nil, doc)
			if !withRaster && strings.ContainsAny(s, "𠮷😀") {
				var ue *UnprintableError
				require.ErrorAs(t, err, &ue, "%q", s)
				continue
			}
			require.NoError(t, err, "%q", s)
			cmds := checkDocument(t, doc, out, 8, withRaster)
			assert.Equal(t, 1, count(cmds, "PRINT"), "%q", s)
			assert.Equal(t, 1, count(cmds, "CLS"), "%q", s)
			if !plainString(s) || strings.Contains(s, "!") {
				assert.Zero(t, count(cmds, "BARCODE"), "%q: barcode drawn as bars", s)
			}
			if !plainString(s) {
				assert.Zero(t, count(cmds, "QRCODE"), "%q: QR drawn as a bitmap", s)
			}
			assert.NotContains(t, string(out), "\x1b!", "%q", s)
			assert.NotContains(t, string(out), "~!", "%q", s)
		}
	}
}

// TestQuoteDrawn: a quote in a name splits the line: the text around it prints
// in the font, the quote as a bitmap of its glyph in the font's 12 x 24 cell.
func TestQuoteDrawn(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	doc := &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 60, Text: `张"三`},
	}}}}
	cmds, err := decode(labeltest.Render(t, r, doc))
	require.NoError(t, err)
	var got []string
	for _, c := range cmds[5:] {
		got = append(got, c.Name+" "+strings.Join(c.Args, ","))
	}
	assert.Equal(t, []string{
		"TEXT 8,8,TSS24.BF2,0,1,1,\xd5\xc5",
		"BITMAP 32,8,2,24,1",
		"TEXT 44,8,TSS24.BF2,0,1,1,\xc8\xfd",
		"PRINT 1,1",
	}, got)
	assert.Equal(t, glyphData('"', 1), cmds[6].Data)
}

// glyphData is the TSPL bitmap data of a glyph.
func glyphData(r rune, m int) []byte {
	out := appendBitmap(nil, 0, 0, glyph(r, m), false)
	return out[len("BITMAP 0,0,2,24,1,") : len(out)-2]
}

func TestFontScale(t *testing.T) {
	for _, c := range []struct {
		dots, m int
		fits    bool
	}{
		{24, 1, true}, {28, 1, true}, {30, 1, true}, {31, 1, false}, {23, 1, false}, {16, 1, false},
		{48, 2, true}, {60, 2, true}, {72, 3, true}, {192, 8, true}, {240, 8, true}, {241, 8, false}, {1, 1, false},
	} {
		m, fits := fontScale(c.dots)
		assert.Equal(t, c.m, m, "%d dots", c.dots)
		assert.Equal(t, c.fits, fits, "%d dots", c.dots)
	}
}

func TestGBCode(t *testing.T) {
	assert.Equal(t, uint16(0xD5C5), gbCode('张'))
	assert.Equal(t, uint16(0xA1A4), gbCode('·'))
	assert.Equal(t, uint16(0xA3A4), gbCode('￥'))
	assert.Equal(t, uint16(0xA1A1), gbCode('\u3000'))
	for _, r := range []rune{'𠮷', '€', '\u00a5', 'ⅰ', '\ue000', 'a', '"', 0, '鎔'} {
		assert.Zero(t, gbCode(r), "%q is not in the GB2312 font", r)
	}
	// Every code is a GB2312 pair: both bytes in A1-FE.
	n := 0
	for r := range rune(0x10000) {
		if c := gbCode(r); c != 0 {
			n++
			require.True(t, gbByte(byte(c>>8)) && gbByte(byte(c)), "%q %#x", r, c)
			require.True(t, gb2312(r), "%q", r)
		}
	}
	assert.Greater(t, n, 7400, "GB2312 has 7445 characters")
	assert.LessOrEqual(t, n, 7445)
}

func TestAppendString(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"abc 123", `"abc 123"`},
		{"\xd5\xc5\xc8\xfd", "\"\xd5\xc5\xc8\xfd\""},
		{`a"b`, `"a?b"`},
		{"a\r\nb", `"a??b"`},
		{`\~`, `"??"`},
		{"\xd5", `"?"`},           // a lead byte alone would swallow the closing quote
		{"\xd5\"", `"??"`},        // so would a lead byte before a quote
		{"\x80\xff\xa0", `"???"`}, // never GB2312
		{"\x1b!?", `"?!?"`},
	} {
		assert.Equal(t, c.out, string(appendString(nil, []byte(c.in))), "%q", c.in)
	}
}

// TestBitmapImmediateCommands: image data whose TSPL bytes would read ESC ! or
// ~! has one dot changed, so no printer takes it for a command.
func TestBitmapImmediateCommands(t *testing.T) {
	// Inverted, 0xE4 0xDE is 0x1B 0x21 (ESC !); 0x81 0xDE is 0x7E 0x21 (~!).
	bm := &label.Bitmap{Width: 48, Height: 1, Stride: 6, Bits: []byte{0xE4, 0xDE, 0x81, 0xDE, 0xE4, 0xDE}}
	out := appendBitmap(nil, 0, 0, bm, false)
	assert.NotContains(t, string(out), "\x1b!")
	assert.NotContains(t, string(out), "~!")
	cmds, err := decode(out)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x1B, 0x23, 0x7E, 0x23, 0x1B, 0x23}, cmds[0].Data)
}

func TestBitmapPolarityAndPadding(t *testing.T) {
	bm := &label.Bitmap{Width: 10, Height: 2, Stride: 3, Bits: []byte{0x80, 0x40, 0xAA, 0xFF, 0xC0, 0x00}}
	cmds, err := decode(appendBitmap(nil, 5, 6, bm, false))
	require.NoError(t, err)
	assert.Equal(t, []string{"5", "6", "2", "2", "1"}, cmds[0].Args)
	// 0 prints; the 6 bits right of the image are white.
	assert.Equal(t, []byte{0x7F, 0xBF, 0x00, 0x3F}, cmds[0].Data)
}

func TestReverse(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{
		label.Box{X: 1, Y: 1, W: 10, H: 5, Fill: true},
		label.TextLine{X: 2, Y: 2, Size: 3, Width: 6, Reverse: true, Text: "收件"},
	}}}}
	cmds, err := decode(labeltest.Render(t, r, doc))
	require.NoError(t, err)
	assert.Equal(t, []string{"BAR", "ERASE", "TEXT", "REVERSE", "PRINT"}, names(cmds)[5:])
	assert.Equal(t, []string{"16", "16", "48", "24"}, cmds[6].Args)
	assert.Equal(t, cmds[6].Args, cmds[8].Args)
}

func TestRotatedRuns(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for _, c := range []struct {
		rot  label.Rotation
		want []string // TEXT x,y of "ab", then BITMAP x,y of the quote, then TEXT "cd"
	}{
		{label.Rotate0, []string{"80,80", "104,80", "116,80"}},
		{label.Rotate90, []string{"80,80", "56,104", "80,116"}},
		{label.Rotate180, []string{"80,80", "44,56", "44,80"}},
		{label.Rotate270, []string{"80,80", "80,44", "80,44"}},
	} {
		doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{
			label.TextLine{X: 10, Y: 10, Size: 3, Width: 10, Rotation: c.rot, Text: `ab"cd`},
		}}}}
		cmds, err := decode(labeltest.Render(t, r, doc))
		require.NoError(t, err)
		var got []string
		for _, cmd := range cmds[5:8] {
			got = append(got, cmd.Args[0]+","+cmd.Args[1])
			if cmd.Name == "TEXT" {
				assert.Equal(t, []string{"TSS24.BF2", itoa(int(c.rot))}, cmd.Args[2:4])
			}
		}
		assert.Equal(t, c.want, got, "rotation %d", c.rot)
	}
}

func itoa(v int) string { return string(appendInts(nil, v)) }

func TestBarcodeAndQRFallback(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	code, err := label.EncodeCode128(`A"1`)
	require.NoError(t, err)
	q, err := qr.Encode("张三", qr.Medium)
	require.NoError(t, err)
	doc := &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.Barcode{X: 1, Y: 1, Module: 0.25, Height: 10, Data: `A"1`, Modules: code},
		label.QR{X: 1, Y: 20, Module: 0.5, Data: "张三", Modules: q.Modules},
	}}}}
	cmds, err := decode(labeltest.Render(t, r, doc))
	require.NoError(t, err)
	bars := 0
	width := 0
	for _, c := range cmds {
		if c.Name == "BAR" {
			bars++
			w := 0
			for _, ch := range c.Args[2] {
				w = 10*w + int(ch-'0')
			}
			width += w
		}
	}
	dark := 0
	for _, m := range code {
		if m {
			dark++
		}
	}
	assert.Equal(t, 2*dark, width, "every dark module is two dots of bar")
	assert.Positive(t, bars)
	require.Equal(t, 1, count(cmds, "BITMAP"))
	n := len(q.Modules) * 4
	bm := cmds[len(cmds)-2]
	assert.Equal(t, []string{"8", "160", itoa((n + 7) / 8), itoa(n), "1"}, bm.Args)

	_, err = r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.Barcode{X: 1, Y: 1, Module: 0.25, Height: 10, Data: "\r\n"},
	}}}})
	assert.ErrorIs(t, err, ErrBarcodeData)
	_, err = r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.QR{X: 1, Y: 1, Module: 0.5, Data: "\""},
	}}}})
	assert.ErrorIs(t, err, ErrQRData)
}

func TestErrors(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	page := func(ops ...label.Op) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: ops}}}
	}
	for _, c := range []struct {
		doc  *label.Document
		want error
	}{
		{page(nil), ErrUnsupportedOp},
		{page(label.TextLine{Size: 3, Rotation: 45, Text: "a"}), ErrRotation},
		{page(label.Barcode{Module: 0.25, Height: 10, Rotation: 10, Data: "1"}), ErrRotation},
		{page(label.Image{W: 1, H: 1}), ErrBitmap},
		{page(label.Image{W: 1, H: 1, Bitmap: &label.Bitmap{Width: 8, Height: 2, Stride: 1, Bits: []byte{1}}}), ErrBitmap},
		{&label.Document{Pages: []label.Page{{Width: 0, Height: 10}}}, ErrPageSize},
		{&label.Document{Pages: []label.Page{{Width: 110, Height: 10}}}, ErrPageSize},
	} {
		_, err := r.AppendDocument(nil, c.doc)
		assert.ErrorIs(t, err, c.want)
	}
	var oe *OpError
	_, err = r.AppendDocument(nil, page(label.Line{}, nil))
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, 1, oe.Index)

	rz := errRasterizer{}
	r, err = New(&Options{Rasterizer: rz})
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, page(label.TextLine{Size: 2, Width: 10, Text: "a"}))
	assert.ErrorIs(t, err, errRaster)
	_, err = r.AppendDocument(nil, page(label.TextLine{Size: 3, Width: 10, Text: "a😀"}))
	assert.ErrorIs(t, err, errRaster)

	out, err := r.AppendDocument([]byte("keep"), nil)
	require.NoError(t, err)
	assert.Equal(t, "keep", string(out))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, r.Render(ctx, &bytes.Buffer{}, hand()), context.Canceled)
	// A wider printer takes the page.
	r, err = New(&Options{MaxWidth: 120})
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 110, Height: 10}}})
	assert.NoError(t, err)
}

var errRaster = errors.New("raster failed")

type errRasterizer struct{}

func (errRasterizer) RasterizeText(label.TextLine, int) (*label.Bitmap, error) { return nil, errRaster }

func TestOptionsValidate(t *testing.T) {
	for _, o := range []*Options{
		{DPI: 600}, {DPI: 204}, {Calibration: label.Calibration{Darkness: 31}}, {Calibration: label.Calibration{Speed: -1}},
		{Calibration: label.Calibration{DX: 101}}, {Media: 7}, {Gap: -1}, {MaxWidth: 1000},
	} {
		_, err := New(o)
		var oe *OptionsError
		require.ErrorAs(t, err, &oe, "%+v", o)
		assert.ErrorIs(t, err, ErrInvalidOptions)
		assert.NotEmpty(t, oe.Field)
	}
	assert.NoError(t, (*Options)(nil).Validate())
}

func TestRenderConcurrently(t *testing.T) {
	r, err := New(&Options{Rasterizer: &boxRasterizer{}})
	require.NoError(t, err)
	doc := layoutFor(t, "waybill-76x130", "ordinary")
	want := labeltest.Render(t, r, doc)
	labeltest.RenderConcurrently(t, r, func() *label.Document { return doc }, want)
}

func TestInvertBitmaps(t *testing.T) {
	bm := &label.Bitmap{Width: 10, Height: 2, Stride: 3, Bits: []byte{0x80, 0x40, 0xAA, 0xFF, 0xC0, 0x00}}
	cmds, err := decode(appendBitmap(nil, 5, 6, bm, true))
	require.NoError(t, err)
	assert.Equal(t, []byte{0x80, 0x40, 0xFF, 0xC0}, cmds[0].Data, "1 prints; the bits right of the image stay white")
	r, err := New(&Options{InvertBitmaps: true})
	require.NoError(t, err)
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{
		label.Image{X: 1, Y: 1, W: 1.25, H: 0.25, Bitmap: bm},
	}}}}
	cmds, err = decode(labeltest.Render(t, r, doc))
	require.NoError(t, err)
	assert.Equal(t, []byte{0x80, 0x40, 0xFF, 0xC0}, cmds[5].Data)
}

func TestUnprintableNamesTheCharacter(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for text, want := range map[string]rune{"张𠮷": '𠮷', "cafe\u0301": '\u0301', "ok 😀": '😀', "€5": '€'} {
		_, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
			label.TextLine{X: 1, Y: 1, Size: 3, Width: 40, Text: text},
		}}}})
		var ue *UnprintableError
		require.ErrorAs(t, err, &ue, text)
		assert.Equal(t, want, ue.Char, text)
		assert.Contains(t, err.Error(), string(want))
	}
}
