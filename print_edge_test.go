package dadan_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a printer that records what it prints and can be made to fail.
type recorder struct {
	mu   sync.Mutex
	jobs [][]byte
	fail atomic.Bool
}

func (r *recorder) print(_ context.Context, b []byte) error {
	if r.fail.Load() {
		return errors.New("jammed")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, bytes.Clone(b))
	return nil
}

func (r *recorder) printed() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.jobs...)
}

const twoOrders = `{"id":"A1","carrier":"ZTO","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"B1","carrier":"ZTO","recipient":{"name":"李四","phone":"13800138001","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路2号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}`

func newRecorderStation(t *testing.T, routes map[printer.DocKind]string) (*dadan.Station, *memstore.Store, *recorder) {
	t.Helper()
	rec := &recorder{}
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	packing, err := label.Standard("packing-a4")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{
		Store:    store,
		Printers: map[string]printer.Printer{"p": printer.PrinterFunc(rec.print)},
		Routes:   routes,
		Documents: []dadan.Document{
			{Kind: printer.Waybill, Template: waybill, Renderer: zr},
			{Kind: printer.PackingList, Template: packing, Renderer: zr},
		},
		Carrier: dadan.TestCarrier(),
		Spool: printer.Options{RetryPolicy: printer.LimitRetries(printer.DefaultRetryPolicy, 2),
			MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond},
	})
	require.NoError(t, err)
	_, err = st.Ingest(context.Background(), strings.NewReader(twoOrders), nil)
	require.NoError(t, err)
	return st, store, rec
}

var bothRoutes = map[printer.DocKind]string{printer.Waybill: "p", printer.PackingList: "p"}

func status(t *testing.T, store *memstore.Store, id string) order.Status {
	o, err := store.GetOrder(context.Background(), id)
	require.NoError(t, err)
	return o.Status
}

func TestRefundWhileQueuedPrintsNothing(t *testing.T) {
	st, store, rec := newRecorderStation(t, bothRoutes)
	ctx := context.Background()
	ps, err := st.Print(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, ps.Orders)
	_, err = st.Resolve(ctx, "A1", review.Refund{Reason: "buyer cancelled"})
	require.NoError(t, err)
	require.NoError(t, st.Drain(ctx))
	assert.Len(t, rec.printed(), 2, "only B1's two documents print")
	for _, b := range rec.printed() {
		assert.NotContains(t, string(b), "张", "nothing of the refunded order")
	}
	assert.Equal(t, order.Cancelled, status(t, store, "A1"))
	assert.Equal(t, order.Printed, status(t, store, "B1"))
}

func TestReprintNewNumberOnlyWhenPrinted(t *testing.T) {
	st, store, _ := newRecorderStation(t, bothRoutes)
	ctx := context.Background()
	_, err := st.Print(ctx, "A1")
	require.NoError(t, err)
	o, _ := store.GetOrder(ctx, "A1")
	first := o.Waybill.TrackingNo
	_, err = st.Reprint(ctx, "A1", printer.Waybill, "torn", dadan.NewNumber)
	var se *printer.JobStateError
	require.ErrorAs(t, err, &se, "a queued document is not reprinted")
	o, _ = store.GetOrder(ctx, "A1")
	assert.Equal(t, first, o.Waybill.TrackingNo, "nothing changed: the number was not cancelled")
}

func TestPartialDocumentsPrintNothing(t *testing.T) {
	st, store, rec := newRecorderStation(t, map[printer.DocKind]string{printer.Waybill: "p"})
	ctx := context.Background()
	ps, err := st.Print(ctx)
	require.NoError(t, err)
	require.Len(t, ps.Failed, 2)
	assert.ErrorIs(t, ps.Failed[0], printer.ErrNoRoute)
	require.NoError(t, st.Drain(ctx))
	assert.Empty(t, rec.printed(), "an order prints all of its documents or none")
	assert.Equal(t, order.OnHold, status(t, store, "A1"))
}

