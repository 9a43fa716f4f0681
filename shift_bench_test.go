package dadan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/escpos"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
)

// shiftStore is what a shift needs of a store.
type shiftStore interface {
	order.Store
	printer.JobStore
	shipment.Sequence
}

// BenchmarkShift runs a whole shift in one process: n distinct generated orders
// ingested and reviewed, then a ZPL waybill and an ESC/POS packing list each,
// printed on two emulated network printers that confirm every job, on the
// memory store and on SQLite in the same run. DADAN_BENCH_SHIFT sets n
// (default 5,000).
//
//	go test -run '^$' -bench Shift -benchtime 1x .
func BenchmarkShift(b *testing.B) {
	n := 5000
	if s := os.Getenv("DADAN_BENCH_SHIFT"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	var in bytes.Buffer
	require.NoError(b, ordertest.New(42).WriteJSONL(&in, n))
	for _, c := range []struct {
		name string
		open func(b *testing.B) shiftStore
	}{
		{"memstore", func(*testing.B) shiftStore { return memstore.New() }},
		{"sqlite", func(b *testing.B) shiftStore {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "shift.db"), nil)
			require.NoError(b, err)
			b.Cleanup(func() { s.Close() })
			return s
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				store := c.open(b)
				st, zebra, receipt := shiftStation(b, store)
				b.StartTimer()
				cpu0 := cpuTime()
				ctx := access.NewContext(context.Background(), access.Principal{ID: "bench"})
				sum, err := st.Ingest(ctx, bytes.NewReader(in.Bytes()), nil)
				require.NoError(b, err)
				ps, err := st.PrintAll(ctx)
				require.NoError(b, err)
				b.StopTimer()
				cpu += cpuTime() - cpu0
				_, zp := zebra.Counts()
				_, rp := receipt.Counts()
				require.Equal(b, sum.Approved, ps.Orders)
				require.Equal(b, ps.Orders, zp)
				require.Equal(b, ps.Orders, rp)
				b.ReportMetric(float64(n), "orders/op")
				if sq, ok := store.(*sqlite.Store); ok {
					stats := sq.Stats()
					b.ReportMetric(float64(stats.Commits)/float64(n), "commits/order")
					b.ReportMetric(float64(stats.Ops)/float64(n), "writes/order")
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/order")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(n), "cpu-µs/order")
		})
	}
}

func shiftStation(b *testing.B, store shiftStore) (*dadan.Station, *printertest.Printer, *printertest.Printer) {
	zebra, err := printertest.New(&printertest.Options{CountOnly: true})
	require.NoError(b, err)
	b.Cleanup(func() { zebra.Close() })
	receipt, err := printertest.New(&printertest.Options{Language: printertest.ESCPOS, CountOnly: true})
	require.NoError(b, err)
	b.Cleanup(func() { receipt.Close() })
	ctx := context.Background()
	zp, err := tcp.Dial(ctx, zebra.Addr(), nil)
	require.NoError(b, err)
	ep, err := tcp.Dial(ctx, receipt.Addr(), &tcp.Options{Language: tcp.ESCPOS})
	require.NoError(b, err)
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(b, err)
	packing, err := label.Standard("packing-80mm")
	require.NoError(b, err)
	zr, err := zpl.New(nil)
	require.NoError(b, err)
	er, err := escpos.New(&escpos.Options{ReplaceUnprintable: true})
	require.NoError(b, err)
	st, err := dadan.New(&dadan.Options{
		Store:     store,
		Printers:  map[string]printer.Printer{"zebra": zp, "receipt": ep},
		Routes:    map[printer.DocKind]string{printer.Waybill: "zebra", printer.PackingList: "receipt"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}, {Kind: printer.PackingList, Template: packing, Renderer: er}},
		Carrier:   dadan.TestCarrierOn(store),
	})
	require.NoError(b, err)
	return st, zebra, receipt
}
