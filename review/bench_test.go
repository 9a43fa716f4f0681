package review

import (
	"context"
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchEngine reviews generated orders with in-memory stock and prices, with
// stock enough for all of them.
func benchEngine(tb testing.TB) *Engine {
	tb.Helper()
	prices := PriceMap{}
	stock := StockMap{}
	for _, p := range ordertest.Catalog {
		prices[p.SKU] = p.Price
		stock[p.SKU] = 1 << 30
	}
	e, err := New(Config{Inventory: stock, Prices: prices})
	require.NoError(tb, err)
	return e
}

func generate(n int, oddRate float64) []*order.Order {
	g := ordertest.New(42)
	g.OddRate = oddRate
	orders := make([]*order.Order, n)
	for i := range orders {
		orders[i] = g.Order()
	}
	return orders
}

// BenchmarkReview reviews a batch of 100k generated orders, 5% of them odd.
func BenchmarkReview(b *testing.B) {
	const n = 100_000
	orders := generate(n, 0.05)
	e := benchEngine(b)
	ctx := context.Background()
	opts := &Options{DryRun: true}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := e.Review(ctx, orders, opts); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - cpu0
	perOrder := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / n
	b.ReportMetric(perOrder, "ns/order")
	b.ReportMetric(1e9/perOrder, "orders/s")
	if cpu > 0 {
		// CPU time includes the garbage collector's; on a busy machine it is the
		// better measure of the work done.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/n, "cpu-ns/order")
	}
}

// BenchmarkReviewCleanOrder reviews one order that raises no finding.
func BenchmarkReviewCleanOrder(b *testing.B) {
	orders := generate(1, 0)
	e := benchEngine(b)
	ctx := context.Background()
	if res, err := e.Review(ctx, orders, nil); err != nil || res[0].Findings != nil {
		b.Fatal(err, res)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Review(ctx, orders, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalizePhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NormalizePhone("13800138000"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCleanOrderAllocations holds the allocation budget of a clean order.
func TestCleanOrderAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	orders := generate(1, 0)
	e := benchEngine(t)
	ctx := context.Background()
	res, err := e.Review(ctx, orders, nil)
	require.NoError(t, err)
	require.Nil(t, res[0].Findings)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := e.Review(ctx, orders, nil); err != nil {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, 5.0)
	t.Logf("allocations for a clean order: %v", allocs)
}

// TestGeneratedOrders checks the rules against the generator's own account of
// each order: ordinary ones approve, odd ones get the matching finding.
func TestGeneratedOrders(t *testing.T) {
	g := ordertest.New(7)
	g.OddRate = 0.3
	var orders []*order.Order
	var odds []ordertest.Odd
	for range 3000 {
		o := new(order.Order)
		odds = append(odds, g.OrderInto(o))
		orders = append(orders, o)
	}
	e := benchEngine(t)
	res, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	want := map[ordertest.Odd]struct {
		outcome Outcome
		code    Code
	}{
		ordertest.OddMissingName: {Reject, CodeNameMissing},
		ordertest.OddShortPhone:  {Reject, CodePhoneInvalid},
		ordertest.OddWrongTotal:  {Hold, CodeTotalMismatch},
		ordertest.OddUnknownSKU:  {Hold, CodeSKUUnknown},
		ordertest.OddRemark:      {Hold, CodeRemarkKeyword},
		ordertest.OddHostile:     {Hold, CodeSuspicious},
		ordertest.OddLongAddress: {Approve, ""},
		ordertest.OddLandline:    {Approve, ""},
		ordertest.OddVirtual:     {Approve, ""},
		ordertest.OddNone:        {Approve, ""},
	}
	for i, r := range res {
		w, ok := want[odds[i]]
		if !ok {
			continue
		}
		if hasCode(r.Findings, CodeMergeCandidate) {
			continue // random buyers seldom repeat, but may
		}
		if odds[i] == ordertest.OddUnknownSKU {
			// Held for the price book, it reserves no stock, so the inventory is not asked.
			assert.False(t, hasCode(r.Findings, CodeStockUnknown))
		}
		if w.code == "" {
			assert.Equal(t, w.outcome, r.Outcome, "odd %d: %v", odds[i], r.Findings)
			continue
		}
		assert.True(t, hasCode(r.Findings, w.code), "odd %d: %v", odds[i], r.Findings)
		if w.outcome == Reject {
			assert.Equal(t, Reject, r.Outcome)
		}
	}
}
