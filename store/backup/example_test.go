package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
)

// A weekly full backup, a daily increment, and a new store restored from both.
func Example() {
	ctx := context.Background()
	day := time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)
	src := memstore.New()
	_ = src.CreateOrder(ctx, &order.Order{ID: "TB1", Status: order.Received, PaidAt: day},
		order.Event{Time: day, Actor: "system", OrderID: "TB1", Action: order.ActReceived, To: order.Received})
	_ = src.AddDevice(ctx, printer.Device{ID: "waybill", Status: printer.DeviceActive})

	var made []backup.Manifest
	var files []*bytes.Buffer
	for _, now := range []time.Time{day, day.Add(24 * time.Hour)} {
		kind := backup.Due(made, now)
		var after *backup.Manifest
		if kind == backup.Incremental {
			after = &made[len(made)-1]
		}
		var b bytes.Buffer
		m, err := backup.Write(ctx, &b, src, after, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d orders, %d events, %d jobs\n", m.Kind, m.Orders, m.Events, m.Records[backup.KindJob])
		made, files = append(made, m), append(files, &b)
		// between the backups a job is queued
		_, _ = src.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "TB1", Doc: printer.Waybill, Copy: 1}, Printer: "waybill"})
	}

	dst := memstore.New()
	m, err := backup.Restore(ctx, dst, files[0], files[1])
	fmt.Println("restored up to seq", m.Head.Seq, err)
	js, _ := dst.Jobs(ctx, printer.JobFilter{})
	fmt.Println("jobs:", len(js), js[0].ID)
	// Output:
	// full: 1 orders, 1 events, 0 jobs
	// incremental: 0 orders, 0 events, 1 jobs
	// restored up to seq 1 <nil>
	// jobs: 1 J1
}
