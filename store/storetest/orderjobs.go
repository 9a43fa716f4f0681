package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// OrderJobStore is what [OrderJobs] tests: a store that keeps orders and print
// jobs and changes orders and adds jobs in one atomic step (the station's
// dadan.OrderJobStore).
type OrderJobStore interface {
	order.Store
	printer.JobStore
	AddJobsUpdating(ctx context.Context, jobs []printer.Job, updates []order.Update) ([]printer.Job, error)
}

// OrderJobs runs the conformance tests of AddJobsUpdating: the updates and the
// jobs are stored together or not at all.
func OrderJobs(t *testing.T, newStore func(t *testing.T) OrderJobStore, f Features) {
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	mk := func(t *testing.T, s OrderJobStore, ids ...string) {
		t.Helper()
		for i, id := range ids {
			o := &order.Order{ID: id, Platform: order.Taobao, PaidAt: at.Add(time.Duration(i) * time.Minute),
				Status: order.Approved, Recipient: order.Party{Name: "张三", Phone: "13800000000"}, Total: decimal.Zero}
			require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: id,
				Action: order.ActReceived, To: order.Approved}))
		}
	}
	jobsOf := func(id string) []printer.Job {
		return []printer.Job{
			{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "w", Version: "1", Copy: 1}, Printer: "zebra",
				Data: []byte("^XA" + id + "^XZ"), State: printer.Queued, CreatedAt: at, UpdatedAt: at},
			{Key: printer.JobKey{Order: id, Doc: printer.PackingList, Template: "p", Version: "1", Copy: 1}, Printer: "epson",
				Data: []byte("\x1b@" + id), State: printer.Queued, CreatedAt: at, UpdatedAt: at},
		}
	}
	// setWaybill stores number as the order's waybill unless it has one.
	errTaken := errors.New("number taken")
	setWaybill := func(id, number string) order.Update {
		return order.Update{ID: id, Fn: func(o *order.Order) ([]order.Event, error) {
			if o.Waybill != nil {
				return nil, errTaken
			}
			o.Waybill = &order.Waybill{TrackingNo: number, SortCode: "021"}
			return []order.Event{order.Note(o, at, "station", order.ActNote, "waybill "+number+" allocated")}, nil
		}}
	}
	journal := func(t *testing.T, s OrderJobStore) []order.Event {
		t.Helper()
		var evs []order.Event
		for ev, err := range s.Journal(ctx, 0) {
			require.NoError(t, err)
			evs = append(evs, ev)
		}
		_, err := order.VerifyStore(ctx, s)
		require.NoError(t, err)
		return evs
	}
	unchanged := func(t *testing.T, s OrderJobStore, before int, ids ...string) {
		t.Helper()
		for _, id := range ids {
			o, err := s.GetOrder(ctx, id)
			require.NoError(t, err)
			assert.Nil(t, o.Waybill, id)
			js, err := s.Jobs(ctx, printer.JobFilter{Order: id})
			require.NoError(t, err)
			assert.Empty(t, js, id)
		}
		assert.Len(t, journal(t, s), before)
	}

	t.Run("Together", func(t *testing.T) {
		s := newStore(t)
		mk(t, s, "A", "B")
		in := append(jobsOf("A"), jobsOf("B")...)
		got, err := s.AddJobsUpdating(ctx, in, []order.Update{setWaybill("A", "SF1"), setWaybill("B", "SF2")})
		require.NoError(t, err)
		require.Len(t, got, 4)
		for i := range got {
			assert.Equal(t, in[i].Key, got[i].Key)
			assert.Equal(t, printer.Queued, got[i].State)
			assert.NotEmpty(t, got[i].ID)
			if i > 0 {
				assert.Greater(t, got[i].Seq, got[i-1].Seq)
			}
			stored, err := s.Job(ctx, got[i].ID)
			require.NoError(t, err)
			assert.Equal(t, in[i].Data, stored.Data)
		}
		for id, no := range map[string]string{"A": "SF1", "B": "SF2"} {
			o, err := s.GetOrder(ctx, id)
			require.NoError(t, err)
			require.NotNil(t, o.Waybill, id)
			assert.Equal(t, no, o.Waybill.TrackingNo)
			assert.Equal(t, "张三", o.Recipient.Name)
			assert.Equal(t, order.Approved, o.Status)
		}
		evs := journal(t, s)
		require.Len(t, evs, 4)
		assert.Equal(t, "waybill SF1 allocated", evs[2].Detail)
		assert.Equal(t, "B", evs[3].OrderID)
		// The jobs queue after those stored before and before those stored after.
		more, err := s.AddJobs(ctx, []printer.Job{{Key: printer.JobKey{Order: "A", Doc: printer.ProductLabel, Template: "l", Version: "1", Copy: 1},
			Printer: "zebra", Data: []byte("x"), State: printer.Queued, CreatedAt: at, UpdatedAt: at}})
		require.NoError(t, err)
		assert.Greater(t, more[0].Seq, got[3].Seq)
		claimed, err := s.ClaimJob(ctx, "zebra", "st", at)
		require.NoError(t, err)
		assert.Equal(t, got[0].ID, claimed.ID)
	})

	t.Run("UpdateFailsNothingStored", func(t *testing.T) {
		s := newStore(t)
		mk(t, s, "A", "B")
		require.NoError(t, s.UpdateOrder(ctx, "B", func(o *order.Order) ([]order.Event, error) {
			o.Waybill = &order.Waybill{TrackingNo: "YT9"}
			return nil, nil
		}))
		_, err := s.AddJobsUpdating(ctx, append(jobsOf("A"), jobsOf("B")...),
			[]order.Update{setWaybill("A", "SF1"), setWaybill("B", "SF2")})
		require.ErrorIs(t, err, errTaken)
		unchanged(t, s, 2, "A")
		o, err := s.GetOrder(ctx, "B")
		require.NoError(t, err)
		assert.Equal(t, "YT9", o.Waybill.TrackingNo)
		js, err := s.Jobs(ctx, printer.JobFilter{})
		require.NoError(t, err)
		assert.Empty(t, js)
	})

	t.Run("KeyTakenNothingStored", func(t *testing.T) {
		s := newStore(t)
		mk(t, s, "A", "B")
		old, err := s.AddJobs(ctx, jobsOf("B")[1:])
		require.NoError(t, err)
		got, err := s.AddJobsUpdating(ctx, append(jobsOf("A"), jobsOf("B")...),
			[]order.Update{setWaybill("A", "SF1"), setWaybill("B", "SF2")})
		require.ErrorIs(t, err, printer.ErrDuplicate)
		require.Len(t, got, 1)
		assert.Equal(t, old[0].ID, got[0].ID)
		assert.Equal(t, old[0].Data, got[0].Data)
		unchanged(t, s, 2, "A")
		o, err := s.GetOrder(ctx, "B")
		require.NoError(t, err)
		assert.Nil(t, o.Waybill)
		js, err := s.Jobs(ctx, printer.JobFilter{})
		require.NoError(t, err)
		assert.Len(t, js, 1)
	})

	t.Run("MissingOrderNothingStored", func(t *testing.T) {
		s := newStore(t)
		mk(t, s, "A")
		_, err := s.AddJobsUpdating(ctx, jobsOf("A"), []order.Update{setWaybill("A", "SF1"), setWaybill("nope", "SF2")})
		require.ErrorIs(t, err, order.ErrNotFound)
		unchanged(t, s, 1, "A")
	})

	t.Run("Narrow", func(t *testing.T) {
		// What printing changes, as narrow updates: the waybill with the jobs,
		// then the status; every store hands out the same afterwards.
		s := newStore(t)
		mk(t, s, "A", "B")
		narrow := func(u order.Update) order.Update {
			fn := u.Fn
			u.Narrow, u.Fn = true, func(o *order.Order) ([]order.Event, error) {
				if o.Recipient.Name != "" || o.Platform != "" {
					return nil, errors.New("a narrow update saw the whole order")
				}
				return fn(o)
			}
			return u
		}
		_, err := s.AddJobsUpdating(ctx, append(jobsOf("A"), jobsOf("B")...),
			[]order.Update{narrow(setWaybill("A", "SF1")), narrow(setWaybill("B", "SF2"))})
		require.NoError(t, err)
		moved := narrow(order.Update{ID: "A", Fn: func(o *order.Order) ([]order.Event, error) {
			require.NotNil(t, o.Waybill)
			ev, err := order.Move(o, order.Printed, at, "station", order.ActPrinted, "printed "+o.Waybill.TrackingNo)
			return []order.Event{ev}, err
		}})
		_, err = s.AddJobsUpdating(ctx, nil, []order.Update{moved})
		require.NoError(t, err)
		for id, want := range map[string]order.Status{"A": order.Printed, "B": order.Approved} {
			o, err := s.GetOrder(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, want, o.Status, id)
			assert.Equal(t, "张三", o.Recipient.Name, "the rest of %s stays", id)
			require.NotNil(t, o.Waybill, id)
			assert.Equal(t, "021", o.Waybill.SortCode)
		}
		var printed []string
		for o, err := range s.ListOrders(ctx, order.Printed) {
			require.NoError(t, err)
			printed = append(printed, o.ID+" "+o.Waybill.TrackingNo+" "+o.Recipient.Name)
		}
		assert.Equal(t, []string{"A SF1 张三"}, printed)
		evs := journal(t, s)
		require.Len(t, evs, 5)
		assert.Equal(t, "printed SF1", evs[4].Detail)

		// One that changes more is refused whole, with the jobs of its step.
		mk(t, s, "C")
		_, err = s.AddJobsUpdating(ctx, jobsOf("C"), []order.Update{{ID: "C", Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
			o.Waybill = &order.Waybill{TrackingNo: "SF3"}
			o.Recipient.Name = "李四"
			return nil, nil
		}}})
		require.ErrorIs(t, err, order.ErrNotNarrow)
		unchanged(t, s, 6, "C")
	})

	t.Run("SameOrderTwice", func(t *testing.T) {
		s := newStore(t)
		mk(t, s, "A")
		note := order.Update{ID: "A", Fn: func(o *order.Order) ([]order.Event, error) {
			require.NotNil(t, o.Waybill, "the second update sees the first")
			return []order.Event{order.Note(o, at, "station", order.ActNote, "after "+o.Waybill.TrackingNo)}, nil
		}}
		_, err := s.AddJobsUpdating(ctx, nil, []order.Update{setWaybill("A", "SF1"), note})
		require.NoError(t, err)
		evs := journal(t, s)
		require.Len(t, evs, 3)
		assert.Equal(t, "after SF1", evs[2].Detail)
	})

	if f.NoConcurrency {
		return
	}
	t.Run("RaceOneWins", func(t *testing.T) {
		// Two stations allocate a number for one order and queue its documents
		// at once: one step is stored whole, the other not at all.
		s := newStore(t)
		mk(t, s, "A")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, no := range []string{"SF1", "SF2"} {
			wg.Go(func() {
				u := setWaybill("A", no)
				u.Narrow = i == 1 // what printing stores, and a whole update
				_, errs[i] = s.AddJobsUpdating(ctx, jobsOf("A"), []order.Update{u})
			})
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, won, "both stored")
				won = i
				continue
			}
			assert.True(t, errors.Is(err, errTaken) || errors.Is(err, printer.ErrDuplicate), err)
		}
		require.NotEqual(t, -1, won, "neither stored: %v", errs)
		o, err := s.GetOrder(ctx, "A")
		require.NoError(t, err)
		assert.Equal(t, []string{"SF1", "SF2"}[won], o.Waybill.TrackingNo)
		js, err := s.Jobs(ctx, printer.JobFilter{Order: "A"})
		require.NoError(t, err)
		assert.Len(t, js, 2)
		assert.Len(t, journal(t, s), 2)
	})
}
