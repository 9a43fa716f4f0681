package retention_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/retention"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/sqlite"
)

// BenchmarkRunSQLite erases n delivered orders on SQLite, then runs again (an
// idempotent run that finds every order erased), and reports the heap in use
// at its highest during the first run: it stays flat as n grows.
func BenchmarkRunSQLite(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run("orders="+strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "dadan.db"), nil)
				if err != nil {
					b.Fatal(err)
				}
				fill(b, s, n)
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base, peak := ms.HeapInuse, ms.HeapInuse
				r := rule(s)
				r.BatchSize = 0
				b.StartTimer()
				start := time.Now()
				k := 0
				sum, err := r.Run(ctx, &retention.RunOptions{OnErase: func(retention.Erasure) error {
					if k++; k%2000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
					return nil
				}})
				first := time.Since(start)
				if err != nil || sum.Erased != n {
					b.Fatal(sum, err)
				}
				start = time.Now()
				sum, err = r.Run(ctx, nil)
				again := time.Since(start)
				if err != nil || sum.Already != n {
					b.Fatal(sum, err)
				}
				b.StopTimer()
				b.ReportMetric(float64(n)/first.Seconds(), "erased/s")
				b.ReportMetric(again.Seconds(), "s/rerun")
				b.ReportMetric(float64(peak-base)/(1<<20), "MB-heap-peak")
				_ = s.Close()
				b.StartTimer()
			}
		})
	}
}

// fill stores n orders delivered 40 days ago, each with a shipment, a delivery
// event and a received and a shipped journal event, from 32 goroutines.
func fill(b *testing.B, s *sqlite.Store, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				id := fmt.Sprintf("TB%08d", i)
				o := newOrder(id, order.Received)
				at := now.Add(-40 * day)
				evs := []order.Event{{Time: at, Actor: "system", OrderID: id, Action: order.ActReceived, To: order.Received},
					{Time: at, Actor: "system", OrderID: id, Action: order.ActShipped, From: order.Received, To: order.Shipped}}
				o.Status = order.Shipped
				if err := s.CreateOrder(ctx, o, evs...); err != nil {
					b.Error(err)
					return
				}
				sh := &shipment.Shipment{TrackingNo: "75" + id, OrderID: id, Carrier: "ZTO", State: shipment.Delivered,
					DeliveredAt: at, UpdatedAt: at, CreatedAt: at}
				if err := s.CreateShipment(ctx, sh); err != nil {
					b.Error(err)
					return
				}
				if _, err := s.AddEvent(ctx, shipment.Event{TrackingNo: sh.TrackingNo, Time: at, State: shipment.Delivered,
					Text: "已签收，签收人：" + o.Recipient.Name}, nil); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
