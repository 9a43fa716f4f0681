package postgres_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
)

// orderRows feeds COPY with n generated orders, made one at a time.
type orderRows struct {
	n, i int
	at   time.Time
	o    *order.Order
	buf  []byte
}

func (r *orderRows) Next() bool { r.i++; return r.i <= r.n }
func (r *orderRows) Err() error { return nil }
func (r *orderRows) Values() ([]any, error) {
	// Paid-at times repeat every 1000 orders, so the id decides between them.
	r.o.ID = fmt.Sprintf("TB%09d", r.n-r.i)
	r.o.PaidAt = r.at.Add(time.Duration(r.i%1000) * time.Second)
	r.o.Status = order.Received
	if r.i%10 == 0 {
		r.o.Status = order.OnHold
	}
	r.buf = order.AppendJSON(r.buf[:0], r.o)
	return []any{r.o.ID, string(r.o.Status), r.o.PaidAt, r.buf}, nil
}

// TestListOrdersFlatMemory lists many orders (100,000; DADAN_PG_LIST_ORDERS
// sets another number) and checks that the heap does not grow with them, and
// that they come in paid-at, then id, order.
func TestListOrdersFlatMemory(t *testing.T) {
	n := 100_000
	if v := os.Getenv("DADAN_PG_LIST_ORDERS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	if testing.Short() {
		n = 5_000
	}
	schema := freshSchema(t)
	s := open(t, schema, nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	rows := &orderRows{n: n, at: at, o: benchOrder("", at)}
	copied, err := admin(t).CopyFrom(ctx, pgx.Identifier{schema, "orders"}, []string{"id", "status", "paid_at", "data"}, rows)
	require.NoError(t, err)
	require.Equal(t, int64(n), copied)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	count, held := 0, 0
	var last *order.Order
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		if last != nil {
			c := last.PaidAt.Compare(o.PaidAt)
			if c > 0 || c == 0 && last.ID >= o.ID {
				t.Fatalf("order %s (%v) listed after %s (%v)", o.ID, o.PaidAt, last.ID, last.PaidAt)
			}
		}
		last = o
		count++
		if count%5000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	require.Equal(t, n, count)
	for o, err := range s.ListOrders(ctx, order.OnHold) {
		require.NoError(t, err)
		require.Equal(t, order.OnHold, o.Status)
		held++
	}
	assert.Equal(t, n/10, held)
	growth := int64(peak) - int64(base)
	t.Logf("%d orders listed; heap grew by at most %.1f MiB", n, float64(growth)/(1<<20))
	assert.Less(t, growth, int64(32<<20), "memory stays flat")

	// Stopping early is fine.
	k := 0
	for range s.ListOrders(ctx, order.Received, order.OnHold) {
		if k++; k == 3 {
			break
		}
	}
	assert.Equal(t, 3, k)
}

// TestJournalIncrementalReader: while writers commit events concurrently, a
// reader that asks again and again for the events after the last it saw sees
// every number, in order, with none skipped: numbers become visible in the
// order they were given.
func TestJournalIncrementalReader(t *testing.T) {
	s := open(t, "", &postgres.Options{MaxConns: 8})
	ctx := context.Background()
	var (
		stop    atomic.Bool
		wg      sync.WaitGroup
		written atomic.Int64
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				id := fmt.Sprintf("W%d-%d", w, i)
				evs := []order.Event{{OrderID: id, Action: order.ActReceived, To: order.Received}}
				if i%3 == 0 {
					evs = append(evs, order.Event{OrderID: id, Action: order.ActNote, Detail: "second"})
				}
				if !assert.NoError(t, s.CreateOrder(ctx, &order.Order{ID: id, Status: order.Received}, evs...)) {
					return
				}
				written.Add(int64(len(evs)))
				// A failing create (a taken id) journals nothing and leaves no gap.
				assert.ErrorIs(t, s.CreateOrder(ctx, &order.Order{ID: id}, evs...), order.ErrExists)
			}
		})
	}
	var last uint64
	reads := 0
	read := func() {
		for ev, err := range s.Journal(ctx, last) {
			require.NoError(t, err)
			require.Equal(t, last+1, ev.Seq, "after %d the reader saw %d", last, ev.Seq)
			last = ev.Seq
		}
		reads++
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		read()
	}
	stop.Store(true)
	wg.Wait()
	read()
	assert.Equal(t, uint64(written.Load()), last)
	t.Logf("%d events read in %d incremental reads", last, reads)
}

// TestAddJobsAcrossStations: two stations queue overlapping documents of the
// same orders at once; for each order exactly one batch is stored whole.
func TestAddJobsAcrossStations(t *testing.T) {
	schema := freshSchema(t)
	a, b := open(t, schema, nil), open(t, schema, nil)
	ctx := context.Background()
	const n = 100
	key := func(o string, doc printer.DocKind) printer.JobKey {
		return printer.JobKey{Order: o, Doc: doc, Template: "t", Version: "1", Copy: 1}
	}
	var wins [2]atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		o := fmt.Sprint("O", i)
		for k, st := range []*postgres.Store{a, b} {
			other := printer.ProductLabel
			if k == 1 {
				other = printer.Waybill
			}
			wg.Go(func() {
				got, err := st.AddJobs(ctx, []printer.Job{
					{Key: key(o, printer.PackingList), Printer: "p", Data: []byte{byte(k)}},
					{Key: key(o, other), Printer: "p", Data: []byte{byte(k)}},
				})
				if err == nil {
					wins[k].Add(1)
					return
				}
				if assert.ErrorIs(t, err, printer.ErrDuplicate) && assert.NotEmpty(t, got) {
					assert.Equal(t, key(o, printer.PackingList), got[0].Key, "the existing job comes back")
				}
			})
		}
	}
	wg.Wait()
	assert.Equal(t, int64(n), wins[0].Load()+wins[1].Load(), "one batch per order")
	for i := range n {
		js, err := a.Jobs(ctx, printer.JobFilter{Order: fmt.Sprint("O", i)})
		require.NoError(t, err)
		require.Len(t, js, 2, "order %d: one whole batch", i)
		assert.Equal(t, js[0].Data, js[1].Data, "order %d: both documents from one station", i)
	}
}
