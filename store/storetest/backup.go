package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
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

// Backup runs the conformance tests of [backup.Exporter] and [backup.Loader]:
// records load with their identities (IDs with gaps, job and inspection Seq),
// a second load replaces what it names, a load that fails stores nothing,
// and the store then hands out identities after the loaded ones.
func Backup(t *testing.T, newStore func(t *testing.T) backup.Store, f Features) {
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC)
	recs := func() *backup.Records {
		return &backup.Records{
			Devices:     []printer.Device{{ID: "p1", Name: "面单", Status: printer.DeviceActive, PurchasedAt: at, Usage: printer.Usage{Documents: 7, MediaMM: 910, LastUsedAt: at}}},
			Maintenance: []printer.MaintenanceRecord{{ID: "M3", Device: "p1", At: at, Kind: printer.Cleaning, By: "a"}, {ID: "M7", Device: "p1", At: at.Add(time.Hour), Kind: printer.Calibration, By: "b"}},
			Faults:      []printer.FaultRecord{{ID: "F5", Device: "p1", Symptom: "卡纸", ReportedAt: at, ReportedBy: "c"}},
			Supplies:    []supplies.Item{{Spec: "76x130", Kind: supplies.LabelRoll, PerPack: 500}},
			Movements: []supplies.Movement{{ID: "SM4", Spec: "76x130", Type: supplies.Receipt, Qty: 1000, Actor: "a", At: at},
				{ID: "SM9", Spec: "76x130", Type: supplies.Issue, Qty: -30, Actor: "b", At: at.Add(time.Minute)}},
			PrintUses:  []supplies.PrintUse{{Spec: "76x130", Docs: 2, Units: 2, At: at}, {Spec: "76x130", Docs: 2, Units: 2, At: at}},
			Stocktakes: []supplies.Stocktake{{ID: "ST2", Spec: "76x130", At: at, Actor: "a", Counted: 969, Book: 970}},
			Shipments:  []*shipment.Shipment{{TrackingNo: "YT1", OrderID: "O1", Carrier: "YTO", State: shipment.InTransit, DeclaredValue: decimal.New(5990, -2), CreatedAt: at, LastEventAt: at}},
			Events: []shipment.Event{{TrackingNo: "YT1", Time: at, State: shipment.InTransit, Text: "已揽收", Source: "t"},
				{TrackingNo: "YT1", Time: at, Text: "到达杭州", Source: "t"}},
			Problems: []*shipment.Problem{{ID: "P6", TrackingNo: "YT1", OrderID: "O1", Carrier: "YTO", Kind: shipment.Damaged, OpenedAt: at,
				Claim: &shipment.Claim{Status: shipment.ClaimOpen, Amount: decimal.New(5990, -2)}}},
			Jobs: []printer.Job{
				{ID: "J10", Key: printer.JobKey{Order: "O1", Doc: printer.Waybill, Template: "w", Version: "1", Copy: 1}, Printer: "p1", State: printer.Printed, Seq: 10, PrintCount: 1, CreatedAt: at, PrintedAt: at},
				{ID: "J11", Key: printer.JobKey{Order: "O1", Doc: printer.PackingList, Template: "p", Version: "1", Copy: 1}, Printer: "p1", State: printer.Queued, Seq: 20, Data: []byte("bytes"), CreatedAt: at},
			},
			Inspections: []qa.Inspection{{ID: "I4", Seq: 4, Order: "O1", Time: at, Inspector: "q", Round: 1, Result: qa.Pass}},
			Lots:        []qa.Lot{{ID: "L2", Seq: 2, Time: at, Inspector: "q", Name: "lot", Size: 10, Level: qa.II, Regime: qa.Normal, Next: qa.Normal}},
			Sequences:   map[string]int64{"pool/YTO": 41},
		}
	}

	t.Run("LoadKeepsIdentities", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.Load(ctx, recs()))
		r := recs()
		ms, err := s.Maintenance(ctx, "p1")
		require.NoError(t, err)
		require.Len(t, ms, 2)
		assertMaintenance(t, r.Maintenance[0], ms[0])
		assertMaintenance(t, r.Maintenance[1], ms[1])
		fs, err := s.Faults(ctx, "")
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assertFault(t, r.Faults[0], fs[0])
		d, err := s.Device(ctx, "p1")
		require.NoError(t, err)
		assertDevice(t, r.Devices[0], d)
		n, err := s.OnHand(ctx, "76x130")
		require.NoError(t, err)
		assert.Equal(t, int64(970), n, "stock on hand is the sum of the loaded movements")
		mv, err := s.Movements(ctx, "", time.Time{}, at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assertMovements(t, r.Movements, mv)
		uses, err := s.PrintUses(ctx)
		require.NoError(t, err)
		assert.Len(t, uses, 2)
		tot, err := s.PrintTotals(ctx, "76x130", time.Time{}, at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assert.Equal(t, supplies.Totals{Docs: 4, Units: 4}, tot)
		st, err := s.Stocktake(ctx, "ST2")
		require.NoError(t, err)
		assertStocktake(t, r.Stocktakes[0], st)
		sts, err := s.Stocktakes(ctx)
		require.NoError(t, err)
		require.Len(t, sts, 1)
		sh, err := s.GetShipment(ctx, "YT1")
		require.NoError(t, err)
		assert.Equal(t, shipment.InTransit, sh.State)
		assert.True(t, sh.DeclaredValue.Equal(decimal.New(5990, -2)))
		evs, err := s.Events(ctx, "YT1")
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, "已揽收", evs[0].Text, "events keep their stored order")
		ps, err := s.ListProblems(ctx, shipment.ProblemFilter{})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, "P6", ps[0].ID)
		require.NotNil(t, ps[0].Claim)
		js, err := s.Jobs(ctx, printer.JobFilter{})
		require.NoError(t, err)
		require.Len(t, js, 2)
		assert.Equal(t, []int64{10, 20}, []int64{js[0].Seq, js[1].Seq})
		assert.Equal(t, printer.Printed, js[0].State)
		assert.Equal(t, []byte("bytes"), js[1].Data)
		c, err := s.ClaimJob(ctx, "p1", "st", at)
		require.NoError(t, err, "a loaded queued job is in its printer's queue")
		assert.Equal(t, "J11", c.ID)
		var ins []qa.Inspection
		for in, err := range s.Inspections(ctx, qa.Filter{}) {
			require.NoError(t, err)
			ins = append(ins, in)
		}
		require.Len(t, ins, 1)
		assert.Equal(t, "I4", ins[0].ID)
		assert.Equal(t, int64(4), ins[0].Seq)
		seqs, err := s.Sequences(ctx)
		require.NoError(t, err)
		assert.Equal(t, map[string]int64{"pool/YTO": 41}, seqs)

		Restored(t, s)
	})

	t.Run("LoadAgainReplaces", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.Load(ctx, recs()))
		r := recs()
		r.Jobs[1].State, r.Jobs[1].Seq, r.Jobs[1].Data = printer.Printed, 21, nil
		r.Devices[0].Usage.Documents = 9
		r.Faults[0].RepairedAt, r.Faults[0].TestedOK = at.Add(time.Hour), true
		r.Problems[0].Claim.Status = shipment.ClaimPaid
		r.Shipments[0].State = shipment.Delivered
		r.Events = append(r.Events, shipment.Event{TrackingNo: "YT1", Time: at.Add(time.Hour), State: shipment.Delivered, Text: "签收"})
		r.Stocktakes[0].Posted, r.Stocktakes[0].Movement = true, "SM9"
		r.Sequences["pool/YTO"] = 40 // lower: a sequence never goes back
		r.PrintUses = nil
		require.NoError(t, s.Load(ctx, r))
		j, err := s.Job(ctx, "J11")
		require.NoError(t, err)
		assert.Equal(t, printer.Printed, j.State)
		assert.Equal(t, int64(21), j.Seq)
		_, err = s.ClaimJob(ctx, "p1", "st", at)
		assert.ErrorIs(t, err, printer.ErrNoJob, "a job loaded done again left its queue")
		d, err := s.Device(ctx, "p1")
		require.NoError(t, err)
		assert.Equal(t, int64(9), d.Usage.Documents)
		fs, err := s.Faults(ctx, "p1")
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.True(t, fs[0].TestedOK)
		ps, err := s.ListProblems(ctx, shipment.ProblemFilter{})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, shipment.ClaimPaid, ps[0].Claim.Status)
		evs, err := s.Events(ctx, "YT1")
		require.NoError(t, err)
		assert.Len(t, evs, 3, "events already stored are skipped")
		ms, err := s.Maintenance(ctx, "p1")
		require.NoError(t, err)
		assert.Len(t, ms, 2)
		n, err := s.OnHand(ctx, "76x130")
		require.NoError(t, err)
		assert.Equal(t, int64(970), n, "movements loaded twice count once")
		st, err := s.Stocktake(ctx, "ST2")
		require.NoError(t, err)
		assert.True(t, st.Posted)
		seqs, err := s.Sequences(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(41), seqs["pool/YTO"])
	})

	t.Run("LoadFailsWhole", func(t *testing.T) {
		s := newStore(t)
		r := recs()
		r.Movements = append(r.Movements, supplies.Movement{ID: "SM12", Spec: "no such item", Type: supplies.Receipt, Qty: 1, At: at})
		require.Error(t, s.Load(ctx, r))
		ds, err := s.Devices(ctx)
		require.NoError(t, err)
		assert.Empty(t, ds, "a failed load stores nothing")
		js, err := s.Jobs(ctx, printer.JobFilter{})
		require.NoError(t, err)
		assert.Empty(t, js)

		r = recs()
		r.Events = append(r.Events, shipment.Event{TrackingNo: "no such parcel", Time: at})
		require.Error(t, s.Load(ctx, r), "an event of an unknown shipment")
		r = recs()
		r.Maintenance[0].Device = "no such device"
		require.Error(t, s.Load(ctx, r), "maintenance of an unknown device")
		sts, err := s.Stocktakes(ctx)
		require.NoError(t, err)
		assert.Empty(t, sts)
	})
}

