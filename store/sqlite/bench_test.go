package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/supplies"
)

var benchAt = time.Date(2026, 11, 11, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// benchOrder is a typical platform order: two lines, addresses, a remark.
func benchOrder(id string, i int) *order.Order {
	return &order.Order{ID: id, Platform: order.Taobao, Shop: "旗舰店", CreatedAt: benchAt, PaidAt: benchAt.Add(time.Duration(i) * time.Millisecond),
		Buyer:     order.Buyer{Nick: "tb_buyer_01"},
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Street: "五常街道", Address: "文一西路969号", Postcode: "311121"},
		Sender:    order.Party{Name: "某某旗舰店", Phone: "0571-88888888", Province: "浙江省", City: "杭州市", District: "西湖区", Address: "xx路1号"},
		Items: []order.Item{{SKU: "CUP-500-W", Barcode: "6901234567892", Name: "保温杯", Spec: "500ml 白色", Qty: 2, UnitPrice: decimal.RequireFromString("59.90")},
			{SKU: "LID-1", Name: "杯盖", Qty: 1, UnitPrice: decimal.RequireFromString("0.00")}},
		Total: decimal.RequireFromString("109.80"), Carrier: "ZTO", Remark: order.Remark{Buyer: "请尽快发货"}, Status: order.Received}
}

func benchEvent(id string) order.Event {
	return order.Event{Time: benchAt, Actor: "ingest", OrderID: id, Action: order.ActReceived, To: order.Received}
}

// cpuTime is the CPU time the process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start: unlike ns/op it does not
// grow when other processes take the cores.
func reportCPU(b *testing.B, start time.Duration, n int) {
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(n), "cpu-µs/op")
}

