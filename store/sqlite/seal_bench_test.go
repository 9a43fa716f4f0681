package sqlite_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/seal"
	"github.com/dadanhq/dadan/store/sqlite"
)

// BenchmarkSealOverhead compares the store with and without keys in one run:
// order writes (16 goroutines, group commit), order reads, order lists, and
// job writes (two 2 KB documents per order, added then printed).
func BenchmarkSealOverhead(b *testing.B) {
	for _, keys := range []*seal.Ring{nil, testRing(b, "k1")} {
		name := "plain"
		if keys != nil {
			name = "sealed"
		}
		ctx := context.Background()
		b.Run("CreateOrder/"+name, func(b *testing.B) {
			s := open(b, &sqlite.Options{Keys: keys})
			b.ResetTimer()
			c0 := cpuTime()
			parallel(b.N, 16, func(i int) {
				id := "TB" + strconv.Itoa(i)
				if err := s.CreateOrder(ctx, benchOrder(id, i), benchEvent(id)); err != nil {
					b.Error(err)
				}
			})
			reportCPU(b, c0, b.N)
		})
		b.Run("GetOrder/"+name, func(b *testing.B) {
			s := open(b, &sqlite.Options{Keys: keys})
			const n = 1000
			parallel(n, 16, func(i int) {
				id := "TB" + strconv.Itoa(i)
				if err := s.CreateOrder(ctx, benchOrder(id, i)); err != nil {
					b.Error(err)
				}
			})
			b.ResetTimer()
			c0 := cpuTime()
			for i := range b.N {
				if _, err := s.GetOrder(ctx, "TB"+strconv.Itoa(i%n)); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, c0, b.N)
		})
		b.Run("ListOrders10k/"+name, func(b *testing.B) {
			s := open(b, &sqlite.Options{Keys: keys})
			const n = 10000
			parallel(n, 16, func(i int) {
				id := "TB" + strconv.Itoa(i)
				if err := s.CreateOrder(ctx, benchOrder(id, i)); err != nil {
					b.Error(err)
				}
			})
			b.ResetTimer()
			c0 := cpuTime()
			for range b.N {
				got := 0
				for _, err := range s.ListOrders(ctx) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n {
					b.Fatalf("%d orders listed", got)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "orders/s")
			reportCPU(b, c0, b.N)
		})
		b.Run("AddPrintJobs/"+name, func(b *testing.B) {
			s := open(b, &sqlite.Options{Keys: keys})
			data := make([]byte, 2048) // a ZPL waybill is about 2 KB
			b.ResetTimer()
			c0 := cpuTime()
			parallel(b.N, 16, func(i int) {
				id := "TB" + strconv.Itoa(i)
				js, err := s.AddJobs(ctx, []printer.Job{
					{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1}, Printer: "p", Data: data, CreatedAt: benchAt},
					{Key: printer.JobKey{Order: id, Doc: printer.PackingList, Template: "packing-80mm", Version: "1", Copy: 1}, Printer: "p", Data: data, CreatedAt: benchAt},
				})
				if err != nil {
					b.Error(err)
					return
				}
				j, err := s.Job(ctx, js[0].ID)
				if err != nil || len(j.Data) != len(data) {
					b.Error(err, len(j.Data))
					return
				}
				j.State, j.PrintedAt, j.Data = printer.Printed, benchAt, nil
				if err := s.UpdateJob(ctx, j, printer.Queued); err != nil {
					b.Error(err)
				}
			})
			reportCPU(b, c0, b.N)
		})
	}
}
