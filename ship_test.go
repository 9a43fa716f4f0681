package dadan_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/pool"
	"github.com/dadanhq/dadan/store/memstore"
)

var newRecipient = order.Party{Name: "李四", Phone: "13911112222", Province: "江苏省", City: "南京市",
	District: "玄武区", Address: "中山路1号"}

// oneOrder ingests the first sample order and returns its id.
func oneOrder(t *testing.T, st *dadan.Station) string {
	t.Helper()
	in := strings.SplitN(string(sample.Orders), "\n", 2)[0]
	_, err := st.Ingest(context.Background(), strings.NewReader(in), nil)
	require.NoError(t, err)
	return "TB2026111100000"
}

func journal(t *testing.T, s order.Store, id string) []order.Event {
	var evs []order.Event
	for ev, err := range s.Journal(context.Background(), 0) {
		require.NoError(t, err)
		if ev.OrderID == id {
			evs = append(evs, ev)
		}
	}
	return evs
}

func verifyScan(t *testing.T, s *memstore.Store, lines ...string) []shipment.Result {
	t.Helper()
	ctx := context.Background()
	_, err := shipment.Sync(ctx, s, s, t0)
	require.NoError(t, err)
	v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: s, Shipments: s, Labels: dadan.JobLabels(s), Actor: "packer"})
	require.NoError(t, err)
	var out []shipment.Result
	for _, l := range append(lines, ".") {
		r, err := v.Scan(ctx, l)
		require.NoError(t, err)
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}

func TestAmendBeforePrinting(t *testing.T) {
	rig := newPrintRig(t)
	ctx := access.NewContext(context.Background(), access.Principal{ID: "cs-1"})
	id := oneOrder(t, rig.st)
	_, err := rig.st.Amend(ctx, id, newRecipient, "", nil)
	assert.ErrorIs(t, err, dadan.ErrNoReason)
	_, err = rig.st.Amend(ctx, id, order.Party{Name: "x"}, "buyer asked", nil)
	assert.ErrorIs(t, err, dadan.ErrRecipient)

	res, err := rig.st.Amend(ctx, id, newRecipient, "buyer moved", nil)
	require.NoError(t, err)
	assert.Equal(t, dadan.AmendUpdated, res.Action)
	assert.Equal(t, order.Approved, res.Status, "reviewed again")
	o, err := rig.store.GetOrder(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "李四", o.Recipient.Name)
	assert.Equal(t, "南京市", o.Recipient.City)
	assert.Equal(t, 1, o.Revision)
	evs := journal(t, rig.store, id)
	var change order.Event
	for _, ev := range evs {
		if ev.Action == order.ActResolved {
			change = ev
		}
	}
	assert.Equal(t, "cs-1", change.Actor)
	assert.Contains(t, change.Detail, "buyer moved")
	assert.NotContains(t, change.Detail, "李四", "the journal masks names")
	assert.Equal(t, order.ActReviewed, evs[len(evs)-1].Action)

	// It prints with the new data and no reprint mark: nothing was printed before.
	_, err = rig.st.Print(ctx)
	require.NoError(t, err)
	require.NoError(t, rig.st.Drain(ctx))
	printed := rig.emu.Printed()
	require.Len(t, printed, 1)
	assert.NotContains(t, string(printed[0].Data), "补打")
}

