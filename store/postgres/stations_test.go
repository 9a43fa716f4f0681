package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
	"github.com/dadanhq/dadan/store/postgres"
)

// label is a small ZPL label carrying its index.
func label(i int) []byte { return fmt.Appendf(nil, "^XA^FO20,20^A0N,30,30^FDJOB-%06d^FS^XZ", i) }

// labelIndex reads the index back from a label the emulator received.
func labelIndex(t testing.TB, data []byte) int {
	k := bytes.Index(data, []byte("^FDJOB-"))
	require.GreaterOrEqual(t, k, 0, "%q", data)
	n, err := strconv.Atoi(string(data[k+7 : k+13]))
	require.NoError(t, err)
	return n
}

func emulators(t testing.TB, names ...string) map[string]*printertest.Printer {
	t.Helper()
	out := map[string]*printertest.Printer{}
	for _, n := range names {
		e, err := printertest.New(nil)
		require.NoError(t, err)
		t.Cleanup(func() { e.Close() })
		out[n] = e
	}
	return out
}

// station is one packing station: its own store (its own pool) on the shared
// schema, and a spooler with its own connections to the shared printers.
type station struct {
	store *postgres.Store
	sp    *printer.Spooler
	stop  context.CancelFunc
	done  chan error
}

func newStation(t testing.TB, dsn, schema, owner string, emus map[string]*printertest.Printer,
	sopts postgres.Options, popts printer.Options, readTimeout time.Duration) *station {
	t.Helper()
	ctx := context.Background()
	sopts.Schema = schema
	st, err := postgres.Open(ctx, dsn, &sopts)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	prns := map[string]printer.Printer{}
	for name, e := range emus {
		p, err := tcp.Dial(ctx, e.Addr(), &tcp.Options{ReadTimeout: readTimeout, DialTimeout: time.Second})
		require.NoError(t, err)
		t.Cleanup(func() { p.Close() })
		prns[name] = p
	}
	popts.Owner = owner
	if popts.MinBackoff == 0 {
		popts.MinBackoff, popts.MaxBackoff = 5*time.Millisecond, 50*time.Millisecond
	}
	sp, err := printer.New(st, prns, &popts)
	require.NoError(t, err)
	return &station{store: st, sp: sp}
}

func (s *station) run(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done = cancel, make(chan error, 1)
	go func() { s.done <- s.sp.Run(ctx) }()
	t.Cleanup(s.halt)
}

func (s *station) halt() {
	if s.stop != nil {
		s.stop()
		<-s.done
		s.stop = nil
	}
}

// eventually polls cond every 10ms until it holds or d passes.
func eventually(t testing.TB, d time.Duration, msg string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestManyStations: three stations, each with its own store and pool and its
// own owner name, share one queue and three printers; 10,000 jobs queued from
// all three at once are each printed once, in Seq order per printer.
func TestManyStations(t *testing.T) {
	d := dsn(t)
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	schema := freshSchema(t)
	names := []string{"A", "B", "C"}
	emus := emulators(t, names...)
	var sts []*station
	for i := range 3 {
		s := newStation(t, d, schema, fmt.Sprint("station-", i+1), emus,
			postgres.Options{MaxConns: 6}, printer.Options{PollInterval: 50 * time.Millisecond}, 5*time.Second)
		s.run(t)
		sts = append(sts, s)
	}
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := w; i < n; i += 3 {
				_, err := sts[w].sp.Submit(ctx, printer.JobSpec{
					Key:     printer.JobKey{Order: fmt.Sprintf("TB%06d", i), Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1},
					Printer: names[i%3], Data: label(i), MediaLength: 130,
				})
				if !assert.NoError(t, err) {
					return
				}
			}
		})
	}
	wg.Wait()
	total := func() int {
		c := 0
		for _, e := range emus {
			c += len(e.Jobs())
		}
		return c
	}
	queued := time.Since(start)
	eventually(t, 5*time.Minute, "not every job reached a printer", func() bool { return total() >= n })
	t.Logf("%d jobs queued from three stations in %v; all printed after %v (%.0f jobs/s)",
		n, queued.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds())
	time.Sleep(200 * time.Millisecond) // a job printed twice would show now
	require.Equal(t, n, total(), "no job printed twice")

	seen := make([]int, n)
	for name, e := range emus {
		jobs, err := sts[0].store.Jobs(ctx, printer.JobFilter{Printer: name})
		require.NoError(t, err)
		seqOf := map[int]int64{}
		for _, j := range jobs {
			assert.Equal(t, printer.Printed, j.State, "job %s", j.ID)
			assert.False(t, j.Reprint, "job %s: nothing was reprinted", j.ID)
			assert.Equal(t, 1, j.Attempts, "job %s", j.ID)
			seqOf[labelIndex(t, j.Data)] = j.Seq
		}
		var last int64
		for _, pj := range e.Jobs() {
			require.True(t, pj.Printed)
			i := labelIndex(t, pj.Data)
			seen[i]++
			assert.Equal(t, names[i%3], name, "job %d went to its own printer", i)
			seq, ok := seqOf[i]
			require.True(t, ok, "job %d printed on %s is in the store", i, name)
			assert.Greater(t, seq, last, "printer %s received job %d (Seq %d) after Seq %d: FIFO", name, i, seq, last)
			last = seq
		}
	}
	for i, c := range seen {
		if c != 1 {
			t.Errorf("job %d printed %d times", i, c)
		}
	}
	owners := map[string]int{}
	all, err := sts[1].store.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	require.Len(t, all, n, "none lost")
	for _, j := range all {
		owners[j.Owner]++
	}
	t.Logf("jobs printed per station: %v", owners)
	assert.Len(t, owners, 3, "every station printed")
}

