package shipment_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

// A packer scans a parcel's waybill and its items; the order moves to verified.
func ExampleVerifier() {
	ctx := context.Background()
	s := memstore.New()
	o := &order.Order{ID: "TB1", Carrier: "ZTO", Status: order.Printed, Total: decimal.RequireFromString("59.90"),
		Items:   []order.Item{{SKU: "CUP-500-W", Barcode: "6901234567892", Qty: 2}},
		Waybill: &order.Waybill{TrackingNo: "756123456789"}}
	_ = s.CreateOrder(ctx, o)
	_, _ = shipment.Register(ctx, s, o, time.Now())

	v, _ := shipment.NewVerifier(shipment.VerifyOptions{Orders: s, Shipments: s, Actor: "packer-7"})
	for _, line := range []string{"756123456789", "6901234567892", "CUP-500-W", "."} {
		if r, _ := v.Scan(ctx, line); r != nil {
			fmt.Println(r.TrackingNo, r.Outcome)
		}
	}
	got, _ := s.GetOrder(ctx, "TB1")
	fmt.Println(got.Status)
	// Output:
	// 756123456789 ok
	// verified
}

// Tracking events that arrive late or twice never move a shipment back.
func ExampleAdvance() {
	at := time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC)
	sh := &shipment.Shipment{TrackingNo: "ZT1", State: shipment.HandedOver}
	for _, ev := range []struct {
		to shipment.State
		h  int
	}{{shipment.Delivered, 30}, {shipment.InTransit, 20}, {shipment.Delivered, 30}} {
		moved, _ := shipment.Advance(sh, ev.to, at.Add(time.Duration(ev.h)*time.Hour))
		fmt.Println(ev.to, moved, sh.State)
	}
	// Output:
	// delivered true delivered
	// in_transit false delivered
	// delivered false delivered
}
