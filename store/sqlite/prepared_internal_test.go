package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/dadanhq/dadan/store/seal"
)

// An update worked out before the write is stored when the order is unchanged
// (fn runs once, off the writer), and worked out again in the transaction when
// another write changed the order in between: nothing of that write is lost.
func TestPreparedUpdates(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "sealed"}[sealed], func(t *testing.T) {
			ctx := context.Background()
			var opts *Options
			if sealed {
				keys, err := seal.New("k1", map[string][]byte{"k1": seal.NewKey()})
				require.NoError(t, err)
				opts = &Options{Keys: keys}
			}
			s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), opts)
			require.NoError(t, err)
			defer s.Close()
			g := ordertest.New(7)
			a, b := g.Order(), g.Order()
			a.Status, b.Status = order.Approved, order.Approved
			require.NoError(t, s.CreateOrder(ctx, a))
			require.NoError(t, s.CreateOrder(ctx, b))
			at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			calls := map[string]int{}
			move := func(o *order.Order) ([]order.Event, error) {
				calls[o.ID]++
				ev, err := order.Move(o, order.Printed, at, "t", order.ActPrinted, "printed")
				return []order.Event{ev}, err
			}

			// Unchanged: prepared, stored as prepared.
			_, err = s.AddJobsUpdating(ctx, nil, []order.Update{{ID: a.ID, Fn: move}})
			require.NoError(t, err)
			assert.Equal(t, 1, calls[a.ID], "fn ran once, before the write")
			got, err := s.GetOrder(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, order.Printed, got.Status)
			n := 0
			for o, err := range s.ListOrders(ctx, order.Printed) {
				require.NoError(t, err)
				assert.Equal(t, a.ID, o.ID, "the status column moved with the body")
				n++
			}
			assert.Equal(t, 1, n)

			// Worked out beforehand and stored by the writer as it was.
			c := g.Order()
			c.Status = order.Approved
			require.NoError(t, s.CreateOrder(ctx, c))
			pre := s.prepareUpdates(ctx, []order.Update{{ID: c.ID, Fn: move}})
			require.NotNil(t, pre[0])
			require.NoError(t, s.write(ctx, func(w *wconn) error {
				done, err := applyPrepared(w, pre[0])
				assert.True(t, done, "the row is the one read")
				return err
			}))
			got, err = s.GetOrder(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, order.Printed, got.Status)

			// Changed in between: the prepared update is refused, fn runs again
			// on the changed order.
			pre = s.prepareUpdates(ctx, []order.Update{{ID: b.ID, Fn: move}})
			require.NotNil(t, pre[0])
			require.NoError(t, s.UpdateOrder(ctx, b.ID, func(o *order.Order) ([]order.Event, error) {
				o.Remark.Seller = "changed in between"
				return nil, nil
			}))
			err = s.write(ctx, func(w *wconn) error {
				done, err := applyPrepared(w, pre[0])
				assert.False(t, done, "the row is no longer the one read")
				return err
			})
			require.NoError(t, err)
			got, err = s.GetOrder(ctx, b.ID)
			require.NoError(t, err)
			assert.Equal(t, order.Approved, got.Status, "nothing of the refused update is stored")
			assert.Equal(t, "changed in between", got.Remark.Seller)

			// The same through AddJobsUpdating: an update of b ahead of the move
			// in one call, so the move's prepared result is stale.
			calls[b.ID] = 0
			_, err = s.AddJobsUpdating(ctx, nil, []order.Update{
				{ID: b.ID, Fn: func(o *order.Order) ([]order.Event, error) { o.Remark.Seller += ", again"; return nil, nil }},
				{ID: b.ID, Fn: move},
			})
			require.NoError(t, err)
			got, err = s.GetOrder(ctx, b.ID)
			require.NoError(t, err)
			assert.Equal(t, order.Printed, got.Status)
			assert.Equal(t, "changed in between, again", got.Remark.Seller)
			assert.Equal(t, 1, calls[b.ID], "the later update of an order is worked out in the transaction only")

			var evs []order.Event
			for ev, err := range s.Journal(ctx, 0) {
				require.NoError(t, err)
				evs = append(evs, ev)
			}
			require.Len(t, evs, 3, "one event per applied move, none for the refused one")
			assert.Equal(t, []string{a.ID, c.ID, b.ID}, []string{evs[0].OrderID, evs[1].OrderID, evs[2].OrderID})
			_, err = order.VerifyStore(ctx, s)
			assert.NoError(t, err)
		})
	}
}
