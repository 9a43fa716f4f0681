package review

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var at = time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)

func TestExchangeThenReviewApproves(t *testing.T) {
	o := cleanOrder("R1")
	o.Items[0].SKU = "CUP-500-X" // out of stock and unknown
	o.Status = order.Received
	e, err := New(Config{Prices: testPrices, Inventory: testStock})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	require.Equal(t, Hold, res[0].Outcome)
	_, err = order.Move(o, order.OnHold, at, "reviewer", order.ActReviewed, "held")
	require.NoError(t, err)

	evs, err := Apply(o, Exchange{Line: 0, SKU: "CUP-500-B", Barcode: "6901234567908", Name: "真空保温杯", Spec: "500ml 黑色"}, at, "kefu01")
	require.NoError(t, err)
	require.Len(t, evs, 1)
	ev := evs[0]
	assert.Equal(t, order.ActResolved, ev.Action)
	assert.Equal(t, order.OnHold, ev.From)
	assert.Equal(t, order.Received, ev.To)
	assert.Equal(t, "kefu01", ev.Actor)
	assert.Equal(t, "R1", ev.OrderID)
	assert.Equal(t, at, ev.Time)
	assert.Equal(t, "exchange line 0: CUP-500-X → CUP-500-B", ev.Detail)
	assert.Equal(t, order.Received, o.Status)
	assert.Equal(t, order.Item{SKU: "CUP-500-B", Barcode: "6901234567908", Name: "真空保温杯", Spec: "500ml 黑色", Qty: 2, UnitPrice: dec("59.90")}, o.Items[0])

	res, err = e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome, "%v", res[0].Findings)
}

func TestRefundCancels(t *testing.T) {
	for _, from := range []order.Status{order.Received, order.OnHold, order.Rejected, order.Approved} {
		o := cleanOrder("R2")
		o.Status = from
		evs, err := Apply(o, Refund{Reason: "缺货，客户同意退款"}, at, "kefu01")
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Equal(t, order.Cancelled, o.Status)
		assert.Equal(t, from, evs[0].From)
		assert.Equal(t, order.Cancelled, evs[0].To)
		assert.Equal(t, "refund: 缺货，客户同意退款", evs[0].Detail)
	}
	o := cleanOrder("R3")
	o.Status = order.Shipped
	_, err := Apply(o, &Refund{}, at, "kefu01")
	require.ErrorIs(t, err, order.ErrIllegalTransition)
	assert.Equal(t, order.Shipped, o.Status)
}

func TestAdjustPriceFixesTotal(t *testing.T) {
	e, err := New(Config{Prices: testPrices, Inventory: testStock})
	require.NoError(t, err)

	// A wrong total: adjust the order total.
	o := cleanOrder("R4")
	o.Total = dec("1.00")
	o.Status = order.OnHold
	res, err := e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	require.Equal(t, []Code{CodeTotalMismatch}, codes(res[0].Findings))
	evs, err := Apply(o, AdjustPrice{Line: -1, Price: dec("139.70")}, at, "kefu01")
	require.NoError(t, err)
	assert.Equal(t, "adjust total: 1.00 → 139.70", evs[0].Detail)
	assert.Equal(t, order.Received, o.Status)
	res, err = e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome, "%v", res[0].Findings)

	// A wrong unit price: adjust the line to the list price (the buyer paid the total).
	o = cleanOrder("R5")
	o.Items[1].UnitPrice = dec("19.90")
	o.Status = order.Rejected
	res, err = e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []Code{CodePriceMismatch, CodeTotalMismatch}, codes(res[0].Findings))
	evs, err = Apply(o, &AdjustPrice{Line: 1, Price: dec("29.90")}, at, "kefu01")
	require.NoError(t, err)
	assert.Equal(t, "adjust price line 1 SOCK-M-5: 19.90 → 29.90", evs[0].Detail)
	assert.Equal(t, order.Rejected, evs[0].From)
	res, err = e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome, "%v", res[0].Findings)
}

func TestApplyOnReceivedNotes(t *testing.T) {
	o := cleanOrder("R6")
	o.Status = order.Received
	evs, err := Apply(o, AdjustPrice{Line: -1, Price: dec("139.70")}, at, "kefu01")
	require.NoError(t, err)
	assert.Equal(t, order.Received, evs[0].From)
	assert.Equal(t, order.Received, evs[0].To)
	assert.Equal(t, order.ActResolved, evs[0].Action)
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name   string
		status order.Status
		res    Resolution
		is     error
	}{
		{"line too big", order.OnHold, Exchange{Line: 2, SKU: "X"}, ErrLineOutOfRange},
		{"line negative", order.OnHold, Exchange{Line: -1, SKU: "X"}, ErrLineOutOfRange},
		{"no SKU", order.OnHold, Exchange{Line: 0, SKU: " "}, ErrBadResolution},
		{"price line too big", order.OnHold, AdjustPrice{Line: 5, Price: dec("1")}, ErrLineOutOfRange},
		{"price line -2", order.OnHold, AdjustPrice{Line: -2, Price: dec("1")}, ErrBadResolution},
		{"negative price", order.OnHold, AdjustPrice{Line: 0, Price: dec("-1")}, ErrBadResolution},
		{"nil resolution", order.OnHold, nil, ErrBadResolution},
		{"nil pointer", order.OnHold, (*Exchange)(nil), ErrBadResolution},
		{"verified order", order.Verified, Exchange{Line: 0, SKU: "X"}, order.ErrIllegalTransition},
		{"cancelled order", order.Cancelled, AdjustPrice{Line: 0, Price: dec("1")}, order.ErrIllegalTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := cleanOrder("R7")
			o.Status = tt.status
			before := string(order.AppendJSON(nil, o))
			evs, err := Apply(o, tt.res, at, "kefu01")
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.is), "%v", err)
			assert.Nil(t, evs)
			assert.Equal(t, before, string(order.AppendJSON(nil, o)), "the order is unchanged")
		})
	}
	var le *LineError
	_, err := Apply(cleanOrder("R8"), Exchange{Line: 9, SKU: "X"}, at, "a")
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 9, le.Line)
	assert.Equal(t, 2, le.Lines)
	assert.ErrorIs(t, err, ErrBadResolution)
	assert.Equal(t, "review: order R8: line 9 out of range (the order has 2 lines)", err.Error())
	_, err = Apply(nil, Refund{}, at, "a")
	assert.ErrorIs(t, err, ErrBadResolution)
}
