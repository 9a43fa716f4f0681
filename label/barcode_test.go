package label_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

func barcodes(p label.Page) []label.Barcode {
	var out []label.Barcode
	for _, op := range p.Ops {
		if b, ok := label.Value(op).(label.Barcode); ok {
			out = append(out, b)
		}
	}
	return out
}

// Every standard template prints its realistic barcodes inside the label, quiet
// zones included, at a module no narrower than the minimum, at every resolution.
func TestStandardBarcodesFitEveryDPI(t *testing.T) {
	for _, c := range labeltest.BarcodeCases() {
		doc := labeltest.Layout(t, c.Template, labeltest.BarcodeData(t, c))
		p := doc.Pages[0]
		bcs := barcodes(p)
		require.NotEmpty(t, bcs, "%s %s", c.Template, c.Data)
		for _, b := range bcs {
			require.Equal(t, c.Data, b.Data)
			assert.GreaterOrEqual(t, b.Module, label.MinModule-1e-9)
			for _, dpi := range []int{203, 300, 600} {
				g, err := b.Dots(dpi)
				require.NoError(t, err, "%s %s at %d dpi", c.Template, c.Data, dpi)
				s := float64(dpi) / 25.4
				pw := int(math.Round(p.Width * s))
				m := g.Module
				assert.GreaterOrEqual(t, m, label.MinModuleDots(dpi))
				assert.Equal(t, m*len(b.Modules), g.Width)
				quiet := label.QuietModules * m
				// Symbol and quiet zones inside the label, and the symbol where layout
				// centred it (within a dot).
				assert.GreaterOrEqual(t, g.X-quiet, 0, "%s %q at %d dpi starts at %d", c.Template, c.Data, dpi, g.X)
				assert.LessOrEqual(t, g.X+g.Width+quiet, pw, "%s %q at %d dpi ends at %d of %d",
					c.Template, c.Data, dpi, g.X+g.Width, pw)
				centre := (b.X + b.Module*float64(len(b.Modules))/2) * s
				assert.InDelta(t, centre, float64(g.X)+float64(g.Width)/2, 1)
				// Quiet zones inside the room layout reserved.
				left := (centre/s - b.Room/2) * s
				assert.GreaterOrEqual(t, float64(g.X-quiet), left-1)
				assert.LessOrEqual(t, float64(g.X+g.Width+quiet), left+b.Room*s+1)
			}
		}
	}
}

// The module is rounded to whole dots first and the position and width follow from
// the rounded module: TEA-PUER-357 on product-60x40 used to print 3-dot modules from
// a position laid out for 2.6 dots and end at dot 527 of 480.
func TestDotsFromRoundedModule(t *testing.T) {
	mods, err := label.EncodeCode128("TEA-PUER-357")
	require.NoError(t, err)
	n := len(mods)
	room := 60.0
	m := room / float64(n+2*label.QuietModules) // as layout narrows it: 0.32 mm, 2.6 dots
	b := label.Barcode{X: (room - m*float64(n)) / 2, Y: 16, Module: m, Height: 10, Data: "TEA-PUER-357",
		Modules: mods, Room: room}
	g, err := b.Dots(203)
	require.NoError(t, err)
	assert.Equal(t, 2, g.Module)
	assert.Equal(t, 2*n, g.Width)
	assert.LessOrEqual(t, g.X+g.Width, 480)
	assert.InDelta(t, 240, g.X+g.Width/2, 1)
	g, err = b.Dots(300)
	require.NoError(t, err)
	assert.Equal(t, 3, g.Module)
	assert.LessOrEqual(t, g.X+g.Width+30, 709)

	// Without a room the module is the rounded preference, never below the minimum.
	b.Room, b.Module = 0, 0.1
	g, err = b.Dots(203)
	require.NoError(t, err)
	assert.Equal(t, 2, g.Module)
	// A room too small for the minimum is a FitError naming the resolution.
	b.Room = 30
	_, err = b.Dots(300)
	var fe *label.FitError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 300, fe.DPI)
	assert.InDelta(t, 30, fe.Have, 1e-9)
	assert.Greater(t, fe.Need, fe.Have)
	assert.ErrorIs(t, err, label.ErrOverflow)
}

func TestDotsRotated(t *testing.T) {
	mods, err := label.EncodeCode128("SF12345")
	require.NoError(t, err)
	m := 3 * 25.4 / 203
	for _, c := range []struct {
		rot  label.Rotation
		x, y int // expected frame origin: the symbol's centre stays at (60, 60) + half its length
	}{
		{label.Rotate0, 480, 480},
		{label.Rotate90, 480, 480},
		{label.Rotate180, 480, 480},
		{label.Rotate270, 480, 480},
	} {
		b := label.Barcode{X: 60, Y: 60, Module: m, Height: 10, Rotation: c.rot, Data: "SF12345", Modules: mods}
		g, err := b.Dots(203)
		require.NoError(t, err)
		assert.Equal(t, 3, g.Module)
		assert.InDelta(t, c.x, g.X, 1, "rotation %d", c.rot)
		assert.InDelta(t, c.y, g.Y, 1, "rotation %d", c.rot)
	}
}

