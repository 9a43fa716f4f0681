package tspl

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// read128M reads BARCODE "128M" data as a printer does: !104 and !105 start in
// code set B or C, !099 and !100 switch to C and (from C) to B; in set B each
// byte is a symbol, in set C each pair of digits. It returns the data the symbol
// carries and its length in modules with the check and stop characters the
// printer adds.
func read128M(t *testing.T, f string) (data string, modules int) {
	t.Helper()
	require.True(t, strings.HasPrefix(f, "!104") || strings.HasPrefix(f, "!105"), "%q starts with a start code", f)
	setC := f[3] == '5'
	symbols := 1
	var b strings.Builder
	for i := 4; i < len(f); {
		if f[i] == '!' {
			require.LessOrEqual(t, i+4, len(f), "%q", f)
			switch code := f[i+1 : i+4]; {
			case code == "099" && !setC:
				setC = true
			case code == "100" && setC:
				setC = false
			default:
				t.Fatalf("control code !%s in set C=%v of %q", code, setC, f)
			}
			symbols++
			i += 4
			continue
		}
		if setC {
			require.Less(t, i+1, len(f), "odd digits in set C: %q", f)
			_, err := strconv.Atoi(f[i : i+2])
			require.NoError(t, err, "set C pair in %q", f)
			b.WriteString(f[i : i+2])
			i += 2
		} else {
			b.WriteByte(f[i])
			i++
		}
		symbols++
	}
	return b.String(), 11*(symbols+1) + 13
}

// Every realistic barcode of the standard templates prints as BARCODE "128M" with
// layout's code sets, where Barcode.Dots places it, and ends inside the label with
// its quiet zones at 203 and 300 dpi; no BAR runs past the label either.
func TestStandardBarcodesInsideLabel(t *testing.T) {
	for _, dpi := range []int{DPI203, DPI300} {
		r, err := New(&Options{DPI: dpi, Rasterizer: &boxRasterizer{}})
		require.NoError(t, err)
		for _, c := range labeltest.BarcodeCases() {
			doc := labeltest.Layout(t, c.Template, labeltest.BarcodeData(t, c))
			out, err := r.AppendDocument(nil, doc)
			require.NoError(t, err, "%s %q", c.Template, c.Data)
			cmds, err := decode(out)
			require.NoError(t, err)
			var ops []label.Barcode
			for _, op := range doc.Pages[0].Ops {
				if b, ok := op.(label.Barcode); ok && b.Data == c.Data {
					ops = append(ops, b)
				}
			}
			require.NotEmpty(t, ops, "%s %q", c.Template, c.Data)
			mods, err := label.EncodeCode128(c.Data)
			require.NoError(t, err)
			pw := r.dots(doc.Pages[0].Width)
			ph := r.dots(doc.Pages[0].Height)
			found := 0
			for _, cmd := range cmds {
				switch cmd.Name {
				case "BAR":
					x, _ := strconv.Atoi(cmd.Args[0])
					w, _ := strconv.Atoi(cmd.Args[2])
					assert.LessOrEqual(t, x+w, pw, "%s %q at %d dpi: BAR %v", c.Template, c.Data, dpi, cmd.Args)
				case "BARCODE":
					if cmd.Args[8] == "" || !strings.HasPrefix(cmd.Args[8], "!10") {
						continue
					}
					data, n := read128M(t, cmd.Args[8])
					if data != c.Data {
						continue // another barcode on the label
					}
					require.Less(t, found, len(ops))
					g, err := ops[found].Dots(map[int]int{DPI203: 203, DPI300: 305}[dpi])
					require.NoError(t, err)
					found++
					assert.Equal(t, "128M", cmd.Args[2])
					require.Equal(t, len(mods), n, "%s %q: the printer encodes what layout measured", c.Template, c.Data)
					x, _ := strconv.Atoi(cmd.Args[0])
					y, _ := strconv.Atoi(cmd.Args[1])
					h, _ := strconv.Atoi(cmd.Args[3])
					rot, _ := strconv.Atoi(cmd.Args[5])
					m, _ := strconv.Atoi(cmd.Args[6])
					assert.Equal(t, []int{g.X, g.Y, g.Module, g.Height}, []int{x, y, m, h}, "placed by Barcode.Dots")
					assert.Equal(t, g.Width, m*n)
					assert.GreaterOrEqual(t, m, label.MinModuleDots(dpi))
					q := label.QuietModules * m
					x0, y0, x1, y1 := frame(x, y, label.Rotation(rot), -q, 0, m*n+q, h)
					assert.True(t, x0 >= 0 && y0 >= 0 && x1 <= pw && y1 <= ph,
						"%s %q at %d dpi: symbol with quiet zones [%d,%d]x[%d,%d] in %dx%d", c.Template, c.Data, dpi, x0, x1, y0, y1, pw, ph)
				}
			}
			assert.Equal(t, len(ops), found, "%s %q at %d dpi", c.Template, c.Data, dpi)
		}
	}
}

