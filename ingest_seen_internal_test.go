package dadan

import (
	"context"
	"errors"
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneByOne is a store's Seen without HasOrders.
type oneByOne struct {
	s   review.Seen
	n   int
	err error
}

func (o *oneByOne) HasOrder(ctx context.Context, id string) (bool, error) {
	o.n++
	if o.err != nil {
		return false, o.err
	}
	return o.s.HasOrder(ctx, id)
}

func TestWritingSeenHasOrders(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	require.NoError(t, st.CreateOrder(ctx, &order.Order{ID: "STORED", Status: order.Received}))
	ids := []string{"STORED", "WRITING", "NEW", "STORED"}
	want := []bool{true, true, false, true}

	// The store answers the batch at once; the batch being written counts as stored.
	w := &writingSeen{next: st}
	w.add([]*ingestWrite{{o: &order.Order{ID: "WRITING"}}})
	got, err := w.HasOrders(ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// A store without HasOrders is asked id by id, only for the ids not being written.
	plain := &oneByOne{s: st}
	w = &writingSeen{next: plain}
	w.add([]*ingestWrite{{o: &order.Order{ID: "WRITING"}}})
	got, err = w.HasOrders(ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, 3, plain.n)

	boom := errors.New("store down")
	w = &writingSeen{next: &oneByOne{err: boom}}
	_, err = w.HasOrders(ctx, ids)
	assert.ErrorIs(t, err, boom)

	// Without a store only the batch being written is known.
	w = &writingSeen{}
	w.add([]*ingestWrite{{o: &order.Order{ID: "WRITING"}}})
	got, err = w.HasOrders(ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true, false, false}, got)
}
