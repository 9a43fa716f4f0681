package label_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

// propMeasure is a proportional font's measure: W and M one em, i and l a quarter,
// other ASCII half an em, the rest one em; it counts how often it is asked.
func propMeasure(calls *atomic.Int64) *label.Measure {
	return label.NewMeasure(func(r rune) float64 {
		calls.Add(1)
		switch {
		case r == 'W' || r == 'M':
			return 1
		case r == 'i' || r == 'l':
			return 0.25
		case r == '\u200d':
			return 0 // a joiner no font has: left out
		case r < 0x80:
			return 0.5
		}
		return 1
	})
}

func TestMeasure(t *testing.T) {
	var calls atomic.Int64
	m := propMeasure(&calls)
	assert.Equal(t, 4.0, m.Text("WWWW"))
	assert.Equal(t, 1.0, m.Text("iiii"))
	assert.Equal(t, 3.0, m.Text("W中i l"))
	assert.Equal(t, 2.0, m.Text("a\u200db中"))
	assert.Equal(t, 1.0, m.Text("\U0001F600"), "beyond the BMP")
	n := calls.Load()
	for range 3 {
		m.Text("WWWW iiii W中i l \U0001F600")
	}
	assert.Equal(t, n, calls.Load(), "each character is asked once")

	var nilM *label.Measure
	assert.Equal(t, label.TextEm("W中i ×"), nilM.Text("W中i ×"), "nil is the cell measure")
	assert.Equal(t, label.Wrap(nil, "WWWW iiii 中文中文", 3), nilM.Wrap(nil, "WWWW iiii 中文中文", 3))

	// Wrapping by the measure: four Ws fill a 4 em line, which by cells holds
	// eight.
	assert.Equal(t, []string{"WWWW", "WWWW"}, m.Wrap(nil, "WWWWWWWW", 4))
	assert.Equal(t, []string{"WWWWWWWW"}, label.Wrap(nil, "WWWWWWWW", 4))
	assert.Equal(t, []string{strings.Repeat("i", 16)}, m.Wrap(nil, strings.Repeat("i", 16), 4))
	for _, ln := range m.Wrap(nil, "MMM iii 中文中文中文 WiWiWi lll，好", 3) {
		assert.LessOrEqual(t, m.Text(ln), 3.0, "%q", ln)
	}
	// A hostile advance function's answers are kept sane.
	bad := label.NewMeasure(func(r rune) float64 { return -1 })
	assert.Zero(t, bad.Text("abc"))
}

func TestMeasureConcurrent(t *testing.T) {
	var calls atomic.Int64
	m := propMeasure(&calls)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for r := rune(0); r < 0x3000; r += 7 {
				if got := m.Rune(r); (r == 'W' && got != 1) || (r == 'i' && got != 0.25) {
					t.Errorf("%q: %g", r, got)
				}
			}
			m.Rune(0x20000 + rune(len("x")))
		})
	}
	wg.Wait()
}

// Layout with a Measure wraps, fits and aligns by it, fixed text and the text
// under barcodes included, and keeps the work per template for each Measure.
func TestLayoutByMeasure(t *testing.T) {
	var calls atomic.Int64
	m := propMeasure(&calls)
	tpl := &label.Template{Name: "m", Version: "1", Width: 60, Height: 40, Elements: []label.Element{
		&label.TextElement{Base: label.Base{ID: "fixed"}, X: 0, Y: 0, W: 40, H: 5, Size: 4, Text: "WWW", Align: label.AlignRight},
		&label.TextElement{Base: label.Base{ID: "name"}, X: 0, Y: 5, W: 20, H: 20, Size: 4, Text: "{recipient.name}", Wrap: true, MaxLines: 4},
		&label.TextElement{Base: label.Base{ID: "centre"}, X: 0, Y: 30, W: 40, H: 5, Size: 4, Text: "{order.id}", Align: label.AlignCenter},
	}}
	d := &label.Data{Fields: map[string]string{"recipient.name": "WWWWWWWWWW", "order.id": "iiii"}}
	for range 2 {
		doc, err := label.Layout(tpl, d, &label.LayoutOptions{Measure: m})
		require.NoError(t, err)
		var lines []label.TextLine
		for _, op := range doc.Pages[0].Ops {
			if tl, ok := op.(label.TextLine); ok {
				lines = append(lines, tl)
			}
		}
		require.Len(t, lines, 4)
		assert.InDelta(t, 40.0, lines[0].X+lines[0].Width, 1e-9, "right-aligned by the measure")
		assert.InDelta(t, 12.0, lines[0].Width, 1e-9)
		// 20 mm at 4 mm is 5 em: five Ws a line.
		assert.Equal(t, "WWWWW", lines[1].Text)
		assert.Equal(t, "WWWWW", lines[2].Text)
		assert.InDelta(t, 4.0, lines[3].Width, 1e-9)
		assert.InDelta(t, 18.0, lines[3].X, 1e-9, "centred by the measure")
	}
	// The cell measure is unchanged by it.
	doc, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	tl := doc.Pages[0].Ops[0].(label.TextLine)
	assert.InDelta(t, 6.0, tl.Width, 1e-9)
	tl = doc.Pages[0].Ops[1].(label.TextLine)
	assert.Equal(t, "WWWWWWWWWW", tl.Text, "ten half-em cells fit 5 em")
}

// A renderer that draws text in its own fonts gets its Measure from
// ForRenderer; one of printer fonts does not.
func TestForRendererMeasure(t *testing.T) {
	var calls atomic.Int64
	m := propMeasure(&calls)
	r := measuring{m: m}
	o := (&label.LayoutOptions{Mask: true}).ForRenderer(r)
	assert.Same(t, m, o.Measure)
	assert.True(t, o.Mask)
	var none *label.LayoutOptions
	assert.Nil(t, none.ForRenderer(cells{}).Measure)
}

type cells struct{}

func (cells) Render(context.Context, io.Writer, *label.Document) error { return nil }

type measuring struct {
	cells
	m *label.Measure
}

func (r measuring) TextMeasure() *label.Measure { return r.m }
