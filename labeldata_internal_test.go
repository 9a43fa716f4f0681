package dadan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
)

// The label data a station reuses order after order holds what LabelData gives
// for each order, the carrier's code and name included (and none left from the
// order before).
func TestLabelDataIntoMatchesLabelData(t *testing.T) {
	g := ordertest.New(5)
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	carriers := []string{"zto", "SF", " yunda ", "", "NOPE"}
	var d label.Data
	for i := range 200 {
		o := g.Order()
		o.Carrier = carriers[i%len(carriers)]
		if i%3 == 0 {
			o.Waybill = &order.Waybill{TrackingNo: "75", SortCode: "200-E01-08"}
		}
		want := LabelData(o, at, "")
		got := labelDataInto(&d, o, at, "")
		require.Empty(t, got.Fields)
		require.Equal(t, want.Fields, got.Std.All(), "order %d, carrier %q", i, o.Carrier)
		require.Equal(t, want.Tables, got.Tables, "order %d", i)
	}
}
