package escpos

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/order"
)

func layout(t *testing.T, name string, o *order.Order) *label.Document {
	t.Helper()
	return labeltest.Layout(t, name, labeltest.Data(o))
}

// receiptSamples names the [labeltest.Cases] the packing-list tests render.
var receiptSamples = []string{"ordinary", "many-items", "emoji", "zpl-in-name", "tilde"}

// wide reports whether the printer font cannot have r (a 4-byte GB18030 sequence).
func wide(r rune) bool {
	b, err := simplifiedchinese.GB18030.NewEncoder().String(string(r))
	return err == nil && len(b) == 4
}

// printed is what a text line prints as when unprintable characters become '?'.
func printed(s string) string {
	return strings.Map(func(r rune) rune {
		if wide(r) {
			return '?'
		}
		return r
	}, clean(s))
}

// textLines returns the page's text lines in print order.
func textLines(p label.Page) []label.TextLine {
	var out []label.TextLine
	for _, op := range p.Ops {
		if t, ok := op.(label.TextLine); ok {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b label.TextLine) int {
		if d := dots(a.Y) - dots(b.Y); d != 0 {
			return d
		}
		return dots(a.X) - dots(b.X)
	})
	return out
}

// TestStandardPackingList renders the 80 mm packing list for sample orders: the
// bytes match the golden files and the decoded stream holds our commands and the
// laid-out text, nothing else.
func TestStandardPackingList(t *testing.T) {
	r, err := New(&Options{ReplaceUnprintable: true})
	require.NoError(t, err)
	cases := labeltest.Cases(t)
	for _, name := range receiptSamples {
		o := cases[name]
		t.Run(name, func(t *testing.T) {
			doc := layout(t, "packing-80mm", o)
			out, err := r.AppendDocument(nil, doc)
			require.NoError(t, err)
			golden(t, "packing-80mm-"+name+".bin", out)
			evs, err := decodeStream(out)
			require.NoError(t, err)
			golden(t, "packing-80mm-"+name+".txt", []byte(dump(evs)))
			var want []string
			for _, p := range doc.Pages {
				for _, tl := range textLines(p) {
					if s := printed(tl.Text); s != "" {
						want = append(want, s)
					}
				}
			}
			assert.Equal(t, want, texts(evs))
			assert.Equal(t, len(doc.Pages), countCmd(evs, "ESC @"))
			assert.Equal(t, len(doc.Pages), countCmd(evs, "GS V"))
			if name == "many-items" {
				assert.GreaterOrEqual(t, len(want), len(o.Items), "every item prints")
			}
		})
	}
}

// TestStandardPackingListRaster prints lines outside the printer font as images
// drawn by label/raster, and whole pages in raster mode.
func TestStandardPackingListRaster(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-dejavu-core): %v", err)
	}
	r, err := New(&Options{TextRasterizer: rz})
	require.NoError(t, err)
	o := labeltest.Cases(t)["emoji"]
	doc := layout(t, "packing-80mm", o)
	out, err := r.AppendDocument(nil, doc)
	require.NoError(t, err)
	evs, err := decodeStream(out)
	require.NoError(t, err)
	rows := map[int]bool{}
	var want []string
	for _, tl := range textLines(doc.Pages[0]) {
		if strings.ContainsFunc(clean(tl.Text), wide) {
			rows[dots(tl.Y)] = true
		}
	}
	for _, tl := range textLines(doc.Pages[0]) {
		if !rows[dots(tl.Y)] && clean(tl.Text) != "" {
			want = append(want, clean(tl.Text))
		}
	}
	require.NotEmpty(t, rows, "the sample has a line outside the printer font")
	var images int
	for _, e := range evs {
		if e.Cmd == "GS v 0" && e.Rows > 2 { // rules are 2 rows high
			images++
			assert.True(t, slices.ContainsFunc(e.Bits, func(b byte) bool { return b != 0 }), "the image has ink")
		}
	}
	assert.Equal(t, len(rows), images)
	assert.Equal(t, want, texts(evs))

	pr, err := New(&Options{Mode: ModeRaster, PageRasterizer: rz})
	require.NoError(t, err)
	out, err = pr.AppendDocument(nil, doc)
	require.NoError(t, err)
	evs, err = decodeStream(out)
	require.NoError(t, err)
	assert.Empty(t, texts(evs))
	total := 0
	for _, e := range evs {
		if e.Cmd == "GS v 0" {
			assert.Equal(t, Paper80/8, e.Stride)
			total += e.Rows
		}
	}
	assert.Equal(t, dots(doc.Pages[0].Height), total)
}

