package shipment_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

// A shipper may report a lost parcel; a viewer may not, and the refusal is
// journaled on the parcel's order.
func ExampleDesk() {
	ctx := context.Background()
	s := memstore.New()
	o := &order.Order{ID: "TB1", Carrier: "ZTO", Status: order.Shipped, Waybill: &order.Waybill{TrackingNo: "756123456789"}}
	_ = s.CreateOrder(ctx, o)
	sh, _ := shipment.Register(ctx, s, o, time.Now())
	_ = s.UpdateShipment(ctx, sh.TrackingNo, func(sh *shipment.Shipment) error { sh.State = shipment.HandedOver; return nil })

	pol := &access.Policy{Users: map[string][]string{"li": {"shipper"}, "zhao": {"viewer"}}}
	desk := &shipment.Desk{Store: s, Orders: s, Authorizer: pol}
	as := func(id string) context.Context { return access.NewContext(ctx, access.Principal{ID: id}) }

	_, err := desk.ReportProblem(as("zhao"), "756123456789", shipment.Lost, "网点找不到")
	fmt.Println(errors.Is(err, access.ErrDenied), err)
	p, err := desk.ReportProblem(as("li"), "756123456789", shipment.Lost, "网点找不到")
	fmt.Println(p.Kind, p.OpenedBy, err)
	for ev := range s.Journal(ctx, 0) {
		fmt.Println(ev.Actor, ev.Action, ev.Detail)
	}
	// Output:
	// true access: not permitted: zhao may not ship.track
	// lost li <nil>
	// zhao denied ship.track
}
