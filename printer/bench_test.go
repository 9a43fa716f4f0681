package printer_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/store/memstore"
)

// BenchmarkSpoolerThroughput queues b.N small labels and drains them to an
// emulated printer over loopback TCP, each confirmed by a ~HS query.
func BenchmarkSpoolerThroughput(b *testing.B) {
	emu, err := printertest.New(nil)
	require.NoError(b, err)
	defer emu.Close()
	store := memstore.New()
	s, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(b, emu)}, fastOptions())
	require.NoError(b, err)
	ctx := context.Background()
	for i := range b.N {
		_, err := s.Submit(ctx, spec(i, printer.Waybill))
		require.NoError(b, err)
	}
	b.ResetTimer()
	start := time.Now()
	require.NoError(b, s.Drain(ctx))
	el := time.Since(start)
	b.StopTimer()
	require.GreaterOrEqual(b, len(emu.Printed()), b.N)
	b.ReportMetric(float64(b.N)/el.Seconds(), "jobs/s")
}

// BenchmarkSpoolerLatency measures one job from Submit to the printed event with
// the spooler idle: the time a packer waits for a single label.
func BenchmarkSpoolerLatency(b *testing.B) {
	emu, err := printertest.New(nil)
	require.NoError(b, err)
	defer emu.Close()
	printed := make(chan struct{}, 1)
	opts := fastOptions()
	opts.OnEvent = func(e printer.Event) {
		if e.Kind == printer.EventPrinted {
			printed <- struct{}{}
		}
	}
	s, err := printer.New(memstore.New(), map[string]printer.Printer{"A": dialEmu(b, emu)}, opts)
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Submit(ctx, spec(i, printer.Waybill)); err != nil {
			b.Fatal(err)
		}
		<-printed
	}
}
