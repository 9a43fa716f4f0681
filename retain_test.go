package dadan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/retention"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/shipment"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The whole way: A1 printed, handed over and delivered by a tracking event
// 31 days ago; B1 refunded; Station.Retain erases A1 and keeps B1 (cancelled
// just now), for a manager and not for an operator.
func TestStationRetain(t *testing.T) {
	pol := &access.Policy{Users: map[string][]string{"boss": {"manager"}, "olga": {"operator"}}}
	st, store := authRig(t, pol, true)
	sys := access.NewContext(context.Background(), access.System)
	a1, err := store.GetOrder(sys, "A1")
	require.NoError(t, err)
	sh, err := shipment.Register(sys, store, a1, time.Now().AddDate(0, 0, -40))
	require.NoError(t, err)
	require.NoError(t, store.UpdateShipment(sys, sh.TrackingNo, func(sh *shipment.Shipment) error {
		if err := shipment.Move(sh, shipment.Packed, time.Now().AddDate(0, 0, -40)); err != nil {
			return err
		}
		return shipment.Move(sh, shipment.HandedOver, time.Now().AddDate(0, 0, -40))
	}))
	delivered := time.Now().AddDate(0, 0, -31).Truncate(time.Second)
	as, err := shipment.Ingest(sys, store, []shipment.Event{{TrackingNo: sh.TrackingNo, Time: delivered,
		State: shipment.Delivered, Text: "已签收，签收人：张三 13800138000"}})
	require.NoError(t, err)
	require.True(t, as[0].Moved)
	got, err := store.GetShipment(sys, sh.TrackingNo)
	require.NoError(t, err)
	assert.True(t, got.DeliveredAt.Equal(delivered), "the tracking event that delivers sets DeliveredAt")
	_, err = st.Resolve(sys, "B1", review.Refund{Reason: "buyer cancelled"})
	require.NoError(t, err)

	olga := access.NewContext(context.Background(), access.Principal{ID: "olga"})
	_, err = st.Retain(olga, 30, nil)
	require.ErrorIs(t, err, access.ErrDenied)
	a1, _ = store.GetOrder(sys, "A1")
	assert.False(t, a1.Erased())

	boss := access.NewContext(context.Background(), access.Principal{ID: "boss"})
	var seen []retention.Erasure
	sum, err := st.Retain(boss, 30, &retention.RunOptions{OnErase: func(e retention.Erasure) error {
		seen = append(seen, e)
		return nil
	}})
	require.NoError(t, err)
	assert.Equal(t, retention.Summary{Checked: 1, Erased: 1}, sum)
	require.Len(t, seen, 1)
	assert.Equal(t, "A1", seen[0].OrderID)
	assert.True(t, seen[0].At.Equal(delivered))
	a1, err = store.GetOrder(sys, "A1")
	require.NoError(t, err)
	assert.True(t, a1.Erased())
	assert.Equal(t, order.ErasedValue, a1.Recipient.Phone)
	assert.Equal(t, order.Printed, a1.Status)
	evs, err := store.Events(sys, sh.TrackingNo)
	require.NoError(t, err)
	assert.Equal(t, "已签收，签收人：[erased] [erased]", evs[0].Text)
	b1, err := store.GetOrder(sys, "B1")
	require.NoError(t, err)
	assert.Equal(t, "13800138001", b1.Recipient.Phone, "cancelled just now: kept")

	// Masked readers see the marker, not a mangled one.
	viewer := access.NewContext(context.Background(), access.Principal{ID: "v", Roles: []string{"viewer"}})
	shown, err := st.Order(viewer, "A1")
	require.NoError(t, err)
	assert.Equal(t, order.ErasedValue, shown.Recipient.Name)
	_, err = order.VerifyStore(sys, store)
	require.NoError(t, err)
}

// The journal is kept for good: phone numbers people write into release notes,
// refund reasons and change-of-recipient reasons are journaled masked.
func TestFreeTextJournaledMasked(t *testing.T) {
	st, store := authRig(t, nil, false)
	ctx := context.Background()
	require.NoError(t, st.Release(ctx, "H1", true, "called 13800138002, confirmed"))
	_, err := st.Resolve(ctx, "A1", review.Refund{Reason: "buyer 13800138000 asked"})
	require.NoError(t, err)
	_, err = st.Amend(ctx, "B1", newRecipient, "buyer rang from 13911113333", nil)
	require.NoError(t, err)
	var details []string
	for ev, err := range store.Journal(ctx, 0) {
		require.NoError(t, err)
		details = append(details, ev.Detail)
	}
	all := strings.Join(details, "\n")
	for _, phone := range []string{"13800138002", "13800138000", "13911113333", "13911112222"} {
		assert.NotContains(t, all, phone)
	}
	assert.Contains(t, all, "called 138****8002, confirmed")
	assert.Contains(t, all, "refund: buyer 138****8000 asked")
	assert.Contains(t, all, "buyer rang from 139****3333")
}
