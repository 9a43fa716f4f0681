package tspl

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// A character the printer font lacks, without a rasterizer, is a
// *label.GlyphError naming the character, the line's field and the order.
func TestUnprintableIsGlyphError(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, &label.Document{Order: "TB2026-1", Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 40, Text: "张三"},
		label.TextLine{X: 1, Y: 5, Size: 3, Width: 40, Text: "王喆", Field: "recipient.name", Charset: label.CharsetBeyond},
	}}}})
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, '喆', ge.Rune, "喆 is GBK, not GB 2312")
	assert.Equal(t, "recipient.name", ge.Field)
	assert.Equal(t, "TB2026-1", ge.Order)
	assert.ErrorIs(t, err, label.ErrNoGlyph)
	assert.ErrorIs(t, err, ErrUnprintable)
	var ue *UnprintableError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "喆")
	assert.Contains(t, err.Error(), "recipient.name")
	assert.Contains(t, err.Error(), "TB2026-1")
	var oe *OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, 1, oe.Index)
}

// The rasterizer's own GlyphError gets the line's field and the document's order.
func TestRasterizerGlyphError(t *testing.T) {
	r, err := New(&Options{Rasterizer: failing{}})
	require.NoError(t, err)
	_, err = r.AppendDocument(nil, &label.Document{Order: "JD-9", Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 40, Text: "王𠮷", Field: "recipient.name"},
	}}}})
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, '𠮷', ge.Rune)
	assert.Equal(t, "recipient.name", ge.Field)
	assert.Equal(t, "JD-9", ge.Order)
}

// failing is a rasterizer with no font for anything outside ASCII.
type failing struct{}

func (failing) RasterizeText(t label.TextLine, _ int) (*label.Bitmap, error) {
	for _, c := range t.Text {
		if c >= 0x80 {
			return nil, &label.GlyphError{Rune: c, Field: t.Field}
		}
	}
	return nil, errors.New("unexpected")
}

// Lines layout marked all GB 2312 take the quick path; it writes the very bytes
// the character-by-character path does.
func TestCharsetSameBytes(t *testing.T) {
	r, err := New(&Options{Rasterizer: &boxRasterizer{}})
	require.NoError(t, err)
	for _, tpl := range []string{"waybill-76x130", "packing-80mm", "product-60x40"} {
		for _, sample := range []string{"ordinary", "tilde", "non-bmp", "long-addr"} {
			doc := layoutFor(t, tpl, sample)
			gb := 0
			plain := *doc
			plain.Pages = nil
			for _, p := range doc.Pages {
				q := p
				q.Static = nil
				q.Ops = append([]label.Op(nil), p.Ops...)
				for i, op := range q.Ops {
					if tl, ok := op.(label.TextLine); ok {
						if tl.Charset == label.CharsetGB2312 {
							gb++
						}
						tl.Charset = label.CharsetUnknown
						q.Ops[i] = tl
					}
				}
				plain.Pages = append(plain.Pages, q)
			}
			assert.Positive(t, gb, "%s %s: layout marks lines", tpl, sample)
			assert.Equal(t, labeltest.Render(t, r, &plain), labeltest.Render(t, r, doc), "%s %s", tpl, sample)
		}
	}
}

// ¥, which GB 2312 lacks, prints as the font's full-width ￥, one em as layout
// measures it; a variation selector after a font character is left out.
func TestYenAndSelectors(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cmds, err := decode(labeltest.Render(t, r, &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 40, Text: "¥54.90"},
		label.TextLine{X: 1, Y: 5, Size: 3, Width: 40, Text: "葛\U000E0100二"},
	}}}}))
	require.NoError(t, err)
	assert.Equal(t, []string{"￥54.90", "葛二"}, texts(cmds))
	assert.Zero(t, count(cmds, "BITMAP"))
}
