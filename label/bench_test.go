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

// BenchmarkLayoutWaybillMeasure is BenchmarkLayoutWaybill by a font's Measure
// (its cache warm), as for the PDF and PNG renderers.
func BenchmarkLayoutWaybillMeasure(b *testing.B) {
	orders := loadOrders(b)
	tpl, err := label.Standard("waybill-76x130")
	if err != nil {
		b.Fatal(err)
	}
	d := toData(orders[1], 1)
	m := label.NewMeasure(func(r rune) float64 {
		if r < 0x80 {
			return 0.55
		}
		return 1
	})
	opts := &label.LayoutOptions{Now: testNow, Measure: m}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := label.Layout(tpl, d, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLayoutWaybills lays out every waybill template for a stream of different
// orders, as a warehouse prints them.
func BenchmarkLayoutWaybills(b *testing.B) {
	orders := loadOrders(b)
	data := make([]*label.Data, len(orders))
	for i, o := range orders {
		data[i] = toData(o, i)
	}
	opts := &label.LayoutOptions{Now: testNow}
	for _, name := range []string{"waybill-76x130", "waybill-100x150", "waybill-100x180"} {
		tpl, err := label.Standard(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := label.Layout(tpl, data[i%len(data)], opts); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLayoutFirst is the first layout of a template: validation, hash and the
// parts that depend on no data are computed then and reused after.
func BenchmarkLayoutFirst(b *testing.B) {
	orders := loadOrders(b)
	d := toData(orders[1], 1)
	opts := &label.LayoutOptions{Now: testNow}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		tpl, err := label.Standard("waybill-76x130")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
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
