package printer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// fakePrinter records jobs and reports the status it is given.
type fakePrinter struct {
	mu      sync.Mutex
	jobs    [][]byte
	status  printer.State
	printEr error
	queries int
}

func (f *fakePrinter) Print(_ context.Context, p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.printEr != nil {
		return f.printEr
	}
	f.jobs = append(f.jobs, append([]byte(nil), p...))
	return nil
}

func (f *fakePrinter) Status(context.Context) (printer.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries++
	return printer.Status{States: f.status}, nil
}

func (f *fakePrinter) Close() error { return nil }

func (f *fakePrinter) set(st printer.State, err error) {
	f.mu.Lock()
	f.status, f.printEr = st, err
	f.mu.Unlock()
}

func (f *fakePrinter) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.jobs)
}

type usage struct {
	mu    sync.Mutex
	docs  map[string]int
	media map[string]float64
}

func (u *usage) RecordUsage(_ context.Context, device string, docs int, mm float64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.docs == nil {
		u.docs, u.media = map[string]int{}, map[string]float64{}
	}
	u.docs[device] += docs
	u.media[device] += mm
	return nil
}

var _ printer.UsageRecorder = (*usage)(nil)

func TestSubmitChecks(t *testing.T) {
	store := memstore.New()
	opts := fastOptions()
	opts.MaxJobBytes = 100
	s, err := printer.New(store, map[string]printer.Printer{"A": &fakePrinter{}, "B": &fakePrinter{}}, opts)
	require.NoError(t, err)
	ctx := t.Context()

	big := spec(1, printer.Waybill)
	big.Data = make([]byte, 101)
	_, err = s.Submit(ctx, big)
	assert.ErrorIs(t, err, printer.ErrTooLarge)
	empty := spec(1, printer.Waybill)
	empty.Data = nil
	_, err = s.Submit(ctx, empty)
	assert.ErrorIs(t, err, printer.ErrInvalidJob)
	_, err = s.Submit(ctx, spec(1, printer.ProductLabel))
	assert.ErrorIs(t, err, printer.ErrNoRoute, "no route for product labels")
	unknown := spec(1, printer.Waybill)
	unknown.Printer = "Z"
	_, err = s.Submit(ctx, unknown)
	assert.ErrorIs(t, err, printer.ErrNoRoute)
	all, err := store.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	assert.Empty(t, all, "nothing refused was queued")

	a, err := s.Submit(ctx, spec(1, printer.Waybill))
	require.NoError(t, err)
	assert.Equal(t, "A", a.Printer)
	b, err := s.Submit(ctx, spec(2, printer.PackingList))
	require.NoError(t, err)
	assert.Equal(t, "B", b.Printer)
	again, err := s.Submit(ctx, spec(1, printer.Waybill))
	assert.ErrorIs(t, err, printer.ErrDuplicate)
	assert.Equal(t, a.ID, again.ID)
	explicit := spec(3, printer.Waybill)
	explicit.Printer = "B"
	c, err := s.Submit(ctx, explicit)
	require.NoError(t, err)
	assert.Equal(t, "B", c.Printer)
}

func TestRouter(t *testing.T) {
	opts := fastOptions()
	opts.Router = func(sp printer.JobSpec) (string, error) {
		if sp.Key.Order == "bad" {
			return "", errors.New("no")
		}
		return "B", nil
	}
	s, err := printer.New(memstore.New(), map[string]printer.Printer{"A": &fakePrinter{}, "B": &fakePrinter{}}, opts)
	require.NoError(t, err)
	j, err := s.Submit(t.Context(), spec(1, printer.Waybill))
	require.NoError(t, err)
	assert.Equal(t, "B", j.Printer, "the router wins over routes")
	bad := spec(2, printer.Waybill)
	bad.Key.Order = "bad"
	_, err = s.Submit(t.Context(), bad)
	assert.Error(t, err)
}

