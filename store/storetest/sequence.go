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
	t.Run("Blocks", func(t *testing.T) {
		s, ok := newStore(t).(shipment.BlockSequence)
		if !ok {
			t.Skip("the store hands out no blocks")
		}
		n, err := s.NextValue(ctx, "a")
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		last, err := s.NextValues(ctx, "a", 10)
		require.NoError(t, err)
		assert.Equal(t, int64(11), last, "2 to 11 are the caller's")
		n, err = s.NextValue(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, int64(12), n, "one at a time goes on after the block")
		last, err = s.NextValues(ctx, "new", 5)
		require.NoError(t, err)
		assert.Equal(t, int64(5), last, "a new name's first block starts at 1")
		_, err = s.NextValues(ctx, "a", 0)
		assert.ErrorIs(t, err, shipment.ErrBadBlock)
		n, err = s.NextValue(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, int64(13), n, "a refused block takes nothing")
		if f.NoConcurrency {
			return
		}
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 20 {
					k := int64(1 + (g+i)%4)
					last, err := s.NextValues(ctx, "c", k)
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					for v := last - k + 1; v <= last; v++ {
						assert.False(t, seen[v], "value %d handed out twice", v)
						seen[v] = true
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for i := int64(1); i <= int64(len(seen)); i++ {
			assert.True(t, seen[i], "no gap at %d", i)
		}
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
