package label_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

// A template may change between layouts; each layout follows its current content.
func TestLayoutFollowsTemplateChanges(t *testing.T) {
	bm := &label.Bitmap{Width: 8, Height: 1, Stride: 1, Bits: []byte{0xff}}
	text := &label.TextElement{X: 1, Y: 1, W: 40, H: 5, Size: 3, Text: "固定文字"}
	img := &label.ImageElement{X: 1, Y: 10, W: 4, H: 1, Bitmap: bm}
	tpl := &label.Template{Name: "t", Version: "1", Width: 50, Height: 20, Elements: []label.Element{text, img}}
	first := func() (label.TextLine, string) {
		doc, err := label.Layout(tpl, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, tpl.Hash(), doc.Hash)
		return doc.Pages[0].Ops[0].(label.TextLine), doc.Hash
	}
	tl, h1 := first()
	assert.Equal(t, "固定文字", tl.Text)

	text.Text = "改了"
	tl, h2 := first()
	assert.Equal(t, "改了", tl.Text)
	assert.NotEqual(t, h1, h2)

	text.X = 5
	tl, _ = first()
	assert.InDelta(t, 5, tl.X, 1e-9)

	bm.Bits[0] = 0x0f // changed in place
	_, h3 := first()
	assert.NotEqual(t, h2, h3)

	tpl.Elements = append(tpl.Elements, &label.TextElement{X: 1, Y: 15, W: 40, H: 4, Size: 3, Text: "{x}"})
	_, err := label.Layout(tpl, nil, nil)
	assert.ErrorIs(t, err, label.ErrMissingField)

	tpl.Elements[2].(*label.TextElement).W = 1000 // now invalid: validated again
	_, err = label.Layout(tpl, nil, nil)
	assert.ErrorIs(t, err, label.ErrTemplate)

	// A copy of the template value lays out like the original.
	tpl.Elements = tpl.Elements[:2]
	cp := *tpl
	cp.Name = "copy"
	doc, err := label.Layout(&cp, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "copy", doc.Template)
	assert.Equal(t, cp.Hash(), doc.Hash)
}

func TestTableColumnChangesAreSeen(t *testing.T) {
	tpl, err := label.Standard("packing-80mm")
	require.NoError(t, err)
	d := &label.Data{Tables: map[string][]label.Row{"items": {{"sku": "S1", "name": "杯子", "spec": "白", "qty": "2"}}}}
	before, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	for _, e := range tpl.Elements {
		if tb, ok := e.(*label.TableElement); ok {
			tb.Columns[0].Text = "#{sku}#"
		}
	}
	after, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	assert.NotContains(t, joined(before.Pages[0]), "#S1#")
	assert.Contains(t, joined(after.Pages[0]), "#S1#")
}

// Many layouts of one template at once (run with -race).
func TestLayoutConcurrent(t *testing.T) {
	orders := loadOrders(t)
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	want := make([]string, 8)
	for i := range want {
		doc, err := label.Layout(tpl, toData(orders[i], i), &label.LayoutOptions{Now: testNow})
		require.NoError(t, err)
		want[i] = joined(doc.Pages[0])
	}
	fresh, err := label.Standard("waybill-76x130") // not prepared yet
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				i := (g + k) % len(want)
				doc, err := label.Layout(fresh, toData(orders[i], i), &label.LayoutOptions{Now: testNow})
				if err != nil {
					errs <- err
					return
				}
				if got := joined(doc.Pages[0]); got != want[i] {
					errs <- fmt.Errorf("order %d: got %q", i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Texts are built in a shared buffer; each must keep its content when the buffer
// fills up and later texts are built.
func TestBoundTextsStayIntact(t *testing.T) {
	var els []label.Element
	fields := map[string]string{}
	want := map[string]bool{}
	for i := 0; i < 60; i++ {
		k := fmt.Sprintf("f%d", i)
		fields[k] = strings.Repeat(string(rune('a'+i%26)), 10+i)
		els = append(els, &label.TextElement{X: 0, Y: float64(i) * 3, W: 400, H: 3, Size: 2, Optional: true,
			Text: "<{" + k + "|upper|prefix:[|suffix:]}>"})
		want["<["+strings.ToUpper(fields[k])+"]>"] = true
	}
	tpl := &label.Template{Name: "many", Version: "1", Width: 400, Height: 200, Elements: els}
	for round := 0; round < 3; round++ {
		doc, err := label.Layout(tpl, &label.Data{Fields: fields}, nil)
		require.NoError(t, err)
		got := texts(doc.Pages[0])
		require.Len(t, got, 60)
		for _, tl := range got {
			assert.True(t, want[tl.Text], "%q", tl.Text)
		}
	}
}

func TestLayoutWaybillAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	orders := loadOrders(t)
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	d := toData(orders[1], 1)
	opts := &label.LayoutOptions{Now: testNow}
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := label.Layout(tpl, d, opts); err != nil {
			t.Fatal(err)
		}
	})
	// One per text line and code (ops are interface values), the document, its
	// page and ops, the text buffer, the code matrices.
	assert.LessOrEqual(t, allocs, 40.0)
}

