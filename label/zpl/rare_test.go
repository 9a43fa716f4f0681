package zpl

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// rareNames are names with characters outside GB 2312, the printer fonts' set.
var rareNames = []string{"王喆", "李堃", "张垚", "刘珺", "陈玥", "赵赟", "𠮷田", "𪚥"}

// In font mode, a recipient name with a character the printer font lacks goes as a
// ^GF image, by default drawn with the host's fonts; no field carries it. With
// StrictFont it is a GlyphError naming the character, the field and the order.
func TestRareNamesAsImages(t *testing.T) {
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	r, err := New(&Options{Rasterizer: safeFake})
	require.NoError(t, err)
	plain, err := New(&Options{StrictFont: true})
	require.NoError(t, err)
	host, err := New(nil) // draws with the host's fonts
	require.NoError(t, err)
	_, hostErr := raster.New(nil)
	for _, name := range rareNames {
		d := labeltest.Data(labeltest.SampleOrders(t)[0])
		d.Fields["recipient.name"] = name
		doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
		require.NoError(t, err)
		out, err := r.AppendDocument(nil, doc)
		require.NoError(t, err)
		cmds, err := decode(out)
		require.NoError(t, err)
		rare := []rune(name)[len([]rune(name))-1]
		if name == "𠮷田" {
			rare = '𠮷'
		}
		for _, f := range fieldData(cmds) {
			assert.False(t, strings.ContainsRune(f, rare), "%q sent as text in %q", rare, f)
		}
		assert.Positive(t, count(cmds, "^GF"), name)
		// The phone, on the same line as the name, is in the image too.
		assert.NotContains(t, strings.Join(fieldData(cmds), "\n"), d.Fields["recipient.phone"])

		if hostErr == nil {
			out, err := host.AppendDocument(nil, doc)
			require.NoError(t, err, name)
			cmds, err := decode(out)
			require.NoError(t, err)
			assert.Positive(t, count(cmds, "^GF"), name)
			assert.NotContains(t, strings.Join(fieldData(cmds), ""), string(rare))
		}

		_, err = plain.AppendDocument(nil, doc)
		var ge *label.GlyphError
		require.ErrorAs(t, err, &ge, name)
		assert.Equal(t, rare, ge.Rune)
		assert.Equal(t, "recipient.name", ge.Field)
		assert.Equal(t, d.Fields["order.id"], ge.Order)
	}

	// Every GB 2312 name still goes as text; a symbol the font lacks does not: with
	// no rasterizer it is a GlyphError (it would print as the font's box), with the
	// host's fonts an image, and one no host font has (U+1FAE0) an error again.
	line := label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: "张伟·李娜 ×2 ¥9.90", Field: "order.remark"}
	page := func(tl label.TextLine) *label.Document {
		return &label.Document{Order: "TB1", Pages: []label.Page{{Width: 50, Height: 20, Ops: []label.Op{tl}}}}
	}
	out, err := plain.AppendDocument(nil, page(line))
	require.NoError(t, err)
	cmds, err := decode(out)
	require.NoError(t, err)
	assert.Equal(t, []string{"张伟·李娜 ×2 ¥9.90"}, fieldData(cmds))
	for _, c := range []rune{'😀', '\U0001FAE0'} {
		tl := line
		tl.Text += " " + string(c)
		_, err = plain.AppendDocument(nil, page(tl))
		var ge *label.GlyphError
		require.ErrorAs(t, err, &ge)
		assert.Equal(t, c, ge.Rune)
		assert.Equal(t, "order.remark", ge.Field)
		assert.Equal(t, "TB1", ge.Order)
		if hostErr != nil {
			continue
		}
		out, err := host.AppendDocument(nil, page(tl))
		if c == '😀' {
			require.NoError(t, err, "DejaVu Sans has 😀")
			cmds, err := decode(out)
			require.NoError(t, err)
			assert.Positive(t, count(cmds, "^GF"))
			continue
		}
		require.ErrorAs(t, err, &ge)
		assert.Equal(t, c, ge.Rune)
		assert.Equal(t, "TB1", ge.Order)
	}
}

// In image-text mode, a line with a character no host font has is a GlyphError
// too, not an image with a box in it.
func TestNoGlyphInGraphicsMode(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no host font: %v", err)
	}
	r, err := New(&Options{TextMode: TextGraphics, Rasterizer: rz})
	require.NoError(t, err)
	doc := &label.Document{Order: "TB7", Pages: []label.Page{{Width: 50, Height: 20, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: "备注 😀 \U0001FAE0", Field: "order.remark"},
	}}}}
	_, err = r.AppendDocument(nil, doc)
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, '\U0001FAE0', ge.Rune)
	assert.Equal(t, "order.remark", ge.Field)
	assert.Equal(t, "TB7", ge.Order)
	doc.Pages[0].Ops[0] = label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: "备注 😀\ufe0f 👍\U0001F3FD"}
	_, err = r.AppendDocument(nil, doc)
	assert.NoError(t, err, "😀 has a font; the selector and skin tone are left out")
}

// Without a rasterizer, modifiers the printer font lacks (a variation selector, a
// joiner) are left out of the field rather than sent to print as boxes.
func TestStrictFontDropsModifiers(t *testing.T) {
	r, err := New(&Options{StrictFont: true})
	require.NoError(t, err)
	out, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 50, Height: 20, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: "张\ufe0f伟 a\u200db 葛\U000E0100"},
	}}}})
	require.NoError(t, err)
	cmds, err := decode(out)
	require.NoError(t, err)
	assert.Equal(t, []string{"张伟 ab 葛"}, fieldData(cmds))
}