func TestPrintEventsUsageAndClock(t *testing.T) {
	store := memstore.New()
	dev := &fakePrinter{}
	var ev events
	var u usage
	t0 := time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC)
	var tick atomic.Int64
	opts := fastOptions()
	opts.OnEvent, opts.Usage = ev.add, &u
	opts.Clock = func() time.Time { return t0.Add(time.Duration(tick.Add(1)) * time.Second) }
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
	require.NoError(t, err)
	ctx := t.Context()
	for i := range 3 {
		_, err := s.Submit(ctx, spec(i, printer.Waybill))
		require.NoError(t, err)
	}
	require.NoError(t, s.Drain(ctx))
	require.Equal(t, 3, dev.count())
	for i, b := range dev.jobs {
		assert.Equal(t, zplJob(i), b)
	}
	assert.Equal(t, 3, dev.queries, "each print is confirmed by a status query")
	assert.Equal(t, 3, ev.count(printer.EventQueued, "A"))
	assert.Equal(t, 3, ev.count(printer.EventSending, "A"))
	assert.Equal(t, 3, ev.count(printer.EventPrinted, "A"))
	assert.Equal(t, 3, u.docs["A"])
	assert.Equal(t, 90.0, u.media["A"])
	jobs, err := store.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	for _, j := range jobs {
		assert.Equal(t, printer.Printed, j.State)
		assert.True(t, j.PrintedAt.After(j.SentAt), "times come from the clock")
		assert.True(t, j.SentAt.After(j.CreatedAt))
		assert.Equal(t, 1, j.PrintCount)
	}
}

func TestPauseAndResumeOnStatus(t *testing.T) {
	store := memstore.New()
	dev := &fakePrinter{}
	var ev events
	opts := fastOptions()
	opts.OnEvent = ev.add
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	dev.set(printer.PaperOut, nil)
	a, err := s.Submit(ctx, spec(0, printer.Waybill))
	require.NoError(t, err)
	_, err = s.Submit(ctx, spec(1, printer.Waybill))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Drain(ctx) }()
	require.Eventually(t, func() bool { return s.Paused("A") }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, 1, dev.count(), "a paused queue sends nothing more")
	got, err := store.Job(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Unconfirmed, got.State, "the printer has it; it waits for the fault to clear")
	dev.set(0, nil)
	require.NoError(t, <-done)
	require.Equal(t, 2, dev.count())
	assert.Equal(t, [][]byte{zplJob(0), zplJob(1)}, dev.jobs, "a job the printer received whole is not sent again")
	got, err = store.Job(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Printed, got.State, "the ready status after the fault proves it printed")
	assert.False(t, got.Reprint)
	assert.Equal(t, 1, got.PrintCount)
	assert.Empty(t, got.LastError, "cleared once printed")
	assert.Equal(t, 1, ev.count(printer.EventPaused, "A"))
	assert.Equal(t, 1, ev.count(printer.EventResumed, "A"))
	assert.Equal(t, 1, ev.count(printer.EventUnconfirmed, "A"))
	assert.Equal(t, 0, ev.count(printer.EventReprint, "A"))
}

func TestNotSentIsNotAReprint(t *testing.T) {
	store := memstore.New()
	var calls atomic.Int32
	dev := printer.PrinterFunc(func(context.Context, []byte) error {
		if calls.Add(1) == 1 {
			return errors.Join(printer.ErrOffline, printer.ErrNotSent)
		}
		return nil
	})
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, fastOptions())
	require.NoError(t, err)
	a, err := s.Submit(t.Context(), spec(0, printer.Waybill))
	require.NoError(t, err)
	require.NoError(t, s.Drain(t.Context()))
	got, err := store.Job(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Sent, got.State, "a printer without status: sent whole")
	assert.False(t, got.Reprint, "nothing left the host the first time")
	assert.Equal(t, 1, got.PrintCount)
	assert.Equal(t, 2, got.Attempts)
}

