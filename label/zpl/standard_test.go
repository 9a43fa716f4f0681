package zpl

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/order"
)

func layout(t *testing.T, name string, o *order.Order) *label.Document {
	t.Helper()
	return labeltest.Layout(t, name, labeltest.Data(o))
}

// expectedFields lists the field data the renderer must send for doc in font mode.
func expectedFields(doc *label.Document) []string {
	var out []string
	for _, p := range doc.Pages {
		for _, op := range p.Ops {
			switch o := op.(type) {
			case label.TextLine:
				if strings.ContainsFunc(o.Text, func(r rune) bool { return !label.InGB2312(r) && r >= 0x80 && r != '¥' }) {
					continue // sent as ^GF
				}
				out = append(out, o.Text)
				if o.Bold && !o.Reverse {
					out = append(out, o.Text)
				}
			case label.Barcode:
				out = append(out, barcodeField(o.Data))
			case label.QR:
				lvl := string(o.Level)
				if lvl != "L" && lvl != "Q" && lvl != "H" {
					lvl = "M"
				}
				out = append(out, lvl+"A,"+o.Data)
			}
		}
	}
	return out
}

// barcodeField is the ^FD data of a Code 128 of data.
func barcodeField(data string) string {
	var f field128
	switch {
	case evenDigits(data):
		return ">;" + data
	case invocations(&f, data):
		return string(f.b[:f.n])
	}
	return data
}

// samples names the [labeltest.Cases] the standard-template tests render.
var samples = []string{"ordinary", "zpl-in-name", "tilde", "non-bmp", "long-addr"}

var emitted = []string{"~SD", "^XA", "^CI", "^PW", "^LL", "^LH", "^PR", "^CW", "^FO", "^A", "^FH", "^FD", "^FS",
	"^FR", "^BY", "^BC", "^BQ", "^GB", "^GD", "^GF", "^XZ"}

// TestStandardTemplates renders the standard label templates for sample orders: the
// output matches the golden files, every field carries exactly the laid-out text,
// and no command comes from data.
func TestStandardTemplates(t *testing.T) {
	r, err := New(&Options{Rasterizer: safeFake})
	require.NoError(t, err)
	cases := labeltest.Cases(t)
	for _, name := range samples {
		o := cases[name]
		for _, tpl := range []string{"waybill-76x130", "waybill-100x180", "product-60x40"} {
			if tpl != "waybill-76x130" && name != "ordinary" && name != "zpl-in-name" {
				continue
			}
			t.Run(tpl+"/"+name, func(t *testing.T) {
				d := labeltest.Data(o)
				if strings.HasPrefix(tpl, "product") {
					d = d.WithRow("item.", d.Tables["items"][0])
				}
				doc := labeltest.Layout(t, tpl, d)
				out, err := r.AppendDocument(nil, doc)
				require.NoError(t, err)
				golden(t, tpl+"-"+name+".zpl", out)
				cmds, err := decode(out)
				require.NoError(t, err)
				assert.Equal(t, len(doc.Pages), count(cmds, "^XA"))
				assert.Equal(t, len(doc.Pages), count(cmds, "^XZ"))
				for _, c := range cmds {
					assert.Contains(t, emitted, c.Name)
				}
				assert.Equal(t, expectedFields(doc), fieldData(cmds))
				if name == "zpl-in-name" && tpl == "waybill-76x130" {
					// Layout shortens the name to its box; the rest is one field.
					prefix := o.Recipient.Name[:30]
					assert.True(t, slices.ContainsFunc(fieldData(cmds), func(s string) bool { return strings.HasPrefix(s, prefix) }),
						"the hostile name prints as a field")
				}
			})
		}
	}
}

