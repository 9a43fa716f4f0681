package review

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/require"
)

// sampleOrders decodes the embedded sample orders.
func sampleOrders(t testing.TB) []*order.Order {
	t.Helper()
	out, err := sample.Decode()
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

func sampleStock(t testing.TB) StockMap {
	t.Helper()
	var m StockMap
	require.NoError(t, json.Unmarshal(sample.Stock, &m))
	return m
}

func samplePrices(t testing.TB) PriceMap {
	t.Helper()
	var m PriceMap
	require.NoError(t, json.Unmarshal(sample.Prices, &m))
	return m
}

// ledger is an Inventory with Reserver that records reservations.
type ledger struct {
	mu       sync.Mutex
	stock    map[string]int
	reserved []string // "order sku qty"
	fail     map[string]error
}

func newLedger(stock map[string]int) *ledger {
	m := make(map[string]int, len(stock))
	for k, v := range stock {
		m[k] = v
	}
	return &ledger{stock: m}
}

func (l *ledger) Available(_ context.Context, sku string) (int, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, ok := l.stock[sku]
	return n, ok, nil
}

func (l *ledger) Reserve(_ context.Context, id, sku string, qty int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.fail[sku]; err != nil {
		return err
	}
	l.stock[sku] -= qty
	l.reserved = append(l.reserved, id+" "+sku+" "+itoaTest(qty))
	return nil
}

func itoaTest(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

var (
	_ Inventory = (*ledger)(nil)
	_ Reserver  = (*ledger)(nil)
)

func codes(fs []Finding) []Code {
	var out []Code
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func hasCode(fs []Finding, c Code) bool {
	for _, f := range fs {
		if f.Code == c {
			return true
		}
	}
	return false
}