func TestRetryPolicyGivesUp(t *testing.T) {
	store := memstore.New()
	cause := errors.New("jammed")
	dev := printer.PrinterFunc(func(_ context.Context, p []byte) error {
		if string(p) == string(zplJob(0)) {
			return cause
		}
		return nil
	})
	var ev events
	opts := fastOptions()
	opts.OnEvent = ev.add
	opts.RetryPolicy = printer.LimitRetries(nil, 3)
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
	require.NoError(t, err)
	a, err := s.Submit(t.Context(), spec(0, printer.Waybill))
	require.NoError(t, err)
	_, err = s.Submit(t.Context(), spec(1, printer.Waybill))
	require.NoError(t, err)
	err = s.Drain(t.Context())
	require.ErrorIs(t, err, printer.ErrJobFailed)
	got, err := store.Job(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Failed, got.State)
	assert.Equal(t, 3, got.Attempts)
	assert.Contains(t, got.LastError, "giving up after 3 attempts: jammed")
	assert.Equal(t, 1, ev.count(printer.EventFailed, "A"))
	assert.Equal(t, 1, ev.count(printer.EventSent, "A"), "the queue went on")
	var re *printer.RetryError
	ev.mu.Lock()
	for _, e := range ev.all {
		if e.Kind == printer.EventFailed {
			require.ErrorAs(t, e.Err, &re)
			assert.ErrorIs(t, e.Err, cause, "the last error wraps the cause")
		}
	}
	ev.mu.Unlock()
}

func TestReprint(t *testing.T) {
	store := memstore.New()
	dev := &fakePrinter{}
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, fastOptions())
	require.NoError(t, err)
	ctx := t.Context()
	a, err := s.Submit(ctx, spec(0, printer.Waybill))
	require.NoError(t, err)
	_, err = s.Reprint(ctx, a.ID, "damaged", nil)
	var se *printer.JobStateError
	require.ErrorAs(t, err, &se, "only printed jobs are reprinted")
	assert.Equal(t, printer.Queued, se.Got)
	b, err := s.Submit(ctx, spec(1, printer.Waybill))
	require.NoError(t, err)
	require.NoError(t, s.Drain(ctx))

	_, err = s.Reprint(ctx, a.ID, "  ", nil)
	require.ErrorIs(t, err, printer.ErrNoReason)
	_, err = s.Reprint(ctx, "nope", "damaged", nil)
	require.ErrorIs(t, err, printer.ErrNoJob)
	r, err := s.Reprint(ctx, a.ID, "label torn", []byte("^XA^FDJOB-000000 REPRINT^FS^XZ"))
	require.NoError(t, err)
	assert.Greater(t, r.Seq, b.Seq, "a reprint queues at the back")
	assert.True(t, r.Reprint)
	require.NoError(t, s.Drain(ctx))
	got, err := store.Job(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Printed, got.State)
	assert.Equal(t, "label torn", got.ReprintReason)
	assert.Equal(t, 2, got.PrintCount)
	require.Equal(t, 3, dev.count())
	assert.Equal(t, "^XA^FDJOB-000000 REPRINT^FS^XZ", string(dev.jobs[2]), "the host's re-rendered bytes")
}

func TestCancel(t *testing.T) {
	store := memstore.New()
	dev := &fakePrinter{}
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, fastOptions())
	require.NoError(t, err)
	ctx := t.Context()
	a, _ := s.Submit(ctx, spec(0, printer.Waybill))
	_, _ = s.Submit(ctx, spec(1, printer.Waybill))
	require.NoError(t, s.Cancel(ctx, a.ID))
	assert.ErrorIs(t, s.Cancel(ctx, a.ID), printer.ErrJobState)
	require.NoError(t, s.Drain(ctx))
	assert.Equal(t, [][]byte{zplJob(1)}, dev.jobs)
	got, _ := s.Job(ctx, a.ID)
	assert.Equal(t, printer.Cancelled, got.State)
}

