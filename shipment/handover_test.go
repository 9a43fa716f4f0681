package shipment_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

func TestHandover(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	for _, c := range []struct{ id, no string }{{"A", "ZT5000000001"}, {"B", "ZT5000000002"}, {"C", "ZT5000000003"}, {"D", "ZT5000000004"}} {
		printedOrder(t, s, c.id, c.no, cup(1))
	}
	printedOrder(t, s, "Y", "YT5000000009", cup(1))
	require.NoError(t, s.UpdateShipment(ctx, "YT5000000009", func(sh *shipment.Shipment) error { sh.Carrier = "YTO"; return nil }))
	rs := session(t, s, nil, "ZT5000000001", "CUP-500-W", "w:1200", "ZT5000000002", "CUP-500-W",
		"ZT5000000003", "CUP-500-W", "YT5000000009", "CUP-500-W")
	for _, r := range rs {
		require.Equal(t, shipment.OK, r.Outcome, r.Reason)
	}
	// C is refunded after verification: it must not be on the list.
	require.NoError(t, s.UpdateOrder(ctx, "C", func(o *order.Order) ([]order.Event, error) {
		ev, err := order.Move(o, order.Cancelled, t0, "cs", order.ActResolved, "refund")
		return []order.Event{ev}, err
	}))
	opts := &shipment.HandoverOptions{Orders: s, Shipments: s, Sequence: s, Actor: "dock-1", Clock: func() time.Time { return t0 }}
	m, err := shipment.PrepareManifest(ctx, opts, "ZTO")
	require.NoError(t, err)
	assert.Equal(t, "001", m.Batch)
	assert.Equal(t, "ZTO-20261111-001", m.Name())
	var nos []string
	for _, p := range m.Parcels {
		nos = append(nos, p.TrackingNo)
	}
	assert.Equal(t, []string{"ZT5000000001", "ZT5000000002"}, nos, "verified, packed ZTO parcels only")
	assert.Equal(t, 1200, m.TotalGrams())

	// The courier scanned A and a parcel not on the list, and not B.
	m.Reconcile([]string{"ZT5000000001", "ZT5000000003", "ZT5000000001"})
	assert.Equal(t, []string{"ZT5000000002"}, m.Missing)
	assert.Equal(t, []string{"ZT5000000003"}, m.Unknown)
	require.Len(t, m.Parcels, 1)

	done, err := shipment.HandOver(ctx, opts, m)
	require.NoError(t, err)
	assert.Equal(t, []string{"ZT5000000001"}, done)
	assert.Equal(t, order.Shipped, status(t, s, "A"))
	assert.Equal(t, order.Verified, status(t, s, "B"), "not scanned: not handed over")
	sh, err := s.GetShipment(ctx, "ZT5000000001")
	require.NoError(t, err)
	assert.Equal(t, shipment.HandedOver, sh.State)
	assert.Equal(t, "ZTO-20261111-001", sh.Batch)
	assert.True(t, sh.HandedOverAt.Equal(t0))
	assert.Equal(t, shipment.Packed, shState(t, s, "ZT5000000002"))

	// The next batch of the day: B; A is not listed again.
	m, err = shipment.PrepareManifest(ctx, opts, "ZTO")
	require.NoError(t, err)
	assert.Equal(t, "002", m.Batch)
	require.Len(t, m.Parcels, 1)
	assert.Equal(t, "ZT5000000002", m.Parcels[0].TrackingNo)
	// Handing over the same manifest twice hands over nothing the second time.
	_, err = shipment.HandOver(ctx, opts, m)
	require.NoError(t, err)
	done, err = shipment.HandOver(ctx, opts, m)
	require.NoError(t, err)
	assert.Empty(t, done)
	assert.Equal(t, order.Shipped, status(t, s, "B"))
	var last order.Event
	for ev := range s.Journal(ctx, 0) {
		last = ev
	}
	assert.Equal(t, order.ActShipped, last.Action)
	assert.Equal(t, "dock-1", last.Actor)
	_, err = shipment.PrepareManifest(ctx, opts, "")
	assert.Error(t, err)
}

func TestHandoverMultiPiece(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	o := printedOrder(t, s, "M", "SF2000000001", cup(1))
	require.NoError(t, s.UpdateShipment(ctx, "SF2000000001", func(sh *shipment.Shipment) error {
		sh.ParentNo, sh.Piece, sh.Pieces = "SF2000000001", 1, 2
		return nil
	}))
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "SF2000000002", OrderID: o.ID, Carrier: "ZTO",
		State: shipment.LabelPrinted, ParentNo: "SF2000000001", Piece: 2, Pieces: 2}))
	rs := session(t, s, nil, "SF2000000001", "SF2000000002", "CUP-500-W")
	require.Equal(t, shipment.OK, rs[0].Outcome, rs[0].Reason)
	opts := &shipment.HandoverOptions{Orders: s, Shipments: s, Clock: func() time.Time { return t0 }}
	m, err := shipment.PrepareManifest(ctx, opts, "ZTO")
	require.NoError(t, err)
	require.Len(t, m.Parcels, 2, "a line per piece")
	assert.Equal(t, 2, m.Parcels[1].Piece)
	m.Reconcile([]string{"SF2000000002"})
	_, err = shipment.HandOver(ctx, opts, m)
	require.NoError(t, err)
	assert.Equal(t, order.Verified, status(t, s, "M"), "one piece is still in the warehouse")
	m, err = shipment.PrepareManifest(ctx, opts, "ZTO")
	require.NoError(t, err)
	require.Len(t, m.Parcels, 1)
	_, err = shipment.HandOver(ctx, opts, m)
	require.NoError(t, err)
	assert.Equal(t, order.Shipped, status(t, s, "M"), "every piece handed over")
}
