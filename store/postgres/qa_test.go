package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/storetest"
)

func TestQA(t *testing.T) {
	storetest.QA(t, func(t *testing.T) storetest.QAStore { return open(t, "", nil) }, storetest.Features{})
}

func lite(ds []qa.Doc) []qa.Doc {
	out := make([]qa.Doc, len(ds))
	for i, d := range ds {
		out[i] = qa.Doc{Kind: d.Kind, Printer: d.Printer}
	}
	return out
}

// checkFastPaths compares Roster and CountPrinted with Printed over period and
// returns the orders Printed yields.
func checkFastPaths(t *testing.T, s *postgres.Store, from, to time.Time) map[string]qa.Printed {
	t.Helper()
	ctx := context.Background()
	want := map[string]qa.Printed{}
	for p, err := range s.Printed(ctx, from, to) {
		require.NoError(t, err)
		_, dup := want[p.Order]
		require.False(t, dup, "one record per order: %q", p.Order)
		want[p.Order] = p
	}
	lites := map[string]qa.Printed{}
	for id, p := range want {
		p.Docs = lite(p.Docs)
		if len(p.Docs) == 0 {
			p.Docs = nil
		}
		lites[id] = p
	}
	got := map[string]qa.Printed{}
	for p, err := range s.Roster(ctx, from, to) {
		require.NoError(t, err)
		_, dup := got[p.Order]
		require.False(t, dup, "one roster record per order: %q", p.Order)
		got[p.Order] = p
	}
	assert.Equal(t, lites, got)
	n, err := s.CountPrinted(ctx, from, to)
	require.NoError(t, err)
	assert.Equal(t, len(want), n)
	return want
}

// TestQARosterMatchesPrinted checks the fast paths against Printed, with order
// IDs and names holding punctuation, printer commands and SQL.
func TestQARosterMatchesPrinted(t *testing.T) {
	ctx := context.Background()
	s := open(t, "", nil)
	day := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	ids := []string{"1,2:3", "7:abc", "^XA^FDx^FS^XZ", "中文订单", "a\x1fb", "x'); DROP TABLE jobs;--", "12:", ","}
	for i := range 120 {
		id := fmt.Sprintf("R%d", i)
		if i < len(ids) {
			id = ids[i]
		}
		op := []string{"3:x", "bob,", "张三"}[i%3]
		docs := []storetest.PrintedDoc{{Kind: printer.Waybill, Template: "w", Version: "1", Printer: fmt.Sprintf("p:%d,", i%4)}}
		if i%2 == 0 {
			docs = append(docs, storetest.PrintedDoc{Kind: printer.PackingList, Template: "pl", Version: "2", Printer: "epson"})
		}
		require.NoError(t, storetest.PrintOrder(ctx, s, id, op, day.Add(time.Duration(i)*time.Minute), docs...))
	}
	// R100 is reprinted later by someone else: the later print counts
	// wherever it lies in the period.
	require.NoError(t, s.UpdateOrder(ctx, "R100", func(o *order.Order) ([]order.Event, error) {
		return []order.Event{{Time: day.Add(500 * time.Minute), Actor: "dave", OrderID: "R100", Action: order.ActPrinted,
			From: order.Printed, To: order.Printed, Detail: "waybill w@1 sha256:00; packing_list pl@2 sha256:00"}}, nil
	}))
	all := checkFastPaths(t, s, time.Time{}, time.Time{})
	require.Len(t, all, 120)
	assert.Equal(t, "dave", all["R100"].Operator)
	assert.Equal(t, []string{"p:0,", "epson"}, all["R100"].Printers(), "Printed follows the Detail")
	for _, id := range ids {
		assert.Contains(t, all, id)
	}
	in := checkFastPaths(t, s, day.Add(50*time.Minute), day.Add(110*time.Minute))
	assert.Len(t, in, 60)
	require.Contains(t, in, "R100")
	assert.Equal(t, "R100", in["R100"].Order)
	assert.True(t, in["R100"].Time.Equal(day.Add(100*time.Minute)), "the last print inside the period counts")
	assert.Equal(t, "bob,", in["R100"].Operator)
	late := checkFastPaths(t, s, day.Add(400*time.Minute), time.Time{})
	require.Len(t, late, 1)
	assert.Equal(t, "dave", late["R100"].Operator)

	// A newer packing list job of R100 on another printer, not in the Detail:
	// the roster takes it.
	_, err := s.AddJobs(ctx, []printer.Job{{Key: printer.JobKey{Order: "R100", Doc: printer.PackingList, Template: "pl", Version: "3", Copy: 1},
		Printer: "epson-2", Data: []byte("x")}})
	require.NoError(t, err)
	var r []qa.Printed
	for p, err := range s.Roster(ctx, day.Add(400*time.Minute), time.Time{}) {
		require.NoError(t, err)
		r = append(r, p)
	}
	require.Len(t, r, 1)
	assert.Equal(t, []qa.Doc{{Kind: "waybill", Printer: "p:0,"}, {Kind: "packing_list", Printer: "epson-2"}}, r[0].Docs,
		"the latest first-copy job of each kind, in queue order")

	_, err = s.PrintedOrder(ctx, "bad\x00id\xff")
	assert.ErrorIs(t, err, qa.ErrNotPrinted)
}