func TestRunOnce(t *testing.T) {
	s, err := printer.New(memstore.New(), map[string]printer.Printer{"A": &fakePrinter{}}, fastOptions())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	require.NoError(t, s.Wait(ctx))
	assert.ErrorIs(t, s.Run(ctx), printer.ErrRunning)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

func TestNewChecks(t *testing.T) {
	_, err := printer.New(nil, nil, nil)
	assert.Error(t, err)
	_, err = printer.New(memstore.New(), map[string]printer.Printer{"A": nil}, nil)
	assert.Error(t, err)
	_, err = printer.New(memstore.New(), nil, &printer.Options{MinBackoff: time.Second, MaxBackoff: time.Millisecond})
	assert.Error(t, err)
}

func TestDefaultBackoffAndPolicy(t *testing.T) {
	assert.Equal(t, 10*time.Millisecond, printer.DefaultBackoff(10*time.Millisecond, time.Second, 0))
	assert.Equal(t, 40*time.Millisecond, printer.DefaultBackoff(10*time.Millisecond, time.Second, 2))
	assert.Equal(t, time.Second, printer.DefaultBackoff(10*time.Millisecond, time.Second, 20))
	assert.Equal(t, time.Second, printer.DefaultBackoff(10*time.Millisecond, time.Second, 1000), "no overflow")
	ctx := t.Context()
	retry, err := printer.DefaultRetryPolicy(ctx, 100, printer.ErrOffline)
	assert.True(t, retry)
	assert.NoError(t, err)
	retry, _ = printer.DefaultRetryPolicy(ctx, 1, printer.ErrTooLarge)
	assert.False(t, retry)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	retry, err = printer.DefaultRetryPolicy(cctx, 1, printer.ErrOffline)
	assert.False(t, retry)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRequeue(t *testing.T) {
	ctx := context.Background()
	var fail atomic.Bool
	fail.Store(true)
	var got [][]byte
	var mu sync.Mutex
	p := printer.PrinterFunc(func(_ context.Context, b []byte) error {
		if fail.Load() {
			return errors.New("jammed")
		}
		mu.Lock()
		got = append(got, bytes.Clone(b))
		mu.Unlock()
		return nil
	})
	sp, err := printer.New(memstore.New(), map[string]printer.Printer{"p": p}, &printer.Options{
		RetryPolicy: printer.LimitRetries(printer.DefaultRetryPolicy, 2), MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	require.NoError(t, err)
	j, err := sp.Submit(ctx, printer.JobSpec{Key: printer.JobKey{Order: "A", Doc: printer.Waybill, Copy: 1}, Printer: "p", Data: []byte("one")})
	require.NoError(t, err)
	require.ErrorIs(t, sp.Drain(ctx), printer.ErrJobFailed)
	_, err = sp.Requeue(ctx, "nope", nil)
	assert.ErrorIs(t, err, printer.ErrNoJob)

	fail.Store(false)
	j, err = sp.Requeue(ctx, j.ID, []byte("two"))
	require.NoError(t, err)
	assert.Equal(t, printer.Queued, j.State)
	require.NoError(t, sp.Drain(ctx))
	j, err = sp.Job(ctx, j.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Sent, j.State)
	assert.Equal(t, [][]byte{[]byte("two")}, got)
	_, err = sp.Requeue(ctx, j.ID, nil)
	var se *printer.JobStateError
	assert.ErrorAs(t, err, &se, "a printed job is reprinted, not requeued")
}

// TestDrainWhileRunning: Drain while Run runs elsewhere returns ErrRunning at
// once instead of blocking (it used to wait for Run's result twice).
func TestDrainWhileRunning(t *testing.T) {
	s, err := printer.New(memstore.New(), map[string]printer.Printer{"A": printer.PrinterFunc(func(context.Context, []byte) error { return nil })}, fastOptions())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for ctx.Err() == nil { // a Drain below may win the race to run first
			_ = s.Run(ctx)
		}
	}()
	require.Eventually(t, func() bool { return errors.Is(s.Drain(t.Context()), printer.ErrRunning) }, 20*time.Second, 5*time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- s.Drain(t.Context()) }()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, printer.ErrRunning)
	case <-time.After(5 * time.Second):
		t.Fatal("Drain blocked while Run ran elsewhere")
	}
}

// TestRenderAtSend: a job submitted without bytes is rendered when it is sent; a
// reprint flagged by the spooler after a cut connection is rendered again with
// what the renderer is told (Reprint, PrintCount), and a done job drops its bytes.
func TestRenderAtSend(t *testing.T) {
	store := memstore.New()
	var mu sync.Mutex
	var sent []string
	cut := atomic.Bool{}
	cut.Store(true)
	dev := printer.PrinterFunc(func(_ context.Context, b []byte) error {
		if cut.Swap(false) {
			return errors.New("connection reset") // some bytes may have left
		}
		mu.Lock()
		sent = append(sent, string(b))
		mu.Unlock()
		return nil
	})
	opts := fastOptions()
	opts.Render = func(_ context.Context, j printer.Job) ([]byte, error) {
		if j.Reprint {
			return fmt.Appendf(nil, "%s reprint #%d", j.Key.Order, j.PrintCount+1), nil
		}
		return []byte(j.Key.Order), nil
	}
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
	require.NoError(t, err)
	j, err := s.Submit(t.Context(), printer.JobSpec{Key: printer.JobKey{Order: "TB1", Doc: printer.Waybill, Copy: 1}, Hash: "sha256:x"})
	require.NoError(t, err)
	require.NoError(t, s.Drain(t.Context()))
	assert.Equal(t, []string{"TB1 reprint #2"}, sent, "the resend after a cut carries the mark")
	got, err := store.Job(t.Context(), j.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Sent, got.State)
	assert.True(t, got.Reprint)
	assert.Empty(t, got.Data, "a done job keeps no bytes")
	assert.Equal(t, "sha256:x", got.Hash)
}

// A store that claims runs of jobs (memstore is a BatchClaimer): a send that fails
// in the middle of a run sends the rest of the run back to the queue, behind the
// failed job, as it was: not flagged, its attempts as before the claim; and every
// job still prints once, in queue order.
func TestRunBrokenByAFailure(t *testing.T) {
	store := memstore.New()
	var _ printer.BatchClaimer = store
	var mu sync.Mutex
	var got [][]byte
	var calls atomic.Int32
	dev := printer.PrinterFunc(func(_ context.Context, p []byte) error {
		if calls.Add(1) == 12 {
			return errors.Join(printer.ErrOffline, printer.ErrNotSent)
		}
		mu.Lock()
		got = append(got, append([]byte(nil), p...))
		mu.Unlock()
		return nil
	})
	var ev events
	opts := fastOptions()
	opts.OnEvent = ev.add
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
	require.NoError(t, err)
	ctx := t.Context()
	const n = 40
	for i := range n {
		_, err := s.Submit(ctx, spec(i, printer.Waybill))
		require.NoError(t, err)
	}
	require.NoError(t, s.Drain(ctx))
	require.Len(t, got, n)
	for i, b := range got {
		assert.Equal(t, zplJob(i), b, "queue order")
	}
	jobs, err := store.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	require.Len(t, jobs, n)
	for i, j := range jobs {
		assert.Equal(t, printer.Sent, j.State)
		assert.False(t, j.Reprint, "job %d: nothing was sent twice", i)
		assert.Equal(t, 1, j.PrintCount)
		want := 1
		if i == 11 {
			want = 2 // the failed send and the one after it
		}
		assert.Equal(t, want, j.Attempts, "job %d: a job sent back unsent keeps its count", i)
	}
	assert.Equal(t, n, ev.count(printer.EventSent, "A"), "each job told once")
	assert.Equal(t, 0, ev.count(printer.EventReprint, "A"))
}

// A spooler stopped in the middle of a run stores what it sent and sends the
// rest of the run back to the queue: a spooler started again prints each job
// once, none flagged.
func TestRunStoppedHalfway(t *testing.T) {
	store := memstore.New()
	var sentN atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	dev := printer.PrinterFunc(func(context.Context, []byte) error {
		if sentN.Add(1) == 7 {
			cancel()
		}
		return nil
	})
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, fastOptions())
	require.NoError(t, err)
	const n = 30
	for i := range n {
		_, err := s.Submit(t.Context(), spec(i, printer.Waybill))
		require.NoError(t, err)
	}
	_ = s.Run(ctx)
	first := int(sentN.Load())
	jobs, err := store.Jobs(t.Context(), printer.JobFilter{})
	require.NoError(t, err)
	done := 0
	for _, j := range jobs {
		assert.NotEqual(t, printer.Sending, j.State, "nothing is left claimed")
		if j.State == printer.Sent {
			done++
		} else {
			assert.Equal(t, printer.Queued, j.State)
			assert.Equal(t, 0, j.Attempts, "a job claimed and not sent is as it was")
		}
	}
	assert.Equal(t, first, done, "every job sent is stored as sent")
	s2, err := printer.New(store, map[string]printer.Printer{"A": dev}, fastOptions())
	require.NoError(t, err)
	require.NoError(t, s2.Drain(t.Context()))
	assert.Equal(t, n, int(sentN.Load()), "each job sent once over both runs")
	jobs, err = store.Jobs(t.Context(), printer.JobFilter{})
	require.NoError(t, err)
	for _, j := range jobs {
		assert.Equal(t, printer.Sent, j.State)
		assert.False(t, j.Reprint)
	}
}