func TestFailedJobHoldsAndRequeues(t *testing.T) {
	st, store, rec := newRecorderStation(t, bothRoutes)
	ctx := context.Background()
	rec.fail.Store(true)
	_, err := st.Print(ctx, "A1")
	require.NoError(t, err)
	assert.ErrorIs(t, st.Drain(ctx), printer.ErrJobFailed)
	assert.Equal(t, order.OnHold, status(t, store, "A1"), "a job that failed for good holds its order")
	var last order.Event
	for ev := range store.Journal(ctx, 0) {
		last = ev
	}
	assert.Contains(t, last.Detail, "failed")

	rec.fail.Store(false)
	require.NoError(t, st.Release(ctx, "A1", true, "printer fixed"))
	ps, err := st.Print(ctx, "A1")
	require.NoError(t, err)
	assert.Equal(t, 2, ps.Jobs)
	require.NoError(t, st.Drain(ctx))
	assert.Equal(t, order.Printed, status(t, store, "A1"))
	assert.Len(t, rec.printed(), 2)
}

func TestResolvePrintedOrderRefused(t *testing.T) {
	st, store, _ := newRecorderStation(t, bothRoutes)
	ctx := context.Background()
	_, err := st.Print(ctx, "A1")
	require.NoError(t, err)
	require.NoError(t, st.Drain(ctx))
	_, err = st.Resolve(ctx, "A1", review.Exchange{Line: 0, SKU: "Y"})
	assert.ErrorIs(t, err, dadan.ErrPrinted)
	assert.Equal(t, order.Printed, status(t, store, "A1"))
	_, err = st.Resolve(ctx, "A1", review.Refund{Reason: "returned before shipping"})
	require.NoError(t, err)
	assert.Equal(t, order.Cancelled, status(t, store, "A1"))
}

func TestIngestOddIDs(t *testing.T) {
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store, BatchSize: 1})
	require.NoError(t, err)
	in := `{"platform":"taobao"}
{"id":"OK1","platform":"taobao"}
{"platform":"jd"}
{"id":"OK1","status":"approved"}
{"id":"OK2","platform":"taobao"}`
	var results []dadan.Result
	sum, err := st.Ingest(context.Background(), strings.NewReader(in), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		results = append(results, r)
		return nil
	}})
	require.NoError(t, err, "odd ids never stop an ingest")
	require.Len(t, results, 5)
	assert.Equal(t, 5, sum.Orders)
	for _, i := range []int{0, 2, 3} {
		assert.Equal(t, review.Reject, results[i].Outcome, "line %d", i+1)
		assert.Empty(t, results[i].Status, "line %d is not stored", i+1)
	}
	assert.NotEmpty(t, results[4].Status)
	_, err = store.GetOrder(context.Background(), "")
	assert.ErrorIs(t, err, order.ErrNotFound)
}

// TestConcurrentReprintAndResolve reprints waybills while the same orders are
// resolved by an exchange, with their first documents sent but not yet confirmed:
// every waybill that comes out again with the same number carries the reprint
// mark, and each order's last packing list shows the exchanged item.
func TestConcurrentReprintAndResolve(t *testing.T) {
	const n = 200
	wb, pk := &recorder{}, &recorder{}
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	packing, err := label.Standard("packing-a4")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{
		Store:    store,
		Printers: map[string]printer.Printer{"w": printer.PrinterFunc(wb.print), "p": printer.PrinterFunc(pk.print)},
		Routes:   map[printer.DocKind]string{printer.Waybill: "w", printer.PackingList: "p"},
		Documents: []dadan.Document{
			{Kind: printer.Waybill, Template: waybill, Renderer: zr},
			{Kind: printer.PackingList, Template: packing, Renderer: zr},
		},
		Carrier: dadan.TestCarrier(),
		Spool:   printer.Options{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond},
	})
	require.NoError(t, err)
	ctx := context.Background()
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, `{"id":"R%04d","carrier":"ZTO","recipient":{"name":"张三","phone":"138%08d","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路%d号"},"items":[{"sku":"OLD-SKU","qty":1,"unit_price":"1.00"}],"total":"1.00"}`+"\n", i, i, i)
	}
	_, err = st.Ingest(ctx, strings.NewReader(in.String()), nil)
	require.NoError(t, err)
	ps, err := st.Print(ctx)
	require.NoError(t, err)
	require.Equal(t, n, ps.Orders)
	require.NoError(t, st.Spooler().Drain(ctx)) // sent; the orders are not confirmed yet

	var wg sync.WaitGroup
	for i := range n {
		id := fmt.Sprintf("R%04d", i)
		wg.Go(func() {
			_, err := st.Reprint(ctx, id, printer.Waybill, "label torn", dadan.SameNumber)
			if err != nil {
				assert.ErrorIs(t, err, printer.ErrJobState, id)
			}
		})
		wg.Go(func() {
			_, err := st.Resolve(ctx, id, review.Exchange{Line: 0, SKU: "NEW-SKU"})
			assert.NoError(t, err, id)
		})
	}
	wg.Wait()
	_, err = st.Print(ctx)
	require.NoError(t, err)
	require.NoError(t, st.Drain(ctx))

	for i := range n {
		id := fmt.Sprintf("R%04d", i)
		o, err := store.GetOrder(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, order.Printed, o.Status, id)
		var copies [][]byte
		for _, b := range wb.printed() {
			if bytes.Contains(b, []byte(o.Waybill.TrackingNo)) {
				copies = append(copies, b)
			}
		}
		require.NotEmpty(t, copies, id)
		assert.NotContains(t, string(copies[0]), "补打", "%s: the first print is not marked", id)
		for k, c := range copies[1:] {
			assert.Contains(t, string(c), dadan.ReprintMark(k+2), "%s: copy %d of the same number is marked", id, k+2)
		}
		var last []byte
		for _, b := range pk.printed() {
			if bytes.Contains(b, []byte(id)) {
				last = b
			}
		}
		assert.Contains(t, string(last), "NEW-SKU", "%s: the last packing list shows the exchange", id)
	}
}

