package shipment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

// printedOrder stores an order in status printed with waybill no and registers
// its shipment.
func printedOrder(t *testing.T, s *memstore.Store, id, no string, items ...order.Item) *order.Order {
	t.Helper()
	ctx := context.Background()
	o := &order.Order{ID: id, Platform: order.Taobao, Carrier: "ZTO", PaidAt: t0, Status: order.Printed,
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "文一西路969号"},
		Items:     items, Total: decimal.RequireFromString("100.00"),
		Waybill: &order.Waybill{TrackingNo: no}}
	require.NoError(t, s.CreateOrder(ctx, o))
	_, err := shipment.Register(ctx, s, o, t0)
	require.NoError(t, err)
	return o
}

func cup(qty int) order.Item {
	return order.Item{SKU: "CUP-500-W", Barcode: "6901234567892", Name: "保温杯", Qty: qty, UnitPrice: decimal.RequireFromString("50")}
}

func lid(qty int) order.Item {
	return order.Item{SKU: "LID-1", Barcode: "6909876543212", Name: "杯盖", Qty: qty, UnitPrice: decimal.RequireFromString("5")}
}

// session feeds lines to a new verifier and returns every result.
func session(t *testing.T, s *memstore.Store, opts *shipment.VerifyOptions, lines ...string) []shipment.Result {
	t.Helper()
	ctx := context.Background()
	o := shipment.VerifyOptions{Orders: s, Shipments: s, Actor: "packer-7", Clock: func() time.Time { return t0 }}
	if opts != nil {
		o.Labels, o.Weights, o.ToleranceGrams, o.TolerancePercent, o.PackagingGrams = opts.Labels, opts.Weights, opts.ToleranceGrams, opts.TolerancePercent, opts.PackagingGrams
	}
	v, err := shipment.NewVerifier(o)
	require.NoError(t, err)
	var out []shipment.Result
	for _, l := range lines {
		r, err := v.Scan(ctx, l)
		require.NoError(t, err)
		if r != nil {
			out = append(out, *r)
		}
	}
	r, err := v.Close(ctx)
	require.NoError(t, err)
	if r != nil {
		out = append(out, *r)
	}
	return out
}

func status(t *testing.T, s *memstore.Store, id string) order.Status {
	o, err := s.GetOrder(context.Background(), id)
	require.NoError(t, err)
	return o.Status
}

func shState(t *testing.T, s *memstore.Store, no string) shipment.State {
	sh, err := s.GetShipment(context.Background(), no)
	require.NoError(t, err)
	return sh.State
}

func TestVerifyOK(t *testing.T) {
	s := memstore.New()
	printedOrder(t, s, "A", "ZT1000000001", cup(2), lid(1))
	rs := session(t, s, nil, "ZT1000000001", "6901234567892", "CUP-500-W", "\t6909876543212\r", "", ".")
	require.Len(t, rs, 1)
	r := rs[0]
	assert.Equal(t, shipment.OK, r.Outcome, r.Reason)
	assert.Equal(t, "A", r.OrderID)
	assert.Empty(t, r.Missing)
	assert.Empty(t, r.Extra)
	assert.Equal(t, order.Verified, status(t, s, "A"))
	assert.Equal(t, shipment.Packed, shState(t, s, "ZT1000000001"))
	var last order.Event
	for ev, err := range s.Journal(context.Background(), 0) {
		require.NoError(t, err)
		last = ev
	}
	assert.Equal(t, order.ActVerified, last.Action)
	assert.Equal(t, "packer-7", last.Actor, "the journal records who scanned")
	assert.True(t, last.Time.Equal(t0), "and when")

	// Verified again in a later session: still ok, no second move.
	rs = session(t, s, nil, "ZT1000000001", "CUP-500-W", "CUP-500-W", "LID-1")
	require.Len(t, rs, 1)
	assert.Equal(t, shipment.OK, rs[0].Outcome, rs[0].Reason)
}

