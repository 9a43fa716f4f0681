package backup_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/supplies"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// at is the clock of the workload: whole milliseconds, which every store keeps.
func at(i int) time.Time { return t0.Add(time.Duration(i) * 1500 * time.Millisecond) }

// setup registers what a station has before its first order.
func setup(t *testing.T, s backup.Store) {
	t.Helper()
	for _, d := range []printer.Device{
		{ID: "waybill", Name: "面单打印机", Model: "ZT411", SerialNumber: "SN-1", URL: "tcp://10.0.0.7:9100", Status: printer.DeviceActive, PurchasedAt: t0.AddDate(-1, 0, 0)},
		{ID: "packing", Name: "清单打印机", Model: "TM-T88", URL: "cups://packing", Status: printer.DeviceActive},
	} {
		require.NoError(t, s.AddDevice(ctx, d))
	}
	for _, it := range []supplies.Item{
		{Spec: "76x130 热敏 500张/卷", Kind: supplies.LabelRoll, Name: "面单", WidthMM: 76, PerPack: 500, LeadTimeDays: 3, SafetyStock: 1000},
		{Spec: "80mm 热敏纸", Kind: supplies.PaperRoll, Name: "小票纸", WidthMM: 80, PerPack: 50000, LeadTimeDays: 2},
	} {
		require.NoError(t, s.PutSupply(ctx, it))
	}
}