// TestHostileAddressOnReceipt prints a waybill whose address holds ESC/POS and ZPL
// commands: the address prints as text, the command bytes never reach the printer.
func TestHostileAddressOnReceipt(t *testing.T) {
	o := labeltest.Cases(t)["escpos-in-address"]
	doc := layout(t, "waybill-76x130", o)
	// Rows set smaller than the printer font's cell print as images; the address
	// prints as text.
	r, err := New(&Options{ReplaceUnprintable: true, TextRasterizer: &fakeText{}})
	require.NoError(t, err)
	out, err := r.AppendDocument(nil, doc)
	require.NoError(t, err)
	evs, err := decodeStream(out)
	require.NoError(t, err, "only our commands")
	all := strings.ReplaceAll(strings.Join(texts(evs), ""), " ", "") // layout wraps the address
	assert.Contains(t, all, "~JR~PS复位@V(a)Tj", "the address prints as text without its control bytes")
	assert.Equal(t, 1, countCmd(evs, "ESC @"))
	assert.Equal(t, 1, countCmd(evs, "GS V"))
	assert.Equal(t, 1, countCmd(evs, "GS k"))
	for _, e := range evs {
		if e.Cmd == "GS V" {
			assert.Equal(t, []byte{65, 0}, e.Args, "only the final cut")
		}
	}
}

// Product labels printed on a receipt printer keep their barcodes on the paper:
// GS L's margin plus GS w's module times the symbol's modules, quiet zones included.
func TestStandardBarcodesOnPaper(t *testing.T) {
	r, err := New(&Options{PaperWidth: Paper80})
	require.NoError(t, err)
	for _, c := range labeltest.BarcodeCases() {
		if !strings.HasPrefix(c.Template, "product-") {
			continue
		}
		doc := labeltest.Layout(t, c.Template, labeltest.BarcodeData(t, c))
		out, err := r.AppendDocument(nil, doc)
		require.NoError(t, err)
		evs, err := decodeStream(out)
		require.NoError(t, err)
		mods, err := label.EncodeCode128(c.Data)
		require.NoError(t, err)
		margin, module, found := 0, 0, 0
		for _, ev := range evs {
			switch ev.Cmd {
			case "GS L":
				margin = int(ev.Args[0]) | int(ev.Args[1])<<8
			case "GS w":
				module = int(ev.Args[0])
			case "GS k":
				found++
				assert.Equal(t, len(mods), gsModules(t, ev.Args[2:]), "%s %q: the printer encodes what layout measured", c.Template, c.Data)
				q := label.QuietModules * module
				assert.GreaterOrEqual(t, module, label.MinModuleDots(DPI))
				assert.GreaterOrEqual(t, margin-q, 0, "%s %q", c.Template, c.Data)
				assert.LessOrEqual(t, margin+module*len(mods)+q, Paper80, "%s %q", c.Template, c.Data)
			}
		}
		assert.Equal(t, 1, found, "%s %q", c.Template, c.Data)
	}
}

// gsModules is the length in modules of the Code 128 a printer prints for GS k
// m=73 data: {B and {C select code sets ({{ is a brace), everything else is one
// symbol in the current set.
func gsModules(t *testing.T, d []byte) int {
	t.Helper()
	require.True(t, len(d) >= 2 && d[0] == '{' && (d[1] == 'B' || d[1] == 'C'), "starts with a code set: %q", d)
	symbols := 0
	for i := 0; i < len(d); i++ {
		if d[i] == '{' && i+1 < len(d) && d[i+1] != '{' {
			i++
		} else if d[i] == '{' {
			i++ // {{ is one brace
		}
		symbols++
	}
	return 11*(symbols+1) + 13 // and the check character and the stop
}
