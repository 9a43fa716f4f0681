package dadan_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldWith ingests the sample and returns the first order held or rejected with code.
func heldWith(t *testing.T, st *dadan.Station, code review.Code) string {
	t.Helper()
	id := ""
	_, err := st.Ingest(context.Background(), bytes.NewReader(sample.Orders), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		for _, f := range r.Findings {
			if f.Code == code && id == "" && r.Status != "" {
				id = r.OrderID
			}
		}
		return nil
	}})
	require.NoError(t, err)
	require.NotEmpty(t, id, "sample has an order with %s", code)
	return id
}

func TestResolve(t *testing.T) {
	ctx := access.NewContext(context.Background(), access.Principal{ID: "cs-1"})
	newStation := func() (*dadan.Station, *memstore.Store) {
		store := memstore.New()
		st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock()})
		require.NoError(t, err)
		return st, store
	}

	t.Run("exchange an unknown SKU", func(t *testing.T) {
		st, store := newStation()
		id := heldWith(t, st, review.CodeSKUUnknown)
		o, _ := store.GetOrder(ctx, id)
		require.Equal(t, order.OnHold, o.Status)
		res, err := st.Resolve(ctx, id, review.Exchange{Line: 0, SKU: "RICE-5KG", Name: "五常大米", Spec: "5kg 真空包装"})
		require.NoError(t, err)
		assert.Equal(t, review.Approve, res.Outcome, "%v", res.Findings)
		o, _ = store.GetOrder(ctx, id)
		assert.Equal(t, order.Approved, o.Status)
		assert.Equal(t, "RICE-5KG", o.Items[0].SKU)
		var acts []order.Action
		for ev := range store.Journal(ctx, 0) {
			if ev.OrderID == id {
				acts = append(acts, ev.Action)
				assert.NotEmpty(t, ev.Actor)
			}
		}
		assert.Equal(t, []order.Action{order.ActReceived, order.ActReviewed, order.ActResolved, order.ActReviewed}, acts)
	})

	t.Run("adjust a wrong total", func(t *testing.T) {
		st, store := newStation()
		id := heldWith(t, st, review.CodeTotalMismatch)
		o, _ := store.GetOrder(ctx, id)
		want := o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee)
		res, err := st.Resolve(ctx, id, review.AdjustPrice{Line: -1, Price: want})
		require.NoError(t, err)
		for _, f := range res.Findings {
			assert.NotEqual(t, review.CodeTotalMismatch, f.Code)
		}
		o, _ = store.GetOrder(ctx, id)
		assert.True(t, o.Total.Equal(want))
	})

	t.Run("refund cancels", func(t *testing.T) {
		st, store := newStation()
		id := heldWith(t, st, review.CodeStockShort)
		res, err := st.Resolve(ctx, id, review.Refund{Reason: "out of stock, buyer agreed"})
		require.NoError(t, err)
		assert.Equal(t, order.Cancelled, res.Status)
		o, _ := store.GetOrder(ctx, id)
		assert.Equal(t, order.Cancelled, o.Status)
	})

	t.Run("bad resolution changes nothing", func(t *testing.T) {
		st, store := newStation()
		id := heldWith(t, st, review.CodeTotalMismatch)
		_, err := st.Resolve(ctx, id, review.AdjustPrice{Line: 99, Price: decimal.NewFromInt(1)})
		assert.ErrorIs(t, err, review.ErrBadResolution)
		o, _ := store.GetOrder(ctx, id)
		assert.Equal(t, order.OnHold, o.Status)
		_, err = st.Resolve(ctx, "nope", review.Refund{})
		assert.ErrorIs(t, err, order.ErrNotFound)
	})
}