// TestPrintKeepsPaidOrder: orders are rendered several at once but queued in
// the order they were paid, so both printers get the same sequence.
func TestPrintKeepsPaidOrder(t *testing.T) {
	const n = 120
	wb, pk := &recorder{}, &recorder{}
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	packing, err := label.Standard("packing-a4")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	st, err := dadan.New(&dadan.Options{
		Store:    memstore.New(),
		Printers: map[string]printer.Printer{"w": printer.PrinterFunc(wb.print), "p": printer.PrinterFunc(pk.print)},
		Routes:   map[printer.DocKind]string{printer.Waybill: "w", printer.PackingList: "p"},
		Documents: []dadan.Document{
			{Kind: printer.Waybill, Template: waybill, Renderer: zr},
			{Kind: printer.PackingList, Template: packing, Renderer: zr},
		},
		Carrier: dadan.TestCarrier(),
	})
	require.NoError(t, err)
	ctx := context.Background()
	var in strings.Builder
	for i := range n {
		// ids in reverse of payment: the queue must follow paid_at, not the id
		fmt.Fprintf(&in, `{"id":"P%04d","carrier":"ZTO","paid_at":"2026-11-11T%02d:%02d:00+08:00","recipient":{"name":"张三","phone":"138%08d","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路%d号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}`+"\n",
			n-i, i/60, i%60, i, i)
	}
	_, err = st.Ingest(ctx, strings.NewReader(in.String()), nil)
	require.NoError(t, err)
	_, err = st.PrintAll(ctx)
	require.NoError(t, err)
	for _, rec := range []*recorder{wb, pk} {
		got := rec.printed()
		require.Len(t, got, n)
		for i, b := range got {
			assert.Contains(t, string(b), fmt.Sprintf("P%04d", n-i), "document %d in paid-at order", i)
		}
	}
}

// cancellingCarrier ends the run on its first allocation, as a host that
// gives up (or a deadline) does while orders are being queued.
type cancellingCarrier struct {
	shipment.Carrier
	cancel context.CancelFunc
}

func (c cancellingCarrier) Allocate(ctx context.Context, req shipment.AllocateRequest) (shipment.Waybill, error) {
	c.cancel()
	return shipment.Waybill{}, fmt.Errorf("carrier: %w", ctx.Err())
}

// TestPrintEndedLeavesOrdersApproved: orders a run could not queue because it
// ended are left approved for the next run, not put on hold.
func TestPrintEndedLeavesOrdersApproved(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	store := memstore.New()
	rec := &recorder{}
	st, err := dadan.New(&dadan.Options{
		Store:     store,
		Printers:  map[string]printer.Printer{"p": printer.PrinterFunc(rec.print)},
		Routes:    map[printer.DocKind]string{printer.Waybill: "p"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}},
		Carrier:   cancellingCarrier{Carrier: dadan.TestCarrier(), cancel: cancel},
	})
	require.NoError(t, err)
	_, err = st.Ingest(context.Background(), strings.NewReader(twoOrders), nil)
	require.NoError(t, err)
	sum, err := st.Print(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, sum.Failed, "an ended run is no order's failure")
	assert.Equal(t, order.Approved, status(t, store, "A1"))
	assert.Equal(t, order.Approved, status(t, store, "B1"))
}