// work makes the changes of orders from to from+n on s: each order is
// ingested, reviewed, printed (jobs claimed and finished), some reprinted or
// left queued, sending or unconfirmed, shipped and tracked; some get an
// address change, a courier problem with a claim, a QA inspection; supplies
// are received and used, the printers maintained, a sequence advanced.
func work(t *testing.T, s backup.Store, from, n int) {
	t.Helper()
	const label, paper = "76x130 热敏 500张/卷", "80mm 热敏纸"
	for i := from; i < from+n; i++ {
		now := at(i)
		id := fmt.Sprintf("TB%06d", i)
		o := &order.Order{ID: id, Platform: order.Taobao, Shop: "旗舰店", PaidAt: now, Status: order.Received,
			Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", Address: fmt.Sprint("文一西路", i, "号")},
			Items:     []order.Item{{SKU: "CUP-500-W", Name: "保温杯", Qty: 1 + i%3}}}
		require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: now, Actor: "system", OrderID: id, Action: order.ActReceived, To: order.Received}))
		move := func(to order.Status, act order.Action, actor, detail string) {
			require.NoError(t, s.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
				ev, err := order.Move(o, to, now, actor, act, detail)
				return []order.Event{ev}, err
			}))
		}
		move(order.Approved, order.ActReviewed, "review", "")
		if i%97 == 5 {
			continue // waits for review
		}
		seqNo, err := s.NextValue(ctx, "pool/YTO")
		require.NoError(t, err)
		no := fmt.Sprintf("YT%010d", seqNo)
		js, err := s.AddJobs(ctx, []printer.Job{
			{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "waybill-76x130", Version: "3", Copy: 1}, Printer: "waybill",
				Data: []byte("^XA^FD" + no + "^FS^XZ"), MediaLength: 130, Hash: "h" + no, Revision: 1, CreatedAt: now, UpdatedAt: now},
			{Key: printer.JobKey{Order: id, Doc: printer.PackingList, Template: "packing-80mm", Version: "1", Copy: 1}, Printer: "packing",
				Data: []byte{0x1b, 0x40, 'x'}, MediaLength: 90, Revision: 1, CreatedAt: now, UpdatedAt: now},
		})
		require.NoError(t, err)
		if i%53 == 7 {
			continue // its jobs stay queued
		}
		for _, j := range js {
			// the job claimed may be an older one: a reprint, or one whose
			// lease expired; a printer with a job in sending gives nothing
			c, err := s.ClaimJob(ctx, j.Printer, "station-1", now)
			if errors.Is(err, printer.ErrNoJob) {
				continue
			}
			require.NoError(t, err)
			switch {
			case i%61 == 3 && c.Printer == "packing":
				continue // left sending: the station died
			case i%71 == 9:
				c.State, c.LastError = printer.Unconfirmed, "no status after the job"
			default:
				c.State, c.PrintedAt, c.Data = printer.Printed, now, nil
			}
			c.PrintCount++
			c.UpdatedAt = now
			require.NoError(t, s.UpdateJob(ctx, c, printer.Sending))
			require.NoError(t, s.AddUsage(ctx, c.Printer, 1, c.MediaLength, now))
		}
		move(order.Printed, order.ActPrinted, "打单员", "waybill-76x130@3")
		require.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: label, Docs: 1, Units: 1, At: now}))
		require.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: paper, Docs: 1, Units: 90, At: now}))
		if i%13 == 0 { // reprinted, keeping the number
			j, err := s.Job(ctx, js[0].ID)
			require.NoError(t, err)
			if j.State == printer.Printed {
				from := j.State
				j.State, j.Seq, j.Reprint, j.ReprintReason, j.Data = printer.Queued, 0, true, "标签污损", []byte("^XA^FD补打^XZ")
				require.NoError(t, s.UpdateJob(ctx, j, from))
			}
		}
		sh := &shipment.Shipment{TrackingNo: no, OrderID: id, Carrier: "YTO", State: shipment.LabelPrinted, Revision: 1,
			DeclaredValue: decimal.RequireFromString("59.90"), CreatedAt: now, UpdatedAt: now}
		require.NoError(t, s.CreateShipment(ctx, sh))
		if i%89 == 11 {
			continue // not packed yet
		}
		require.NoError(t, s.UpdateShipment(ctx, no, func(sh *shipment.Shipment) error {
			sh.WeightGrams = 500 + i%200
			if err := shipment.Move(sh, shipment.Packed, now); err != nil {
				return err
			}
			sh.Batch = fmt.Sprintf("B%04d", i/100)
			return shipment.Move(sh, shipment.HandedOver, now)
		}))
		move(order.Verified, order.ActVerified, "发货员", "")
		move(order.Shipped, order.ActShipped, "发货员", "")
		if i%17 == 0 { // the customer changed the address
			require.NoError(t, s.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
				o.Recipient.Address = "文二路1号"
				return []order.Event{order.Note(o, now, "客服", order.ActNote, "改址: 文二路1号")}, nil
			}))
			require.NoError(t, s.UpdateShipment(ctx, no, func(sh *shipment.Shipment) error {
				sh.Note = "改址 by 客服: 顾客来电"
				return nil
			}))
		}
		track := func(st shipment.State, text string, dt time.Duration) {
			ev := shipment.Event{TrackingNo: no, Time: now.Add(dt), State: st, Code: string(st), Text: text, Location: "杭州", Source: "kuaidi100"}
			_, err := s.AddEvent(ctx, ev, func(sh *shipment.Shipment) error {
				_, err := shipment.Advance(sh, ev.State, ev.Time)
				return err
			})
			require.NoError(t, err)
		}
		track(shipment.InTransit, "已揽收", time.Hour)
		track(shipment.InTransit, "已揽收", time.Hour) // the same step again
		if i%3 == 0 {
			track(shipment.Delivered, "已签收", 30*time.Hour)
		}
		if i%50 == 25 {
			p := &shipment.Problem{TrackingNo: no, OrderID: id, Carrier: "YTO", Kind: shipment.Damaged, Detail: "外箱破损", OpenedBy: "客服", OpenedAt: now}
			require.NoError(t, s.CreateProblem(ctx, p))
			require.NoError(t, s.UpdateProblem(ctx, p.ID, func(p *shipment.Problem) error {
				p.Claim = &shipment.Claim{Status: shipment.ClaimClaimed, Amount: decimal.RequireFromString("59.90"), Ref: "C" + no, OpenedAt: now, ClaimedAt: now}
				return nil
			}))
			if i%100 == 25 {
				require.NoError(t, s.UpdateProblem(ctx, p.ID, func(p *shipment.Problem) error {
					p.Claim.Status, p.Claim.Paid, p.Claim.SettledAt = shipment.ClaimPaid, decimal.RequireFromString("59.90"), now
					p.ResolvedAt, p.Resolution = now, "赔付"
					return nil
				}))
			}
		}
		if i%5 == 0 {
			in := qa.Inspection{Order: id, Time: now, Inspector: "质检员", Round: 1, Result: qa.Pass, Operator: "打单员", PrintedAt: now,
				Docs: []qa.Doc{{Kind: "waybill", Template: "waybill-76x130", Version: "3", Printer: "waybill"}}}
			if i%25 == 0 {
				in.Result = qa.Fail
				in.Defects = []qa.Defect{{Type: "blurred", Severity: qa.Major, Cause: qa.CausePrinter, Doc: "waybill"}}
			}
			_, err := s.AddInspection(ctx, in)
			require.NoError(t, err)
		}
		if i%200 == 100 {
			_, err := s.AddLot(ctx, qa.Lot{Time: now, Inspector: "质检员", Name: fmt.Sprint("lot ", i), Size: 200, Level: qa.II,
				AQL: 1, Regime: qa.Normal, Code: "G", Sample: 32, Accept: 1, Reject: 2, Defects: i % 2, Accepted: true, Next: qa.Normal})
			require.NoError(t, err)
		}
		if i%100 == 0 {
			_, _, err := s.AddMovement(ctx, supplies.Movement{Spec: label, Type: supplies.Receipt, Qty: 5000, Actor: "仓管", At: now, Ref: fmt.Sprint("PO", i)})
			require.NoError(t, err)
			_, _, err = s.AddMovement(ctx, supplies.Movement{Spec: paper, Type: supplies.Receipt, Qty: 500000, Actor: "仓管", At: now})
			require.NoError(t, err)
		}
		if i%10 == 0 {
			_, _, err := s.AddMovement(ctx, supplies.Movement{Spec: label, Type: supplies.Issue, Qty: -10, Actor: "打单员", At: now, Ref: "station-1"})
			require.NoError(t, err)
		}
		if i%500 == 250 {
			st, err := s.AddStocktake(ctx, supplies.Stocktake{Spec: label, At: now, Actor: "仓管", Counted: 10, Book: 12})
			require.NoError(t, err)
			_, err = s.PostStocktake(ctx, st.ID, supplies.Movement{Spec: label, Type: supplies.Adjust, Qty: 0, Actor: "仓管", At: now, Reason: "盘点"})
			require.NoError(t, err)
		}
		if i%200 == 0 {
			_, err := s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "waybill", At: now, Kind: printer.Cleaning, By: "设备管理", Notes: "清洁打印头"})
			require.NoError(t, err)
		}
		if i%300 == 150 {
			f, err := s.AddFault(ctx, printer.FaultRecord{Device: "packing", Symptom: "卡纸", ReportedAt: now, ReportedBy: "打单员"})
			require.NoError(t, err)
			require.NoError(t, s.UpdateFault(ctx, f.ID, func(f *printer.FaultRecord) error {
				f.RepairedAt, f.Technician, f.Result, f.TestedOK = now.Add(time.Hour), "设备管理", "更换搓纸轮", true
				return nil
			}))
			require.NoError(t, s.UpdateDevice(ctx, "packing", func(d *printer.Device) error {
				d.Location = fmt.Sprint("工位 ", i%7)
				return nil
			}))
		}
	}
}