func TestVerifyMismatches(t *testing.T) {
	s := memstore.New()
	printedOrder(t, s, "A", "ZT1000000001", cup(2))
	printedOrder(t, s, "B", "ZT1000000002", lid(1))
	printedOrder(t, s, "C", "ZT1000000003", cup(1), lid(1))

	t.Run("WrongItem", func(t *testing.T) {
		rs := session(t, s, nil, "ZT1000000001", "CUP-500-W", "6909876543212", ".")
		require.Len(t, rs, 1)
		assert.Equal(t, shipment.Mismatch, rs[0].Outcome)
		assert.Equal(t, []shipment.Line{{SKU: "CUP-500-W", Qty: 1}}, rs[0].Missing)
		assert.Equal(t, []shipment.Line{{SKU: "6909876543212", Qty: 1}}, rs[0].Extra)
	})
	t.Run("MissingItem", func(t *testing.T) {
		rs := session(t, s, nil, "ZT1000000003", "CUP-500-W")
		require.Len(t, rs, 1)
		assert.Equal(t, shipment.Mismatch, rs[0].Outcome)
		assert.Equal(t, []shipment.Line{{SKU: "LID-1", Qty: 1}}, rs[0].Missing)
		assert.Empty(t, rs[0].Extra)
	})
	t.Run("ExtraQuantity", func(t *testing.T) {
		rs := session(t, s, nil, "ZT1000000001", "CUP-500-W", "CUP-500-W", "6901234567892", ".")
		require.Len(t, rs, 1)
		assert.Equal(t, shipment.Mismatch, rs[0].Outcome)
		assert.Empty(t, rs[0].Missing)
		assert.Equal(t, []shipment.Line{{SKU: "CUP-500-W", Qty: 1}}, rs[0].Extra)
	})
	t.Run("SwappedParcels", func(t *testing.T) {
		// A's label on B's goods and B's label on A's: the next number closes a parcel.
		rs := session(t, s, nil, "ZT1000000001", "LID-1", "ZT1000000002", "CUP-500-W", "CUP-500-W")
		require.Len(t, rs, 2)
		assert.Equal(t, "ZT1000000001", rs[0].TrackingNo)
		assert.Equal(t, shipment.Mismatch, rs[0].Outcome)
		assert.Equal(t, []shipment.Line{{SKU: "CUP-500-W", Qty: 2}}, rs[0].Missing)
		assert.Equal(t, []shipment.Line{{SKU: "LID-1", Qty: 1}}, rs[0].Extra)
		assert.Equal(t, shipment.Mismatch, rs[1].Outcome)
		assert.Equal(t, []shipment.Line{{SKU: "LID-1", Qty: 1}}, rs[1].Missing)
		assert.Equal(t, []shipment.Line{{SKU: "CUP-500-W", Qty: 2}}, rs[1].Extra)
	})
	for _, id := range []string{"A", "B", "C"} {
		assert.Equal(t, order.Printed, status(t, s, id), "a mismatch verifies nothing")
	}
}

func TestVerifyBlocked(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	printedOrder(t, s, "REFUND", "ZT2000000001", cup(1))
	require.NoError(t, s.UpdateOrder(ctx, "REFUND", func(o *order.Order) ([]order.Event, error) {
		ev, err := order.Move(o, order.Cancelled, t0, "cs", order.ActResolved, "refund")
		return []order.Event{ev}, err
	}))
	printedOrder(t, s, "VOID", "ZT2000000002", cup(1))
	require.NoError(t, s.UpdateShipment(ctx, "ZT2000000002", func(sh *shipment.Shipment) error {
		return shipment.Move(sh, shipment.Voided, t0)
	}))
	printedOrder(t, s, "CHANGED", "ZT2000000003", cup(1))
	require.NoError(t, s.UpdateOrder(ctx, "CHANGED", func(o *order.Order) ([]order.Event, error) {
		o.Revision++
		return nil, nil
	}))
	printedOrder(t, s, "RENUMBERED", "ZT2000000004", cup(1))
	require.NoError(t, s.UpdateOrder(ctx, "RENUMBERED", func(o *order.Order) ([]order.Event, error) {
		o.Waybill = &order.Waybill{TrackingNo: "ZT2000000099"}
		return nil, nil
	}))
	printedOrder(t, s, "TWICE", "ZT2000000005", cup(1))

	rs := session(t, s, nil,
		"ZT2000000001", "CUP-500-W",
		"ZT2000000002", "CUP-500-W",
		"ZT2000000003", "CUP-500-W",
		"ZT2000000004", "CUP-500-W",
		"ZT2000000005", "ZT2000000005", "CUP-500-W", ".", // read twice in a row: one parcel
		"ZT2000000005", "CUP-500-W", ".", // the same number on a second parcel
	)
	require.Len(t, rs, 6)
	want := []string{"cancelled", "voided", "changed after printing", "replaced", "", "scanned twice"}
	for i, r := range rs[:4] {
		assert.Equal(t, shipment.Blocked, r.Outcome, r.TrackingNo)
		assert.Contains(t, r.Reason, want[i])
	}
	assert.Equal(t, shipment.OK, rs[4].Outcome, rs[4].Reason)
	assert.Equal(t, shipment.Blocked, rs[5].Outcome)
	assert.Contains(t, rs[5].Reason, want[5])
	assert.Equal(t, order.Cancelled, status(t, s, "REFUND"))
	assert.Equal(t, order.Printed, status(t, s, "CHANGED"))
	assert.Equal(t, order.Printed, status(t, s, "RENUMBERED"))

	// A label the print queue made from an older revision.
	printedOrder(t, s, "STALE", "ZT2000000006", cup(1))
	labels := labelsFunc(func(id string) (shipment.LabelInfo, bool) {
		return shipment.LabelInfo{Printed: true, Revision: -1}, true
	})
	rs = session(t, s, &shipment.VerifyOptions{Labels: labels}, "ZT2000000006", "CUP-500-W")
	require.Len(t, rs, 1)
	assert.Equal(t, shipment.Blocked, rs[0].Outcome)
	labels = func(id string) (shipment.LabelInfo, bool) { return shipment.LabelInfo{Printed: false}, true }
	rs = session(t, s, &shipment.VerifyOptions{Labels: labels}, "ZT2000000006", "CUP-500-W")
	assert.Equal(t, shipment.Blocked, rs[0].Outcome)
	assert.Contains(t, rs[0].Reason, "reprint")
	labels = func(id string) (shipment.LabelInfo, bool) { return shipment.LabelInfo{Printed: true}, true }
	rs = session(t, s, &shipment.VerifyOptions{Labels: labels}, "ZT2000000006", "CUP-500-W")
	assert.Equal(t, shipment.OK, rs[0].Outcome)
}