// parallel runs n calls of fn spread over g goroutines.
func parallel(n, g int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range g {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// BenchmarkCreateOrder creates orders with their received event from g
// goroutines: group commit packs them into shared transactions.
func BenchmarkCreateOrder(b *testing.B) {
	for _, g := range []int{1, 16, 256} {
		for _, sync := range []sqlite.Synchronous{sqlite.SyncNormal, sqlite.SyncFull} {
			b.Run(fmt.Sprintf("goroutines=%d/sync=%s", g, sync), func(b *testing.B) {
				s := open(b, &sqlite.Options{Synchronous: sync})
				ctx := context.Background()
				st0 := s.Stats()
				b.ResetTimer()
				c0 := cpuTime()
				parallel(b.N, g, func(i int) {
					id := "TB" + strconv.Itoa(i)
					if err := s.CreateOrder(ctx, benchOrder(id, i), benchEvent(id)); err != nil {
						b.Error(err)
					}
				})
				b.StopTimer()
				reportCPU(b, c0, b.N)
				st := s.Stats()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
				b.ReportMetric(float64(st.Ops-st0.Ops)/float64(max(1, st.Commits-st0.Commits)), "ops/commit")
			})
		}
	}
}

// BenchmarkSimpleWrite is the smallest write, one print record (one short row),
// from 256 goroutines: the cost of group commit itself.
func BenchmarkSimpleWrite(b *testing.B) {
	s := open(b, nil)
	ctx := context.Background()
	st0 := s.Stats()
	b.ResetTimer()
	c0 := cpuTime()
	parallel(b.N, 256, func(i int) {
		if err := s.AddPrintUse(ctx, supplies.PrintUse{Spec: "76x130", Docs: 1, Units: 1, At: benchAt}); err != nil {
			b.Error(err)
		}
	})
	b.StopTimer()
	reportCPU(b, c0, b.N)
	st := s.Stats()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	b.ReportMetric(float64(st.Ops-st0.Ops)/float64(max(1, st.Commits-st0.Commits)), "ops/commit")
}

// BenchmarkIngest100k is the ingest of a sale: 100,000 orders with their
// received events, from 64 goroutines.
func BenchmarkIngest100k(b *testing.B) {
	const n = 100_000
	for range b.N {
		b.StopTimer()
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "dadan.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, c0 := time.Now(), cpuTime()
		parallel(n, 64, func(i int) {
			id := "TB" + strconv.Itoa(i)
			if err := s.CreateOrder(context.Background(), benchOrder(id, i), benchEvent(id)); err != nil {
				b.Error(err)
			}
		})
		b.ReportMetric(n/time.Since(start).Seconds(), "orders/s")
		reportCPU(b, c0, n)
		b.StopTimer()
		_ = s.Close()
		b.StartTimer()
	}
}

// BenchmarkUpdateOrder moves orders through review from 16 goroutines.
func BenchmarkUpdateOrder(b *testing.B) {
	s := open(b, nil)
	ctx := context.Background()
	const pool = 10_000
	parallel(pool, 64, func(i int) {
		id := "TB" + strconv.Itoa(i)
		_ = s.CreateOrder(ctx, benchOrder(id, i), benchEvent(id))
	})
	b.ResetTimer()
	c0 := cpuTime()
	parallel(b.N, 16, func(i int) {
		err := s.UpdateOrder(ctx, "TB"+strconv.Itoa(i%pool), func(o *order.Order) ([]order.Event, error) {
			o.Revision++
			return []order.Event{order.Note(o, benchAt, "reviewer", order.ActReviewed, "R001")}, nil
		})
		if err != nil {
			b.Error(err)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	reportCPU(b, c0, b.N)
}

// BenchmarkJobCycle is the spooler's work per order: AddJobs (waybill and
// packing list), then for each job ClaimJob and UpdateJob to Printed, on four
// printers at once. One op is one order's two jobs through the whole cycle.
func BenchmarkJobCycle(b *testing.B) {
	s := open(b, nil)
	ctx := context.Background()
	data := make([]byte, 2048) // a ZPL waybill is about 2 KB
	const printers = 4
	var added atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	c0 := cpuTime()
	// Producers queue the jobs while the printers drain them.
	wg.Go(func() {
		parallel(b.N, 8, func(i int) {
			id := "TB" + strconv.Itoa(i)
			p := "p" + strconv.Itoa(i%printers)
			_, err := s.AddJobs(ctx, []printer.Job{
				{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1}, Printer: p, Data: data, MediaLength: 130, CreatedAt: benchAt},
				{Key: printer.JobKey{Order: id, Doc: printer.PackingList, Template: "packing-80mm", Version: "1", Copy: 1}, Printer: p, Data: data, MediaLength: 200, CreatedAt: benchAt},
			})
			if err != nil {
				b.Error(err)
			}
			added.Add(2)
		})
	})
	var done atomic.Int64
	for p := range printers {
		wg.Go(func() {
			name := "p" + strconv.Itoa(p)
			for done.Load() < int64(2*b.N) {
				j, err := s.ClaimJob(ctx, name, "st1", benchAt)
				if err != nil {
					time.Sleep(200 * time.Microsecond) // a spooler polls an empty queue
					continue
				}
				j.State, j.PrintCount, j.PrintedAt, j.Data = printer.Printed, 1, benchAt, nil
				if err := s.UpdateJob(ctx, j, printer.Sending); err != nil {
					b.Error(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "jobs/s")
	reportCPU(b, c0, b.N)
}

// listFixture writes a database of n orders and closes it.
func listFixture(b *testing.B, n int) string {
	p := filepath.Join(b.TempDir(), "orders.db")
	s, err := sqlite.Open(context.Background(), p, nil)
	if err != nil {
		b.Fatal(err)
	}
	parallel(n, 64, func(i int) {
		id := fmt.Sprintf("TB%08d", i)
		o := benchOrder(id, i%(n/7+1)) // many equal paid-at times
		if i%5 == 0 {
			o.Status = order.OnHold
		}
		if err := s.CreateOrder(context.Background(), o, benchEvent(id)); err != nil {
			b.Error(err)
		}
	})
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkListOrders streams every order of a database of DADAN_BENCH_ORDERS
// orders (100,000 by default) and reports the peak heap while it does.
func BenchmarkListOrders(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("DADAN_BENCH_ORDERS")); err == nil && v > 0 {
		n = v
	}
	p := listFixture(b, n)
	s, err := sqlite.Open(context.Background(), p, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, statuses := range [][]order.Status{nil, {order.OnHold}, {order.Received, order.OnHold}} {
		b.Run(fmt.Sprintf("orders=%d/statuses=%d", n, len(statuses)), func(b *testing.B) {
			var peak uint64
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			b.ResetTimer()
			total := 0
			for range b.N {
				got := 0
				for _, err := range s.ListOrders(context.Background(), statuses...) {
					if err != nil {
						b.Fatal(err)
					}
					got++
					if got%20_000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc-min(ms.HeapAlloc, base))
					}
				}
				total += got
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "orders/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