// contents is everything s holds, listing by listing, as JSON lines with
// times in UTC: two stores hold the same when their contents are equal.
type contents map[string][]string

func dumpAll(t *testing.T, s backup.Store) contents {
	t.Helper()
	c := contents{}
	add := func(kind string, v any) {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		// times as UTC, so stores that hand them back in another zone compare equal
		var x any
		require.NoError(t, json.Unmarshal(b, &x))
		c[kind] = append(c[kind], string(mustJSON(t, utc(x))))
	}
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		c["order"] = append(c["order"], string(order.AppendJSON(nil, o)))
	}
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		add("journal", ev)
	}
	js, err := s.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	for _, j := range js {
		add("job", j)
	}
	ds, err := s.Devices(ctx)
	require.NoError(t, err)
	for _, d := range ds {
		add("device", d)
		ms, err := s.Maintenance(ctx, d.ID)
		require.NoError(t, err)
		for _, m := range ms {
			add("maintenance", m)
		}
	}
	fs, err := s.Faults(ctx, "")
	require.NoError(t, err)
	for _, f := range fs {
		add("fault", f)
	}
	its, err := s.Supplies(ctx)
	require.NoError(t, err)
	for _, it := range its {
		add("supply", it)
		n, err := s.OnHand(ctx, it.Spec)
		require.NoError(t, err)
		add("on_hand", []any{it.Spec, n})
		tot, err := s.PrintTotals(ctx, it.Spec, time.Time{}, t0.AddDate(10, 0, 0))
		require.NoError(t, err)
		add("print_totals", []any{it.Spec, tot})
	}
	ms, err := s.Movements(ctx, "", time.Time{}, t0.AddDate(10, 0, 0))
	require.NoError(t, err)
	for _, m := range ms {
		add("movement", m)
	}
	us, err := s.PrintUses(ctx)
	require.NoError(t, err)
	for _, u := range us {
		add("print_use", u)
	}
	sts, err := s.Stocktakes(ctx)
	require.NoError(t, err)
	for _, st := range sts {
		add("stocktake", st)
		got, err := s.Stocktake(ctx, st.ID)
		require.NoError(t, err)
		add("stocktake_by_id", got)
	}
	shs, err := s.ListShipments(ctx, shipment.Filter{})
	require.NoError(t, err)
	for _, sh := range shs {
		add("shipment", sh)
		evs, err := s.Events(ctx, sh.TrackingNo)
		require.NoError(t, err)
		for _, ev := range evs {
			add("tracking_event", ev)
		}
	}
	ps, err := s.ListProblems(ctx, shipment.ProblemFilter{})
	require.NoError(t, err)
	for _, p := range ps {
		add("problem", p)
	}
	for in, err := range s.Inspections(ctx, qa.Filter{}) {
		require.NoError(t, err)
		add("inspection", in)
	}
	for l, err := range s.Lots(ctx) {
		require.NoError(t, err)
		add("lot", l)
	}
	// Printed is in no particular order, nor are the documents of a record
	// (each store derives them its own way): compare them sorted.
	var printed []qa.Printed
	for p, err := range s.Printed(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		slices.SortFunc(p.Docs, func(a, b qa.Doc) int { return strings.Compare(a.Kind, b.Kind) })
		printed = append(printed, p)
	}
	slices.SortFunc(printed, func(a, b qa.Printed) int { return strings.Compare(a.Order, b.Order) })
	for _, p := range printed {
		add("qa_printed", p)
	}
	seqs, err := s.Sequences(ctx)
	require.NoError(t, err)
	add("sequences", seqs)
	return c
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// utc rewrites every RFC 3339 time in a decoded JSON value in UTC.
func utc(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = utc(e)
		}
	case []any:
		for i, e := range x {
			x[i] = utc(e)
		}
	case string:
		if tm, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) >= 20 {
			return tm.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// requireSame checks that got holds what want holds, kind by kind; it
// reports the first difference of each kind.
func requireSame(t *testing.T, want, got contents) {
	t.Helper()
	bad := false
	for _, k := range slices.Sorted(maps.Keys(want)) {
		w, g := want[k], got[k]
		if !assert.Equal(t, len(w), len(g), "number of %s", k) {
			bad = true
		}
		for i := range min(len(w), len(g)) {
			if w[i] != g[i] {
				assert.Equal(t, w[i], g[i], "%s %d", k, i)
				bad = true
				break
			}
		}
	}
	for k := range got {
		if !assert.Contains(t, want, k) {
			bad = true
		}
	}
	if bad {
		t.FailNow()
	}
}
