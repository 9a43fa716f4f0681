package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/dadanhq/dadan/store/seal"
)

// sealedOptions returns the options of a store that seals, or nil.
func sealedOptions(t *testing.T, sealed bool) *Options {
	t.Helper()
	if !sealed {
		return nil
	}
	keys, err := seal.New("k1", map[string][]byte{"k1": seal.NewKey()})
	require.NoError(t, err)
	return &Options{Keys: keys}
}

// An update worked out before the write is stored when the order is unchanged
// (fn runs once, off the writer), and worked out again in the transaction when
// another write changed the order in between: nothing of that write is lost.
func TestPreparedUpdates(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "sealed"}[sealed], func(t *testing.T) {
			ctx := context.Background()
			opts := sealedOptions(t, sealed)
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
				done, err := s.applyPrepared(w, pre[0])
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
				done, err := s.applyPrepared(w, pre[0])
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

// The rows a station lists and writes are kept, so the next update of those
// orders is worked out without reading them again; a row kept stale by a write
// elsewhere (here a second store on the same file, as a second process) makes
// the prepared update fail its check and run again in the transaction, on the
// order as stored: the other write is kept.
func TestPreparedUpdatesFromRecentRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	g := ordertest.New(11)
	a, b := g.Order(), g.Order()
	a.Status, b.Status = order.Approved, order.Approved
	require.NoError(t, s.CreateOrder(ctx, a))
	require.NoError(t, s.CreateOrder(ctx, b))
	for _, err := range s.ListOrders(ctx, order.Approved) {
		require.NoError(t, err)
	}
	stored := func(id string) []byte {
		var body []byte
		require.NoError(t, s.readRow(ctx, `SELECT body FROM orders WHERE id = ?`, []any{id}, &body))
		return body
	}
	for _, id := range []string{a.ID, b.ID} {
		e, ok := s.recent.get(id)
		require.True(t, ok, "listed approved orders are kept")
		assert.Equal(t, stored(id), e.body)
	}

	calls := map[string]int{}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	note := func(text string) func(o *order.Order) ([]order.Event, error) {
		return func(o *order.Order) ([]order.Event, error) {
			calls[o.ID]++
			o.Remark.Seller += text
			return []order.Event{order.Note(o, at, "t", order.ActNote, text)}, nil
		}
	}
	_, err = s.AddJobsUpdating(ctx, nil, []order.Update{{ID: a.ID, Fn: note("one")}})
	require.NoError(t, err)
	assert.Equal(t, 1, calls[a.ID])
	e, ok := s.recent.get(a.ID)
	require.True(t, ok, "a row written is kept")
	assert.Equal(t, stored(a.ID), e.body, "as written")
	_, err = s.AddJobsUpdating(ctx, nil, []order.Update{{ID: a.ID, Fn: note(", two")}})
	require.NoError(t, err)
	assert.Equal(t, 2, calls[a.ID], "worked out once, from the kept row")

	other, err := Open(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, other.UpdateOrder(ctx, b.ID, func(o *order.Order) ([]order.Event, error) {
		o.Remark.Seller = "elsewhere"
		return nil, nil
	}))
	require.NoError(t, other.Close())
	_, err = s.AddJobsUpdating(ctx, nil, []order.Update{{ID: b.ID, Fn: note(", here")}})
	require.NoError(t, err)
	assert.Equal(t, 2, calls[b.ID], "the stale row's result refused, fn ran again in the transaction")
	got, err := s.GetOrder(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, "elsewhere, here", got.Remark.Seller, "the other write is kept")
	got, err = s.GetOrder(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Remark.Seller+"one, two", got.Remark.Seller)
	_, err = order.VerifyStore(ctx, s)
	assert.NoError(t, err)
}

// recentRows forgets the oldest rows beyond its size, and a row put again
// keeps its place.
func TestRecentRowsBounded(t *testing.T) {
	var r recentRows
	for i := range recentSize + 10 {
		r.put(strconv.Itoa(i), recentRow{status: "approved", paid: int64(i), body: []byte{byte(i)}})
	}
	assert.Len(t, r.rows.m, recentSize)
	_, ok := r.get("0")
	assert.False(t, ok, "the oldest is forgotten")
	e, ok := r.get(strconv.Itoa(recentSize + 9))
	require.True(t, ok)
	assert.Equal(t, int64(recentSize+9), e.paid)
	r.put("20", recentRow{status: "printed", paid: 1})
	r.put("x", recentRow{status: "approved", paid: 2})
	e, ok = r.get("20")
	require.True(t, ok)
	assert.Equal(t, "printed", e.status)
	r.forget("20")
	_, ok = r.get("20")
	assert.False(t, ok)
	assert.LessOrEqual(t, len(r.rows.m), recentSize)
}

