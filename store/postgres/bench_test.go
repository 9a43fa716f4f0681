package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
)

func benchOrder(id string, at time.Time) *order.Order {
	return &order.Order{ID: id, Platform: order.Taobao, Shop: "旗舰店", PaidAt: at, Status: order.Received,
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "文一西路969号"},
		Items:     []order.Item{{SKU: "CUP-500-W", Name: "保温杯", Qty: 2, UnitPrice: decimal.RequireFromString("59.90")}},
		Total:     decimal.RequireFromString("119.80")}
}

// BenchmarkCreateOrder stores one order and its received event per op.
func BenchmarkCreateOrder(b *testing.B) {
	s := open(b, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := range b.N {
		o := benchOrder(fmt.Sprintf("TB%013d", i), at.Add(time.Duration(i)*time.Second))
		if err := s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaimUpdate is the spooler's cycle per job: claim the head job of a
// printer, then mark it printed.
func BenchmarkClaimUpdate(b *testing.B) {
	s := open(b, "", nil)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	data := label(0)
	batch := make([]printer.Job, 0, 1000)
	for i := 0; i < b.N; {
		batch = batch[:0]
		for ; i < b.N && len(batch) < cap(batch); i++ {
			batch = append(batch, printer.Job{Key: printer.JobKey{Order: fmt.Sprintf("TB%013d", i), Doc: printer.Waybill, Copy: 1},
				Printer: "p1", Data: data, MediaLength: 130, CreatedAt: t0, UpdatedAt: t0})
		}
		if _, err := s.AddJobs(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		j, err := s.ClaimJob(ctx, "p1", "st1", t0)
		if err != nil {
			b.Fatal(err)
		}
		j.State, j.PrintCount, j.PrintedAt = printer.Printed, 1, t0
		if err := s.UpdateJob(ctx, j, printer.Sending); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddEvent stores one new tracking event per op and applies it to
// its shipment (100 shipments in turn); every fourth op is a repeat.
func BenchmarkAddEvent(b *testing.B) {
	s := open(b, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	for n := range 100 {
		sh := &shipment.Shipment{TrackingNo: fmt.Sprintf("ZT%010d", n), OrderID: fmt.Sprint("O", n), Carrier: "ZTO",
			State: shipment.HandedOver, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateShipment(ctx, sh); err != nil {
			b.Fatal(err)
		}
	}
	fn := func(sh *shipment.Shipment) error { _, err := shipment.Advance(sh, shipment.InTransit, at); return err }
	b.ResetTimer()
	for i := range b.N {
		k := i - i/4 // every fourth op repeats the one before
		ev := shipment.Event{TrackingNo: fmt.Sprintf("ZT%010d", k%100), Time: at.Add(time.Duration(k) * time.Second),
			State: shipment.InTransit, Text: "到达杭州转运中心", Location: "杭州", Source: "kuaidi100"}
		if _, err := s.AddEvent(ctx, ev, fn); err != nil {
			b.Fatal(err)
		}
	}
}