// TestQAPrintedBounds: times are kept to the microsecond, and bounds with
// nanoseconds split them exactly as the stored times fall.
func TestQAPrintedBounds(t *testing.T) {
	ctx := context.Background()
	s := open(t, "", nil)
	at := time.Date(2026, 11, 11, 9, 0, 0, 5000, time.UTC) // 5µs
	require.NoError(t, storetest.PrintOrder(ctx, s, "B1", "alice", at))
	for _, c := range []struct {
		from, to time.Time
		n        int
	}{
		{at, at.Add(time.Nanosecond), 1},
		{at.Add(-999 * time.Nanosecond), at.Add(time.Nanosecond), 1},
		{at.Add(time.Nanosecond), time.Time{}, 0},
		{time.Time{}, at, 0},
		{time.Time{}, at.Add(time.Nanosecond), 1},
	} {
		got := checkFastPaths(t, s, c.from, c.to)
		assert.Len(t, got, c.n, "[%s, %s)", c.from, c.to)
	}
}

// TestQAPrintedPages: more printed events than one page, all at one instant
// (the page boundary falls inside a run of equal times) and some orders
// printed twice on both sides of it, each come once.
func TestQAPrintedPages(t *testing.T) {
	ctx := context.Background()
	s := open(t, "", nil)
	const n = 4096 + 300
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	_, err := admin(t).Exec(ctx, `INSERT INTO `+s.Schema()+`.journal (seq, at, actor, order_id, action, from_status, to_status, detail)
		SELECT g, $1, 'op' || (g % 7), 'O' || (CASE WHEN g > 4096 AND g % 100 = 0 THEN g - 4000 ELSE g END), 'printed', 'approved', 'printed', ''
		FROM generate_series(1, $2) g`, at, n)
	require.NoError(t, err)
	got := checkFastPaths(t, s, time.Time{}, time.Time{})
	assert.Len(t, got, n-3, "O100, O200 and O300 are printed twice")
	assert.Equal(t, "op5", got["O100"].Operator, "the later event (seq 4100, on the second page) counts")
	assert.Len(t, checkFastPaths(t, s, at, at.Add(time.Microsecond)), n-3)
	var count int
	for range s.Printed(ctx, at, at.Add(time.Microsecond)) {
		count++
		if count == 10 {
			break // stopping early is allowed
		}
	}
	assert.Equal(t, 10, count)
}

