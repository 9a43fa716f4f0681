package zpl

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	labeltest.Golden(t, name, got, *update)
}

// fakeRasterizer draws a deterministic pattern the size of the line's frame.
type fakeRasterizer struct{ calls int }

func (f *fakeRasterizer) RasterizeText(t label.TextLine, dpi int) (*label.Bitmap, error) {
	f.calls++
	if t.Rotation != label.Rotate0 {
		return nil, errors.New("fake: rotated line")
	}
	w := int(t.Width*float64(dpi)/25.4 + 0.5)
	h := int(t.Size*float64(dpi)/25.4 + 0.5)
	bm := newBitmap(max(w, 1), max(h, 1))
	i := 0
	for _, r := range t.Text {
		for y := range bm.Height {
			for x := i * h; x < min((i+1)*h, bm.Width); x++ {
				if (x+y+int(r))%3 == 0 {
					set(bm, x, y)
				}
			}
		}
		i++
	}
	if t.Reverse {
		for i := range bm.Bits {
			bm.Bits[i] = ^bm.Bits[i]
		}
	}
	return bm, nil
}

func sampleBitmap() *label.Bitmap {
	bm := newBitmap(20, 12)
	for y := range 12 {
		for x := range 20 {
			if x < 4 || y == 0 || (x+y)%5 == 0 {
				set(bm, x, y)
			}
		}
	}
	return bm
}

// handDoc exercises every op kind, rotation and flag.
func handDoc() *label.Document {
	return &label.Document{Template: "hand", Version: "1", Pages: []label.Page{{
		Width: 76, Height: 130,
		Ops: []label.Op{
			label.TextLine{X: 4, Y: 4, Size: 3, Width: 30, Text: "2026-11-11 10:00 标快"},
			label.TextLine{X: 4, Y: 10, Size: 8, Width: 60, Bold: true, Text: "200-E01-08"},
			label.TextLine{X: 4, Y: 20, Size: 4, Width: 40, Reverse: true, Text: "到付"},
			label.TextLine{X: 74, Y: 30, Size: 2, Width: 40, Rotation: label.Rotate90, Text: "756123456789"},
			label.TextLine{X: 40, Y: 128, Size: 2, Width: 30, Rotation: label.Rotate180, Text: "倒置"},
			label.TextLine{X: 2, Y: 120, Size: 2, Width: 40, Rotation: label.Rotate270, Text: "756123456789"},
			label.Barcode{X: 8, Y: 40, Module: 0.25, Height: 12, Data: "756123456789", Modules: make([]bool, 90)},
			label.Barcode{X: 70, Y: 60, Module: 0.25, Height: 8, Rotation: label.Rotate90, Data: "SF12345", Modules: make([]bool, 100)},
			label.QR{X: 50, Y: 100, Module: 0.5, Level: label.QRLevelQ, Data: "https://example.com/t?n=756123456789"},
			label.Line{X1: 0, Y1: 55, X2: 76, Y2: 55, Thickness: 0.3},
			label.Line{X1: 38, Y1: 55, X2: 38, Y2: 70, Thickness: 0.3},
			label.Line{X1: 0, Y1: 70, X2: 10, Y2: 80, Thickness: 0.3},
			label.Line{X1: 0, Y1: 90, X2: 10, Y2: 80, Thickness: 0.3},
			label.Box{X: 1, Y: 1, W: 74, H: 128, Thickness: 0.5},
			label.Box{X: 60, Y: 4, W: 12, H: 6, Fill: true},
			label.Image{X: 60, Y: 12, W: 5, H: 3, Bitmap: sampleBitmap()},
		},
	}}}
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
	}{
		{"hand-203.zpl", nil},
		{"hand-300-calibrated.zpl", &Options{DPI: 300, FontFile: "E:MSUNG.TTF", FontID: 'Z',
			Calibration: label.Calibration{DX: 1.5, DY: -0.5, Darkness: 5, Speed: 4}}},
		{"hand-600.zpl", &Options{DPI: 600, Compression: CompressACS}},
		{"hand-graphics-z64.zpl", &Options{TextMode: TextGraphics, Rasterizer: &fakeRasterizer{}}},
		{"hand-graphics-acs.zpl", &Options{TextMode: TextGraphics, Rasterizer: &fakeRasterizer{}, Compression: CompressACS}},
		{"hand-graphics-hex.zpl", &Options{TextMode: TextGraphics, Rasterizer: &fakeRasterizer{}, Compression: CompressHex}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, c.opts, handDoc())
			golden(t, c.name, out)
			cmds, err := decode(out)
			require.NoError(t, err)
			assert.Equal(t, 1, count(cmds, "^XA"))
			assert.Equal(t, 1, count(cmds, "^XZ"))
			assert.Equal(t, count(cmds, "^FS"), count(cmds, "^FO"), "every field is closed")
			for _, c := range cmds {
				if c.Name == "^GF" {
					_, _, err := graphic(c.Params)
					assert.NoError(t, err, "graphic decodes and its CRC matches")
				}
			}
		})
	}
}