// Layout marks the ops of data-free elements as static spans: in order, within the
// page, with the same key for every document of the same prepared template, each
// run one of consecutive unconditional elements or one conditional element.
func TestLayoutStaticSpans(t *testing.T) {
	tpl := &label.Template{Name: "s", Version: "1", Width: 50, Height: 40, Elements: []label.Element{
		&label.BoxElement{X: 1, Y: 1, W: 48, H: 38, Thickness: 0.3},
		&label.LineElement{X1: 1, Y1: 10, X2: 49, Y2: 10, Thickness: 0.3},
		&label.TextElement{X: 2, Y: 2, W: 40, H: 5, Size: 3, Text: "{name}"},
		&label.TextElement{X: 2, Y: 12, W: 40, H: 5, Size: 3, Text: "固定"},
		&label.TextElement{Base: label.Base{If: "remark"}, X: 2, Y: 20, W: 40, H: 5, Size: 3, Text: "备注"},
		&label.LineElement{X1: 1, Y1: 30, X2: 49, Y2: 30, Thickness: 0.3},
	}}
	a, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"name": "张三", "remark": "x"}}, nil)
	require.NoError(t, err)
	b, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"name": "李四"}}, nil)
	require.NoError(t, err)

	pa, pb := a.Pages[0], b.Pages[0]
	require.Len(t, pa.Static, 4) // box+line, 固定, 备注, line
	require.Len(t, pb.Static, 3) // the conditional text is absent
	assert.Equal(t, label.Span{Start: 0, End: pa.Static[0].Key.Len(), Key: pa.Static[0].Key}, pa.Static[0])
	assert.Greater(t, pa.Static[0].Key.Len(), 1, "the box and line make one run")
	assert.Same(t, pa.Static[0].Key, pb.Static[0].Key)
	for _, p := range []label.Page{pa, pb} {
		end := 0
		for _, s := range p.Static {
			assert.GreaterOrEqual(t, s.Start, end)
			assert.True(t, s.Valid(p.Ops))
			end = s.End
		}
	}
	// The bound text splits the box and line from 固定, and the condition on 备注
	// keeps it and the last line apart ...
	assert.Equal(t, pa.Static[0].End+1, pa.Static[1].Start)
	assert.Equal(t, pa.Static[2].End, pa.Static[3].Start)
	assert.NotSame(t, pa.Static[2].Key, pa.Static[3].Key)
	// ... and the last line keeps its key whether or not 备注 is printed.
	assert.Same(t, pa.Static[len(pa.Static)-1].Key, pb.Static[len(pb.Static)-1].Key)

	// A span that no longer covers its ops is not valid.
	s := pa.Static[0]
	assert.False(t, label.Span{Start: s.Start + 1, End: s.End + 1, Key: s.Key}.Valid(pa.Ops))
	assert.False(t, label.Span{Start: s.Start, End: s.End}.Valid(pa.Ops))
	assert.False(t, label.Span{Start: s.Start, End: s.End + 1, Key: s.Key}.Valid(pa.Ops))
	edited := append([]label.Op(nil), pa.Ops...)
	edited[0] = label.Box{X: 2, Y: 1, W: 48, H: 38, Thickness: 0.3}
	assert.False(t, s.Valid(edited))
	assert.Zero(t, (*label.StaticKey)(nil).Len())

	// Shift moves the ops, so it drops the spans.
	assert.Empty(t, pa.Shift(1, 0).Static)
	assert.Equal(t, pa.Static, pa.Shift(0, 0).Static)

	// A changed template is prepared again, with new keys.
	tpl.Elements[0].(*label.BoxElement).W = 40
	c, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"name": "王五"}}, nil)
	require.NoError(t, err)
	assert.NotSame(t, pa.Static[0].Key, c.Pages[0].Static[0].Key)
}