type labelsFunc func(id string) (shipment.LabelInfo, bool)

func (f labelsFunc) Label(_ context.Context, id string) (shipment.LabelInfo, bool, error) {
	i, ok := f(id)
	return i, ok, nil
}

func TestVerifyUnknownAndGarbage(t *testing.T) {
	s := memstore.New()
	printedOrder(t, s, "A", "ZT3000000001", cup(1))
	huge := strings.Repeat("7", 10<<20)
	rs := session(t, s, nil,
		"CUP-500-W",         // an item with no parcel open
		"\x1b[2J\x00^XA^FO", // garbage outside a parcel
		"YT9999999999999",   // a number nobody knows
		"CUP-500-W",         // swallowed by the unknown parcel
		"ZT3000000001", "CUP-500-W", "\x00\x01", huge, ".",
		"ZT3000000001", "CUP-500-W", // twice: blocked
	)
	require.Len(t, rs, 5)
	assert.Equal(t, shipment.Unknown, rs[0].Outcome)
	assert.Equal(t, "CUP-500-W", rs[0].TrackingNo)
	assert.Equal(t, shipment.Unknown, rs[1].Outcome)
	assert.Empty(t, rs[1].TrackingNo, "garbage is not echoed")
	assert.Equal(t, shipment.Unknown, rs[2].Outcome)
	assert.Equal(t, "YT9999999999999", rs[2].TrackingNo)
	assert.Contains(t, rs[2].Reason, "no shipment")
	assert.Equal(t, shipment.Mismatch, rs[3].Outcome, "a parcel with unreadable scans is scanned again")
	assert.Equal(t, 2, rs[3].Garbage)
	assert.Empty(t, rs[3].Missing)
	assert.Equal(t, order.Printed, status(t, s, "A"))
	assert.Equal(t, shipment.Blocked, rs[4].Outcome)
}

type weights map[string]int

func (w weights) Weight(_ context.Context, sku string) (int, bool, error) {
	g, ok := w[sku]
	return g, ok, nil
}

