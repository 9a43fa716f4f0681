package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/seal"
)

// BenchmarkSealOverhead compares the store with and without keys in one run:
// an order write, an order read, and a job write (a 2 KB document added,
// read back, marked printed).
func BenchmarkSealOverhead(b *testing.B) {
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for _, keys := range []*seal.Ring{nil, testRing(b, "k1")} {
		name := "plain"
		if keys != nil {
			name = "sealed"
		}
		b.Run("CreateOrder/"+name, func(b *testing.B) {
			s := open(b, "", &postgres.Options{Keys: keys})
			b.ResetTimer()
			for i := range b.N {
				o := benchOrder(fmt.Sprintf("TB%013d", i), at.Add(time.Duration(i)*time.Second))
				if err := s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("GetOrder/"+name, func(b *testing.B) {
			s := open(b, "", &postgres.Options{Keys: keys})
			const n = 200
			for i := range n {
				if err := s.CreateOrder(ctx, benchOrder(fmt.Sprintf("TB%013d", i), at)); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := s.GetOrder(ctx, fmt.Sprintf("TB%013d", i%n)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("AddPrintJob/"+name, func(b *testing.B) {
			s := open(b, "", &postgres.Options{Keys: keys})
			data := make([]byte, 2048)
			b.ResetTimer()
			for i := range b.N {
				j, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: fmt.Sprintf("TB%013d", i), Doc: printer.Waybill, Template: "w", Version: "1"},
					Printer: "p", Data: data, CreatedAt: at})
				if err != nil {
					b.Fatal(err)
				}
				if j, err = s.Job(ctx, j.ID); err != nil || len(j.Data) != len(data) {
					b.Fatal(err, len(j.Data))
				}
				j.State, j.PrintedAt, j.Data = printer.Printed, at, nil
				if err := s.UpdateJob(ctx, j, printer.Queued); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
