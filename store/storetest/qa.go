package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
)

// InspectionUpdater is the optional ability of a [qa.Store] to change what
// people wrote in inspections (package retention erases personal data in it);
// the UpdateInspections test checks it when a store has it.
type InspectionUpdater interface {
	UpdateInspections(ctx context.Context, order string, fn func(in *qa.Inspection)) (int, error)
}

// QAStore is what the quality inspection suite needs: the qa records and the
// orders and jobs they are derived from.
type QAStore interface {
	qa.Store
	order.Store
	printer.JobStore
}

// PrintedDoc is one document of an order [PrintOrder] stores.
type PrintedDoc struct {
	Kind              printer.DocKind
	Template, Version string
	Printer           string
}

// PrintOrder stores order id as printed at at by operator: the order in status
// Printed, its printed journal event (whose Detail lists the documents as the
// station writes it) and a done print job per document.
func PrintOrder(ctx context.Context, s interface {
	order.Store
	printer.JobStore
}, id, operator string, at time.Time, docs ...PrintedDoc) error {
	o := &order.Order{ID: id, Platform: order.Taobao, PaidAt: at.Add(-time.Hour), Status: order.Printed,
		Recipient: order.Party{Name: "张三"},
		Items:     []order.Item{{SKU: "A", Qty: 1, UnitPrice: decimal.RequireFromString("1.50")}},
		Total:     decimal.RequireFromString("1.50")}
	var detail string
	jobs := make([]printer.Job, 0, len(docs))
	for i, d := range docs {
		hash := fmt.Sprintf("sha256:%064x", i+len(id)*7+int(at.Unix()%1000))
		if i > 0 {
			detail += "; "
		}
		detail += fmt.Sprintf("%s %s@%s %.19s", d.Kind, d.Template, d.Version, hash)
		jobs = append(jobs, printer.Job{Key: printer.JobKey{Order: id, Doc: d.Kind, Template: d.Template, Version: d.Version, Copy: 1},
			Printer: d.Printer, Data: []byte("x"), Hash: hash, CreatedAt: at})
	}
	ev := order.Event{Time: at, Actor: operator, OrderID: id, Action: order.ActPrinted, From: order.Approved, To: order.Printed, Detail: detail}
	if err := s.CreateOrder(ctx, o, ev); err != nil {
		return err
	}
	if len(jobs) == 0 {
		return nil
	}
	_, err := s.AddJobs(ctx, jobs)
	return err
}

