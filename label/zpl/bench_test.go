package zpl

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// BenchmarkWaybillZPLHand renders a hand-built waybill page with more text lines.
func BenchmarkWaybillZPLHand(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, waybill())
}

// waybill is a laid-out 76 x 130 mm waybill page shaped like the standard template.
func waybill() *label.Document {
	return &label.Document{Template: "waybill-76x130", Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.Box{X: 1, Y: 1, W: 74, H: 128, Thickness: 0.3},
		label.TextLine{X: 3, Y: 3, Size: 2.5, Width: 40, Text: "2026-11-11 10:00:05"},
		label.TextLine{X: 60, Y: 3, Size: 3, Width: 12, Bold: true, Text: "标快"},
		label.TextLine{X: 3, Y: 8, Size: 9, Width: 70, Bold: true, Text: "200-E01-08"},
		label.Line{X1: 1, Y1: 19, X2: 75, Y2: 19, Thickness: 0.3},
		label.Barcode{X: 8, Y: 21, Module: 0.375, Height: 14, Data: "756123456789", Modules: make([]bool, 90)},
		label.TextLine{X: 22, Y: 36, Size: 3, Width: 30, Text: "756123456789"},
		label.Line{X1: 1, Y1: 40, X2: 75, Y2: 40, Thickness: 0.3},
		label.TextLine{X: 3, Y: 41, Size: 4, Width: 50, Bold: true, Text: "杭州转运中心"},
		label.Line{X1: 1, Y1: 47, X2: 75, Y2: 47, Thickness: 0.3},
		label.TextLine{X: 3, Y: 48, Size: 3, Width: 6, Text: "收"},
		label.TextLine{X: 10, Y: 48, Size: 3.5, Width: 60, Bold: true, Text: "张伟 16709145341"},
		label.TextLine{X: 10, Y: 52.5, Size: 3, Width: 62, Text: "浙江省 杭州市 余杭区 五常街道"},
		label.TextLine{X: 10, Y: 56.5, Size: 3, Width: 62, Text: "文一西路1号"},
		label.Line{X1: 1, Y1: 61, X2: 75, Y2: 61, Thickness: 0.3},
		label.TextLine{X: 3, Y: 62, Size: 3, Width: 6, Text: "寄"},
		label.TextLine{X: 10, Y: 62, Size: 2.5, Width: 60, Text: "杭州某某旗舰店 0571-88886666"},
		label.TextLine{X: 10, Y: 65.5, Size: 2.5, Width: 62, Text: "浙江省 杭州市 西湖区 古墩路88号 仓储中心3号库"},
		label.Line{X1: 1, Y1: 70, X2: 75, Y2: 70, Thickness: 0.3},
		label.TextLine{X: 3, Y: 71, Size: 2.5, Width: 70, Text: "真空保温杯 500ml 白色 x1"},
		label.TextLine{X: 3, Y: 75, Size: 2.5, Width: 70, Text: "备注：请尽快发货"},
		label.QR{X: 50, Y: 90, Module: 0.5, Level: label.QRLevelM, Data: "756123456789"},
		label.TextLine{X: 3, Y: 90, Size: 2, Width: 44, Text: "签收人/时间"},
		label.TextLine{X: 3, Y: 94, Size: 2, Width: 44, Text: "您的签字代表您已验收此包裹"},
		label.TextLine{X: 74.5, Y: 80, Size: 2, Width: 30, Rotation: label.Rotate90, Text: "756123456789"},
		label.TextLine{X: 3, Y: 125, Size: 2, Width: 40, Text: "TB2026111100000"},
	}}}}
}

// standardWaybill lays out the standard 76 x 130 waybill for a typical order.
func standardWaybill(b *testing.B) *label.Document {
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(b, err)
	doc, err := label.Layout(tpl, &label.Data{Fields: map[string]string{
		"recipient.name": "张伟", "recipient.phone": "16709145341", "recipient.address": "浙江省杭州市余杭区五常街道文一西路1号",
		"sender.name": "杭州某某旗舰店", "sender.phone": "0571-88886666", "sender.address": "浙江省杭州市西湖区古墩路88号 仓储中心3号库",
		"waybill.tracking_no": "756123456789", "waybill.sort_code": "200-E01-08", "waybill.mark": "杭州余杭",
		"waybill.bag_addr": "杭州转运中心", "waybill.service": "标快", "waybill.payment": "寄付",
		"order.id": "TB2026111100000", "order.platform": "taobao", "order.shop": "某某旗舰店", "order.remark": "请尽快发货",
		"print.time": "2026-11-11T10:00:00+08:00",
	}, Tables: map[string][]label.Row{"items": {{"sku": "CUP-500-W", "name": "真空保温杯", "spec": "500ml 白色", "qty": "1", "unit_price": "59.90"}}}}, nil)
	require.NoError(b, err)
	return doc
}

// BenchmarkWaybillZPL renders the laid-out standard 76 x 130 waybill to ZPL with the
// printer font, into a reused buffer (layout is done once, outside the loop).
func BenchmarkWaybillZPL(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, standardWaybill(b))
}

// BenchmarkWaybillZPLRender is BenchmarkWaybillZPL through Render and an io.Writer.
func BenchmarkWaybillZPLRender(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	doc := standardWaybill(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Render(ctx, discard{}, doc); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkWaybillZPLGraphics renders the standard waybill with Chinese text as
// Z64 graphics drawn by label/raster.
func BenchmarkWaybillZPLGraphics(b *testing.B) {
	rz, err := raster.New(nil)
	if err != nil {
		b.Skipf("no font: %v", err)
	}
	r, err := New(&Options{TextMode: TextGraphics, Rasterizer: rz})
	require.NoError(b, err)
	labeltest.AppendLoop(b, r, standardWaybill(b))
}
