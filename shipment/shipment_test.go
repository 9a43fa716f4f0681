package shipment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
)

var t0 = time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// legal is the lifecycle of DESIGN.md, written out pair by pair.
var legal = map[[2]shipment.State]bool{
	{shipment.Created, shipment.WaybillAllocated}:      true,
	{shipment.Created, shipment.Voided}:                true,
	{shipment.WaybillAllocated, shipment.LabelPrinted}: true,
	{shipment.WaybillAllocated, shipment.Voided}:       true,
	{shipment.LabelPrinted, shipment.Packed}:           true,
	{shipment.LabelPrinted, shipment.Voided}:           true,
	{shipment.Packed, shipment.HandedOver}:             true,
	{shipment.Packed, shipment.Voided}:                 true,
	{shipment.HandedOver, shipment.InTransit}:          true,
	{shipment.HandedOver, shipment.OutForDelivery}:     true,
	{shipment.HandedOver, shipment.Delivered}:          true,
	{shipment.HandedOver, shipment.Exception}:          true,
	{shipment.HandedOver, shipment.Returned}:           true,
	{shipment.InTransit, shipment.OutForDelivery}:      true,
	{shipment.InTransit, shipment.Delivered}:           true,
	{shipment.InTransit, shipment.Exception}:           true,
	{shipment.InTransit, shipment.Returned}:            true,
	{shipment.OutForDelivery, shipment.Delivered}:      true,
	{shipment.OutForDelivery, shipment.Exception}:      true,
	{shipment.OutForDelivery, shipment.Returned}:       true,
	{shipment.Exception, shipment.InTransit}:           true,
	{shipment.Exception, shipment.OutForDelivery}:      true,
	{shipment.Exception, shipment.Delivered}:           true,
	{shipment.Exception, shipment.Returned}:            true,
	{shipment.Delivered, shipment.Returned}:            true,
}

func TestEveryStatePair(t *testing.T) {
	require.Len(t, shipment.States, 11)
	for _, from := range shipment.States {
		for _, to := range append(shipment.States, "", "flying") {
			sh := &shipment.Shipment{TrackingNo: "ZT1", State: from, UpdatedAt: t0}
			err := shipment.Move(sh, to, t0.Add(time.Hour))
			if legal[[2]shipment.State{from, to}] {
				require.NoError(t, err, "%s → %s", from, to)
				assert.Equal(t, to, sh.State)
				assert.True(t, sh.UpdatedAt.Equal(t0.Add(time.Hour)))
				assert.True(t, from.CanMove(to))
				continue
			}
			var te *shipment.TransitionError
			require.ErrorAs(t, err, &te, "%s → %s must be refused", from, to)
			assert.Equal(t, from, te.From)
			assert.Equal(t, to, te.To)
			assert.Equal(t, "ZT1", te.TrackingNo)
			assert.True(t, errors.Is(err, shipment.ErrIllegalTransition))
			assert.Contains(t, err.Error(), string(from))
			assert.Contains(t, err.Error(), string(to))
			assert.Equal(t, from, sh.State, "a refused move changes nothing")
			assert.True(t, sh.UpdatedAt.Equal(t0))
		}
	}
	assert.True(t, shipment.Voided.Terminal())
	assert.True(t, shipment.Returned.Terminal())
	assert.False(t, shipment.Delivered.Terminal())
	assert.False(t, shipment.State("flying").Valid())
}

func TestRanks(t *testing.T) {
	line := []shipment.State{shipment.Created, shipment.WaybillAllocated, shipment.LabelPrinted, shipment.Packed,
		shipment.HandedOver, shipment.InTransit, shipment.OutForDelivery, shipment.Delivered}
	for i := 1; i < len(line); i++ {
		assert.Greater(t, line[i].Rank(), line[i-1].Rank(), "%s after %s", line[i], line[i-1])
	}
	assert.Zero(t, shipment.State("flying").Rank())
}

func TestHandOverTime(t *testing.T) {
	sh := &shipment.Shipment{TrackingNo: "ZT1", State: shipment.Packed}
	require.NoError(t, shipment.Move(sh, shipment.HandedOver, t0))
	assert.True(t, sh.HandedOverAt.Equal(t0))
}

func TestAdvance(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	sh := &shipment.Shipment{TrackingNo: "ZT1", State: shipment.HandedOver}
	step := func(to shipment.State, m int) bool {
		t.Helper()
		moved, err := shipment.Advance(sh, to, at(m))
		require.NoError(t, err)
		return moved
	}
	assert.True(t, step(shipment.InTransit, 10))
	assert.False(t, step(shipment.InTransit, 10), "repeated")
	assert.True(t, step(shipment.OutForDelivery, 30))
	assert.False(t, step(shipment.InTransit, 20), "late: older than the newest event")
	assert.False(t, step(shipment.InTransit, 40), "a newer event of lower rank does not move it back")
	assert.Equal(t, shipment.OutForDelivery, sh.State)
	assert.True(t, step(shipment.Exception, 50), "trouble while out for delivery")
	assert.True(t, step(shipment.OutForDelivery, 60), "out of trouble")
	assert.False(t, step("", 70), "a step that only says where the parcel is")
	assert.True(t, sh.LastEventAt.Equal(at(70)))
	assert.True(t, step(shipment.Delivered, 80))
	assert.False(t, step(shipment.Exception, 90), "no exception after delivery")
	assert.False(t, step(shipment.OutForDelivery, 95))
	assert.True(t, step(shipment.Returned, 100), "refused after signing: 退签")
	assert.Equal(t, shipment.Returned, sh.State)
	assert.False(t, step(shipment.Delivered, 110))

	// Skipped steps are fine; tracking a parcel not handed over is not.
	sh = &shipment.Shipment{TrackingNo: "ZT2", State: shipment.HandedOver}
	assert.True(t, step(shipment.Delivered, 1))
	sh = &shipment.Shipment{TrackingNo: "ZT3", State: shipment.Packed}
	moved, err := shipment.Advance(sh, shipment.InTransit, at(1))
	assert.False(t, moved)
	var te *shipment.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, shipment.Packed, te.From)
	assert.Equal(t, shipment.Packed, sh.State)
	sh = &shipment.Shipment{TrackingNo: "ZT4", State: shipment.Voided}
	moved, err = shipment.Advance(sh, shipment.Delivered, at(1))
	assert.False(t, moved)
	assert.NoError(t, err, "a voided number ranks above every tracking state")
}
