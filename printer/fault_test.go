package printer_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/store/memstore"
)

// TestFaultMatrix sends batches of 1,000 ZPL labels to an emulated printer over
// loopback TCP and injects each fault early, in the middle and late in the batch.
func TestFaultMatrix(t *testing.T) {
	const n = 1000
	faults := []struct {
		name   string
		inject func(e *printertest.Printer, point int)
		// exact: the spooler can tell each duplicate (the label before the fault
		// printed), so the copies equal PrintCount. A connection dropped in the
		// middle of a label leaves its fate unknown to the host: it is resent
		// flagged, though the emulator threw the half label away.
		exact bool
		// held: the fault comes after the printer had the job whole, so the job
		// is not sent again: it is confirmed once the printer is ready.
		held bool
	}{
		{"paper out", func(e *printertest.Printer, _ int) {
			e.PaperOut()
			time.AfterFunc(20*time.Millisecond, func() { e.Clear() })
		}, true, true},
		{"head open", func(e *printertest.Printer, _ int) {
			e.HeadOpen()
			time.AfterFunc(20*time.Millisecond, func() { e.Clear() })
		}, true, true},
		{"drop connection after N bytes", func(e *printertest.Printer, point int) {
			// 10: inside the next label; 3: right after the next ~HS;
			// 3+39: after the next ~HS and the whole next label.
			e.DropAfter([]int{10, 3, 3 + len(zplJob(0))}[point])
		}, false, false},
		// The status wait is ReadTimeout (250ms) plus the bytes ahead of the query at
		// the assumed line speed (about 80ms for a label): a stall must outlast both
		// to leave a job in unknown state; a shorter one is only a slow reply.
		// The printer stalls with the label in its socket buffer: the bytes were
		// acknowledged, so the job is not sent again; no status came, so it stays
		// unconfirmed for a person to look at.
		{"stall", func(e *printertest.Printer, _ int) { e.Stall(1200 * time.Millisecond) }, true, true},
		{"refuse connections", func(e *printertest.Printer, _ int) {
			e.Refuse()
			time.AfterFunc(40*time.Millisecond, func() { e.Clear() })
		}, true, false},
	}
	points := []int{50, 500, 950}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			var injected atomic.Int32
			var emu *printertest.Printer
			emu, err := printertest.New(&printertest.Options{OnJob: func(j printertest.Job) {
				for k, p := range points {
					if j.Seq == p {
						injected.Add(1)
						f.inject(emu, k)
					}
				}
			}})
			require.NoError(t, err)
			defer emu.Close()

			store := memstore.New()
			var ev events
			opts := fastOptions()
			opts.OnEvent = ev.add
			s, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(t, emu)}, opts)
			require.NoError(t, err)
			ctx := t.Context()
			for i := range n {
				_, err := s.Submit(ctx, spec(i, printer.Waybill))
				require.NoError(t, err)
			}
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			require.NoError(t, s.Drain(dctx))
			assert.EqualValues(t, len(points), injected.Load())
			r := checkBatch(t, store, emu, "A", 0, n, f.exact)
			assert.GreaterOrEqual(t, ev.count(printer.EventPaused, "A"), 1, "the queue paused")
			assert.Equal(t, ev.count(printer.EventPaused, "A"), ev.count(printer.EventResumed, "A"))
			if f.held {
				assert.Zero(t, r.flagged, "a job the printer had whole is never sent again")
				assert.Zero(t, r.extraCopies)
				assert.GreaterOrEqual(t, ev.count(printer.EventUnconfirmed, "A"), 1, "held until the fault cleared")
			} else {
				assert.GreaterOrEqual(t, r.flagged, 1, "the fault left jobs in unknown send state")
			}
			assert.Equal(t, n-r.unconfirmed, ev.count(printer.EventPrinted, "A"), "one confirmed print per job not left unconfirmed")
			if f.name != "stall" {
				assert.Zero(t, r.unconfirmed, "every job confirmed")
			}
			t.Logf("%s: %d jobs, %d flagged reprints, %d duplicate copies seen, %d sends of unknown outcome, %d rejected, %d connections",
				f.name, r.jobs, r.flagged, r.extraCopies, r.unknownSends, len(emu.Jobs())-len(emu.Printed()), emu.Connections())
		})
	}
}

// TestTwoPrintersSeparateQueues routes waybills to A and packing lists to B: A runs
// out of paper and stays out while B prints its whole queue; then A resumes.
func TestTwoPrintersSeparateQueues(t *testing.T) {
	const n = 300
	var emuA *printertest.Printer
	emuA, err := printertest.New(&printertest.Options{OnJob: func(j printertest.Job) {
		if j.Seq == 20 {
			emuA.PaperOut()
		}
	}})
	require.NoError(t, err)
	defer emuA.Close()
	emuB, err := printertest.New(nil)
	require.NoError(t, err)
	defer emuB.Close()

	store := memstore.New()
	var ev events
	opts := fastOptions()
	opts.OnEvent = ev.add
	s, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(t, emuA), "B": dialEmu(t, emuB)}, opts)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for i := range n {
		_, err := s.Submit(ctx, spec(i, printer.Waybill))
		require.NoError(t, err)
		_, err = s.Submit(ctx, spec(n+i, printer.PackingList))
		require.NoError(t, err)
	}
	run := make(chan error, 1)
	go func() { run <- s.Run(ctx) }()
	require.Eventually(t, func() bool { return len(emuB.Printed()) == n }, 20*time.Second, 5*time.Millisecond,
		"B prints everything while A is out of paper")
	assert.True(t, s.Paused("A"))
	assert.False(t, s.Paused("B"))
	assert.Len(t, emuA.Printed(), 20, "A stopped at the fault")
	require.NoError(t, emuA.Clear())
	require.NoError(t, s.Wait(ctx))
	cancel()
	<-run
	checkBatch(t, store, emuA, "A", 0, n, true)
	checkBatch(t, store, emuB, "B", n, n, true)
	assert.Equal(t, 1, ev.count(printer.EventPaused, "A"))
	assert.Zero(t, ev.count(printer.EventPaused, "B"))
}

