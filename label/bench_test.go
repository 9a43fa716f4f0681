package label_test

import (
	"testing"

	"github.com/dadanhq/dadan/label"
)

func BenchmarkLayoutWaybill(b *testing.B) {
	orders := loadOrders(b)
	tpl, err := label.Standard("waybill-76x130")
	if err != nil {
		b.Fatal(err)
	}
	d := toData(orders[1], 1)
	opts := &label.LayoutOptions{Now: testNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := label.Layout(tpl, d, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLayoutPackingA4(b *testing.B) {
	orders := loadOrders(b)
	tpl, _ := label.Standard("packing-a4")
	var d *label.Data
	for i, o := range orders {
		if len(o.Items) >= 30 {
			d = toData(o, i)
		}
	}
	if d == nil {
		b.Skip("no long order")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := label.Layout(tpl, d, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeCode128(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := label.EncodeCode128("75612345678912"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrap(b *testing.B) {
	buf := make([]string, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		buf = label.Wrap(buf[:0], "浙江省杭州市余杭区五常街道文一西路969号 Hangzhou Zhejiang", 17)
	}
}