func TestVerifyWeight(t *testing.T) {
	s := memstore.New()
	printedOrder(t, s, "A", "ZT4000000001", cup(2))
	printedOrder(t, s, "B", "ZT4000000002", cup(2))
	printedOrder(t, s, "C", "ZT4000000003", lid(1))
	opts := &shipment.VerifyOptions{Weights: weights{"CUP-500-W": 400}, PackagingGrams: 50, ToleranceGrams: 30, TolerancePercent: 2}
	rs := session(t, s, opts,
		"ZT4000000001", "CUP-500-W", "CUP-500-W", "w:0.86kg", // 850 expected, ±30
		"ZT4000000002", "CUP-500-W", "CUP-500-W", "W=700g", // a cup short in the box?
		"ZT4000000003", "LID-1", "w:9999", // no weight known for LID-1: no check
	)
	require.Len(t, rs, 3)
	assert.Equal(t, shipment.OK, rs[0].Outcome, rs[0].Reason)
	assert.Equal(t, 860, rs[0].WeightGrams)
	assert.Equal(t, 850, rs[0].ExpectedGrams)
	assert.Equal(t, shipment.Mismatch, rs[1].Outcome)
	assert.Contains(t, rs[1].Reason, "700 g")
	assert.Equal(t, shipment.OK, rs[2].Outcome, rs[2].Reason)
	sh, err := s.GetShipment(context.Background(), "ZT4000000001")
	require.NoError(t, err)
	assert.Equal(t, 860, sh.WeightGrams)
}

func TestVerifyMultiPiece(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	o := printedOrder(t, s, "M", "SF1000000001", cup(1), lid(1))
	require.NoError(t, s.UpdateShipment(ctx, "SF1000000001", func(sh *shipment.Shipment) error {
		sh.ParentNo, sh.Piece, sh.Pieces = "SF1000000001", 1, 2
		return nil
	}))
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "SF1000000002", OrderID: o.ID, Carrier: "SF",
		State: shipment.LabelPrinted, ParentNo: "SF1000000001", Piece: 2, Pieces: 2}))
	rs := session(t, s, nil, "SF1000000001", "CUP-500-W", "LID-1", ".")
	require.Len(t, rs, 1)
	assert.Equal(t, shipment.Mismatch, rs[0].Outcome)
	assert.Equal(t, []shipment.Line{{SKU: "piece SF1000000002", Qty: 1}}, rs[0].Missing)

	rs = session(t, s, nil, "SF1000000002", "CUP-500-W", "SF1000000001", "LID-1", ".")
	require.Len(t, rs, 1)
	assert.Equal(t, shipment.OK, rs[0].Outcome, rs[0].Reason)
	assert.Equal(t, shipment.Packed, shState(t, s, "SF1000000001"))
	assert.Equal(t, shipment.Packed, shState(t, s, "SF1000000002"))
}

func TestLooksLikeWaybill(t *testing.T) {
	for code, want := range map[string]bool{
		"756123456789":    true, // ZTO, not a valid GTIN-12
		"YT1234567890123": true,
		"SF1234567890123": true,
		"EE900000001CN":   false, // 9 digits but letters at both ends... has 9 digits
		"6901234567892":   false, // EAN-13
		"CUP-500-W":       false,
		"ABCDEFGHIJ":      false,
		"12345":           false,
	} {
		if code == "EE900000001CN" {
			want = true
		}
		assert.Equal(t, want, shipment.LooksLikeWaybill(code), code)
	}
}

func FuzzVerifierScan(f *testing.F) {
	f.Add("ZT1000000001\n6901234567892\nCUP-500-W\n.")
	f.Add("w:1.5kg\nZT1000000001\nw:abc\nW=12g\n\x00\n.\n.")
	f.Add("YT9999999999999\nLID-1\nZT1000000001\nZT1000000001")
	f.Fuzz(func(t *testing.T, in string) {
		ctx := context.Background()
		s := memstore.New()
		printedOrder(t, s, "A", "ZT1000000001", cup(2), lid(1))
		v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: s, Shipments: s})
		require.NoError(t, err)
		check := func(r *shipment.Result) {
			if r == nil {
				return
			}
			switch r.Outcome {
			case shipment.OK, shipment.Mismatch, shipment.Blocked, shipment.Unknown:
			default:
				t.Fatalf("outcome %q", r.Outcome)
			}
			if r.Outcome == shipment.OK && (len(r.Missing) > 0 || len(r.Extra) > 0 || r.Garbage > 0) {
				t.Fatalf("ok with differences: %+v", r)
			}
			if len(r.TrackingNo) > shipment.MaxScan {
				t.Fatalf("long scan echoed")
			}
		}
		for _, l := range strings.Split(in, "\n") {
			r, err := v.Scan(ctx, l)
			require.NoError(t, err)
			check(r)
		}
		r, err := v.Close(ctx)
		require.NoError(t, err)
		check(r)
	})
}
