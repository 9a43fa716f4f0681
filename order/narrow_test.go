package order_test

import (
	"errors"
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func narrowSample() *order.Order {
	return &order.Order{
		ID: "N1", Platform: order.Taobao, Status: order.Approved, Revision: 2,
		Recipient: order.Party{Name: "欧阳娜娜", Phone: "13800138000"},
		Items:     []order.Item{{SKU: "A", Qty: 1, UnitPrice: decimal.RequireFromString("9.90")}},
		Total:     decimal.RequireFromString("9.90"),
		Waybill:   &order.Waybill{TrackingNo: "SF1", Extra: order.Extra{{Key: "k", Value: []byte(`1`)}}},
	}
}

func TestNarrowUpdateSeesAndChangesOnlyTheState(t *testing.T) {
	o := narrowSample()
	var seen *order.Order
	u := order.Update{ID: o.ID, Narrow: true, Fn: func(n *order.Order) ([]order.Event, error) {
		seen = n
		n.Waybill.TrackingNo = "SF2" // its own copy
		ev, err := order.Move(n, order.Printed, sampleTime, "op", order.ActPrinted, "")
		return []order.Event{ev}, err
	}}
	before := o.Waybill
	evs, err := u.Apply(o)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, order.Approved, evs[0].From)
	assert.Equal(t, order.Printed, o.Status)
	assert.Equal(t, "SF2", o.Waybill.TrackingNo)
	assert.Equal(t, "SF1", before.TrackingNo, "the stored waybill is not Fn's")
	assert.Equal(t, "欧阳娜娜", o.Recipient.Name, "the rest stays")
	assert.Equal(t, 2, o.Revision)
	assert.Empty(t, seen.Recipient.Name, "Fn sees only the state")
	assert.Nil(t, seen.Items)
	assert.Equal(t, 2, seen.Revision)
}

func TestNarrowUpdateThatChangesMoreFails(t *testing.T) {
	for name, change := range map[string]func(n *order.Order){
		"recipient": func(n *order.Order) { n.Recipient.Name = "x" },
		"items":     func(n *order.Order) { n.Items = []order.Item{{SKU: "B"}} },
		"total":     func(n *order.Order) { n.Total = decimal.NewFromInt(1) },
		"extra":     func(n *order.Order) { n.Extra = order.Extra{{Key: "y", Value: []byte(`2`)}} },
		"revision":  func(n *order.Order) { n.Revision++ },
		"id":        func(n *order.Order) { n.ID = "N2" },
		"erased":    func(n *order.Order) { n.ErasedAt = sampleTime },
		"status":    func(n *order.Order) { n.Status = "lost" },
	} {
		t.Run(name, func(t *testing.T) {
			o := narrowSample()
			_, err := order.Update{ID: o.ID, Narrow: true, Fn: func(n *order.Order) ([]order.Event, error) {
				n.Status = order.Printed
				change(n)
				return nil, nil
			}}.Apply(o)
			require.ErrorIs(t, err, order.ErrNotNarrow)
			assert.Contains(t, err.Error(), "N1")
			assert.Equal(t, order.Approved, o.Status, "nothing of it is applied")
		})
	}
	o := narrowSample()
	boom := errors.New("boom")
	_, err := order.Update{ID: o.ID, Narrow: true, Fn: func(n *order.Order) ([]order.Event, error) {
		n.Status = order.Printed
		return nil, boom
	}}.Apply(o)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, order.Approved, o.Status)
}

func TestWaybillJSONRoundTrip(t *testing.T) {
	for _, w := range []*order.Waybill{
		nil,
		{TrackingNo: "SF1"},
		{TrackingNo: "JD\"1\n", ParentNo: "JD0", Piece: 2, Pieces: 3, SortCode: "521-01 07", Mark: "浙杭", BagAddr: "杭州中转",
			Service: "标快", Payment: "到付", InsuredValue: decimal.RequireFromString("100.50"),
			Extra: order.Extra{{Key: "^XZ", Value: []byte(`{"a":[1,"~"]}`)}}},
	} {
		b := order.AppendWaybillJSON(nil, w)
		got, err := order.UnmarshalWaybill(b)
		require.NoError(t, err, "%s", b)
		assert.Equal(t, string(b), string(order.AppendWaybillJSON(nil, got)))
		if w == nil {
			assert.Nil(t, got)
			continue
		}
		assert.Equal(t, w.TrackingNo, got.TrackingNo)
		// The same bytes as the member of a whole order.
		o := order.Order{ID: "W", Waybill: w}
		var back order.Order
		require.NoError(t, order.Unmarshal(order.AppendJSON(nil, &o), &back))
		assert.Equal(t, string(b), string(order.AppendWaybillJSON(nil, back.Waybill)))
	}
	for _, bad := range []string{``, `[]`, `{"tracking_no":1}`, `{"piece":"x"}`, `{} {}`, `nul`} {
		_, err := order.UnmarshalWaybill([]byte(bad))
		var de *order.DecodeError
		require.ErrorAs(t, err, &de, "%q", bad)
	}
}

// FuzzUnmarshalWaybill: never a panic, every error typed, and what decodes
// encodes to bytes that decode to the same.
func FuzzUnmarshalWaybill(f *testing.F) {
	f.Add([]byte(`{"tracking_no":"SF1","piece":1,"pieces":2,"x":{"y":null}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"insured_value":"1e3","mark":"\u0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := order.UnmarshalWaybill(data)
		if err != nil {
			var de *order.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		out := order.AppendWaybillJSON(nil, w)
		back, err := order.UnmarshalWaybill(out)
		require.NoError(t, err, "re-decode %s", out)
		require.Equal(t, string(out), string(order.AppendWaybillJSON(nil, back)))
	})
}