// TestStationKilledMidJob: a station dies while its job is Sending, stuck on a
// stalled printer. After the lease another station prints the job, flagged as
// a reprint with ReasonLeaseExpired, and the job queued behind it prints after
// it.
func TestStationKilledMidJob(t *testing.T) {
	d := dsn(t)
	ctx := context.Background()
	schema := freshSchema(t)
	emus := emulators(t, "A")
	emu := emus["A"]
	const lease = 2 * time.Second
	sopts := postgres.Options{Lease: lease, MaxConns: 4}
	popts := printer.Options{PollInterval: 50 * time.Millisecond}

	victim := newStation(t, d, schema, "victim", emus, sopts, popts, 30*time.Second)
	victimConns := emu.Connections()
	emu.Stall(lease + 500*time.Millisecond)
	victim.run(t)
	x, err := victim.sp.Submit(ctx, printer.JobSpec{Key: printer.JobKey{Order: "X", Doc: printer.Waybill, Copy: 1}, Printer: "A", Data: label(1)})
	require.NoError(t, err)
	y, err := victim.store.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "Y", Doc: printer.Waybill, Copy: 1}, Printer: "A", Data: label(2)})
	require.NoError(t, err)
	var claimed printer.Job
	eventually(t, 5*time.Second, "the victim never claimed the job", func() bool {
		claimed, err = victim.store.Job(ctx, x.ID)
		require.NoError(t, err)
		return claimed.State == printer.Sending
	})
	require.Equal(t, "victim", claimed.Owner)

	// Kill: the pool goes first, so the spooler cannot record anything as it
	// stops, as when the station loses power.
	victim.store.Close()
	victim.halt()
	reader := open(t, schema, nil)
	stuck, err := reader.Job(ctx, x.ID)
	require.NoError(t, err)
	require.Equal(t, printer.Sending, stuck.State, "the dead station left the job Sending")

	for i := range 2 {
		newStation(t, d, schema, fmt.Sprint("live-", i+1), emus, sopts, popts, 5*time.Second).run(t)
	}
	var done printer.Job
	eventually(t, 15*time.Second, "the abandoned job was never printed", func() bool {
		done, err = reader.Job(ctx, x.ID)
		require.NoError(t, err)
		return done.State == printer.Printed
	})
	assert.Contains(t, []string{"live-1", "live-2"}, done.Owner)
	assert.True(t, done.Reprint)
	assert.False(t, done.Rerender, "the reclaim asked for the mark (printertest.TestJobStore checks it); once the reprint is sent the request is spent")
	assert.Contains(t, done.ReprintReason, printer.ReasonLeaseExpired)
	assert.Equal(t, 2, done.Attempts)
	assert.Equal(t, 2, done.PrintCount, "the dead station's send counts: its outcome is unknown")
	assert.GreaterOrEqual(t, done.SentAt.Sub(claimed.SentAt), lease, "reclaimed only after the lease")

	eventually(t, 10*time.Second, "the job behind it was never printed", func() bool {
		j, err := reader.Job(ctx, y.ID)
		require.NoError(t, err)
		return j.State == printer.Printed
	})
	var order []string
	byLive := false
	for _, pj := range emu.Jobs() {
		i := labelIndex(t, pj.Data)
		order = append(order, fmt.Sprint(i, "@", pj.Conn))
		if i == 1 && pj.Conn > victimConns {
			byLive = true
		}
	}
	assert.True(t, byLive, "a live station's connection delivered the reprint: %v", order)
	last := emu.Jobs()[len(emu.Jobs())-1]
	assert.Equal(t, 2, labelIndex(t, last.Data), "Y printed last, after X's reprint: %v", order)
}

