package printertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
)

// TestJobStore is the conformance suite for [printer.JobStore] implementations:
// call it from a test with a function that returns a new, empty store.
func TestJobStore(t *testing.T, newStore func(t *testing.T) printer.JobStore) {
	t0 := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	key := func(order string, copyNo int) printer.JobKey {
		return printer.JobKey{Order: order, Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: copyNo}
	}
	job := func(order, prn string) printer.Job {
		return printer.Job{Key: key(order, 1), Printer: prn, Data: []byte("^XA^FD" + order + "^FS^XZ"), MediaLength: 130, CreatedAt: t0, UpdatedAt: t0}
	}
	ctx := context.Background()
	// queue queues a job for each order on printer prn, in turn, and returns
	// their IDs.
	queue := func(t *testing.T, s printer.JobStore, prn string, orders ...string) []string {
		t.Helper()
		var ids []string
		for _, o := range orders {
			j, err := s.AddJob(ctx, job(o, prn))
			require.NoError(t, err)
			ids = append(ids, j.ID)
		}
		return ids
	}

	t.Run("AddAssignsIDSeqAndCopies", func(t *testing.T) {
		s := newStore(t)
		in := job("A", "p1")
		a, err := s.AddJob(ctx, in)
		require.NoError(t, err)
		assert.NotEmpty(t, a.ID)
		assert.Equal(t, printer.Queued, a.State)
		in.Data[0] = 'X'
		b, err := s.AddJob(ctx, job("B", "p1"))
		require.NoError(t, err)
		assert.Greater(t, b.Seq, a.Seq)
		assert.NotEqual(t, a.ID, b.ID)
		got, err := s.Job(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, "^XA^FDA^FS^XZ", string(got.Data), "the store keeps its own copy")
		assert.Equal(t, a.Key, got.Key)
		assert.Equal(t, 130.0, got.MediaLength)
		assert.True(t, got.CreatedAt.Equal(t0))
	})

	t.Run("DuplicateKey", func(t *testing.T) {
		s := newStore(t)
		a, err := s.AddJob(ctx, job("A", "p1"))
		require.NoError(t, err)
		again := job("A", "p2")
		again.Data = []byte("other")
		d, err := s.AddJob(ctx, again)
		require.ErrorIs(t, err, printer.ErrDuplicate)
		assert.Equal(t, a.ID, d.ID, "the existing job comes back")
		assert.Equal(t, "p1", d.Printer)
		other := job("A", "p1")
		other.Key.Copy = 2
		_, err = s.AddJob(ctx, other)
		require.NoError(t, err, "another copy is another key")
		all, err := s.Jobs(ctx, printer.JobFilter{})
		require.NoError(t, err)
		assert.Len(t, all, 2)
	})

	t.Run("ClaimFIFOOnePerPrinter", func(t *testing.T) {
		s := newStore(t)
		var ids []string
		for i := range 3 {
			j, err := s.AddJob(ctx, job(fmt.Sprint("A", i), "p1"))
			require.NoError(t, err)
			ids = append(ids, j.ID)
		}
		o, err := s.AddJob(ctx, job("O", "p2"))
		require.NoError(t, err)
		c, err := s.ClaimJob(ctx, "p1", "st1", t0.Add(time.Second))
		require.NoError(t, err)
		assert.Equal(t, ids[0], c.ID)
		assert.Equal(t, printer.Sending, c.State)
		assert.Equal(t, "st1", c.Owner)
		assert.Equal(t, 1, c.Attempts)
		assert.True(t, c.SentAt.Equal(t0.Add(time.Second)))
		_, err = s.ClaimJob(ctx, "p1", "st2", t0)
		assert.ErrorIs(t, err, printer.ErrNoJob, "one job at a time per printer")
		c2, err := s.ClaimJob(ctx, "p2", "st2", t0)
		require.NoError(t, err, "other printers go on")
		assert.Equal(t, o.ID, c2.ID)
		_, err = s.ClaimJob(ctx, "nobody", "st1", t0)
		assert.ErrorIs(t, err, printer.ErrNoJob)

		c.State = printer.Printed
		c.PrintCount = 1
		require.NoError(t, s.UpdateJob(ctx, c, printer.Sending))
		n, err := s.ClaimJob(ctx, "p1", "st1", t0)
		require.NoError(t, err)
		assert.Equal(t, ids[1], n.ID)
	})

	t.Run("RequeueKeepsPlaceOrGoesBack", func(t *testing.T) {
		s := newStore(t)
		a, _ := s.AddJob(ctx, job("A", "p1"))
		b, _ := s.AddJob(ctx, job("B", "p1"))
		c, err := s.ClaimJob(ctx, "p1", "", t0)
		require.NoError(t, err)
		require.Equal(t, a.ID, c.ID)
		c.State = printer.Queued
		c.Reprint, c.ReprintReason = true, "why"
		require.NoError(t, s.UpdateJob(ctx, c, printer.Sending))
		again, err := s.ClaimJob(ctx, "p1", "", t0)
		require.NoError(t, err)
		assert.Equal(t, a.ID, again.ID, "a requeued job keeps its place at the head")
		assert.Equal(t, 2, again.Attempts)
		assert.True(t, again.Reprint)
		again.State = printer.Printed
		require.NoError(t, s.UpdateJob(ctx, again, printer.Sending))
		again.State, again.Seq = printer.Queued, 0
		require.NoError(t, s.UpdateJob(ctx, again, printer.Printed))
		got, _ := s.Job(ctx, a.ID)
		assert.Greater(t, got.Seq, b.Seq, "Seq 0 sends it to the back")
		n, _ := s.ClaimJob(ctx, "p1", "", t0)
		assert.Equal(t, b.ID, n.ID)
	})

	t.Run("UpdateChecksState", func(t *testing.T) {
		s := newStore(t)
		a, _ := s.AddJob(ctx, job("A", "p1"))
		a.State = printer.Printed
		err := s.UpdateJob(ctx, a, printer.Sending)
		var se *printer.JobStateError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, printer.Queued, se.Got)
		assert.ErrorIs(t, err, printer.ErrJobState)
		a.ID = "missing"
		assert.ErrorIs(t, s.UpdateJob(ctx, a, printer.Queued), printer.ErrNoJob)
		_, err = s.Job(ctx, "missing")
		assert.ErrorIs(t, err, printer.ErrNoJob)
	})

	t.Run("CancelledIsNotClaimed", func(t *testing.T) {
		s := newStore(t)
		a, _ := s.AddJob(ctx, job("A", "p1"))
		b, _ := s.AddJob(ctx, job("B", "p1"))
		a.State = printer.Cancelled
		require.NoError(t, s.UpdateJob(ctx, a, printer.Queued))
		c, err := s.ClaimJob(ctx, "p1", "", t0)
		require.NoError(t, err)
		assert.Equal(t, b.ID, c.ID)
	})

	t.Run("Filter", func(t *testing.T) {
		s := newStore(t)
		for i := range 5 {
			_, err := s.AddJob(ctx, job(fmt.Sprint("A", i), "p1"))
			require.NoError(t, err)
		}
		_, _ = s.AddJob(ctx, job("B", "p2"))
		_, err := s.ClaimJob(ctx, "p1", "st1", t0)
		require.NoError(t, err)
		sending, err := s.Jobs(ctx, printer.JobFilter{Printer: "p1", States: []printer.JobState{printer.Sending}, Owner: "st1"})
		require.NoError(t, err)
		require.Len(t, sending, 1)
		none, err := s.Jobs(ctx, printer.JobFilter{States: []printer.JobState{printer.Sending}, Owner: "st2"})
		require.NoError(t, err)
		assert.Empty(t, none)
		q, err := s.Jobs(ctx, printer.JobFilter{Printer: "p1", States: []printer.JobState{printer.Queued}, Limit: 2})
		require.NoError(t, err)
		require.Len(t, q, 2)
		assert.Less(t, q[0].Seq, q[1].Seq)
		assert.Equal(t, "A1", q[0].Key.Order)
	})

	t.Run("ConcurrentClaimsSendEachJobOnce", func(t *testing.T) {
		// Several stations drain one printer's queue: each job is claimed once,
		// in order, and never two at a time.
		s := newStore(t)
		const n = 200
		for i := range n {
			_, err := s.AddJob(ctx, job(fmt.Sprintf("A%03d", i), "p1"))
			require.NoError(t, err)
		}
		var (
			mu    sync.Mutex
			order []string
			wg    sync.WaitGroup
		)
		for st := range 4 {
			wg.Go(func() {
				for {
					j, err := s.ClaimJob(ctx, "p1", fmt.Sprint("st", st), t0)
					if err != nil {
						mu.Lock()
						done := len(order) == n
						mu.Unlock()
						if done {
							return
						}
						time.Sleep(50 * time.Microsecond)
						continue
					}
					mu.Lock()
					order = append(order, j.Key.Order)
					mu.Unlock()
					j.State = printer.Printed
					assert.NoError(t, s.UpdateJob(ctx, j, printer.Sending))
				}
			})
		}
		wg.Wait()
		require.Len(t, order, n)
		for i, o := range order {
			assert.Equal(t, fmt.Sprintf("A%03d", i), o)
		}
	})

	t.Run("ConcurrentDuplicateAdds", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 8 {
			wg.Go(func() {
				_, err := s.AddJob(ctx, job("same", "p1"))
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else {
					assert.ErrorIs(t, err, printer.ErrDuplicate)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, ok)
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.AddJob(cctx, job("A", "p1"))
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("AddJobsAllOrNothing", func(t *testing.T) {
		s := newStore(t)
		w, p := job("A", "p1"), job("A", "p2")
		p.Key.Doc = printer.PackingList
		got, err := s.AddJobs(ctx, []printer.Job{w, p})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Less(t, got[0].Seq, got[1].Seq, "in the given order")
		assert.NotEqual(t, got[0].ID, got[1].ID)
		// A second batch with one taken key stores nothing.
		lbl := job("A", "p1")
		lbl.Key.Doc = printer.ProductLabel
		dup, err := s.AddJobs(ctx, []printer.Job{lbl, p})
		require.ErrorIs(t, err, printer.ErrDuplicate)
		require.Len(t, dup, 1)
		assert.Equal(t, got[1].ID, dup[0].ID, "the existing job comes back")
		all, err := s.Jobs(ctx, printer.JobFilter{Order: "A"})
		require.NoError(t, err)
		assert.Len(t, all, 2, "the product label was not stored")
		_, err = s.AddJobs(ctx, nil)
		assert.NoError(t, err, "an empty batch stores nothing")
	})

	t.Run("FilterByOrderAndSeq", func(t *testing.T) {
		s := newStore(t)
		var seqs []int64
		for _, o := range []string{"A", "B", "A", "C"} {
			j := job(o, "p1")
			j.Key.Copy = len(seqs) + 1
			a, err := s.AddJob(ctx, j)
			require.NoError(t, err)
			seqs = append(seqs, a.Seq)
		}
		js, err := s.Jobs(ctx, printer.JobFilter{Order: "A"})
		require.NoError(t, err)
		require.Len(t, js, 2)
		assert.Equal(t, "A", js[0].Key.Order)
		js, err = s.Jobs(ctx, printer.JobFilter{AfterSeq: seqs[1], Limit: 1})
		require.NoError(t, err)
		require.Len(t, js, 1)
		assert.Equal(t, seqs[2], js[0].Seq, "paging by Seq")
	})

	t.Run("FieldsRoundTrip", func(t *testing.T) {
		s := newStore(t)
		in := job("A", "p1")
		in.Hash, in.Revision = "sha256:abc", 3
		a, err := s.AddJob(ctx, in)
		require.NoError(t, err)
		c, err := s.ClaimJob(ctx, "p1", "st", t0)
		require.NoError(t, err)
		assert.Equal(t, "sha256:abc", c.Hash)
		assert.Equal(t, 3, c.Revision)
		// A done job keeps its hash, not its bytes.
		c.State, c.Data, c.PrintCount, c.PrintedAt = printer.Sent, nil, 1, t0
		require.NoError(t, s.UpdateJob(ctx, c, printer.Sending))
		got, err := s.Job(ctx, a.ID)
		require.NoError(t, err)
		assert.Empty(t, got.Data)
		assert.Equal(t, printer.Sent, got.State)
		assert.True(t, got.State.Done())
		assert.Equal(t, "sha256:abc", got.Hash)
		got.State, got.Rerender, got.Seq = printer.Unconfirmed, true, 0
		require.NoError(t, s.UpdateJob(ctx, got, printer.Sent))
		got, err = s.Job(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, printer.Unconfirmed, got.State)
		assert.True(t, got.Rerender)
		_, err = s.ClaimJob(ctx, "p1", "st", t0)
		assert.ErrorIs(t, err, printer.ErrNoJob, "an unconfirmed job is never claimed")
	})

	t.Run("LeaseExpiry", func(t *testing.T) {
		s := newStore(t)
		a, err := s.AddJob(ctx, job("A", "p1"))
		require.NoError(t, err)
		b, err := s.AddJob(ctx, job("B", "p1"))
		require.NoError(t, err)
		c, err := s.ClaimJob(ctx, "p1", "dead", t0)
		require.NoError(t, err)
		require.Equal(t, a.ID, c.ID)
		_, err = s.ClaimJob(ctx, "p1", "live", t0.Add(printer.DefaultLease/2))
		assert.ErrorIs(t, err, printer.ErrNoJob, "within the lease the printer is busy")
		// The owner renews its lease.
		c.SentAt = t0.Add(printer.DefaultLease / 2)
		require.NoError(t, s.UpdateJob(ctx, c, printer.Sending))
		_, err = s.ClaimJob(ctx, "p1", "live", t0.Add(printer.DefaultLease+time.Second))
		assert.ErrorIs(t, err, printer.ErrNoJob, "a renewed lease holds")
		late := t0.Add(2*printer.DefaultLease + time.Second)
		r, err := s.ClaimJob(ctx, "p1", "live", late)
		require.NoError(t, err)
		assert.Equal(t, a.ID, r.ID, "the abandoned job first")
		assert.Equal(t, printer.Sending, r.State)
		assert.Equal(t, "live", r.Owner)
		assert.True(t, r.Reprint)
		assert.True(t, r.Rerender)
		assert.Contains(t, r.ReprintReason, printer.ReasonLeaseExpired)
		assert.Equal(t, 1, r.PrintCount)
		assert.Equal(t, 2, r.Attempts)
		assert.True(t, r.SentAt.Equal(late))
		stored, err := s.Job(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, "live", stored.Owner, "the reclaim is stored")
		r.State = printer.Printed
		require.NoError(t, s.UpdateJob(ctx, r, printer.Sending))
		n, err := s.ClaimJob(ctx, "p1", "live", late)
		require.NoError(t, err)
		assert.Equal(t, b.ID, n.ID)
	})

	t.Run("FinishAndClaim", func(t *testing.T) {
		s := newStore(t)
		h, ok := s.(printer.Handoff)
		if !ok {
			t.Skip("the store has no Handoff")
		}
		a, _ := s.AddJob(ctx, job("A", "p1"))
		b, _ := s.AddJob(ctx, job("B", "p1"))
		c, err := s.ClaimJob(ctx, "p1", "st", t0)
		require.NoError(t, err)
		require.Equal(t, a.ID, c.ID)
		c.State, c.PrintCount = printer.Printed, 1
		n, err := h.FinishAndClaim(ctx, c, printer.Sending, "p1", "st", t0.Add(time.Second))
		require.NoError(t, err)
		assert.Equal(t, b.ID, n.ID, "the next job, claimed in the same step")
		assert.Equal(t, printer.Sending, n.State)
		got, _ := s.Job(ctx, a.ID)
		assert.Equal(t, printer.Printed, got.State)
		n.State = printer.Sent
		_, err = h.FinishAndClaim(ctx, n, printer.Sending, "p1", "st", t0)
		assert.ErrorIs(t, err, printer.ErrNoJob)
		got, _ = s.Job(ctx, b.ID)
		assert.Equal(t, printer.Sent, got.State, "with nothing to claim the update stands")
		// A failed update claims nothing.
		d, _ := s.AddJob(ctx, job("D", "p1"))
		got.State = printer.Printed
		_, err = h.FinishAndClaim(ctx, got, printer.Sending, "p1", "st", t0)
		var se *printer.JobStateError
		require.ErrorAs(t, err, &se)
		still, _ := s.Job(ctx, d.ID)
		assert.Equal(t, printer.Queued, still.State)
	})

	t.Run("ClaimJobs", func(t *testing.T) {
		s := newStore(t)
		bc, ok := s.(printer.BatchClaimer)
		if !ok {
			t.Skip("the store has no BatchClaimer")
		}
		ids := queue(t, s, "p1", "A", "B", "C", "D")
		other, err := s.AddJob(ctx, job("E", "p2"))
		require.NoError(t, err)
		got, err := bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "st", t0, 3)
		require.NoError(t, err)
		require.Len(t, got, 3)
		assertClaimed(t, s, got, ids, "st", t0, "queue order")
		_, err = bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "st2", t0, 3)
		assert.ErrorIs(t, err, printer.ErrNoJob, "a printer with jobs being sent gets none")
		_, err = s.ClaimJob(ctx, "p1", "st2", t0)
		assert.ErrorIs(t, err, printer.ErrNoJob, "nor does ClaimJob")
		for i := range got {
			got[i].State, got[i].PrintCount = printer.Printed, 1
		}
		// All of a run but its last stored at once; one twice is refused whole.
		err = bc.UpdateJobs(ctx, []printer.Job{got[0], got[0]}, printer.Sending)
		require.Error(t, err)
		stored, _ := s.Job(ctx, got[0].ID)
		assert.Equal(t, printer.Sending, stored.State, "a failed UpdateJobs changes nothing")
		require.NoError(t, bc.UpdateJobs(ctx, got[:1], printer.Sending))
		// The rest of a run is stored and the next run claimed in one step:
		// only this printer's jobs.
		next, err := bc.ClaimJobs(ctx, got[1:], printer.Sending, "p1", "st", t0, 5)
		require.NoError(t, err)
		require.Len(t, next, 1)
		assert.Equal(t, ids[3], next[0].ID)
		for _, j := range got {
			stored, _ := s.Job(ctx, j.ID)
			assert.Equal(t, printer.Printed, stored.State)
		}
		stored, _ = s.Job(ctx, other.ID)
		assert.Equal(t, printer.Queued, stored.State, "another printer's job is not claimed")
		d := next[0]
		d.State = printer.Sent
		_, err = bc.ClaimJobs(ctx, []printer.Job{d}, printer.Sending, "p1", "st", t0, 5)
		assert.ErrorIs(t, err, printer.ErrNoJob)
		stored, _ = s.Job(ctx, d.ID)
		assert.Equal(t, printer.Sent, stored.State, "with nothing to claim the update stands")
		// A failed update claims nothing.
		f, _ := s.AddJob(ctx, job("F", "p1"))
		g, _ := s.AddJob(ctx, job("G", "p1"))
		d.State = printer.Printed
		_, err = bc.ClaimJobs(ctx, []printer.Job{d}, printer.Sending, "p1", "st", t0, 5)
		var se *printer.JobStateError
		require.ErrorAs(t, err, &se)
		stored, _ = s.Job(ctx, f.ID)
		assert.Equal(t, printer.Queued, stored.State)
		// A run whose claims expired: the first is claimed again alone, flagged.
		run, err := bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "st", t0, 0)
		require.NoError(t, err)
		require.Len(t, run, 1, "max below 1 claims one")
		assert.Equal(t, f.ID, run[0].ID)
		stored, _ = s.Job(ctx, g.ID)
		require.Equal(t, printer.Queued, stored.State)
		run[0].State = printer.Queued
		run[0].Attempts = 0
		require.NoError(t, s.UpdateJob(ctx, run[0], printer.Sending))
		run, err = bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "st", t0, 2)
		require.NoError(t, err)
		require.Len(t, run, 2)
		late := t0.Add(2*printer.DefaultLease + time.Second)
		again, err := bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "live", late, 5)
		require.NoError(t, err)
		require.Len(t, again, 1, "an expired job is claimed again alone")
		assert.Equal(t, f.ID, again[0].ID, "the first of the run")
		assert.True(t, again[0].Reprint)
		assert.Contains(t, again[0].ReprintReason, printer.ReasonLeaseExpired)
		assert.Equal(t, "live", again[0].Owner)
	})

	t.Run("ClaimAhead", func(t *testing.T) {
		s := newStore(t)
		ac, ok := s.(printer.AheadClaimer)
		if !ok {
			t.Skip("the store has no AheadClaimer")
		}
		bc := s.(printer.BatchClaimer)
		ids := queue(t, s, "p1", "A", "B", "C", "D", "E")
		other, err := s.AddJob(ctx, job("X", "p2"))
		require.NoError(t, err)
		run, err := bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "st", t0, 2)
		require.NoError(t, err)
		require.Len(t, run, 2)
		held := []string{run[0].ID, run[1].ID}
		_, err = ac.ClaimAhead(ctx, nil, held, printer.Sending, "p1", "st2", t0, 2)
		assert.ErrorIs(t, err, printer.ErrNoJob, "another owner gets nothing while the run is sent")
		_, err = ac.ClaimAhead(ctx, nil, held[:1], printer.Sending, "p1", "st", t0, 2)
		assert.ErrorIs(t, err, printer.ErrNoJob, "a job Sending that is not held keeps the printer busy")
		ahead, err := ac.ClaimAhead(ctx, nil, held, printer.Sending, "p1", "st", t0, 2)
		require.NoError(t, err)
		require.Len(t, ahead, 2)
		assertClaimed(t, s, ahead, ids[2:], "st", t0, "queue order, after the run held")
		_, err = bc.ClaimJobs(ctx, nil, printer.Sending, "p1", "st2", t0, 3)
		assert.ErrorIs(t, err, printer.ErrNoJob, "ClaimJobs still sees the printer busy")
		// The first of the run stored with the next claim ahead.
		a := run[0]
		a.State, a.PrintCount = printer.Printed, 1
		more, err := ac.ClaimAhead(ctx, []printer.Job{a}, []string{run[1].ID, ahead[0].ID, ahead[1].ID}, printer.Sending, "p1", "st", t0, 0)
		require.NoError(t, err)
		require.Len(t, more, 1, "max below 1 claims one")
		assert.Equal(t, ids[4], more[0].ID)
		stored, _ := s.Job(ctx, a.ID)
		assert.Equal(t, printer.Printed, stored.State)
		// Nothing left to claim: the updates stand.
		b := run[1]
		b.State, b.PrintCount = printer.Printed, 1
		_, err = ac.ClaimAhead(ctx, []printer.Job{b}, []string{ahead[0].ID, ahead[1].ID, more[0].ID}, printer.Sending, "p1", "st", t0, 4)
		assert.ErrorIs(t, err, printer.ErrNoJob)
		stored, _ = s.Job(ctx, b.ID)
		assert.Equal(t, printer.Printed, stored.State, "with nothing to claim the update stands")
		// A failed update claims nothing and changes nothing.
		f, err := s.AddJob(ctx, job("F", "p1"))
		require.NoError(t, err)
		c := ahead[0]
		c.State = printer.Printed
		_, err = ac.ClaimAhead(ctx, []printer.Job{c, a}, []string{ahead[1].ID, more[0].ID}, printer.Sending, "p1", "st", t0, 4)
		var se *printer.JobStateError
		require.ErrorAs(t, err, &se, "a was stored printed already")
		stored, _ = s.Job(ctx, c.ID)
		assert.Equal(t, printer.Sending, stored.State, "nothing of a failed step is stored")
		stored, _ = s.Job(ctx, f.ID)
		assert.Equal(t, printer.Queued, stored.State)
		stored, _ = s.Job(ctx, other.ID)
		assert.Equal(t, printer.Queued, stored.State, "another printer's job is not claimed")
		// An expired claim is not taken over by a claim ahead.
		late := t0.Add(2*printer.DefaultLease + time.Second)
		_, err = ac.ClaimAhead(ctx, nil, nil, printer.Sending, "p1", "live", late, 4)
		assert.ErrorIs(t, err, printer.ErrNoJob, "ClaimJobs takes over expired claims, not ClaimAhead")
	})
}

// assertClaimed checks that got are the first jobs of want, claimed once by owner
// at t0 and stored so.
func assertClaimed(t *testing.T, s printer.JobStore, got []printer.Job, want []string, owner string, t0 time.Time, msg string) {
	t.Helper()
	for i, j := range got {
		assert.Equal(t, want[i], j.ID, msg)
		assert.Equal(t, printer.Sending, j.State)
		assert.Equal(t, owner, j.Owner)
		assert.Equal(t, 1, j.Attempts)
		assert.True(t, j.SentAt.Equal(t0))
		stored, err := s.Job(context.Background(), j.ID)
		require.NoError(t, err)
		assert.Equal(t, printer.Sending, stored.State, "the claim is stored")
	}
}