// TestQAInspectionsExact: inspection times filter to the nanosecond, IDs and
// order IDs PostgreSQL cannot hold as text are refused, and records read back
// keep hostile text as it was.
func TestQAInspectionsExact(t *testing.T) {
	ctx := context.Background()
	s := open(t, "", nil)
	at := time.Date(2026, 11, 11, 9, 0, 0, 1500, time.FixedZone("CST", 8*3600))
	in := qa.Inspection{Order: "O1", Time: at, Inspector: "qc", Result: qa.Pass, Note: "^XA\x00'; DROP TABLE qa_lots;--"}
	a, err := s.AddInspection(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint("I", a.Seq), a.ID)
	count := func(f qa.Filter) int {
		n := 0
		for x, err := range s.Inspections(ctx, f) {
			require.NoError(t, err)
			assert.Equal(t, in.Note, x.Note)
			assert.True(t, x.Time.Equal(at))
			n++
		}
		return n
	}
	assert.Equal(t, 1, count(qa.Filter{From: at}))
	assert.Equal(t, 0, count(qa.Filter{From: at.Add(time.Nanosecond)}))
	assert.Equal(t, 0, count(qa.Filter{To: at}))
	assert.Equal(t, 1, count(qa.Filter{To: at.Add(time.Nanosecond)}))
	assert.Equal(t, 0, count(qa.Filter{Order: "O1\xff"}))

	bad := in
	bad.Order = "O\x00"
	_, err = s.AddInspection(ctx, bad)
	assert.ErrorIs(t, err, qa.ErrInvalid)
	assert.ErrorIs(t, err, postgres.ErrInvalidText)
	bad = in
	bad.ID = "I\xff"
	_, err = s.AddInspection(ctx, bad)
	assert.ErrorIs(t, err, qa.ErrInvalid)
	_, err = s.AddLot(ctx, qa.Lot{ID: "L\x00", Time: at})
	assert.ErrorIs(t, err, qa.ErrInvalid)
	assert.Equal(t, 1, count(qa.Filter{}), "nothing else was stored")

	var orders []string
	for id, err := range s.InspectedOrders(ctx) {
		require.NoError(t, err)
		orders = append(orders, id)
	}
	assert.Equal(t, []string{"O1"}, orders)
}

// TestQAConcurrentIDs: stations adding inspections and lots at once, some
// with IDs of the store's own form, get distinct IDs and seqs.
func TestQAConcurrentIDs(t *testing.T) {
	ctx := context.Background()
	s := open(t, "", nil)
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	const workers, each, taken = 6, 15, 30
	// Callers took I31, I33, … I89 (as seqs 1 to 30): generated IDs of the
	// odd seqs from 31 step around them.
	for k := range taken {
		_, err := s.AddInspection(ctx, qa.Inspection{ID: fmt.Sprint("I", 31+2*k), Order: "T", Time: at, Result: qa.Pass})
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids, seqs := map[string]bool{}, map[int64]bool{}
	var errs []error
	for w := range workers {
		wg.Go(func() {
			for range each {
				in := qa.Inspection{Order: fmt.Sprint("O", w), Time: at, Result: qa.Pass}
				x, err := s.AddInspection(ctx, in)
				l, lerr := s.AddLot(ctx, qa.Lot{Time: at})
				mu.Lock()
				if err != nil || lerr != nil {
					errs = append(errs, err, lerr)
				} else {
					assert.False(t, ids[x.ID], x.ID)
					assert.False(t, ids[l.ID], l.ID)
					assert.False(t, seqs[x.Seq])
					ids[x.ID], ids[l.ID], seqs[x.Seq] = true, true, true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Empty(t, errs)
	assert.True(t, ids["I32"] && ids["I31-2"] && ids["I89-2"] && ids["I90"], "generated IDs step around the taken ones")
	var last int64
	n := 0
	for x, err := range s.Inspections(ctx, qa.Filter{}) {
		require.NoError(t, err)
		assert.Greater(t, x.Seq, last)
		assert.True(t, ids[x.ID] || x.Order == "T", x.ID)
		last = x.Seq
		n++
	}
	assert.Equal(t, taken+workers*each, n)
	n = 0
	for _, err := range s.Lots(ctx) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, workers*each, n)
}
