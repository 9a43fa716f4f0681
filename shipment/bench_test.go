package shipment_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
)

// BenchmarkVerify measures one parcel (a waybill and three item scans) against
// the memory store.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	s := memstore.New()
	for i := range b.N {
		o := &order.Order{ID: fmt.Sprint("B", i), Carrier: "ZTO", Status: order.Printed, Total: decimal.NewFromInt(1),
			Items:   []order.Item{{SKU: "CUP-500-W", Barcode: "6901234567892", Qty: 2}, {SKU: "LID-1", Qty: 1}},
			Waybill: &order.Waybill{TrackingNo: fmt.Sprintf("ZT%010d", i)}}
		require.NoError(b, s.CreateOrder(ctx, o))
		_, err := shipment.Register(ctx, s, o, t0)
		require.NoError(b, err)
	}
	v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: s, Shipments: s})
	require.NoError(b, err)
	b.ResetTimer()
	for i := range b.N {
		for _, l := range []string{fmt.Sprintf("ZT%010d", i), "6901234567892", "CUP-500-W", "LID-1"} {
			if _, err := v.Scan(ctx, l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkIngestSQLite measures tracking events stored one by one in SQLite.
func BenchmarkIngestSQLite(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "dadan.db"), nil)
	require.NoError(b, err)
	defer s.Close()
	require.NoError(b, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "ZT1", State: shipment.HandedOver}))
	b.ResetTimer()
	for i := range b.N {
		ev := shipment.Event{TrackingNo: "ZT1", Time: t0.Add(time.Duration(i) * time.Second), State: shipment.InTransit, Text: "在途"}
		if _, err := shipment.Ingest(ctx, s, []shipment.Event{ev}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSyncSQLite measures Sync over printed orders that all have their
// shipments already: the cost every verify and handover run pays.
func BenchmarkSyncSQLite(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "dadan.db"), nil)
	require.NoError(b, err)
	defer s.Close()
	const n = 2000
	for i := range n {
		o := &order.Order{ID: fmt.Sprint("B", i), Carrier: "ZTO", Status: order.Printed, Total: decimal.NewFromInt(1),
			Items: []order.Item{{SKU: "A", Qty: 1}}, Waybill: &order.Waybill{TrackingNo: fmt.Sprintf("ZT%010d", i)}}
		require.NoError(b, s.CreateOrder(ctx, o))
	}
	_, err = shipment.Sync(ctx, s, s, t0)
	require.NoError(b, err)
	b.ResetTimer()
	for range b.N {
		if _, err := shipment.Sync(ctx, s, s, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/order")
}
