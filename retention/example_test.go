package retention_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/retention"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

// Orders delivered more than 30 days ago lose their recipient; the journal
// records that it happened and which fields went.
func ExampleRule() {
	ctx := access.NewContext(context.Background(), access.Principal{ID: "dpo"})
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s := memstore.New()
	for id, days := range map[string]int{"TB1": 31, "TB2": 29} {
		o := &order.Order{ID: id, Status: order.Shipped, Carrier: "ZTO", Waybill: &order.Waybill{TrackingNo: "75" + id},
			Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", Address: "文三路90号"}}
		_ = s.CreateOrder(ctx, o)
		at := now.AddDate(0, 0, -days)
		_ = s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "75" + id, OrderID: id, State: shipment.Delivered,
			DeliveredAt: at, UpdatedAt: at})
	}
	rule := &retention.Rule{Orders: s, Shipments: s, Problems: s, Jobs: s, Days: 30,
		Clock: func() time.Time { return now }}
	sum, err := rule.Run(ctx, &retention.RunOptions{OnErase: func(e retention.Erasure) error {
		fmt.Println(e.OrderID, e.Reason, e.Fields)
		return nil
	}})
	fmt.Println(sum.Erased, err)
	o, _ := s.GetOrder(ctx, "TB1")
	fmt.Println(o.Recipient.Phone, o.Waybill.TrackingNo)
	for ev := range s.Journal(ctx, 0) {
		fmt.Println(ev.Actor, ev.Action, ev.Detail)
	}
	// Output:
	// TB1 delivered [recipient.name recipient.phone recipient.province recipient.city recipient.address]
	// 1 <nil>
	// [erased] 75TB1
	// dpo erased delivered 2026-10-31T10:00:00Z, kept 30 days; erased: recipient.name, recipient.phone, recipient.province, recipient.city, recipient.address
}
