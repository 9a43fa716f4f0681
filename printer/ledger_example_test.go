package printer_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// A printer's life in the ledger: registered, used, a fault reported and
// repaired, cleaned.
func ExampleLedger() {
	ctx := context.Background()
	now := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	l := printer.NewLedger(memstore.New(), func() time.Time { return now })

	_, _ = l.Register(ctx, printer.Device{ID: "zebra-1", Model: "ZD421", Location: "A 区 3 号台", URL: "tcp://10.0.0.7:9100"})
	_ = l.RecordUsage(ctx, "zebra-1", 200, 200*130) // 200 waybills of 76×130 mm

	f, _ := l.ReportFault(ctx, printer.FaultRecord{Device: "zebra-1", Symptom: "条码发虚", ReportedBy: "张三"})
	now = now.Add(3 * time.Hour)
	f, _ = l.RecordRepair(ctx, f.ID, printer.Repair{Technician: "李工", Result: "清洁打印头", TestedOK: true})
	_, _ = l.Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: printer.Cleaning, By: "李工"})

	d, _ := l.Device(ctx, "zebra-1")
	fmt.Println(d.ID, d.Status, d.Usage.Documents, d.Usage.MediaMM/1000, "m")
	fmt.Println(f.Symptom, "repaired in", f.RepairedAt.Sub(f.ReportedAt), "tested ok:", f.TestedOK)
	open, _ := l.Faults(ctx, "zebra-1", true)
	fmt.Println("open faults:", len(open))
	// Output:
	// zebra-1 active 200 26 m
	// 条码发虚 repaired in 3h0m0s tested ok: true
	// open faults: 0
}
