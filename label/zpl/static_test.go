package zpl

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/order"
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

// TestStaticSpansSameBytes renders every standard template for several sample
// orders with the static spans layout marks and with them cleared: the bytes are
// the same, on a cold and a warm cache, with several renderer options.
func TestStaticSpansSameBytes(t *testing.T) {
	orders := labeltest.SampleOrders(t)
	cases := labeltest.Cases(t)
	picked := []*order.Order{orders[0], orders[len(orders)/2], orders[len(orders)-1]}
	for _, name := range []string{"zpl-in-name", "tilde", "non-bmp", "long-addr", "many-items", "emoji", "escpos-in-address"} {
		picked = append(picked, cases[name])
	}
	opts := map[string]*Options{
		"default":    {Rasterizer: safeFake},
		"calibrated": {DPI: 300, Calibration: label.Calibration{DX: 1.5, DY: -0.75, Darkness: 12, Speed: 4}, Rasterizer: safeFake},
	}
	if rz, err := raster.New(nil); err == nil {
		opts["graphics"] = &Options{TextMode: TextGraphics, Rasterizer: rz}
	} else {
		t.Logf("no font for graphics mode: %v", err)
	}
	for optName, o := range opts {
		cached, err := New(o)
		require.NoError(t, err)
		plain, err := New(o)
		require.NoError(t, err)
		spans := 0
		for _, tpl := range label.StandardNames() {
			for i, ord := range picked {
				if optName == "graphics" && i > 2 {
					break // graphics are slow; three orders cover it
				}
				d := labeltest.Data(ord)
				if strings.HasPrefix(tpl, "product") {
					d = d.WithRow("item.", d.Tables["items"][0])
				}
				doc := labeltest.Layout(t, tpl, d)
				for _, p := range doc.Pages {
					spans += len(p.Static)
				}
				want, err := plain.AppendDocument(nil, withoutStatic(doc))
				require.NoError(t, err)
				for pass := range 2 { // cold, then warm cache
					got, err := cached.AppendDocument(nil, doc)
					require.NoError(t, err)
					require.Equal(t, string(want), string(got), "%s %s %s pass %d", optName, tpl, ord.ID, pass)
				}
			}
		}
		assert.Positive(t, spans, "layout marks static spans")
		assert.Positive(t, cached.nStatics, "the cache holds runs")
		assert.Zero(t, plain.nStatics, "pages without spans leave the cache empty")
	}
}

// TestStaticSpansHostile hands the renderer pages whose spans are out of range,
// overlapping, empty, keyless or of the wrong length: it ignores them and writes the
// same bytes as without spans.
func TestStaticSpansHostile(t *testing.T) {
	doc := layout(t, "waybill-76x130", labeltest.Cases(t)["ordinary"])
	p := doc.Pages[0]
	require.NotEmpty(t, p.Static)
	r, err := New(&Options{Rasterizer: safeFake})
	require.NoError(t, err)
	want, err := r.AppendDocument(nil, withoutStatic(doc))
	require.NoError(t, err)

	s := p.Static[0]
	n := len(p.Ops)
	rev := slices.Clone(p.Static)
	slices.Reverse(rev)
	bad := [][]label.Span{
		{{Start: -1, End: s.End - 1, Key: s.Key}},
		{{Start: n - 1, End: n - 1 + s.Key.Len(), Key: s.Key}},
		{{Start: s.Start + 1, End: s.End + 1, Key: s.Key}},
		{{Start: s.Start, End: s.End, Key: nil}},
		{{Start: s.Start, End: s.End, Key: &label.StaticKey{}}},
		{{Start: s.Start, End: s.End, Key: p.Static[len(p.Static)-1].Key}}, // another run's key
		{{Start: s.End, End: s.Start, Key: s.Key}},
		{s, s}, // the same run twice
		rev,    // out of order
	}
	for i, spans := range bad {
		// Warm the cache with the genuine spans first, so a wrongly honoured span
		// would splice cached bytes in the wrong place.
		_, err := r.AppendDocument(nil, doc)
		require.NoError(t, err)
		q := p
		q.Static = spans
		got, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{q}})
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "case %d", i)
	}
}

// TestStaticCacheBounded fills the cache past its bound: it never holds more than
// maxStatics runs and keeps writing the right bytes.
func TestStaticCacheBounded(t *testing.T) {
	r, err := New(&Options{Rasterizer: safeFake})
	require.NoError(t, err)
	ops := []label.Op{label.Box{X: 1, Y: 1, W: 10, H: 10, Thickness: 0.3}, label.Line{X1: 1, Y1: 5, X2: 11, Y2: 5, Thickness: 0.2}}
	want, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 20, Height: 20, Ops: ops}}})
	require.NoError(t, err)
	tpl := &label.Template{Name: "bound", Version: "1", Width: 20, Height: 20, Elements: []label.Element{
		&label.BoxElement{X: 1, Y: 1, W: 10, H: 10, Thickness: 0.3},
		&label.LineElement{X1: 1, Y1: 5, X2: 11, Y2: 5, Thickness: 0.2},
	}}
	for i := range maxStatics + 10 {
		// A fresh copy of the template is prepared again, with new keys.
		c := *tpl
		c.Elements = slices.Clone(tpl.Elements)
		doc, err := label.Layout(&c, nil, nil)
		require.NoError(t, err)
		require.Len(t, doc.Pages[0].Static, 1)
		got, err := r.AppendDocument(nil, doc)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "document %d", i)
		require.LessOrEqual(t, r.nStatics, maxStatics)
	}
}

// TestStaticConcurrent renders laid-out documents from many goroutines on one
// renderer, so the race detector sees the cache filled and read concurrently.
func TestStaticConcurrent(t *testing.T) {
	o := labeltest.Cases(t)["ordinary"]
	r, err := New(&Options{Rasterizer: safeFake})
	require.NoError(t, err)
	doc := layout(t, "waybill-100x150", o)
	require.NotEmpty(t, doc.Pages[0].Static)
	want := labeltest.Render(t, r, withoutStatic(doc))
	fresh, err := New(&Options{Rasterizer: safeFake})
	require.NoError(t, err)
	labeltest.RenderConcurrently(t, fresh, func() *label.Document { return doc }, want)
}
