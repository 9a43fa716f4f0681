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

// teaOrder orders n boxes of the scarce tea, paid at paid0 + minutes.
func teaOrder(id string, n, minutes int) *order.Order {
	o := cleanOrder(id)
	o.Buyer.Nick = "nick_" + id
	o.Recipient.Address = "文一西路" + id + "号"
	o.PaidAt = paid0.Add(time.Duration(minutes) * time.Minute)
	o.Items = []order.Item{{SKU: "TEA-LJ-250", Qty: n, UnitPrice: dec("388.00")}}
	o.Discount = dec("0")
	o.Total = o.ItemsTotal()
	return o
}

func TestStockGoesToEarliestPayers(t *testing.T) {
	// Input order differs from payment order; ties keep input order.
	orders := []*order.Order{
		teaOrder("late", 2, 30),
		teaOrder("first", 3, 1),
		teaOrder("tieA", 2, 10),
		teaOrder("tieB", 1, 10),
		teaOrder("small", 1, 20),
	}
	unpaid := teaOrder("unpaid", 1, 0)
	unpaid.PaidAt = time.Time{}
	held := teaOrder("held", 6, 0) // earliest payer, but held for its remark: takes nothing
	held.Remark.Buyer = "改地址"
	orders = append(orders, unpaid, held)

	l := newLedger(map[string]int{"TEA-LJ-250": 6})
	e, err := New(Config{Inventory: l, Prices: testPrices})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	got := map[string]Outcome{}
	for _, r := range res {
		got[r.OrderID] = r.Outcome
	}
	// first (3) then tieA (2) then tieB (1) use up the 6; small, late and unpaid wait.
	assert.Equal(t, map[string]Outcome{
		"first": Approve, "tieA": Approve, "tieB": Approve,
		"small": Hold, "late": Hold, "unpaid": Hold, "held": Hold,
	}, got)
	assert.Equal(t, []any{"TEA-LJ-250", 2, 0}, res[0].Findings[0].Args)
	assert.Equal(t, "TEA-LJ-250: 2 needed, 0 left", res[0].Findings[0].Message(languageEN))
	assert.Equal(t, []Code{CodeRemarkKeyword}, codes(res[6].Findings), "a held order is not also short")
	assert.Equal(t, []string{"first TEA-LJ-250 3", "tieA TEA-LJ-250 2", "tieB TEA-LJ-250 1"}, l.reserved)
	assert.Equal(t, 0, l.stock["TEA-LJ-250"])
}

func TestStockSumsRepeatedLines(t *testing.T) {
	o := teaOrder("multi", 1, 0)
	for range 20 { // more lines than the small-order path handles
		o.Items = append(o.Items, order.Item{SKU: "CUP-500-W", Qty: 5, UnitPrice: dec("59.90")})
	}
	o.Items = append(o.Items, order.Item{SKU: "TEA-LJ-250", Qty: 6, UnitPrice: dec("388.00")})
	o.Total = o.ItemsTotal()
	e, err := New(Config{Inventory: StockMap{"TEA-LJ-250": 6, "CUP-500-W": 100}, Prices: testPrices})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	assert.Equal(t, Hold, res[0].Outcome)
	assert.Equal(t, []any{"TEA-LJ-250", 7, 6}, res[0].Findings[0].Args, "7 boxes over two lines")
	assert.Equal(t, "items[0].qty", res[0].Findings[0].Field)

	o.Items[0].Qty = 1
	o.Items[len(o.Items)-1].Qty = 5
	o.Total = o.ItemsTotal()
	res, err = e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome, "%v", res[0].Findings)
}

func TestDryRunLeavesInventoryUntouched(t *testing.T) {
	orders := []*order.Order{teaOrder("a", 3, 1), teaOrder("b", 3, 2), teaOrder("c", 3, 3)}
	l := newLedger(map[string]int{"TEA-LJ-250": 6})
	e, err := New(Config{Inventory: l, Prices: testPrices})
	require.NoError(t, err)
	dry, err := e.Review(context.Background(), orders, &Options{DryRun: true})
	require.NoError(t, err)
	assert.Empty(t, l.reserved)
	assert.Equal(t, 6, l.stock["TEA-LJ-250"])
	// The dry run decides as the real one does.
	real, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	assert.Equal(t, real, dry)
	assert.Equal(t, []Outcome{Approve, Approve, Hold}, []Outcome{real[0].Outcome, real[1].Outcome, real[2].Outcome})
	assert.Len(t, l.reserved, 2)
	assert.Equal(t, 0, l.stock["TEA-LJ-250"])
}

func TestReserveFailureHolds(t *testing.T) {
	l := newLedger(map[string]int{"TEA-LJ-250": 6})
	l.fail = map[string]error{"TEA-LJ-250": errors.New("bin locked")}
	e, err := New(Config{Inventory: l, Prices: testPrices})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{teaOrder("a", 1, 1)}, nil)
	require.NoError(t, err)
	assert.Equal(t, Hold, res[0].Outcome)
	assert.Equal(t, []Code{CodeReserveFailed}, codes(res[0].Findings))
	assert.Equal(t, "TEA-LJ-250: reservation failed: bin locked", res[0].Findings[0].Message(languageEN))
}

func TestNoInventoryNoStockCheck(t *testing.T) {
	e, err := New(Config{Prices: testPrices})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{teaOrder("a", 100, 1)}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome)
}
