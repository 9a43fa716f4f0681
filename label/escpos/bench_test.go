package escpos

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

// BenchmarkPackingListESCPOS renders the standard 80 mm packing list with 20 item
// rows, laid out once outside the loop.
func BenchmarkPackingListESCPOS(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	tpl, err := label.Standard("packing-80mm")
	require.NoError(b, err)
	d := &label.Data{Fields: map[string]string{
		"order.id": "TB2026111100000", "order.platform": "taobao", "order.shop": "某某旗舰店",
		"recipient.name": "张伟", "recipient.phone": "16709145341", "waybill.tracking_no": "756123456789",
		"print.time": "2026-11-11T10:00:00+08:00", "order.total": "1198.00",
	}, Tables: map[string][]label.Row{}}
	for i := range 20 {
		d.Tables["items"] = append(d.Tables["items"], label.Row{"sku": "CUP-500-" + strconv.Itoa(i), "name": "真空保温杯",
			"spec": "500ml 白色", "qty": "1", "unit_price": "59.90"})
	}
	doc, err := label.Layout(tpl, d, nil)
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, doc)
}

// BenchmarkPackingListESCPOSHand renders a hand-built packing list with 20 rows.
func BenchmarkPackingListESCPOSHand(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, packingList(20))
}