func TestPageFrame(t *testing.T) {
	doc := &label.Document{Pages: []label.Page{{Width: 76, Height: 130}, {Width: 100, Height: 180}, {Width: 40, Height: 30}}}
	for _, dpi := range []int{203, 300, 600} {
		out := render(t, &Options{DPI: dpi, Calibration: label.Calibration{Darkness: 20, Speed: 3}}, doc)
		cmds, err := decode(out)
		require.NoError(t, err)
		var pw, ll []string
		for _, c := range cmds {
			switch c.Name {
			case "^PW":
				pw = append(pw, c.Params)
			case "^LL":
				ll = append(ll, c.Params)
			}
		}
		want := map[int][2][]string{
			203: {{"607", "799", "320"}, {"1039", "1439", "240"}},
			300: {{"898", "1181", "472"}, {"1535", "2126", "354"}},
			600: {{"1795", "2362", "945"}, {"3071", "4252", "709"}},
		}[dpi]
		assert.Equal(t, want[0], pw, "dpi %d", dpi)
		assert.Equal(t, want[1], ll, "dpi %d", dpi)
		assert.Equal(t, 3, count(cmds, "^XA"))
		assert.Equal(t, 3, count(cmds, "^XZ"))
		assert.Equal(t, 3, count(cmds, "~SD"))
		assert.Equal(t, 3, count(cmds, "^PR"))
		assert.Equal(t, 3, count(cmds, "^CI"))
	}
}

