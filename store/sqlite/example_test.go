package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/sqlite"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "dadan")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "station.db")

	s, err := sqlite.Open(ctx, path, &sqlite.Options{Synchronous: sqlite.SyncFull})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	o := &order.Order{ID: "TB1", Status: order.Received}
	_ = s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received})
	_ = s.UpdateOrder(ctx, "TB1", func(o *order.Order) ([]order.Event, error) {
		ev, err := order.Move(o, order.Approved, at, "alice", order.ActReviewed, "")
		return []order.Event{ev}, err
	})
	_ = s.Close()

	// The journal is still there after a restart.
	s, _ = sqlite.Open(ctx, path, nil)
	defer s.Close()
	for ev := range s.Journal(ctx, 0) {
		fmt.Println(ev.Seq, ev.OrderID, ev.Action, ev.From, "->", ev.To, ev.Actor)
	}
	// Output:
	// 1 TB1 received  -> received ingest
	// 2 TB1 reviewed received -> approved alice
}
