package sqlite_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
)

// TestListOrdersStreams lists 90 MB of orders and checks that the heap never
// holds more than a few pages of them.
func TestListOrdersStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 90 MB")
	}
	s := open(t, nil)
	const n = 3000
	remark := strings.Repeat("备注", 5000) // 30 KB of UTF-8
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				id := fmt.Sprintf("S%05d", i)
				o := &order.Order{ID: id, Status: order.Received, PaidAt: benchAt, Remark: order.Remark{Buyer: remark}}
				assert.NoError(t, s.CreateOrder(ctx, o))
			}
		})
	}
	wg.Wait()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	got := 0
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("S%05d", got), o.ID)
		got++
		if got%100 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(ms.HeapAlloc, base))
		}
	}
	assert.Equal(t, n, got)
	// The orders take 90 MB; a page of 256 of them about 8 MB decoded, with
	// garbage waiting for the collector on top.
	assert.Less(t, peak, uint64(45<<20), "peak heap growth %d MiB", peak>>20)
	t.Logf("listed %d orders of 30 KB; heap grew at most %d MiB", n, peak>>20)
}