var hostile = []string{
	"^XZ^XA^FO50,50^A0N,80,80^FDPWNED^FS^XZ",
	"~JR~PS",
	"\x1b@",
	"\x1dV\x00",
	"a\x00b",
	"(a) Tj",
	`C:\path\to\\file\`,
	"_5E_7E__",
	"line1\r\nline2\n^XZ",
	"张三^FS~DGR:X.GRF,1,1,FF",
	strings.Repeat("长", 500),
	strings.Repeat("x", 500),
	"𠮷野家 😀",
	"\x7f\u0085\u009b",
	"invalid \xff\xfe utf8",
}

// TestHostileText checks that hostile text comes out as exactly one field with the
// original text and that the command stream is the one a harmless text produces.
func TestHostileText(t *testing.T) {
	doc := func(s string) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
			label.TextLine{X: 4, Y: 4, Size: 4, Width: 70, Text: s},
			label.Barcode{X: 4, Y: 20, Module: 0.25, Height: 10, Data: s},
			label.QR{X: 4, Y: 40, Module: 0.5, Level: label.QRLevelM, Data: s},
		}}}}
	}
	base, err := decode(render(t, nil, doc("x")))
	require.NoError(t, err)
	def, err := New(nil)
	require.NoError(t, err)
	for _, s := range hostile {
		if _, lacks := def.fontLacks(s, true); lacks {
			continue // a ^GF image or an error, see TestRareNames
		}
		out := render(t, nil, doc(s))
		cmds, err := decode(out)
		require.NoError(t, err, "%q", s)
		assert.Equal(t, names(base), names(cmds), "%q: command sequence", s)
		assert.Equal(t, []string{s, barcodeField(s), "MA," + s}, fieldData(cmds), "%q: field data", s)
		assert.Equal(t, 1, count(cmds, "^XA"))
		assert.Equal(t, 1, count(cmds, "^XZ"))
		assert.Equal(t, 0, bytes.Count(out, []byte{0x1b}), "no ESC byte reaches the printer")
	}
}

func TestEscapeOnlyWhatIsNeeded(t *testing.T) {
	got := string(appendField(nil, "", "a^b~c_d\x00e\x7f张\xff"))
	assert.Equal(t, "^FH_^FDa_5Eb_7Ec_5Fd_00e_7F张_FF^FS", got)
}

func TestErrors(t *testing.T) {
	_, err := New(&Options{TextMode: TextGraphics})
	assert.ErrorIs(t, err, ErrNoRasterizer)

	for _, o := range []Options{
		{DPI: 250}, {FontFile: "E:A^B.TTF"}, {FontID: 'a'}, {Compression: 9}, {TextMode: 7},
		{Calibration: label.Calibration{Darkness: 31}}, {Calibration: label.Calibration{Speed: -1}},
	} {
		_, err := New(&o)
		var oe *OptionsError
		assert.ErrorAs(t, err, &oe, "%+v", o)
		assert.ErrorIs(t, err, ErrInvalidOptions)
	}

	r, err := New(nil)
	require.NoError(t, err)
	bad := []struct {
		op   label.Op
		want error
	}{
		{label.TextLine{Size: 3, Rotation: 45, Text: "x"}, ErrRotation},
		{label.Image{W: 1, H: 1}, ErrBitmap},
		{label.Image{W: 1, H: 1, Bitmap: &label.Bitmap{Width: 10, Height: 10, Stride: 2, Bits: []byte{1}}}, ErrBitmap},
		{nil, ErrUnsupportedOp},
	}
	for _, b := range bad {
		_, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 10, Height: 10}, {Width: 10, Height: 10, Ops: []label.Op{label.Box{W: 1, H: 1}, b.op}}}})
		assert.ErrorIs(t, err, b.want)
		var oe *OpError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, 1, oe.Page)
		assert.Equal(t, 1, oe.Index)
	}

	rasterErr := errors.New("no glyphs")
	g, err := New(&Options{TextMode: TextGraphics, Rasterizer: rasterizerFunc(func(label.TextLine, int) (*label.Bitmap, error) { return nil, rasterErr })})
	require.NoError(t, err)
	_, err = g.AppendDocument(nil, &label.Document{Pages: []label.Page{{Ops: []label.Op{label.TextLine{Size: 3, Text: "中"}}}}})
	assert.ErrorIs(t, err, rasterErr)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	assert.ErrorIs(t, r.Render(ctx, &buf, handDoc()), context.Canceled)
	assert.Zero(t, buf.Len())
}

type rasterizerFunc func(label.TextLine, int) (*label.Bitmap, error)

func (f rasterizerFunc) RasterizeText(t label.TextLine, dpi int) (*label.Bitmap, error) {
	return f(t, dpi)
}

func TestGraphicsModeUsesFontForASCII(t *testing.T) {
	f := &fakeRasterizer{}
	out := render(t, &Options{TextMode: TextGraphics, Rasterizer: f}, &label.Document{Pages: []label.Page{{Width: 50, Height: 30, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 20, Text: "ABC-123"},
		label.TextLine{X: 1, Y: 5, Size: 3, Width: 20, Text: "收件人"},
		label.TextLine{X: 40, Y: 5, Size: 3, Width: 20, Rotation: label.Rotate90, Text: "寄件人"},
	}}}})
	cmds, err := decode(out)
	require.NoError(t, err)
	assert.Equal(t, 2, f.calls)
	assert.Equal(t, 2, count(cmds, "^GF"))
	assert.Equal(t, []string{"ABC-123"}, fieldData(cmds))
	assert.Zero(t, count(cmds, "^CW"), "no font mapping without a printer font")
	// The rotated line is a 24 x 160 dot graphic placed left of its origin.
	var fo []string
	for i, c := range cmds {
		if c.Name == "^GF" {
			raw, bpr, err := graphic(c.Params)
			require.NoError(t, err)
			fo = append(fo, cmds[i-1].Params)
			if len(fo) == 2 {
				assert.Equal(t, 3, bpr)
				assert.Equal(t, 160*3, len(raw))
			}
		}
	}
	assert.Equal(t, []string{"8,40", "296,40"}, fo)

	// A reverse line is drawn black on white, over a black box, with ^FR.
	out = render(t, &Options{TextMode: TextGraphics, Rasterizer: f}, &label.Document{Pages: []label.Page{{Width: 50, Height: 30, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 20, Reverse: true, Text: "到付"},
	}}}})
	cmds, err = decode(out)
	require.NoError(t, err)
	assert.Equal(t, []string{"^XA", "^CI", "^PW", "^LL", "^LH", "^FO", "^GB", "^FS", "^FO", "^FR", "^GF", "^FS", "^XZ"}, names(cmds))
}

// safeFake is a fakeRasterizer safe for concurrent use.
var safeFake = rasterizerFunc(func(t label.TextLine, dpi int) (*label.Bitmap, error) {
	return (&fakeRasterizer{}).RasterizeText(t, dpi)
})

func TestRotateAndScale(t *testing.T) {
	bm := sampleBitmap()
	for _, rot := range []label.Rotation{label.Rotate0, label.Rotate90, label.Rotate180, label.Rotate270} {
		r1, err := rotate(bm, rot)
		require.NoError(t, err)
		back := r1
		for range (360 - int(rot)) / 90 % 4 {
			back, err = rotate(back, label.Rotate90)
			require.NoError(t, err)
		}
		assert.Equal(t, bm.Bits, back.Bits, "rotation %d and back", rot)
	}
	r90, _ := rotate(bm, label.Rotate90)
	assert.Equal(t, bm.Height, r90.Width)
	assert.Equal(t, bit(bm, 0, bm.Height-1), bit(r90, 0, 0), "bottom-left goes to top-left")

	s, err := scale(bm, 40, 24)
	require.NoError(t, err)
	for y := range 24 {
		for x := range 40 {
			require.Equal(t, bit(bm, x/2, y/2), bit(s, x, y))
		}
	}
}

// TestCompressionRoundTrip encodes bitmaps with every compression and decodes them.
func TestCompressionRoundTrip(t *testing.T) {
	bms := []*label.Bitmap{sampleBitmap(), newBitmap(1, 1), newBitmap(3300, 3)}
	full := newBitmap(17, 5)
	for i := range full.Bits {
		full.Bits[i] = 0xFF // includes pad bits the encoder must clear
	}
	bms = append(bms, full)
	long := newBitmap(1700, 2) // runs longer than 400 nibbles
	for x := 0; x < 1700; x++ {
		if x < 1650 {
			set(long, x, 0)
		}
		if x%7 == 0 {
			set(long, x, 1)
		}
	}
	bms = append(bms, long)
	for i, bm := range bms {
		want := appendPacked(nil, bm, (bm.Width+7)/8)
		for _, c := range []Compression{CompressZ64, CompressACS, CompressHex} {
			out, err := appendGraphic(nil, bm, c, nil)
			require.NoError(t, err)
			cmds, err := decode(out)
			require.NoError(t, err)
			require.Len(t, cmds, 2)
			raw, bpr, err := graphic(cmds[0].Params)
			require.NoError(t, err, "bitmap %d compression %d", i, c)
			assert.Equal(t, (bm.Width+7)/8, bpr)
			assert.Equal(t, want, raw, "bitmap %d compression %d", i, c)
		}
	}
	// The full-row shortcuts are used.
	acs, _ := appendGraphic(nil, full, CompressACS, nil)
	assert.Equal(t, "^GFA,15,15,3,JF8,::::^FS", string(acs))
	blank, _ := appendGraphic(nil, newBitmap(64, 3), CompressACS, nil)
	assert.Equal(t, "^GFA,24,24,8,,::^FS", string(blank))
}

func TestCRC16(t *testing.T) {
	// CRC-16/XMODEM check value.
	assert.Equal(t, uint16(0x31C3), crc16([]byte("123456789")))
	assert.Equal(t, uint16(0), crc16(nil))
}

func FuzzTextLine(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("")
	r, err := New(&Options{StrictFont: true})
	require.NoError(f, err)
	mk := func(s string) *label.Document {
		return &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
			label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: s},
			label.QR{X: 1, Y: 20, Module: 0.5, Data: s},
			label.Barcode{X: 1, Y: 40, Module: 0.25, Height: 10, Data: s},
		}}}}
	}
	baseOut, err := r.AppendDocument(nil, mk("x"))
	require.NoError(f, err)
	base, err := decode(baseOut)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		out, err := r.AppendDocument(nil, mk(s))
		if c, lacks := r.fontLacks(s, true); lacks {
			// A letter the printer font lacks, without a rasterizer: an error, not
			// a box.
			var ge *label.GlyphError
			require.ErrorAs(t, err, &ge)
			require.Equal(t, c, ge.Rune)
			return
		}
		require.NoError(t, err)
		cmds, err := decode(out)
		require.NoError(t, err)
		require.Equal(t, names(base), names(cmds))
		// Field data round-trips byte for byte, even invalid UTF-8 (sent as _XX).
		bc := barcodeField(s)
		require.Equal(t, []string{s, "MA," + s, bc}, fieldData(cmds))
		// No control byte reaches the printer but our line breaks, and the stream is
		// valid UTF-8 as ^CI28 says.
		for _, c := range out {
			require.True(t, c >= 0x20 && c != 0x7F || c == '\n', "control byte %#x", c)
		}
		require.True(t, utf8.Valid(out))
	})
}

func TestAppendIntAndDots(t *testing.T) {
	for _, v := range []int{99999, 100000, 123456, -1, -250} {
		assert.Equal(t, strconv.Itoa(v), string(appendInt(nil, v)))
	}
	for v := range 20000 {
		require.Equal(t, strconv.Itoa(v), string(appendInt(nil, v)))
	}
	r, err := New(nil)
	require.NoError(t, err)
	assert.Equal(t, 0, r.dots(0))
	assert.Equal(t, 8, r.dots(1))
	assert.Equal(t, -8, r.dots(-1))
	assert.Equal(t, 1039, r.dots(130))
	assert.Equal(t, 0, r.dots(math.NaN()))
	assert.Equal(t, 0, r.dots(math.Inf(1)))
}

func FuzzValidRuneLen(f *testing.F) {
	for _, s := range []string{"张", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "😀", "é", "\xc0\xaf", "\xf0\x9f\x98"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || s[0] < utf8.RuneSelf {
			return
		}
		r, n := utf8.DecodeRuneInString(s)
		want := n
		if r == utf8.RuneError && n == 1 {
			want = 0
		}
		require.Equal(t, want, validRuneLen(s), "%q", s)
	})
}

func TestConcurrentRender(t *testing.T) {
	r, err := New(&Options{TextMode: TextGraphics, Rasterizer: rasterizerFunc(func(tl label.TextLine, dpi int) (*label.Bitmap, error) {
		return (&fakeRasterizer{}).RasterizeText(tl, dpi)
	})})
	require.NoError(t, err)
	want, err := r.AppendDocument(nil, handDoc())
	require.NoError(t, err)
	labeltest.RenderConcurrently(t, r, handDoc, want)
}

// escapeReference is appendField written the plain way: rune by rune, escaping the
// ASCII bytes of mustEscape and each byte of invalid UTF-8.
func escapeReference(prefix, s string) string {
	var b strings.Builder
	b.WriteString("^FH_^FD" + prefix)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1, r < utf8.RuneSelf && mustEscape[s[i]]:
			fmt.Fprintf(&b, "_%02X", s[i])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteString("^FS")
	return b.String()
}

func TestEscapeMatchesReference(t *testing.T) {
	cases := append([]string{"", "abcdefgh", "abcdefg^", "^bcdefgh", "abc_defgh", "a~bcdefghijk",
		"\x1fbcdefgh", "abcdefg\x7f", "张伟张伟张伟", "张伟\xed\xa0\x80张伟", "\xe0\xa0\x80\xe0\xa0\x80xx",
		"张伟\x00\x01张", "张\xe5\x80", "张伟 16709145341", "\xef\xbf\xbf\xee\x80\x80ab", "\xed\x9f\xbf\xed\x9f\xbfab",
		"😀😀😀", "é张abc ~", strings.Repeat("浙江省杭州市 ", 9)}, hostile...)
	for c := range 256 {
		cases = append(cases, strings.Repeat(string(rune(c)), 9), strings.Repeat(string([]byte{byte(c)}), 9), strings.Repeat("a", 7)+string([]byte{byte(c)})+"张张")
	}
	for _, s := range cases {
		require.Equal(t, escapeReference("MA,", s), string(appendField(nil, "MA,", s)), "%q", s)
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("张伟 16709145341 浙江省杭州市")
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, escapeReference("", s), string(appendField(nil, "", s)), "%q", s)
	})
}