// TestStandardTemplatesGraphics prints the waybill text as graphics drawn by
// label/raster, for printers without a Chinese font.
func TestStandardTemplatesGraphics(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-dejavu-core): %v", err)
	}
	for _, c := range []Compression{CompressZ64, CompressACS} {
		r, err := New(&Options{TextMode: TextGraphics, Rasterizer: rz, Compression: c})
		require.NoError(t, err)
		cases := labeltest.Cases(t)
		for _, name := range samples {
			o := cases[name]
			doc := layout(t, "waybill-76x130", o)
			out, err := r.AppendDocument(nil, doc)
			require.NoError(t, err, name)
			cmds, err := decode(out)
			require.NoError(t, err, name)
			var graphics, ascii []string
			for _, op := range doc.Pages[0].Ops {
				if tl, ok := op.(label.TextLine); ok {
					if isASCII(tl.Text) {
						ascii = append(ascii, tl.Text)
						if tl.Bold && !tl.Reverse {
							ascii = append(ascii, tl.Text)
						}
					} else {
						graphics = append(graphics, tl.Text)
					}
				}
			}
			assert.Equal(t, len(graphics), count(cmds, "^GF"), name)
			assert.Zero(t, count(cmds, "^CW"))
			for _, c := range cmds {
				if c.Name == "^GF" {
					raw, _, err := graphic(c.Params)
					require.NoError(t, err, "%s: graphic decodes, CRC matches", name)
					assert.Contains(t, raw, byte(0xFF)&raw[slices.IndexFunc(raw, func(b byte) bool { return b != 0 })], "%s: graphic has ink", name)
				}
			}
			fd := fieldData(cmds)
			for _, s := range ascii {
				assert.Contains(t, fd, s, name)
			}
		}
	}
}

// Every realistic barcode of the standard templates ends inside ^PW with its quiet
// zones, at 203 and 300 dpi: ^BY's module times the symbol's modules, from ^FO.
func TestStandardBarcodesInsideLabel(t *testing.T) {
	for _, dpi := range []int{203, 300, 600} {
		r, err := New(&Options{DPI: dpi})
		require.NoError(t, err)
		for _, c := range labeltest.BarcodeCases() {
			doc := labeltest.Layout(t, c.Template, labeltest.BarcodeData(t, c))
			out, err := r.AppendDocument(nil, doc)
			require.NoError(t, err)
			cmds, err := decode(out)
			require.NoError(t, err)
			mods, err := label.EncodeCode128(c.Data)
			require.NoError(t, err)
			pw, by, x, found := 0, 0, 0, 0
			for _, cmd := range cmds {
				switch cmd.Name {
				case "^PW":
					pw, _ = strconv.Atoi(cmd.Params)
				case "^BY":
					by, _ = strconv.Atoi(strings.Split(cmd.Params, ",")[0])
				case "^FO":
					x, _ = strconv.Atoi(strings.Split(cmd.Params, ",")[0])
				case "^BC":
					found++
					quiet := label.QuietModules * by
					require.Equal(t, len(mods), printedModules(t, lastFD(cmds, cmd)), "%s %q: the printer encodes what layout measured", c.Template, c.Data)
					assert.GreaterOrEqual(t, by, label.MinModuleDots(dpi))
					assert.GreaterOrEqual(t, x-quiet, 0, "%s %q at %d dpi", c.Template, c.Data, dpi)
					assert.LessOrEqual(t, x+by*len(mods)+quiet, pw, "%s %q at %d dpi ends at %d of %d",
						c.Template, c.Data, dpi, x+by*len(mods), pw)
				}
			}
			assert.Positive(t, found, "%s %q", c.Template, c.Data)
		}
	}
}

// lastFD returns the ^FD data of the field that bc, a ^BC command, starts.
func lastFD(cmds []command, bc command) string {
	for i, c := range cmds {
		if c == bc {
			for _, d := range cmds[i:] {
				if d.Name == "^FD" {
					return d.Data
				}
			}
		}
	}
	return ""
}

// printedModules is the length in modules of the Code 128 a printer prints for ^BC
// field data in mode N: invocation codes >: (start B), >; (start C), >5 (to C) and
// >6 (to B) select code sets, everything else is data in the current set.
func printedModules(t *testing.T, fd string) int {
	t.Helper()
	require.True(t, strings.HasPrefix(fd, ">:") || strings.HasPrefix(fd, ">;"), "mode N field %q starts with a start code", fd)
	symbols := 1 // the start
	setC := fd[1] == ';'
	for i := 2; i < len(fd); {
		if fd[i] == '>' {
			require.Less(t, i+1, len(fd))
			switch fd[i+1] {
			case '5':
				setC = true
			case '6':
				setC = false
			default:
				t.Fatalf("invocation >%c in %q", fd[i+1], fd)
			}
			symbols++
			i += 2
			continue
		}
		if setC {
			require.Less(t, i+1, len(fd), "odd digits in set C: %q", fd)
			require.True(t, evenDigits(fd[i:i+2]), "%q", fd)
			i += 2
		} else {
			i++
		}
		symbols++
	}
	return 11*(symbols+1) + 13 // and the check character and the stop
}
