package memstore_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/store/memstore"
)

func TestJobStore(t *testing.T) {
	printertest.TestJobStore(t, func(*testing.T) printer.JobStore { return memstore.New() })
}

func TestJobsZeroValueReady(t *testing.T) {
	var s memstore.Store
	j, err := s.AddJob(context.Background(), printer.Job{Key: printer.JobKey{Order: "A", Doc: printer.Waybill}, Printer: "p", Data: []byte("x")})
	if err != nil || j.Seq != 1 {
		t.Fatalf("AddJob on a zero Store: %v %v", j, err)
	}
}

// BenchmarkQueuedJobs measures memory per queued job with a million small jobs.
func BenchmarkQueuedJobs(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	data := []byte("^XA^FO20,20^A0N,30,30^FDJOB-0000000^FS^XZ")
	t0 := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := memstore.New()
		for i := range n {
			_, err := s.AddJob(ctx, printer.Job{
				Key:     printer.JobKey{Order: fmt.Sprintf("TB%013d", i), Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1},
				Printer: "p1", Data: data, MediaLength: 130, CreatedAt: t0, UpdatedAt: t0,
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/job")
		runtime.KeepAlive(s)
	}
}