// TestKilledMidBatch cancels the spooler's context abruptly in the middle of a
// batch, then starts a new spooler (and connection) on the same store.
func TestKilledMidBatch(t *testing.T) {
	const n = 1000
	runCtx, kill := context.WithCancel(t.Context())
	defer kill()
	emu, err := printertest.New(&printertest.Options{OnJob: func(j printertest.Job) {
		if j.Seq == 400 {
			kill()
		}
	}})
	require.NoError(t, err)
	defer emu.Close()
	store := memstore.New()
	s1, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(t, emu)}, fastOptions())
	require.NoError(t, err)
	for i := range n {
		_, err := s1.Submit(t.Context(), spec(i, printer.Waybill))
		require.NoError(t, err)
	}
	assert.ErrorIs(t, s1.Run(runCtx), context.Canceled)
	printed, err := store.Jobs(t.Context(), printer.JobFilter{States: []printer.JobState{printer.Printed}})
	require.NoError(t, err)
	assert.Less(t, len(printed), n, "the batch was cut short")
	sending, err := store.Jobs(t.Context(), printer.JobFilter{States: []printer.JobState{printer.Sending}})
	require.NoError(t, err)
	assert.Empty(t, sending, "a cancelled spooler requeues what it was sending")

	s2, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(t, emu)}, fastOptions())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, s2.Drain(ctx))
	r := checkBatch(t, store, emu, "A", 0, n, false)
	t.Logf("killed at label 400: %d flagged, %d duplicate copies", r.flagged, r.extraCopies)
	assert.LessOrEqual(t, r.flagged, 1, "at most the job in flight is in doubt")
}

// TestCrashLeavesJobSending simulates a crash between journaling a job as sending
// and marking it: once after its bytes reached the printer, once before.
func TestCrashLeavesJobSending(t *testing.T) {
	for _, sent := range []bool{true, false} {
		t.Run(map[bool]string{true: "bytes sent", false: "bytes not sent"}[sent], func(t *testing.T) {
			const n = 50
			emu, err := printertest.New(nil)
			require.NoError(t, err)
			defer emu.Close()
			store := memstore.New()
			ctx := t.Context()
			s1, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(t, emu)}, fastOptions())
			require.NoError(t, err)
			for i := range n {
				_, err := s1.Submit(ctx, spec(i, printer.Waybill))
				require.NoError(t, err)
			}
			// What the crashed spooler did: journal, maybe send, then die.
			j, err := store.ClaimJob(ctx, "A", "", time.Now())
			require.NoError(t, err)
			if sent {
				require.NoError(t, dialEmu(t, emu).Print(ctx, j.Data))
				require.Eventually(t, func() bool { return len(emu.Printed()) == 1 }, time.Second, time.Millisecond)
			}

			var ev events
			opts := fastOptions()
			opts.OnEvent = ev.add
			s2, err := printer.New(store, map[string]printer.Printer{"A": dialEmu(t, emu)}, opts)
			require.NoError(t, err)
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			require.NoError(t, s2.Drain(dctx))
			checkBatch(t, store, emu, "A", 0, n, sent)
			got, err := store.Job(ctx, j.ID)
			require.NoError(t, err)
			assert.True(t, got.Reprint)
			assert.Equal(t, printer.ReasonUnknownSendState, got.ReprintReason)
			assert.Equal(t, 2, got.PrintCount, "the unknown send counts")
			assert.Equal(t, 2, got.Attempts)
			assert.Equal(t, 1, ev.count(printer.EventReprint, "A"))
			copies := 0
			for _, pj := range emu.Printed() {
				if jobIndex(t, pj.Data) == 0 {
					copies++
				}
			}
			assert.Equal(t, map[bool]int{true: 2, false: 1}[sent], copies)
		})
	}
}

// TestRecoveryOnlyOwnJobs: a station recovers the jobs it left sending, not
// another station's.
func TestRecoveryOnlyOwnJobs(t *testing.T) {
	store := memstore.New()
	ctx := t.Context()
	var sent atomic.Int32
	dev := printer.PrinterFunc(func(context.Context, []byte) error { sent.Add(1); return nil })
	opts := fastOptions()
	opts.Owner = "station-2"
	s, err := printer.New(store, map[string]printer.Printer{"A": dev}, opts)
	require.NoError(t, err)
	a, err := s.Submit(ctx, spec(1, printer.Waybill))
	require.NoError(t, err)
	_, err = store.ClaimJob(ctx, "A", "station-1", time.Now())
	require.NoError(t, err)
	rctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, s.Run(rctx), context.DeadlineExceeded)
	got, err := store.Job(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Sending, got.State, "station-1's job is left to station-1")
	assert.False(t, got.Reprint)
	assert.Zero(t, sent.Load())
}
