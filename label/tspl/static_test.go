package tspl

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// withoutStatic returns a copy of doc whose pages carry no static spans.
func withoutStatic(doc *label.Document) *label.Document {
	c := *doc
	c.Pages = slices.Clone(doc.Pages)
	for i := range c.Pages {
		c.Pages[i].Static = nil
	}
	return &c
}

// TestStaticSpansSameBytes renders the standard templates for several sample
// orders with the static spans layout marks and with them cleared: the bytes are
// the same on a cold and a warm cache, and the cache saves rasterizer calls.
func TestStaticSpansSameBytes(t *testing.T) {
	cases := labeltest.Cases(t)
	for _, o := range []*Options{{}, {DPI: 300, Calibration: label.Calibration{DX: 1.5, DY: -0.75}}} {
		crz, prz := &boxRasterizer{}, &boxRasterizer{}
		oc, op := *o, *o
		oc.Rasterizer, op.Rasterizer = crz, prz
		cached, err := New(&oc)
		require.NoError(t, err)
		plain, err := New(&op)
		require.NoError(t, err)
		spans := 0
		for _, tpl := range label.StandardNames() {
			if tpl == "packing-a4" {
				continue
			}
			for _, name := range []string{"ordinary", "zpl-in-name", "tilde", "non-bmp", "many-items"} {
				d := labeltest.Data(cases[name])
				if strings.HasPrefix(tpl, "product") {
					d = d.WithRow("item.", d.Tables["items"][0])
				}
				doc := labeltest.Layout(t, tpl, d)
				for _, p := range doc.Pages {
					spans += len(p.Static)
				}
				want, err := plain.AppendDocument(nil, withoutStatic(doc))
				require.NoError(t, err)
				var calls [2]int64
				for k := range 2 { // cold, then warm
					before := crz.calls.Load()
					got, err := cached.AppendDocument(nil, doc)
					require.NoError(t, err)
					require.Equal(t, string(want), string(got), "%s %s", tpl, name)
					calls[k] = crz.calls.Load() - before
				}
				if strings.HasPrefix(tpl, "waybill") {
					assert.Less(t, calls[1], calls[0], "%s %s: the warm cache draws the static small print no more", tpl, name)
				}
			}
		}
		assert.Positive(t, spans)
		assert.Less(t, crz.calls.Load(), 2*prz.calls.Load())
	}
}