// TestNotifyWakesIdleSpooler: a spooler polling every 10s prints a job another
// station queues in well under a second, and still does after its listener's
// connection was cut.
func TestNotifyWakesIdleSpooler(t *testing.T) {
	d := dsn(t) + "&application_name=dadan_notify_test"
	ctx := context.Background()
	schema := freshSchema(t)
	emus := emulators(t, "A")
	idle := newStation(t, d, schema, "idle", emus, postgres.Options{}, printer.Options{PollInterval: 10 * time.Second}, 3*time.Second)
	idle.run(t)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, idle.sp.Wait(wctx))
	time.Sleep(100 * time.Millisecond) // the worker is asleep on its poll timer

	other := open(t, schema, nil)
	printed := func(i int) func() bool {
		return func() bool {
			for _, j := range emus["A"].Jobs() {
				if labelIndex(t, j.Data) == i {
					return true
				}
			}
			return false
		}
	}
	start := time.Now()
	_, err := other.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "N1", Doc: printer.Waybill, Copy: 1}, Printer: "A", Data: label(1)})
	require.NoError(t, err)
	eventually(t, time.Second, "the idle spooler did not wake within 1s", printed(1))
	t.Logf("queued on one station, printed by another after %v", time.Since(start))

	// Cut every connection of the idle station, its listener's included.
	require.Positive(t, terminate(t, "dadan_notify_test"))
	time.Sleep(300 * time.Millisecond)
	start = time.Now()
	_, err = other.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "N2", Doc: printer.Waybill, Copy: 1}, Printer: "A", Data: label(2)})
	require.NoError(t, err)
	eventually(t, 3*time.Second, "the listener did not come back", printed(2))
	t.Logf("after a reconnect: printed after %v", time.Since(start))
}

// TestNotifyChannel checks Notify itself: names of printers whose jobs are
// queued or requeued, from another store; the channel closes with ctx.
func TestNotifyChannel(t *testing.T) {
	ctx := context.Background()
	schema := freshSchema(t)
	a, b := open(t, schema, nil), open(t, schema, nil)
	lctx, cancel := context.WithCancel(ctx)
	ch, err := a.Notify(lctx)
	require.NoError(t, err)
	next := func() string {
		select {
		case n := <-ch:
			return n
		case <-time.After(3 * time.Second):
			return "(nothing)"
		}
	}
	_, err = b.AddJobs(ctx, []printer.Job{
		{Key: printer.JobKey{Order: "O", Doc: printer.Waybill, Copy: 1}, Printer: "wb", Data: []byte("x")},
		{Key: printer.JobKey{Order: "O", Doc: printer.PackingList, Copy: 1}, Printer: "pl", Data: []byte("y")},
	})
	require.NoError(t, err)
	got := []string{next(), next()}
	assert.ElementsMatch(t, []string{"wb", "pl"}, got)

	// A claim and a print do not notify; a requeue does.
	j, err := b.ClaimJob(ctx, "wb", "st", time.Now())
	require.NoError(t, err)
	j.State = printer.Printed
	require.NoError(t, b.UpdateJob(ctx, j, printer.Sending))
	j.State, j.Seq = printer.Queued, 0
	require.NoError(t, b.UpdateJob(ctx, j, printer.Printed))
	assert.Equal(t, "wb", next())

	// A failed add notifies nothing.
	_, err = b.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "O", Doc: printer.Waybill, Copy: 1}, Printer: "other", Data: []byte("x")})
	require.ErrorIs(t, err, printer.ErrDuplicate)
	select {
	case n := <-ch:
		t.Fatalf("notified %q for a duplicate", n)
	case <-time.After(200 * time.Millisecond):
	}

	cancel()
	eventually(t, time.Second, "the channel did not close with its context", func() bool {
		select {
		case _, ok := <-ch:
			return !ok
		default:
			return false
		}
	})
	// Closing the store closes the channels it handed out.
	ch2, err := a.Notify(ctx)
	require.NoError(t, err)
	a.Close()
	_, ok := <-ch2
	assert.False(t, ok)
	_, err = a.Notify(ctx)
	assert.True(t, errors.Is(err, postgres.ErrClosed), "%v", err)
}