// runCounter is a memory store that records the longest run claimed, and how
// many runs were claimed ahead.
type runCounter struct {
	*memstore.Store
	mu      sync.Mutex
	longest int
	aheads  int
}

func (r *runCounter) ClaimAhead(ctx context.Context, done []printer.Job, held []string, from printer.JobState, prn, owner string, now time.Time, most int) ([]printer.Job, error) {
	js, err := r.Store.ClaimAhead(ctx, done, held, from, prn, owner, now, most)
	r.mu.Lock()
	r.longest = max(r.longest, len(js))
	if err == nil {
		r.aheads++
	}
	r.mu.Unlock()
	return js, err
}

func (r *runCounter) ClaimJobs(ctx context.Context, done []printer.Job, from printer.JobState, prn, owner string, now time.Time, most int) ([]printer.Job, error) {
	js, err := r.Store.ClaimJobs(ctx, done, from, prn, owner, now, most)
	r.mu.Lock()
	r.longest = max(r.longest, len(js))
	r.mu.Unlock()
	return js, err
}

// Runs grow up to Options.MaxRun, and the next is claimed ahead while the
// current one is sent; 1 claims one job at a time.
func TestMaxRun(t *testing.T) {
	for _, c := range []struct{ maxRun, want int }{{0, printer.DefaultMaxRun}, {4, 4}, {1, 1}} {
		store := &runCounter{Store: memstore.New()}
		var sent atomic.Int32
		dev := printer.PrinterFunc(func(context.Context, []byte) error { sent.Add(1); return nil })
		opts := fastOptions()
		opts.MaxRun = c.maxRun
		s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
		require.NoError(t, err)
		const n = 200
		for i := range n {
			_, err := s.Submit(t.Context(), spec(i, printer.Waybill))
			require.NoError(t, err)
		}
		require.NoError(t, s.Drain(t.Context()))
		assert.Equal(t, int32(n), sent.Load())
		assert.Equal(t, c.want, store.longest, "MaxRun %d", c.maxRun)
		if c.want > 1 {
			assert.Positive(t, store.aheads, "MaxRun %d: runs claimed ahead", c.maxRun)
		} else {
			assert.Zero(t, store.aheads, "one job at a time claims nothing ahead")
		}
		jobs, err := store.Jobs(t.Context(), printer.JobFilter{})
		require.NoError(t, err)
		seqs := map[int64]bool{}
		for _, j := range jobs {
			assert.Equal(t, printer.Sent, j.State)
			assert.Equal(t, 1, j.Attempts, "each job claimed once")
			seqs[j.Seq] = true
		}
		assert.Len(t, seqs, n)
	}
	_, err := printer.New(memstore.New(), nil, &printer.Options{MaxRun: -1})
	assert.ErrorIs(t, err, printer.ErrInvalidJob)
}
