package zpl

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// A layout for the ZPL renderer skips QR modules; the ZPL is byte for byte what a
// full layout gives, for every standard template and sample order.
func TestQRByPrinterSameZPL(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	opts := (*label.LayoutOptions)(nil).ForRenderer(r)
	require.True(t, opts.QRByPrinter)
	orders := labeltest.SampleOrders(t)
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		for i, o := range orders {
			if i%7 != 0 {
				continue
			}
			d := labeltest.Data(o)
			full, errFull := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
			opts.Now = labeltest.PrintTime()
			lean, errLean := label.Layout(tpl, d, &opts)
			if errFull != nil {
				require.EqualError(t, errLean, errFull.Error())
				continue
			}
			require.NoError(t, errLean)
			a, err := r.AppendDocument(nil, full)
			require.NoError(t, err)
			b, err := r.AppendDocument(nil, lean)
			require.NoError(t, err)
			require.Equal(t, string(a), string(b), "%s, order %s", name, o.ID)
		}
	}
}

// A QR code whose data no version holds fails the same way with and without
// modules.
func TestQRByPrinterTooLong(t *testing.T) {
	tpl := &label.Template{Name: "t", Width: 50, Height: 50, Elements: []label.Element{
		&label.QRElement{Base: label.Base{ID: "q"}, X: 1, Y: 1, Size: 40, Data: "{d}"}}}
	d := &label.Data{Fields: map[string]string{"d": string(make([]byte, 5000))}}
	_, errFull := label.Layout(tpl, d, nil)
	require.ErrorIs(t, errFull, label.ErrEncode)
	_, errLean := label.Layout(tpl, d, &label.LayoutOptions{QRByPrinter: true})
	require.EqualError(t, errLean, errFull.Error())
	d.Fields["d"] = "756123456789"
	doc, err := label.Layout(tpl, d, &label.LayoutOptions{QRByPrinter: true})
	require.NoError(t, err)
	q := doc.Pages[0].Ops[0].(label.QR)
	require.Nil(t, q.Modules)
	full, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	fq := full.Pages[0].Ops[0].(label.QR)
	require.Len(t, fq.Modules, 21)
	fq.Modules = nil
	require.Equal(t, fq, q)
}
