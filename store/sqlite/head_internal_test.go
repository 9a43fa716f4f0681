package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
)

// One transaction packs operations that journal events and one that journals
// and then fails: the journal head the writer keeps for the transaction skips
// the failed operation's events, so the chain has no gap and the stored head is
// the last event kept.
func TestJournalHeadAcrossABatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "h.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	at := time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC)
	ev := func(id string) order.Event {
		return order.Event{Time: at, Actor: "t", OrderID: id, Action: order.ActNote, Detail: "note " + id}
	}
	boom := errors.New("boom")
	fns := []func(w *wconn) error{
		func(w *wconn) error { return appendEvents(w, []order.Event{ev("A"), ev("B")}) },
		func(w *wconn) error {
			if err := appendEvents(w, []order.Event{ev("X")}); err != nil {
				return err
			}
			return boom
		},
		func(w *wconn) error { return appendEvents(w, []order.Event{ev("C")}) },
		func(w *wconn) error {
			if err := appendEvents(w, []order.Event{ev("Y")}); err != nil {
				return err
			}
			return boom
		},
	}
	// Run the batch on the writer goroutine, as one transaction.
	res := make(chan []error, 1)
	batch := make([]*op, len(fns))
	for i, fn := range fns {
		batch[i] = &op{ctx: ctx, fn: fn, done: make(chan error, 1)}
	}
	go func() {
		s.mu.Lock() // no other write meanwhile
		defer s.mu.Unlock()
		s.run(batch)
		errs := make([]error, len(batch))
		for i, o := range batch {
			errs[i] = <-o.done
		}
		res <- errs
	}()
	errs := <-res
	assert.NoError(t, errs[0])
	assert.ErrorIs(t, errs[1], boom)
	assert.NoError(t, errs[2])
	assert.ErrorIs(t, errs[3], boom)
	var details []string
	for e, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		details = append(details, e.Detail)
	}
	assert.Equal(t, []string{"note A", "note B", "note C"}, details)
	h, err := order.VerifyStore(ctx, s)
	require.NoError(t, err, "the chain holds and ends at the stored head")
	assert.Equal(t, uint64(3), h.Seq)
}