func TestAmendAfterPrinting(t *testing.T) {
	for _, verified := range []bool{false, true} {
		t.Run(map[bool]string{false: "Printed", true: "Verified"}[verified], func(t *testing.T) {
			rig := newPrintRig(t)
			ctx := context.Background()
			id := oneOrder(t, rig.st)
			_, err := rig.st.Print(ctx)
			require.NoError(t, err)
			require.NoError(t, rig.st.Drain(ctx))
			o, err := rig.store.GetOrder(ctx, id)
			require.NoError(t, err)
			require.Equal(t, order.Printed, o.Status)
			old := o.Waybill.TrackingNo
			items := []string{old}
			for _, it := range o.Items {
				for range it.Qty {
					items = append(items, it.SKU)
				}
			}
			if verified {
				rs := verifyScan(t, rig.store, items...)
				require.Equal(t, shipment.OK, rs[0].Outcome, rs[0].Reason)
			}

			res, err := rig.st.Amend(ctx, id, newRecipient, "address typo", nil)
			require.NoError(t, err)
			assert.Equal(t, dadan.AmendRelabelled, res.Action)
			assert.Equal(t, old, res.OldTrackingNo)
			assert.NotEqual(t, old, res.NewTrackingNo)
			assert.Equal(t, 2, res.Jobs, "waybill and packing list queued again")
			st, ok := rig.carrier.State(old)
			require.True(t, ok)
			assert.Equal(t, pool.Cancelled, st, "the old number is cancelled with the carrier")
			sh, err := rig.store.GetShipment(ctx, old)
			require.NoError(t, err)
			assert.Equal(t, shipment.Voided, sh.State)

			// The old label is blocked until, and after, the new one prints.
			rs := verifyScan(t, rig.store, items...)
			require.Len(t, rs, 1)
			assert.Equal(t, shipment.Blocked, rs[0].Outcome)
			assert.Contains(t, rs[0].Reason, "voided")

			require.NoError(t, rig.st.Drain(ctx))
			printed := rig.emu.Printed()
			require.Len(t, printed, 2)
			assert.Contains(t, string(printed[1].Data), res.NewTrackingNo)
			assert.Contains(t, string(printed[1].Data), "补打", "the new label is a marked reprint")
			o, err = rig.store.GetOrder(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, order.Printed, o.Status, "printed again")
			assert.Equal(t, "李四", o.Recipient.Name)
			assert.Equal(t, res.NewTrackingNo, o.Waybill.TrackingNo)

			rs = verifyScan(t, rig.store, items...)
			assert.Equal(t, shipment.Blocked, rs[0].Outcome, "the old label stays blocked")
			items[0] = res.NewTrackingNo
			rs = verifyScan(t, rig.store, items...)
			require.Len(t, rs, 1)
			assert.Equal(t, shipment.OK, rs[0].Outcome, rs[0].Reason)

			var details []string
			for _, ev := range journal(t, rig.store, id) {
				details = append(details, string(ev.Action)+": "+ev.Detail)
			}
			all := strings.Join(details, "\n")
			assert.Contains(t, all, "address typo")
			assert.Contains(t, all, "waybill "+old+" voided, "+res.NewTrackingNo+" allocated")
		})
	}
}

// interceptor is a test carrier that can intercept parcels.
type interceptor struct {
	*pool.Pool
	got []string
	err error
}

func (c *interceptor) Intercept(_ context.Context, no string, to order.Party, reason string) error {
	c.got = append(c.got, no+" "+to.City+" "+reason)
	return c.err
}

func TestAmendAfterHandover(t *testing.T) {
	ctx := context.Background()
	for _, can := range []bool{false, true} {
		store := memstore.New()
		var carrier shipment.Carrier = dadan.TestCarrier()
		ic := &interceptor{Pool: dadan.TestCarrier()}
		if can {
			carrier = ic
		}
		st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock(), Carrier: carrier})
		require.NoError(t, err)
		id := oneOrder(t, st)
		require.NoError(t, store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
			o.Status, o.Waybill = order.Shipped, &order.Waybill{TrackingNo: "759900000042"}
			return nil, nil
		}))
		res, err := st.Amend(ctx, id, newRecipient, "buyer moved", nil)
		o, gerr := store.GetOrder(ctx, id)
		require.NoError(t, gerr)
		evs := journal(t, store, id)
		last := evs[len(evs)-1]
		if !can {
			assert.ErrorIs(t, err, shipment.ErrNoIntercept)
			assert.NotEqual(t, "李四", o.Recipient.Name, "nothing changed")
			assert.Contains(t, last.Detail, "call the courier", "the attempt is journaled")
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, dadan.AmendIntercepted, res.Action)
		assert.Equal(t, []string{"759900000042 南京市 buyer moved"}, ic.got)
		assert.Equal(t, order.Shipped, o.Status)
		assert.Equal(t, "李四", o.Recipient.Name)
		assert.Contains(t, last.Detail, "intercept of 759900000042 requested")

		ic.err = errors.New("parcel out for delivery")
		_, err = st.Amend(ctx, id, newRecipient, "again", nil)
		assert.ErrorContains(t, err, "out for delivery")
	}
}