// Restored checks that s, a store holding data (restored from a backup),
// continues where it stops: the next journal event follows the head and
// chains to it, and every identity or number it hands out (job Seq and ID,
// record IDs, inspection and lot Seq, sequence values) is new. It adds
// records to s.
func Restored(t *testing.T, s backup.Store) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

	head, err := order.VerifyStore(ctx, s)
	require.NoError(t, err)
	id := fmt.Sprint("restored-", time.Now().UnixNano())
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: id, Status: order.Received, PaidAt: at},
		order.Event{Time: at, Actor: "storetest", OrderID: id, Action: order.ActReceived, To: order.Received}))
	var evs []order.Event
	for ev, err := range s.Journal(ctx, head.Seq) {
		require.NoError(t, err)
		evs = append(evs, ev)
	}
	require.Len(t, evs, 1)
	assert.Equal(t, head.Seq+1, evs[0].Seq, "the journal continues at its head")
	assert.Equal(t, head.Hash, evs[0].Prev)
	_, err = order.VerifyStore(ctx, s)
	require.NoError(t, err)

	js, err := s.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	var maxSeq int64
	jobIDs := map[string]bool{}
	for _, j := range js {
		maxSeq = max(maxSeq, j.Seq)
		jobIDs[j.ID] = true
	}
	j, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "t", Version: "1", Copy: 1}, Printer: "storetest", CreatedAt: at})
	require.NoError(t, err)
	assert.Greater(t, j.Seq, maxSeq, "a new job goes after every loaded one")
	assert.False(t, jobIDs[j.ID], "a new job gets a new ID, not %s", j.ID)

	seqs, err := s.Sequences(ctx)
	require.NoError(t, err)
	for name, v := range seqs {
		n, err := s.NextValue(ctx, name)
		require.NoError(t, err)
		assert.Equal(t, v+1, n, "sequence %s continues", name)
	}

	ds, err := s.Devices(ctx)
	require.NoError(t, err)
	if len(ds) > 0 {
		ids := map[string]bool{}
		for _, d := range ds {
			ms, err := s.Maintenance(ctx, d.ID)
			require.NoError(t, err)
			for _, m := range ms {
				ids[m.ID] = true
			}
		}
		fs, err := s.Faults(ctx, "")
		require.NoError(t, err)
		for _, f := range fs {
			ids[f.ID] = true
		}
		m, err := s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: ds[0].ID, At: at, Kind: printer.Cleaning, By: "storetest"})
		require.NoError(t, err)
		assert.False(t, ids[m.ID], "a new maintenance record gets a new ID, not %s", m.ID)
		assertAfter(t, ids, "M", m.ID)
		f, err := s.AddFault(ctx, printer.FaultRecord{Device: ds[0].ID, Symptom: "storetest", ReportedAt: at})
		require.NoError(t, err)
		assert.False(t, ids[f.ID], "a new fault gets a new ID, not %s", f.ID)
		assertAfter(t, ids, "F", f.ID)
	}

	items, err := s.Supplies(ctx)
	require.NoError(t, err)
	if len(items) > 0 {
		ms, err := s.Movements(ctx, "", time.Time{}, at.AddDate(100, 0, 0))
		require.NoError(t, err)
		sts, err := s.Stocktakes(ctx)
		require.NoError(t, err)
		ids := map[string]bool{}
		for _, m := range ms {
			ids[m.ID] = true
		}
		for _, st := range sts {
			ids[st.ID] = true
		}
		m, _, err := s.AddMovement(ctx, supplies.Movement{Spec: items[0].Spec, Type: supplies.Receipt, Qty: 1, Actor: "storetest", At: at})
		require.NoError(t, err)
		assert.False(t, ids[m.ID], "a new movement gets a new ID, not %s", m.ID)
		assertAfter(t, ids, "SM", m.ID)
		st, err := s.AddStocktake(ctx, supplies.Stocktake{Spec: items[0].Spec, At: at, Actor: "storetest"})
		require.NoError(t, err)
		assert.False(t, ids[st.ID], "a new stocktake gets a new ID, not %s", st.ID)
		assertAfter(t, ids, "ST", st.ID)
	}

	ps, err := s.ListProblems(ctx, shipment.ProblemFilter{})
	require.NoError(t, err)
	pids := map[string]bool{}
	for _, p := range ps {
		pids[p.ID] = true
	}
	p := &shipment.Problem{TrackingNo: "storetest", Kind: shipment.Lost, OpenedAt: at}
	require.NoError(t, s.CreateProblem(ctx, p))
	assert.False(t, pids[p.ID], "a new problem gets a new ID, not %s", p.ID)
	assertAfter(t, pids, "P", p.ID)

	shs, err := s.ListShipments(ctx, shipment.Filter{Limit: 1})
	require.NoError(t, err)
	if len(shs) > 0 {
		err := s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: shs[0].TrackingNo, State: shipment.Created})
		assert.ErrorIs(t, err, shipment.ErrExists, "a restored tracking number is taken")
	}

	var inSeq, lotSeq int64
	inIDs := map[string]bool{}
	for in, err := range s.Inspections(ctx, qa.Filter{}) {
		require.NoError(t, err)
		inSeq = max(inSeq, in.Seq)
		inIDs[in.ID] = true
	}
	for l, err := range s.Lots(ctx) {
		require.NoError(t, err)
		lotSeq = max(lotSeq, l.Seq)
		inIDs[l.ID] = true
	}
	in, err := s.AddInspection(ctx, qa.Inspection{Order: id, Time: at, Inspector: "storetest", Round: 1, Result: qa.Pass})
	require.NoError(t, err)
	assert.Greater(t, in.Seq, inSeq, "a new inspection goes after every loaded one")
	assert.False(t, inIDs[in.ID])
	l, err := s.AddLot(ctx, qa.Lot{Time: at, Inspector: "storetest", Level: qa.II, Regime: qa.Normal, Next: qa.Normal})
	require.NoError(t, err)
	assert.Greater(t, l.Seq, lotSeq, "a new lot goes after every loaded one")
	assert.False(t, inIDs[l.ID])
}

// assertAfter checks that the number of id is above the numbers of every ID
// with prefix in ids.
func assertAfter(t *testing.T, ids map[string]bool, prefix, id string) {
	t.Helper()
	num := func(s string) int64 {
		n, _ := strconv.ParseInt(s[len(prefix):], 10, 64)
		return n
	}
	var nums []int64
	for other := range ids {
		if len(other) > len(prefix) && other[:len(prefix)] == prefix {
			if _, err := strconv.ParseInt(other[len(prefix):], 10, 64); err == nil {
				nums = append(nums, num(other))
			}
		}
	}
	if len(nums) == 0 {
		return
	}
	if !assert.Truef(t, len(id) > len(prefix) && id[:len(prefix)] == prefix, "ID %s has prefix %s", id, prefix) {
		return
	}
	assert.Greater(t, num(id), slices.Max(nums), "ID %s after every stored %s ID", id, prefix)
}
