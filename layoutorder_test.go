package dadan_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

// TestProductLabelBarcodeFallback: on product-40x30 a line without a barcode prints
// its SKU as the barcode and says so; the other lines print as they are, and a line
// with neither is refused by its number.
func TestProductLabelBarcodeFallback(t *testing.T) {
	tpl, err := label.Standard("product-40x30")
	require.NoError(t, err)
	o := &order.Order{ID: "P1", Items: []order.Item{
		{SKU: "CUP-1", Barcode: "6901234567892", Name: "杯子", Qty: 1},
		{SKU: "LID-2", Name: "杯盖", Qty: 1},
	}}
	doc, err := dadan.LayoutOrder(tpl, printer.ProductLabel, o, nil, time.Now(), "")
	require.NoError(t, err)
	require.Len(t, doc.Pages, 2, "one label per line")
	require.Len(t, doc.Warnings, 1)
	w := doc.Warnings[0]
	assert.Equal(t, "item.barcode", w.Field)
	assert.Contains(t, w.String(), "line 2 (SKU LID-2) has no barcode")
	var data []string
	for _, p := range doc.Pages {
		for _, e := range p.Ops {
			if b, ok := e.(label.Barcode); ok {
				data = append(data, b.Data)
			}
		}
	}
	assert.Equal(t, []string{"6901234567892", "LID-2"}, data)

	o.Items = append(o.Items, order.Item{Name: "赠品", Qty: 1})
	_, err = dadan.LayoutOrder(tpl, printer.ProductLabel, o, nil, time.Now(), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "order P1 line 3")
}
