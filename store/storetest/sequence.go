package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
)

// Sequences runs the [shipment.Sequence] conformance tests: each name counts 1,
// 2, 3, ... on its own, and concurrent callers never get the same value.
func Sequences(t *testing.T, newStore func(t *testing.T) shipment.Sequence, f Features) {
	ctx := context.Background()
	t.Run("Counts", func(t *testing.T) {
		s := newStore(t)
		for want := int64(1); want <= 3; want++ {
			n, err := s.NextValue(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, want, n)
		}
		n, err := s.NextValue(ctx, "b")
		require.NoError(t, err)
		assert.Equal(t, int64(1), n, "names count on their own")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err = s.NextValue(cctx, "a")
		assert.ErrorIs(t, err, context.Canceled)
	})
	if f.NoConcurrency {
		return
	}
	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					n, err := s.NextValue(ctx, "c")
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					assert.False(t, seen[n], "value %d handed out twice", n)
					seen[n] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		assert.Len(t, seen, 400)
		for i := int64(1); i <= 400; i++ {
			assert.True(t, seen[i], "no gap at %d", i)
		}
	})
}