func TestAmendRefused(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock(), Carrier: dadan.TestCarrier()})
	require.NoError(t, err)
	id := oneOrder(t, st)
	no := shipment.ChangeCheckFunc(func(_ context.Context, o *order.Order, to order.Party) error {
		return errors.New("the platform shows no change request")
	})
	_, err = st.Amend(ctx, id, newRecipient, "phone call", &dadan.AmendOptions{Check: no})
	assert.ErrorContains(t, err, "no change request")
	o, err := store.GetOrder(ctx, id)
	require.NoError(t, err)
	assert.NotEqual(t, "李四", o.Recipient.Name)
	assert.Zero(t, o.Revision)
	evs := journal(t, store, id)
	assert.Contains(t, evs[len(evs)-1].Detail, "refused")

	// A printed order with no carrier to void its number cannot be relabelled.
	bare, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t)})
	require.NoError(t, err)
	require.NoError(t, store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		o.Status, o.Waybill = order.Printed, &order.Waybill{TrackingNo: "759900000043"}
		return nil, nil
	}))
	_, err = bare.Amend(ctx, id, newRecipient, "typo", nil)
	assert.ErrorIs(t, err, dadan.ErrNoCarrier)

	require.NoError(t, store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		o.Status = order.Cancelled
		return nil, nil
	}))
	_, err = st.Amend(ctx, id, newRecipient, "typo", nil)
	assert.ErrorIs(t, err, dadan.ErrAmend)
}

func TestAmendCollectedNumber(t *testing.T) {
	rig := newPrintRig(t)
	ctx := context.Background()
	id := oneOrder(t, rig.st)
	_, err := rig.st.Print(ctx)
	require.NoError(t, err)
	require.NoError(t, rig.st.Drain(ctx))
	o, err := rig.store.GetOrder(ctx, id)
	require.NoError(t, err)
	require.NoError(t, rig.carrier.MarkCollected(o.Waybill.TrackingNo))
	_, err = rig.st.Amend(ctx, id, newRecipient, "too late", nil)
	assert.ErrorIs(t, err, shipment.ErrCollected)
	got, err := rig.store.GetOrder(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, o.Waybill.TrackingNo, got.Waybill.TrackingNo, "nothing changed")
	assert.Equal(t, o.Recipient.Name, got.Recipient.Name)
	assert.Equal(t, order.Printed, got.Status)
}

// A buyer whose phone was refused gives a good one: the order is reviewed again
// and approved.
func TestAmendHeldOrder(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock()})
	require.NoError(t, err)
	id := heldWith(t, st, review.CodePhoneInvalid)
	o, err := store.GetOrder(ctx, id)
	require.NoError(t, err)
	require.NotEqual(t, order.Approved, o.Status)
	to := o.Recipient
	to.Phone = "13911112222"
	res, err := st.Amend(ctx, id, to, "buyer gave the right number", nil)
	require.NoError(t, err)
	assert.Equal(t, dadan.AmendUpdated, res.Action)
	for _, f := range res.Findings {
		assert.NotEqual(t, review.CodePhoneInvalid, f.Code)
	}
	o, err = store.GetOrder(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, res.Status, o.Status)
	assert.Equal(t, "13911112222", o.Recipient.Phone)
}
