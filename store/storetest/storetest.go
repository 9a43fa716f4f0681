// Package storetest is the conformance suite every dadan store runs: the memory
// store, SQLite, and later PostgreSQL. Each part of the suite takes a constructor
// that returns a new, empty store, so tests do not share state. [Durable] is the
// part for stores that keep their data across a restart; [Sealing] the part for
// stores that seal personal data at rest.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Features turns off parts of the suite a backend cannot do.
type Features struct {
	// NoConcurrency skips the concurrent update tests.
	NoConcurrency bool
	// NoCrash skips the crash test of [Durable] (a helper process killed while
	// it writes), for backends a second process cannot open.
	NoCrash bool
	// TimeResolution is the finest step of time the backend keeps in its
	// order of paid-at times (PostgreSQL: a microsecond); 0 means a nanosecond.
	TimeResolution time.Duration
}

// Orders runs the [order.Store] conformance tests.
func Orders(t *testing.T, newStore func(t *testing.T) order.Store, f Features) {
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	mk := func(id string, paid time.Time) *order.Order {
		return &order.Order{ID: id, Platform: order.Taobao, PaidAt: paid, Status: order.Received,
			Recipient: order.Party{Name: "张三"},
			Items:     []order.Item{{SKU: "A", Qty: 1, UnitPrice: decimal.RequireFromString("1.50")}},
			Total:     decimal.RequireFromString("1.50"), Extra: order.Extra{{Key: "x", Value: []byte(`1`)}}}
	}
	recv := func(o *order.Order) order.Event {
		return order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received}
	}

	t.Run("CreateGet", func(t *testing.T) {
		s := newStore(t)
		o := mk("A1", at)
		require.NoError(t, s.CreateOrder(ctx, o, recv(o)))
		got, err := s.GetOrder(ctx, "A1")
		require.NoError(t, err)
		assert.Equal(t, "张三", got.Recipient.Name)
		assert.True(t, got.Total.Equal(o.Total))
		assert.Equal(t, o.Extra, got.Extra)
		got.Recipient.Name = "changed"
		again, err := s.GetOrder(ctx, "A1")
		require.NoError(t, err)
		assert.Equal(t, "张三", again.Recipient.Name, "stores hand out copies")

		// Neither the caller's order nor a returned copy shares memory with the store.
		o.Items[0].SKU = "changed"
		again.Items[0].SKU = "changed too"
		o.Extra[0].Value[0] = '9'
		kept, err := s.GetOrder(ctx, "A1")
		require.NoError(t, err)
		assert.Equal(t, "A", kept.Items[0].SKU)
		assert.Equal(t, "1", string(kept.Extra[0].Value))

		err = s.CreateOrder(ctx, mk("A1", at), recv(o))
		assert.ErrorIs(t, err, order.ErrExists)
		_, err = s.GetOrder(ctx, "nope")
		assert.ErrorIs(t, err, order.ErrNotFound)
	})

	t.Run("HasOrders", func(t *testing.T) {
		s := newStore(t)
		many, ok := s.(review.SeenMany)
		require.True(t, ok, "%T answers for a batch of ids at once (review.SeenMany)", s)
		seen := s.(review.Seen)
		stored := map[string]bool{}
		var ids []string
		for i := range 300 {
			id := fmt.Sprintf("H%03d", i)
			if i%3 == 0 {
				require.NoError(t, s.CreateOrder(ctx, mk(id, at)))
				stored[id] = true
			}
			ids = append(ids, id)
		}
		// More ids than one statement asks for, each twice, and ids no store holds.
		ids = append(ids, ids...)
		ids = append(ids, "", "nope", "H\x00001", "\xff\xfe", "h000")
		got, err := many.HasOrders(ctx, ids)
		require.NoError(t, err)
		require.Len(t, got, len(ids))
		for i, id := range ids {
			assert.Equal(t, stored[id], got[i], "id %q at %d", id, i)
		}
		for _, id := range []string{"H000", "H001", "nope"} {
			one, err := seen.HasOrder(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, stored[id], one, "HasOrder(%q) agrees", id)
		}
		got, err = many.HasOrders(ctx, []string{"H003"})
		require.NoError(t, err)
		assert.Equal(t, []bool{true}, got, "a list of one")
		got, err = many.HasOrders(ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
		done, cancel := context.WithCancel(ctx)
		cancel()
		_, err = many.HasOrders(done, ids[:3])
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("UpdateAndJournal", func(t *testing.T) {
		s := newStore(t)
		o := mk("B1", at)
		require.NoError(t, s.CreateOrder(ctx, o, recv(o)))
		err := s.UpdateOrder(ctx, "B1", func(o *order.Order) ([]order.Event, error) {
			ev, err := order.Move(o, order.Approved, at, "alice", order.ActReviewed, "ok")
			return []order.Event{ev}, err
		})
		require.NoError(t, err)
		got, err := s.GetOrder(ctx, "B1")
		require.NoError(t, err)
		assert.Equal(t, order.Approved, got.Status)

		// The time of an erasure (package retention) is kept to the nanosecond.
		erasedAt := at.Add(time.Hour + 123456789)
		require.NoError(t, s.UpdateOrder(ctx, "B1", func(o *order.Order) ([]order.Event, error) {
			o.ErasedAt = erasedAt
			return nil, nil
		}))
		got, err = s.GetOrder(ctx, "B1")
		require.NoError(t, err)
		assert.True(t, got.ErasedAt.Equal(erasedAt), "%v", got.ErasedAt)
		require.NoError(t, s.UpdateOrder(ctx, "B1", func(o *order.Order) ([]order.Event, error) {
			o.ErasedAt = time.Time{}
			return nil, nil
		}))

		// A failing update changes nothing and journals nothing.
		boom := errors.New("boom")
		err = s.UpdateOrder(ctx, "B1", func(o *order.Order) ([]order.Event, error) {
			o.Status = order.Shipped
			return []order.Event{{OrderID: "B1"}}, boom
		})
		assert.ErrorIs(t, err, boom)
		got, _ = s.GetOrder(ctx, "B1")
		assert.Equal(t, order.Approved, got.Status)
		err = s.UpdateOrder(ctx, "missing", func(*order.Order) ([]order.Event, error) { return nil, nil })
		assert.ErrorIs(t, err, order.ErrNotFound)
		// The id is the key: an update cannot change it.
		require.NoError(t, s.UpdateOrder(ctx, "B1", func(o *order.Order) ([]order.Event, error) {
			o.ID = "B2"
			return nil, nil
		}))
		_, err = s.GetOrder(ctx, "B1")
		assert.NoError(t, err)
		_, err = s.GetOrder(ctx, "B2")
		assert.ErrorIs(t, err, order.ErrNotFound)

		var evs []order.Event
		for ev, err := range s.Journal(ctx, 0) {
			require.NoError(t, err)
			evs = append(evs, ev)
		}
		require.Len(t, evs, 2)
		assert.Equal(t, order.ActReceived, evs[0].Action)
		assert.Equal(t, order.Approved, evs[1].To)
		assert.Equal(t, "alice", evs[1].Actor)
		assert.Less(t, evs[0].Seq, evs[1].Seq)
		assert.True(t, evs[1].Time.Equal(at))
		n := 0
		for ev, err := range s.Journal(ctx, evs[0].Seq) {
			require.NoError(t, err)
			assert.Equal(t, evs[1].Seq, ev.Seq)
			n++
		}
		assert.Equal(t, 1, n, "Journal(after) skips what was seen")
	})

	t.Run("ListOrders", func(t *testing.T) {
		s := newStore(t)
		for i, id := range []string{"C3", "C1", "C2"} {
			o := mk(id, at.Add(time.Duration(3-i)*time.Minute))
			require.NoError(t, s.CreateOrder(ctx, o, recv(o)))
		}
		o0 := mk("C0", at.Add(2*time.Minute)) // same paid-at time as C1: the id decides
		require.NoError(t, s.CreateOrder(ctx, o0, recv(o0)))
		require.NoError(t, s.UpdateOrder(ctx, "C2", func(o *order.Order) ([]order.Event, error) {
			ev, err := order.Move(o, order.OnHold, at, "r", order.ActReviewed, "")
			return []order.Event{ev}, err
		}))
		var ids []string
		for o, err := range s.ListOrders(ctx) {
			require.NoError(t, err)
			ids = append(ids, o.ID)
		}
		assert.Equal(t, []string{"C2", "C0", "C1", "C3"}, ids, "paid-at order, then id")
		ids = nil
		for o, err := range s.ListOrders(ctx, order.Received) {
			require.NoError(t, err)
			ids = append(ids, o.ID)
		}
		assert.Equal(t, []string{"C0", "C1", "C3"}, ids)
	})

	if !f.NoConcurrency {
		t.Run("ConcurrentUpdates", func(t *testing.T) {
			s := newStore(t)
			o := mk("D1", at)
			o.Flags = nil
			require.NoError(t, s.CreateOrder(ctx, o, recv(o)))
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					assert.NoError(t, s.UpdateOrder(ctx, "D1", func(o *order.Order) ([]order.Event, error) {
						o.Flags = append(o.Flags, fmt.Sprint(i))
						return []order.Event{order.Note(o, at, "w", order.ActNote, fmt.Sprint(i))}, nil
					}))
				}()
			}
			wg.Wait()
			got, err := s.GetOrder(ctx, "D1")
			require.NoError(t, err)
			assert.Len(t, got.Flags, 20, "no update lost")
			seen := map[uint64]bool{}
			for ev, err := range s.Journal(ctx, 0) {
				require.NoError(t, err)
				assert.False(t, seen[ev.Seq], "sequence numbers are unique")
				seen[ev.Seq] = true
			}
			assert.Len(t, seen, 21)
			head, err := order.VerifyStore(ctx, s)
			require.NoError(t, err, "concurrent appends keep one unbroken hash chain")
			assert.Equal(t, uint64(21), head.Seq)
		})
	}

	t.Run("JournalChain", func(t *testing.T) {
		s := newStore(t)
		head, err := order.VerifyStore(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, order.Head{}, head, "an empty journal")
		for i := range 3 {
			o := mk(fmt.Sprint("H", i), at)
			require.NoError(t, s.CreateOrder(ctx, o, recv(o)))
			require.NoError(t, s.UpdateOrder(ctx, o.ID, func(o *order.Order) ([]order.Event, error) {
				// odd bytes, a nanosecond time: what is stored is what is hashed
				return []order.Event{order.Note(o, at.Add(1234567*time.Nanosecond), "客服\t", order.ActNote, "x\r\n«»"),
					order.Note(o, time.Time{}, "w", order.ActNote, "")}, nil
			}))
		}
		var prev string
		var n uint64
		for ev, err := range s.Journal(ctx, 0) {
			require.NoError(t, err)
			n++
			assert.Equal(t, n, ev.Seq, "gap-free")
			assert.Equal(t, prev, ev.Prev, "each event carries the hash of the one before")
			assert.Equal(t, order.HashEvent(&ev), ev.Hash)
			prev = ev.Hash
		}
		head, err = order.VerifyStore(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, order.Head{Seq: 9, Hash: prev}, head)
		if hr, ok := s.(order.HeadReader); ok {
			h, err := hr.JournalHead(ctx)
			require.NoError(t, err)
			assert.Equal(t, head, h)
		}
	})
}
