package dadan_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// noGlyph is a character no font of the host has (U+1FAE0 MELTING FACE, Unicode
// 14; check with fc-list ':charset=1fae0'); 😀 is drawn by DejaVu Sans.
const noGlyph = '\U0001FAE0'

// An order whose remark holds a character no font has is held with a note naming
// the character, the field and the order, in every format, and the orders before
// and after it print.
func TestNoGlyphHoldsOnlyItsOrder(t *testing.T) {
	needNoGlyph(t)
	orders := `{"id":"G1","carrier":"ZTO","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"remark":{"buyer":"放门口 😀"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"G2","carrier":"ZTO","recipient":{"name":"李四","phone":"13800138001","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路2号"},"remark":{"buyer":"谢谢` + string(noGlyph) + `"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"G3","carrier":"ZTO","recipient":{"name":"王喆","phone":"13800138002","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路3号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}`
	for _, c := range []struct{ format, template string }{
		{"zpl", "waybill-76x130"}, {"tspl", "waybill-76x130"}, {"pdf", "waybill-76x130"},
		{"png", "waybill-100x150"}, {"escpos", "packing-80mm"},
	} {
		t.Run(c.format, func(t *testing.T) {
			ctx := context.Background()
			tpl, err := label.Standard(c.template)
			require.NoError(t, err)
			r, err := dadan.NewRenderer(c.format, nil)
			require.NoError(t, err)
			kind := dadan.TemplateKind(tpl)
			rec := &recorder{}
			store := memstore.New()
			st, err := dadan.New(&dadan.Options{
				Store:     store,
				Printers:  map[string]printer.Printer{"p": printer.PrinterFunc(rec.print)},
				Routes:    map[printer.DocKind]string{kind: "p"},
				Documents: []dadan.Document{{Kind: kind, Template: tpl, Renderer: r}},
				Carrier:   dadan.TestCarrier(),
			})
			require.NoError(t, err)
			_, err = st.Ingest(ctx, strings.NewReader(orders), nil)
			require.NoError(t, err)

			ps, err := st.Print(ctx)
			require.NoError(t, err, "one order's glyph does not stop the run")
			require.Len(t, ps.Failed, 1)
			var ge *label.GlyphError
			require.ErrorAs(t, ps.Failed[0], &ge)
			assert.Equal(t, noGlyph, ge.Rune)
			assert.Equal(t, "order.remark", ge.Field)
			assert.Equal(t, "G2", ge.Order)
			assert.ErrorIs(t, ps.Failed[0], label.ErrNoGlyph)
			assert.Equal(t, 2, ps.Orders)
			require.NoError(t, st.Drain(ctx))
			assert.Len(t, rec.printed(), 2)
			assert.Equal(t, order.Printed, status(t, store, "G1"))
			assert.Equal(t, order.OnHold, status(t, store, "G2"))
			assert.Equal(t, order.Printed, status(t, store, "G3"))

			// The journal says why, once, for G2 alone.
			var notes []string
			for ev := range store.Journal(ctx, 0) {
				if ev.To == order.OnHold {
					require.Equal(t, "G2", ev.OrderID)
					notes = append(notes, ev.Detail)
				}
			}
			require.Len(t, notes, 1)
			assert.Contains(t, notes[0], string(noGlyph))
			assert.Contains(t, notes[0], "U+1FAE0")
			assert.Contains(t, notes[0], "order.remark")
			assert.Contains(t, notes[0], "G2")
		})
	}
}

// needNoGlyph skips the test unless the host has a CJK font and no font for
// noGlyph.
func needNoGlyph(t *testing.T) {
	t.Helper()
	if fontpath.First(fontpath.CJK) == "" {
		t.Skip("needs a CJK font (Debian: fonts-arphic-gbsn00lp)")
	}
	r, err := raster.New(nil)
	require.NoError(t, err)
	if _, err := r.RasterizeText(label.TextLine{Size: 3, Width: 3, Text: string(noGlyph)}, 203); err == nil {
		t.Skipf("a font of this host has %U", noGlyph)
	}
}

// The error names the character, the field and the order in words a person reads.
func TestGlyphErrorMessage(t *testing.T) {
	err := error(&label.GlyphError{Rune: noGlyph, Field: "order.remark", Order: "G2", Font: "a.ttf"})
	assert.Equal(t, `label: no font has '`+string(noGlyph)+`' (U+1FAE0) in field order.remark of order G2 (tried a.ttf)`, err.Error())
	assert.True(t, errors.Is(err, label.ErrNoGlyph))
}
