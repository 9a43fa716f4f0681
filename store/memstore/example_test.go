package memstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/memstore"
)

func Example() {
	ctx := context.Background()
	s := memstore.New()
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	o := &order.Order{ID: "TB1", Status: order.Received}
	_ = s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received})
	_ = s.UpdateOrder(ctx, "TB1", func(o *order.Order) ([]order.Event, error) {
		ev, err := order.Move(o, order.Approved, at, "alice", order.ActReviewed, "")
		return []order.Event{ev}, err
	})
	for ev := range s.Journal(ctx, 0) {
		fmt.Println(ev.Seq, ev.OrderID, ev.Action, ev.From, "->", ev.To, ev.Actor)
	}
	// Output:
	// 1 TB1 received  -> received ingest
	// 2 TB1 reviewed received -> approved alice
}