// An order listed to print is updated narrowly (its waybill, then its status)
// from what the listing kept of it: neither update decodes or rewrites the
// body, never from the caller's order (which the caller changes), and an update
// worked out from a row another station changed in between is worked out again
// on the row as it is.
func TestNarrowUpdatesOfListedOrders(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "sealed"}[sealed], func(t *testing.T) {
			ctx := context.Background()
			opts := sealedOptions(t, sealed)
			path := filepath.Join(t.TempDir(), "l.db")
			s, err := Open(ctx, path, opts)
			require.NoError(t, err)
			defer s.Close()
			g := ordertest.New(11)
			var ids []string
			for range 3 {
				o := g.Order()
				o.Status = order.Approved
				require.NoError(t, s.CreateOrder(ctx, o))
				ids = append(ids, o.ID)
			}
			held := g.Order()
			held.Status = order.OnHold
			require.NoError(t, s.CreateOrder(ctx, held))
			for o, err := range s.ListOrders(ctx) {
				require.NoError(t, err)
				o.Recipient.Name = "changed by the caller" // a station masks, fills in, renders
				o.Waybill = &order.Waybill{TrackingNo: "the caller's"}
			}
			for _, id := range ids {
				r, ok := s.recent.get(id)
				require.True(t, ok, "an approved order listed is kept")
				require.True(t, r.known)
				assert.Nil(t, r.wb, "as stored, not as the caller changed it")
			}
			_, ok := s.recent.get(held.ID)
			assert.False(t, ok, "an order not approved is not")
			row := func(id string) (body, waybill []byte, ver int64) {
				require.NoError(t, s.readRow(ctx, `SELECT o.body, s.waybill, s.ver FROM orders o JOIN order_state s ON s.oid = o.oid WHERE o.id = ?`,
					[]any{id}, &body, &waybill, &ver))
				return
			}
			bodies := map[string]string{}
			for _, id := range ids {
				b, w, v := row(id)
				assert.Nil(t, w)
				assert.Zero(t, v)
				bodies[id] = string(b)
			}

			// Another process changes the second order meanwhile.
			other, err := Open(ctx, path, opts)
			require.NoError(t, err)
			require.NoError(t, other.UpdateOrder(ctx, ids[1], func(o *order.Order) ([]order.Event, error) {
				o.Remark.Seller = "changed by another station"
				return nil, nil
			}))
			require.NoError(t, other.Close())

			calls := map[string]int{}
			waybill := func(no string) order.Update {
				return order.Update{Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
					calls[o.ID]++
					if o.Recipient.Name != "" || o.Items != nil {
						return nil, errors.New("a narrow update saw the whole order")
					}
					o.Waybill = &order.Waybill{TrackingNo: no, SortCode: "300-"}
					return []order.Event{order.Note(o, time.Now(), "t", order.ActNote, "waybill "+no)}, nil
				}}
			}
			ups := []order.Update{waybill("W0"), waybill("W1")}
			ups[0].ID, ups[1].ID = ids[0], ids[1]
			_, err = s.AddJobsUpdating(ctx, nil, ups)
			require.NoError(t, err)
			assert.Equal(t, 1, calls[ids[0]], "worked out once, from the kept row")
			assert.Equal(t, 2, calls[ids[1]], "worked out again in the transaction: the row changed")
			b, w, v := row(ids[0])
			assert.Equal(t, bodies[ids[0]], string(b), "the body is not rewritten")
			assert.NotNil(t, w)
			assert.Equal(t, sealed, seal.Sealed(w), "the waybill is sealed as the body is")
			assert.Equal(t, int64(1), v)
			b, w, v = row(ids[1])
			assert.NotEqual(t, bodies[ids[1]], string(b), "folded into the body in the transaction")
			assert.Nil(t, w)
			assert.Equal(t, int64(2), v)

			move := order.Update{ID: ids[0], Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
				calls[o.ID]++
				ev, err := order.Move(o, order.Printed, time.Now(), "t", order.ActPrinted, "")
				return []order.Event{ev}, err
			}}
			_, err = s.AddJobsUpdating(ctx, nil, []order.Update{move})
			require.NoError(t, err)
			assert.Equal(t, 2, calls[ids[0]], "from the row the last write kept")
			b, _, v = row(ids[0])
			assert.Equal(t, bodies[ids[0]], string(b))
			assert.Equal(t, int64(2), v)

			for i, id := range ids[:2] {
				got, err := s.GetOrder(ctx, id)
				require.NoError(t, err)
				require.NotNil(t, got.Waybill)
				assert.Equal(t, "W"+strconv.Itoa(i), got.Waybill.TrackingNo)
				assert.Equal(t, "300-", got.Waybill.SortCode)
				assert.NotEqual(t, "changed by the caller", got.Recipient.Name, "the caller's changes are not stored")
			}
			got, err := s.GetOrder(ctx, ids[0])
			require.NoError(t, err)
			assert.Equal(t, order.Printed, got.Status)
			var printed []string
			for o, err := range s.ListOrders(ctx, order.Printed) {
				require.NoError(t, err)
				printed = append(printed, o.ID+" "+o.Waybill.TrackingNo)
			}
			assert.Equal(t, []string{ids[0] + " W0"}, printed)
			second, err := s.GetOrder(ctx, ids[1])
			require.NoError(t, err)
			assert.Equal(t, "changed by another station", second.Remark.Seller, "the other station's change stands")

			// A whole update folds the waybill into the body.
			require.NoError(t, s.UpdateOrder(ctx, ids[0], func(o *order.Order) ([]order.Event, error) {
				o.Remark.Seller = "after"
				return nil, nil
			}))
			_, w, _ = row(ids[0])
			assert.Nil(t, w)
			got, err = s.GetOrder(ctx, ids[0])
			require.NoError(t, err)
			assert.Equal(t, "W0", got.Waybill.TrackingNo)
			assert.Equal(t, order.Printed, got.Status)
			assert.Equal(t, "after", got.Remark.Seller)

			// A narrow update that changes more is refused, before and in the
			// transaction, and stores nothing.
			_, err = s.AddJobsUpdating(ctx, nil, []order.Update{{ID: ids[2], Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
				o.Remark.Seller = "not narrow"
				return nil, nil
			}}})
			require.ErrorIs(t, err, order.ErrNotNarrow)
			got, err = s.GetOrder(ctx, ids[2])
			require.NoError(t, err)
			assert.NotEqual(t, "not narrow", got.Remark.Seller)
			_, err = order.VerifyStore(ctx, s)
			assert.NoError(t, err)
		})
	}
}