// QA runs the [qa.Store] conformance tests.
func QA(t *testing.T, newStore func(t *testing.T) QAStore, f Features) {
	ctx := context.Background()
	day := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	wb := func(tpl, ver, prn string) PrintedDoc { return PrintedDoc{printer.Waybill, tpl, ver, prn} }
	pl := func(prn string) PrintedDoc { return PrintedDoc{printer.PackingList, "packing-80mm", "1", prn} }

	t.Run("Printed", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, PrintOrder(ctx, s, "P1", "alice", day.Add(9*time.Hour), wb("waybill-76x130", "2", "zebra-1"), pl("epson-1")))
		require.NoError(t, PrintOrder(ctx, s, "P2", "bob^XA'; DROP TABLE jobs;--", day.Add(10*time.Hour), wb("waybill-76x130", "3", "zebra-2")))
		require.NoError(t, PrintOrder(ctx, s, "P3", "carol", day.Add(34*time.Hour), wb("waybill-76x130", "3", "zebra-1")))
		// A second copy and a job of an older template version are not the printed documents.
		_, err := s.AddJobs(ctx, []printer.Job{
			{Key: printer.JobKey{Order: "P1", Doc: printer.Waybill, Template: "waybill-76x130", Version: "2", Copy: 2}, Printer: "other", Data: []byte("x")},
			{Key: printer.JobKey{Order: "P1", Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1}, Printer: "old", Data: []byte("x")},
		})
		require.NoError(t, err)
		// P2 printed again later by dave: the last printed event counts.
		require.NoError(t, s.UpdateOrder(ctx, "P2", func(o *order.Order) ([]order.Event, error) {
			return []order.Event{{Time: day.Add(11 * time.Hour), Actor: "dave", OrderID: "P2", Action: order.ActPrinted,
				From: order.Printed, To: order.Printed, Detail: "waybill waybill-76x130@3 sha256:0000"}}, nil
		}))
		// Not printed: approved only.
		o := &order.Order{ID: "N1", Platform: order.JD, PaidAt: day, Status: order.Approved, Total: decimal.Zero}
		require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: day.Add(9 * time.Hour), Actor: "x", OrderID: "N1", Action: order.ActReviewed, To: order.Approved}))

		got := map[string]qa.Printed{}
		for p, err := range s.Printed(ctx, day, day.Add(24*time.Hour)) {
			require.NoError(t, err)
			_, dup := got[p.Order]
			assert.False(t, dup, "one record per order: %s", p.Order)
			got[p.Order] = p
		}
		require.Len(t, got, 2)
		p1 := got["P1"]
		assert.Equal(t, "alice", p1.Operator)
		assert.True(t, p1.Time.Equal(day.Add(9*time.Hour)))
		require.Len(t, p1.Docs, 2)
		assert.Equal(t, qa.Doc{Kind: "waybill", Template: "waybill-76x130", Version: "2", Printer: "zebra-1", Hash: p1.Docs[0].Hash}, p1.Docs[0])
		assert.Len(t, p1.Docs[0].Hash, 7+64, "the job's full hash")
		assert.Equal(t, "epson-1", p1.Docs[1].Printer)
		assert.Equal(t, []string{"zebra-1", "epson-1"}, p1.Printers())
		assert.Equal(t, "dave", got["P2"].Operator)
		assert.Equal(t, "zebra-2", got["P2"].Docs[0].Printer)

		n := 0
		for p, err := range s.Printed(ctx, time.Time{}, time.Time{}) {
			require.NoError(t, err)
			assert.NotEqual(t, "N1", p.Order)
			n++
		}
		assert.Equal(t, 3, n, "open bounds")
		var in10 []qa.Printed
		for p, err := range s.Printed(ctx, day.Add(10*time.Hour), day.Add(11*time.Hour)) {
			require.NoError(t, err)
			in10 = append(in10, p)
		}
		require.Len(t, in10, 1, "P2 was printed in the period too; the last print in the period counts")
		assert.Equal(t, "bob^XA'; DROP TABLE jobs;--", in10[0].Operator)

		p2, err := s.PrintedOrder(ctx, "P2")
		require.NoError(t, err)
		assert.Equal(t, "dave", p2.Operator)
		p, err := s.PrintedOrder(ctx, "P2")
		require.NoError(t, err)
		assert.Equal(t, p2, p)
		_, err = s.PrintedOrder(ctx, "N1")
		assert.ErrorIs(t, err, qa.ErrNotPrinted)
		_, err = s.PrintedOrder(ctx, "nope")
		assert.ErrorIs(t, err, qa.ErrNotPrinted)
		bob := "bob^XA'; DROP TABLE jobs;--"
		s2 := newStore(t)
		require.NoError(t, PrintOrder(ctx, s2, "Q1", bob, day, wb("w", "1", "p")))
		q1, err := s2.PrintedOrder(ctx, "Q1")
		require.NoError(t, err)
		assert.Equal(t, bob, q1.Operator, "stored as text")
	})

	t.Run("Inspections", func(t *testing.T) {
		s := newStore(t)
		in := qa.Inspection{Order: "P1", Time: day.Add(12 * time.Hour), Inspector: "qc", Round: 1, Result: qa.Fail,
			Checks:   []qa.Check{{Item: qa.CheckAddress, OK: false, Note: "门牌号缺失"}, {Item: qa.CheckClarity, OK: true}},
			Defects:  []qa.Defect{{Type: "address", Severity: qa.Major, Cause: qa.CausePlatform, Note: "^XA~JR"}},
			Operator: "alice", Docs: []qa.Doc{{Kind: "waybill", Template: "w", Version: "2", Hash: "sha256:ab", Printer: "z"}},
			Note: "note", Photo: "/photos/p1.jpg"}
		a, err := s.AddInspection(ctx, in)
		require.NoError(t, err)
		assert.NotEmpty(t, a.ID)
		assert.Positive(t, a.Seq)
		in2 := in
		in2.ID, in2.Order, in2.Time, in2.Result, in2.Defects = "mine", "P2", day.Add(13*time.Hour), qa.Pass, nil
		b, err := s.AddInspection(ctx, in2)
		require.NoError(t, err)
		assert.Equal(t, "mine", b.ID)
		assert.Greater(t, b.Seq, a.Seq)
		_, err = s.AddInspection(ctx, in2)
		assert.ErrorIs(t, err, qa.ErrInvalid, "the ID is taken")
		// A caller's ID in the store's own form does not block the store's next one.
		in3 := in2
		in3.ID = fmt.Sprint("I", b.Seq+1)
		c, err := s.AddInspection(ctx, in3)
		require.NoError(t, err)
		in4 := in2
		in4.ID = ""
		d, err := s.AddInspection(ctx, in4)
		require.NoError(t, err)
		assert.NotEqual(t, c.ID, d.ID)
		assert.NotEmpty(t, d.ID)
		bad := in
		bad.Defects = []qa.Defect{{Type: "x", Severity: "fatal", Cause: qa.CauseOther}}
		_, err = s.AddInspection(ctx, bad)
		assert.ErrorIs(t, err, qa.ErrInvalid)

		in.Checks[0].Note = "changed"
		a.Defects[0].Note = "changed"
		var all []qa.Inspection
		for x, err := range s.Inspections(ctx, qa.Filter{}) {
			require.NoError(t, err)
			all = append(all, x)
		}
		require.Len(t, all, 4)
		first := all[0]
		assert.Equal(t, a.ID, first.ID)
		assert.Equal(t, "门牌号缺失", first.Checks[0].Note, "stores copy")
		assert.Equal(t, "^XA~JR", first.Defects[0].Note)
		assert.True(t, first.Time.Equal(in.Time))
		assert.Equal(t, "/photos/p1.jpg", first.Photo)
		assert.Equal(t, in.Docs, first.Docs)
		assert.Equal(t, qa.Major, first.Defects[0].Severity)

		count := func(f qa.Filter) int {
			n := 0
			for _, err := range s.Inspections(ctx, f) {
				require.NoError(t, err)
				n++
			}
			return n
		}
		assert.Equal(t, 3, count(qa.Filter{Order: "P2"}))
		assert.Equal(t, 0, count(qa.Filter{Order: "P3"}))
		assert.Equal(t, 3, count(qa.Filter{From: day.Add(13 * time.Hour)}))
		assert.Equal(t, 1, count(qa.Filter{To: day.Add(13 * time.Hour)}))
		assert.Equal(t, 4, count(qa.Filter{From: day, To: day.Add(24 * time.Hour)}))
	})

	t.Run("UpdateInspections", func(t *testing.T) {
		s := newStore(t)
		iu, ok := s.(InspectionUpdater)
		if !ok {
			t.Skip("the store cannot change inspections")
		}
		in := qa.Inspection{Order: "P1", Time: day.Add(12 * time.Hour), Inspector: "qc", Round: 1, Result: qa.Fail,
			Checks:  []qa.Check{{Item: qa.CheckAddress, OK: false, Note: "应为文一西路969号"}, {Item: qa.CheckClarity, OK: true}},
			Defects: []qa.Defect{{Type: "address", Severity: qa.Major, Cause: qa.CausePlatform, Note: "张三 13800138000"}},
			Note:    "called 13800138000", Photo: "/photos/p1.jpg"}
		a, err := s.AddInspection(ctx, in)
		require.NoError(t, err)
		other := in
		other.Order = "P2"
		_, err = s.AddInspection(ctx, other)
		require.NoError(t, err)
		n, err := iu.UpdateInspections(ctx, "P1", func(in *qa.Inspection) {
			in.Note, in.Photo = "called [erased]", ""
			in.Checks[0].Note = "应为[erased]"
			in.Defects[0].Note = "[erased] [erased]"
			in.Result, in.Inspector, in.Order, in.Seq = qa.Pass, "mallory", "P9", 99 // not kept
		})
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		var got []qa.Inspection
		for x, err := range s.Inspections(ctx, qa.Filter{Order: "P1"}) {
			require.NoError(t, err)
			got = append(got, x)
		}
		require.Len(t, got, 1)
		g := got[0]
		assert.Equal(t, "called [erased]", g.Note)
		assert.Empty(t, g.Photo)
		assert.Equal(t, "应为[erased]", g.Checks[0].Note)
		assert.Equal(t, "[erased] [erased]", g.Defects[0].Note)
		assert.Equal(t, qa.Fail, g.Result, "only the free text changes")
		assert.Equal(t, "qc", g.Inspector)
		assert.Equal(t, a.ID, g.ID)
		assert.Equal(t, a.Seq, g.Seq)
		assert.True(t, g.Time.Equal(in.Time))
		for x, err := range s.Inspections(ctx, qa.Filter{Order: "P2"}) {
			require.NoError(t, err)
			assert.Equal(t, "called 13800138000", x.Note, "other orders' inspections stay")
		}
		n, err = iu.UpdateInspections(ctx, "P1", func(*qa.Inspection) {})
		require.NoError(t, err)
		assert.Zero(t, n, "nothing changed")
	})

	t.Run("ReworkCycle", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, PrintOrder(ctx, s, "R1", "alice", day.Add(9*time.Hour), wb("waybill-76x130", "2", "zebra-1")))
		fail := qa.Inspection{Order: "R1", Time: day.Add(10 * time.Hour), Inspector: "qc", Result: qa.Fail,
			Defects: []qa.Defect{{Type: "blurred", Severity: qa.Major, Cause: qa.CausePrinter}}}
		first, err := qa.Record(ctx, s, fail)
		require.NoError(t, err)
		assert.Equal(t, 1, first.Round)
		assert.Equal(t, "alice", first.Operator, "the operator is the actor of the printed event")
		assert.Equal(t, "zebra-1", first.Doc("").Printer)
		assert.Equal(t, "2", first.Docs[0].Version)

		fail.Time = day.Add(11 * time.Hour)
		second, err := qa.Record(ctx, s, fail)
		require.NoError(t, err)
		assert.Equal(t, 2, second.Round)
		cases := inspectionsCases(t, s)
		require.Len(t, cases, 1)
		assert.True(t, cases[0].Open(), "a failed re-inspection keeps the case open")

		pass := qa.Inspection{Order: "R1", Time: day.Add(12 * time.Hour), Inspector: "qc", Result: qa.Pass}
		third, err := qa.Record(ctx, s, pass)
		require.NoError(t, err)
		assert.Equal(t, 3, third.Round)
		cases = inspectionsCases(t, s)
		require.Len(t, cases, 1)
		assert.False(t, cases[0].Open())
		assert.Equal(t, 3, cases[0].Rounds)
		assert.Equal(t, "alice", cases[0].Operator)
		assert.True(t, cases[0].Closed.Equal(pass.Time))

		_, err = qa.Record(ctx, s, pass)
		assert.ErrorIs(t, err, qa.ErrClosed)
		_, err = qa.Record(ctx, s, qa.Inspection{Order: "nope", Time: day, Result: qa.Pass})
		assert.ErrorIs(t, err, qa.ErrNotPrinted)
	})

	t.Run("Lots", func(t *testing.T) {
		s := newStore(t)
		at := day
		rec := func(defects int) qa.Lot {
			at = at.Add(time.Hour)
			l, err := qa.RecordLot(ctx, s, qa.Lot{Time: at, Size: 1000, AQL: 2.5, Defects: defects})
			require.NoError(t, err)
			return l
		}
		l := rec(6)
		assert.Equal(t, qa.Normal, l.Regime)
		assert.Equal(t, "J", l.Code)
		assert.Equal(t, 80, l.Sample)
		assert.False(t, l.Accepted)
		l = rec(6)
		assert.Equal(t, qa.Tightened, l.Next)
		l = rec(4)
		assert.Equal(t, qa.Tightened, l.Regime)
		assert.Equal(t, 3, l.Accept)
		assert.False(t, l.Accepted)
		for range 3 {
			rec(9)
		}
		l = rec(9)
		assert.Equal(t, qa.Discontinued, l.Next, "5 not accepted on tightened")
		_, err := qa.RecordLot(ctx, s, qa.Lot{Time: at, Size: 1000, AQL: 2.5})
		assert.ErrorIs(t, err, qa.ErrDiscontinued)
		r, err := qa.RecordLot(ctx, s, qa.Lot{Time: at, Resume: true, Inspector: "boss"})
		require.NoError(t, err)
		assert.Equal(t, qa.Tightened, r.Next)
		l = rec(0)
		assert.Equal(t, qa.Tightened, l.Regime)

		var seqs []int64
		var ids []string
		for x, err := range s.Lots(ctx) {
			require.NoError(t, err)
			seqs = append(seqs, x.Seq)
			ids = append(ids, x.ID)
		}
		require.Len(t, seqs, 9)
		for i := 1; i < len(seqs); i++ {
			assert.Greater(t, seqs[i], seqs[i-1])
		}
		_, err = s.AddLot(ctx, qa.Lot{ID: ids[0], Time: at})
		assert.ErrorIs(t, err, qa.ErrInvalid)
		sw, err := qa.Replay(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, qa.Tightened, sw.Current())
		assert.Equal(t, 1, sw.Accepted)
	})

	t.Run("Sample", func(t *testing.T) {
		s := newStore(t)
		ops := []string{"alice", "bob", "carol", "dave"}
		prns := []string{"zebra-1", "zebra-2", "tsc-1"}
		for i := range 200 {
			op, prn := ops[i%4], prns[i%2]
			if i == 137 {
				op, prn = "eve", "tsc-1" // one order each: still represented
			}
			require.NoError(t, PrintOrder(ctx, s, fmt.Sprintf("S%03d", i), op, day.Add(time.Duration(i)*time.Minute), wb("w", "1", prn)))
		}
		r, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 5, Seed: 42})
		require.NoError(t, err)
		assert.Equal(t, 200, r.Population)
		assert.Equal(t, 10, r.Quota)
		assert.GreaterOrEqual(t, len(r.Orders), 10)
		seenOp, seenPr := map[string]bool{}, map[string]bool{}
		for _, d := range r.Orders {
			seenOp[d.Operator], seenPr[d.Printer()] = true, true
		}
		assert.Len(t, seenOp, 5)
		assert.Len(t, seenPr, 3)
		again, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 5, Seed: 42})
		require.NoError(t, err)
		assert.Equal(t, r.Orders, again.Orders, "the same seed draws the same orders")

		for _, d := range r.Orders {
			_, err := qa.Record(ctx, s, qa.Inspection{Order: d.Order, Time: day.Add(24 * time.Hour), Result: qa.Pass})
			require.NoError(t, err)
		}
		next, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 5, Seed: 42})
		require.NoError(t, err)
		assert.Equal(t, len(r.Orders), next.Inspected)
		for _, d := range next.Orders {
			for _, x := range r.Orders {
				assert.NotEqual(t, x.Order, d.Order, "inspected orders are not drawn again")
			}
		}
		assert.GreaterOrEqual(t, len(next.Orders), 10)

		part, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 50, Seed: 1, From: day, To: day.Add(100 * time.Minute)})
		require.NoError(t, err)
		assert.Equal(t, 100, part.Population)
		for _, d := range part.Orders {
			assert.True(t, d.Time.Before(day.Add(100*time.Minute)))
		}
	})
}

func inspectionsCases(t *testing.T, s qa.InspectionStore) []qa.Case {
	var ins []qa.Inspection
	for in, err := range s.Inspections(context.Background(), qa.Filter{}) {
		require.NoError(t, err)
		ins = append(ins, in)
	}
	return qa.Cases(ins)
}