// TestManual128 sends layout's code sets: C for an even run of digits, B for
// letters with a switch to C where the digits make it shorter, and back.
func TestManual128(t *testing.T) {
	for data, want := range map[string]string{
		"756111100000":             "!105756111100000",
		"JDVA01234567890123456789": "!104JDVA!09901234567890123456789",
		"A1":                       "!104A1",
		"12345678A":                "!10512345678!100A",
	} {
		var f field128
		require.True(t, manual128(&f, data, 0), data)
		assert.Equal(t, want, string(f.b[:f.n]), data)
		got, n := read128M(t, want)
		assert.Equal(t, data, got)
		mods, err := label.EncodeCode128(data)
		require.NoError(t, err)
		assert.Equal(t, len(mods), n, "%q: the printer's symbol is layout's", data)
	}
	var f field128
	assert.False(t, manual128(&f, "AB!1", 0), "'!' opens a control code")
	assert.False(t, manual128(&f, `A"1`, 0))
	assert.False(t, manual128(&f, "", 0))
	assert.False(t, manual128(&f, "1234", 99), "modules not of this data")
}

// A barcode 128M cannot carry is drawn bar by bar where Dots puts it, exactly
// layout's modules wide: data with '!', modules that are not the data's (an op
// built by hand), a module wider than BARCODE takes.
func TestBarcodeBars(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	other, err := label.EncodeCode128("XYZ")
	require.NoError(t, err)
	bang, err := label.EncodeCode128("AB!12")
	require.NoError(t, err)
	wide, err := label.EncodeCode128("12")
	require.NoError(t, err)
	for _, b := range []label.Barcode{
		{X: 5, Y: 1, Module: 0.25, Height: 10, Data: "AB!12", Modules: bang, Room: 60},
		{X: 5, Y: 1, Module: 0.25, Height: 10, Data: "1234", Modules: other},
		{X: 5, Y: 1, Module: 1.5, Height: 10, Data: "12", Modules: wide},
		{X: 5, Y: 1, Module: 0.25, Height: 10, Data: "AB!12"},
	} {
		doc := &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{b}}}}
		cmds, err := decode(labeltest.Render(t, r, doc))
		require.NoError(t, err)
		assert.Zero(t, count(cmds, "BARCODE"), "%q", b.Data)
		g, err := b.Dots(203)
		require.NoError(t, err)
		lo, hi := 1<<30, 0
		for _, c := range cmds {
			if c.Name == "BAR" {
				x, _ := strconv.Atoi(c.Args[0])
				w, _ := strconv.Atoi(c.Args[2])
				assert.Zero(t, w%g.Module)
				lo, hi = min(lo, x), max(hi, x+w)
			}
		}
		assert.Equal(t, g.X, lo, "%q starts where Dots puts it", b.Data)
		assert.Equal(t, g.X+g.Width, hi, "%q: %d dots, as Dots measured", b.Data, g.Width)
	}
}

// A barcode that does not fit its room at the printer's resolution is the
// *label.FitError of Barcode.Dots.
func TestBarcodeFitError(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	mods, err := label.EncodeCode128("JDVA01234567890123456789")
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.Barcode{X: 5, Y: 1, Module: 0.25, Height: 10, Data: "JDVA01234567890123456789", Modules: mods, Room: 20},
	}}}})
	var fe *label.FitError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 203, fe.DPI)
	assert.ErrorIs(t, err, label.ErrOverflow)
}
