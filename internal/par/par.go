// Package par runs a function over indexes from a few goroutines.
package par

import (
	"context"
	"sync"
)

// Do calls fn(0) … fn(n-1) from up to k goroutines and returns the first
// error; after an error it starts no more calls.
func Do(ctx context.Context, n, k int, fn func(i int) error) error {
	if n == 0 {
		return nil
	}
	k = min(k, n)
	var (
		mu    sync.Mutex
		first error
		next  int
		wg    sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if first != nil || next >= n || ctx.Err() != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range k {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
