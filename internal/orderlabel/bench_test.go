package orderlabel_test

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dadanhq/dadan/internal/orderlabel"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
)

// benchOrders is the number of distinct orders the waybill benchmarks cycle
// through, so that every op sees an order's data cold.
const benchOrders = 10_000

var benchNow = time.Date(2026, 11, 11, 10, 0, 5, 0, time.FixedZone("CST", 8*3600))

// cpuTime is the CPU time the process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start (the garbage collector's
// included): unlike ns/op it does not grow when other processes take the cores.
func reportCPU(b *testing.B, start time.Duration, n int) {
	b.ReportMetric(float64(cpuTime()-start)/float64(n), "cpu-ns/op")
}

// waybillOrders generates n distinct orders, each with a waybill as a carrier
// hands it out.
func waybillOrders(n int) []*order.Order {
	g := ordertest.New(7)
	marks := []string{"杭州余杭", "上海浦东", "北京朝阳", "广州白云", "深圳南山"}
	bags := []string{"杭州转运中心", "上海转运中心", "北京转运中心", "", "深圳转运中心"}
	orders := make([]*order.Order, n)
	for i := range orders {
		o := g.Order()
		o.Waybill = &order.Waybill{
			TrackingNo: "7599" + fmt.Sprintf("%08d", i+1),
			SortCode:   fmt.Sprintf("%d-E%02d-%02d", 200+i%700, i%40, i%99),
			Mark:       marks[i%len(marks)],
			BagAddr:    bags[i%len(bags)],
			Service:    "标快",
			Payment:    "寄付",
		}
		orders[i] = o
	}
	return orders
}

// BenchmarkWaybillWhole is a waybill's whole cost per order as the root package
// pays it: the order's label data, the layout of the standard 76x130 template and
// its ZPL, over distinct orders.
func BenchmarkWaybillWhole(b *testing.B) {
	orders := waybillOrders(benchOrders)
	tpl, err := label.Standard("waybill-76x130")
	if err != nil {
		b.Fatal(err)
	}
	r, err := zpl.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	// What a station does for each document: options adjusted to its renderer,
	// the label data and the layout's buffers reused from order to order.
	opts := new((*label.LayoutOptions)(nil).ForRenderer(r))
	lo := label.NewLayouter(tpl)
	var data label.Data
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	start := cpuTime()
	defer func() { reportCPU(b, start, b.N) }()
	for b.Loop() {
		o := orders[i%len(orders)]
		i++
		doc, err := lo.Layout(orderlabel.DataInto(&data, o, benchNow, ""), opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Render(ctx, io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// fprintfWaybill is the peer of the standard waybill: a plain fmt.Fprintf ZPL
// template at 203 dpi printing the same fields at about the same places, with no
// fitting, wrapping or escaping.
const fprintfWaybill = "^XA^CI28^PW608^LL1040\n" +
	"^FO4,4^GB600,1032,2^FS\n" +
	"^FO16,10^A0N,21,21^FD%s^FS\n" +
	"^FO333,10^A0N,24,24^FD%s %s^FS\n" +
	"^FO4,40^GB600,2,2^FS\n" +
	"^FO16,44^A0N,64,64^FD%s^FS\n" +
	"^FO16,124^A0N,36,36^FD%s^FS\n" +
	"^FO4,168^GB600,2,2^FS\n" +
	"^FO40,180^BY3^BCN,96,N,N,N^FD%s^FS\n" +
	"^FO200,280^A0N,24,24^FD%s^FS\n" +
	"^FO4,312^GB600,2,2^FS\n" +
	"^FO16,317^A0N,30,30^FD集包地：%s^FS\n" +
	"^FO4,360^GB600,2,2^FS\n" +
	"^FO16,368^A0N,36,36^FD收^FS\n" +
	"^FO72,368^A0N,32,32^FD%s %s^FS\n" +
	"^FO72,412^A0N,28,28^FB480,4,0,L^FD%s^FS\n" +
	"^FO4,520^GB600,2,2^FS\n" +
	"^FO16,528^A0N,36,36^FD寄^FS\n" +
	"^FO72,528^A0N,22,22^FD%s %s^FS\n" +
	"^FO72,560^A0N,21,21^FB480,2,0,L^FD%s^FS\n" +
	"^FO4,616^GB600,2,2^FS\n" +
	"^FO16,624^A0N,22,22^FB576,4,0,L^FD物品：%s^FS\n" +
	"^FO16,716^A0N,21,21^FB576,2,0,L^FD备注：%s^FS\n" +
	"^FO4,772^GB600,2,2^FS\n" +
	"^FO16,776^BQN,2,5^FDMA,%s^FS\n" +
	"^FO200,784^A0N,24,24^FB376,2,0,L^FD签收人：\\&签收时间：      年    月    日^FS\n" +
	"^FO200,856^A0N,16,16^FB376,4,0,L^FD快件送达收件人地址，经收件人或收件人允许的代收人签字，视为送达。您的签字代表您已验收此包裹，并已确认商品信息无误、包装完好、没有划痕、破损等表面质量问题。^FS\n" +
	"^FO572,364^A0R,21,21^FD%s^FS\n" +
	"^FO4,960^GB600,2,2^FS\n" +
	"^FO16,968^A0N,20,20^FD订单 %s^FS\n" +
	"^FO16,1000^A0N,20,20^FD%s %s^FS\n" +
	"^FO401,968^A0N,28,28^FD%s^FS\n" +
	"^XZ\n"

// BenchmarkWaybillWholeFresh is BenchmarkWaybillWhole with fresh label data and
// a fresh document for every order (LabelData and label.Layout, as a host that
// keeps nothing between orders calls them).
func BenchmarkWaybillWholeFresh(b *testing.B) {
	orders := waybillOrders(benchOrders)
	tpl, err := label.Standard("waybill-76x130")
	if err != nil {
		b.Fatal(err)
	}
	r, err := zpl.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	opts := new((*label.LayoutOptions)(nil).ForRenderer(r))
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	start := cpuTime()
	defer func() { reportCPU(b, start, b.N) }()
	for b.Loop() {
		o := orders[i%len(orders)]
		i++
		doc, err := label.Layout(tpl, orderlabel.Data(o, benchNow, ""), opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Render(ctx, io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWaybillFprintf is the peer of BenchmarkWaybillWhole: the same fields
// of the same distinct orders through one fmt.Fprintf template.
func BenchmarkWaybillFprintf(b *testing.B) {
	orders := waybillOrders(benchOrders)
	b.ReportAllocs()
	i := 0
	start := cpuTime()
	defer func() { reportCPU(b, start, b.N) }()
	for b.Loop() {
		o := orders[i%len(orders)]
		i++
		w := o.Waybill
		var summary strings.Builder
		for k, it := range o.Items {
			if k > 0 {
				summary.WriteString("；")
			}
			summary.WriteString(it.Name + " " + it.Spec + " ×" + strconv.Itoa(it.Qty))
		}
		fmt.Fprintf(io.Discard, fprintfWaybill,
			benchNow.Format("2006-01-02 15:04"), w.Service, w.Payment, w.Mark, w.SortCode,
			w.TrackingNo, w.TrackingNo, w.BagAddr,
			o.Recipient.Name, o.Recipient.Phone, o.Recipient.FullAddress(),
			o.Sender.Name, o.Sender.Phone, o.Sender.FullAddress(),
			summary.String(), o.Remark.Buyer, w.TrackingNo, w.TrackingNo,
			o.ID, o.Platform, o.Shop, "")
	}
}
