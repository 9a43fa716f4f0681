package par_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dadanhq/dadan/internal/par"
)

func TestDo(t *testing.T) {
	var sum, running, most atomic.Int64
	err := par.Do(context.Background(), 1000, 4, func(i int) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		sum.Add(int64(i))
		running.Add(-1)
		return nil
	})
	assert.NoError(t, err)
	assert.EqualValues(t, 999*1000/2, sum.Load(), "every index once")
	assert.LessOrEqual(t, most.Load(), int64(4), "at most k at once")

	// The first error is returned and no call starts after it.
	bad := errors.New("bad")
	var calls atomic.Int64
	err = par.Do(context.Background(), 1000, 1, func(i int) error {
		calls.Add(1)
		if i == 10 {
			return bad
		}
		return nil
	})
	assert.ErrorIs(t, err, bad)
	assert.EqualValues(t, 11, calls.Load())

	// A cancelled context starts nothing and says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = par.Do(ctx, 5, 2, func(int) error { t.Error("called"); return nil })
	assert.ErrorIs(t, err, context.Canceled)
	assert.NoError(t, par.Do(ctx, 0, 2, nil), "nothing to do")
}

func ExampleDo() {
	squares := make([]int, 5)
	_ = par.Do(context.Background(), len(squares), 2, func(i int) error {
		squares[i] = i * i
		return nil
	})
	fmt.Println(squares)
	// Output: [0 1 4 9 16]
}