// A barcode that cannot fit its box with quiet zones at the minimum module fails
// layout with a FitError naming the field, before anything prints.
func TestBarcodeFitError(t *testing.T) {
	tpl := &label.Template{Name: "narrow", Version: "1", Width: 40, Height: 20, Elements: []label.Element{
		&label.Code128Element{X: 2, Y: 2, W: 36, H: 10, Data: "{waybill.tracking_no}"},
	}}
	d := &label.Data{Fields: map[string]string{"waybill.tracking_no": "JDVA01234567890123456789"}}
	_, err := label.Layout(tpl, d, nil)
	var fe *label.FitError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "waybill.tracking_no", fe.Field)
	assert.Equal(t, "JDVA01234567890123456789", fe.Data)
	assert.InDelta(t, 36, fe.Have, 1e-9)
	assert.InDelta(t, 220*label.MinModule, fe.Need, 1e-9)
	assert.ErrorIs(t, err, label.ErrOverflow)
	var le *label.Error
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "narrow", le.Template)

	// The 40x30 product label holds digits; a 13-letter SKU bound there does not fit.
	c := labeltest.BarcodeCase{Template: "product-40x30", Field: "item.barcode", Data: "PHONE-CASE-15"}
	tpl, err = label.Standard(c.Template)
	require.NoError(t, err)
	_, err = label.Layout(tpl, labeltest.BarcodeData(t, c), nil)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "item.barcode", fe.Field)
	assert.True(t, errors.Is(err, label.ErrOverflow))
}

// Layout tells printer-language renderers which lines hold only GB 2312.
func TestTextLineCharset(t *testing.T) {
	tpl := &label.Template{Name: "c", Version: "1", Width: 60, Height: 40, Elements: []label.Element{
		&label.TextElement{X: 1, Y: 1, W: 58, H: 5, Size: 3, Text: "{a}"},
	}}
	for in, want := range map[string]label.Charset{
		"张三 13800138000": label.CharsetGB2312, "SKU-1 ×2 ·": label.CharsetGB2312,
		"王喆": label.CharsetBeyond, "𠮷": label.CharsetBeyond, "¥9": label.CharsetBeyond, "😀": label.CharsetBeyond,
	} {
		doc, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"a": in}}, nil)
		require.NoError(t, err)
		tl := doc.Pages[0].Ops[0].(label.TextLine)
		assert.Equal(t, want, tl.Charset, "%q", in)
		for _, r := range in {
			if !label.InGB2312(r) {
				assert.Equal(t, label.CharsetBeyond, tl.Charset, "%q has %q", in, r)
			}
		}
	}
	assert.True(t, label.InGB2312('张'))
	assert.True(t, label.InGB2312('·'))
	assert.True(t, label.InGB2312('￥'))
	for _, r := range "喆堃垚珺玥赟𠮷𪚥¥€" {
		assert.False(t, label.InGB2312(r), "%q", r)
	}
}

// GB 2312 has 682 symbols and 6763 ideographs besides ASCII.
func TestGB2312Size(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= 0xffff; r++ {
		if label.InGB2312(r) {
			n++
		}
	}
	assert.Equal(t, 682+6763, n)
}

// Whatever the data and box, layout either refuses the barcode or every
// resolution prints it, quiet zones included, inside its box.
func FuzzBarcodeFits(f *testing.F) {
	f.Add("JDVA01234567890123456789", 72.0, 0.0)
	f.Add("TEA-PUER-357", 60.0, 0.33)
	f.Add("1", 7.0, 2.0)
	f.Fuzz(func(t *testing.T, data string, w, module float64) {
		if !(w > 1 && w < 500) || !(module >= 0 && module < 5) {
			return
		}
		tpl := &label.Template{Name: "f", Version: "1", Width: w + 4, Height: 20, Elements: []label.Element{
			&label.Code128Element{X: 2, Y: 2, W: w, H: 10, Data: "{d}", Module: module},
		}}
		doc, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"d": data}}, nil)
		if err != nil {
			var fe *label.FitError
			if errors.As(err, &fe) {
				require.Greater(t, fe.Need, fe.Have)
				return
			}
			require.ErrorIs(t, err, label.ErrEncode)
			return
		}
		for _, b := range barcodes(doc.Pages[0]) {
			for _, dpi := range []int{203, 300, 600} {
				g, err := b.Dots(dpi)
				require.NoError(t, err)
				s := float64(dpi) / 25.4
				q := label.QuietModules * g.Module
				require.GreaterOrEqual(t, float64(g.X-q), 2*s-1, "%q in %g mm at %d dpi", data, w, dpi)
				require.LessOrEqual(t, float64(g.X+g.Width+q), (2+w)*s+1, "%q in %g mm at %d dpi", data, w, dpi)
			}
		}
	})
}
