package supplies_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/supplies"
)

const waybill = "76x130 热敏 500张/卷"

var _ printer.UsageRecorder = (*supplies.Recorder)(nil)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func setup(t *testing.T, opts *supplies.Options) (*supplies.Inventory, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	if opts == nil {
		opts = &supplies.Options{}
	}
	opts.Now = c.now
	inv, err := supplies.New(memstore.New(), opts)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, inv.Define(ctx, supplies.Item{Spec: waybill, Kind: supplies.LabelRoll, WidthMM: 76,
		PerPack: 500, LeadTimeDays: 5, SafetyStock: 1000}))
	require.NoError(t, inv.Define(ctx, supplies.Item{Spec: "80mm 热敏纸 50m", Kind: supplies.PaperRoll, WidthMM: 80,
		PerPack: 50000, LeadTimeDays: 3}))
	return inv, c
}

func TestDefineValidates(t *testing.T) {
	inv, _ := setup(t, nil)
	ctx := context.Background()
	for _, it := range []supplies.Item{
		{Kind: supplies.Ribbon, PerPack: 1},
		{Spec: "x", Kind: "glue", PerPack: 1},
		{Spec: "x", Kind: supplies.Ribbon},
		{Spec: "x", Kind: supplies.Ribbon, PerPack: 1, SafetyStock: -1},
	} {
		err := inv.Define(ctx, it)
		var fe *supplies.FieldError
		assert.True(t, errors.As(err, &fe), "%+v", it)
		assert.ErrorIs(t, err, supplies.ErrInvalid)
	}
	it, err := inv.Item(ctx, waybill)
	require.NoError(t, err)
	assert.Equal(t, supplies.Label, it.Kind.Unit())
	assert.Equal(t, int64(3), it.Packs(1001))
	assert.Equal(t, int64(0), it.Packs(0))
	_, err = inv.Item(ctx, "nope")
	assert.ErrorIs(t, err, supplies.ErrUnknownItem)

	for _, o := range []supplies.Options{{Window: time.Hour}, {CoverDays: -1}, {Tolerance: -0.1}, {Tolerance: math.NaN()}} {
		_, err := supplies.New(memstore.New(), &o)
		assert.ErrorIs(t, err, supplies.ErrInvalid, "%+v", o)
	}
}

func TestMovementsJournal(t *testing.T) {
	inv, c := setup(t, nil)
	ctx := context.Background()
	start := c.now()

	m, err := inv.Receive(ctx, waybill, 10*500, "仓管 王五", "PO-2026-118")
	require.NoError(t, err)
	assert.Equal(t, supplies.Receipt, m.Type)
	assert.Equal(t, start, m.At)
	c.add(time.Hour)
	m, err = inv.Issue(ctx, waybill, 2*500, "仓管 王五", "打包台 3")
	require.NoError(t, err)
	assert.Equal(t, int64(-1000), m.Qty)
	c.add(time.Hour)
	_, err = inv.Adjust(ctx, waybill, -20, "仓管 王五", "受潮报废")
	require.NoError(t, err)

	n, err := inv.OnHand(ctx, waybill)
	require.NoError(t, err)
	assert.Equal(t, int64(3980), n)

	_, err = inv.Issue(ctx, waybill, 4000, "仓管 王五", "")
	var se *supplies.StockError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, int64(3980), se.OnHand)
	assert.ErrorIs(t, err, supplies.ErrInsufficientStock)

	_, err = inv.Adjust(ctx, waybill, 5, "仓管 王五", " ")
	assert.ErrorIs(t, err, supplies.ErrInvalid, "an adjustment needs a reason")
	_, err = inv.Adjust(ctx, waybill, 0, "仓管 王五", "x")
	assert.ErrorIs(t, err, supplies.ErrInvalid)
	_, err = inv.Receive(ctx, waybill, 5, "", "")
	assert.ErrorIs(t, err, supplies.ErrInvalid, "an actor is required")
	_, err = inv.Receive(ctx, waybill, -5, "x", "")
	assert.ErrorIs(t, err, supplies.ErrInvalid)
	_, err = inv.Issue(ctx, waybill, 0, "x", "")
	assert.ErrorIs(t, err, supplies.ErrInvalid)
	_, err = inv.Receive(ctx, "nope", 5, "x", "")
	assert.ErrorIs(t, err, supplies.ErrUnknownItem)
	_, err = inv.OnHand(ctx, "nope")
	assert.ErrorIs(t, err, supplies.ErrUnknownItem)

	j, err := inv.Movements(ctx, waybill, start, c.now().Add(time.Second))
	require.NoError(t, err)
	require.Len(t, j, 3, "refused movements are not journaled")
	assert.Equal(t, []supplies.MovementType{supplies.Receipt, supplies.Issue, supplies.Adjust}, []supplies.MovementType{j[0].Type, j[1].Type, j[2].Type})
	assert.Equal(t, "受潮报废", j[2].Reason)
	assert.Equal(t, "打包台 3", j[1].Ref)
	j, err = inv.Movements(ctx, "", start.Add(time.Minute), c.now())
	require.NoError(t, err)
	assert.Len(t, j, 1, "from is inclusive, to exclusive")
}

func TestConcurrentIssuesNeverOverdraw(t *testing.T) {
	inv, _ := setup(t, nil)
	ctx := context.Background()
	_, err := inv.Receive(ctx, waybill, 1000, "x", "")
	require.NoError(t, err)
	var ok, short atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := inv.Issue(ctx, waybill, 100, "x", "")
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, supplies.ErrInsufficientStock):
				short.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(10), ok.Load())
	assert.Equal(t, int32(10), short.Load())
	n, err := inv.OnHand(ctx, waybill)
	require.NoError(t, err)
	assert.Zero(t, n)
}

// fortnight issues and prints daily for 14 days.
func fortnight(t *testing.T, inv *supplies.Inventory, c *clock, issue, docs int64) {
	t.Helper()
	ctx := context.Background()
	for range 14 {
		c.add(24 * time.Hour)
		_, err := inv.Issue(ctx, waybill, issue, "x", "")
		require.NoError(t, err)
		require.NoError(t, inv.RecordPrint(ctx, waybill, int(docs), float64(docs)*130))
	}
}

func TestReorder(t *testing.T) {
	inv, c := setup(t, nil)
	ctx := context.Background()
	_, err := inv.Receive(ctx, waybill, 5000, "x", "")
	require.NoError(t, err)
	s, err := inv.Reorder(ctx)
	require.NoError(t, err)
	assert.Empty(t, s, "above the reorder point; the paper roll has neither stock nor use")

	// 300 labels a day for 14 days: 800 left, reorder point 300×5 + 1000.
	fortnight(t, inv, c, 300, 300)
	s, err = inv.Reorder(ctx)
	require.NoError(t, err)
	require.Len(t, s, 1)
	assert.Equal(t, supplies.Suggestion{Spec: waybill, OnHand: 800, DailyUse: 300, ReorderPoint: 2500,
		Qty: 11000, Packs: 22}, s[0], "2500 + 30×300 − 800 = 10700, rounded up to 22 rolls")

	// Use older than the window no longer counts.
	c.add(15 * 24 * time.Hour)
	s, err = inv.Reorder(ctx)
	require.NoError(t, err)
	require.Len(t, s, 1)
	assert.Equal(t, supplies.Suggestion{Spec: waybill, OnHand: 800, DailyUse: 0, ReorderPoint: 1000, Qty: 500, Packs: 1}, s[0])

	// Prints alone (nothing issued) are use too: 5 m of receipt paper a day.
	for range 7 {
		c.add(24 * time.Hour)
		require.NoError(t, inv.RecordPrint(ctx, "80mm 热敏纸 50m", 25, 5000.4))
	}
	s, err = inv.Reorder(ctx)
	require.NoError(t, err)
	require.Len(t, s, 2)
	assert.Equal(t, "80mm 热敏纸 50m", s[1].Spec, "ordered by spec")
	assert.InDelta(t, 2500, s[1].DailyUse, 1e-9, "35000 mm over a 14-day window")
	assert.Equal(t, int64(7500), s[1].ReorderPoint)
	assert.Equal(t, int64(2), s[1].Packs, "7500 + 75000 mm in 50 m rolls")

	// A shorter window averages over fewer days.
	inv2, c2 := setup(t, &supplies.Options{Window: 7 * 24 * time.Hour, CoverDays: 10})
	_, err = inv2.Receive(ctx, waybill, 1000, "x", "")
	require.NoError(t, err)
	_, err = inv2.Issue(ctx, waybill, 700, "x", "")
	require.NoError(t, err)
	c2.add(7 * 24 * time.Hour)
	s, err = inv2.Reorder(ctx)
	require.NoError(t, err)
	require.Len(t, s, 1)
	assert.Zero(t, s[0].DailyUse, "the window is (now-7d, now]: an issue 7 days ago is out")
	c2.add(-time.Nanosecond)
	s, err = inv2.Reorder(ctx)
	require.NoError(t, err)
	require.Len(t, s, 1)
	assert.InDelta(t, 100, s[0].DailyUse, 1e-9)
	assert.Equal(t, int64(1500), s[0].ReorderPoint)
	assert.Equal(t, int64(5), s[0].Packs, "1500 + 10×100 − 300 = 2200 = 4.4 rolls → 5")
	assert.Equal(t, int64(2500), s[0].Qty)
}

func TestAlerts(t *testing.T) {
	inv, c := setup(t, nil)
	ctx := context.Background()
	start := c.now()
	_, err := inv.Receive(ctx, waybill, 20000, "x", "")
	require.NoError(t, err)

	// Issued as printed, plus one roll loaded in a printer: no alert.
	fortnight(t, inv, c, 300, 300)
	_, err = inv.Issue(ctx, waybill, 500, "x", "打包台 1")
	require.NoError(t, err)
	c.add(time.Hour)
	a, err := inv.Alerts(ctx, start, c.now())
	require.NoError(t, err)
	assert.Empty(t, a)

	// Another 2 rolls go out that no print explains.
	_, err = inv.Issue(ctx, waybill, 1000, "x", "打包台 1")
	require.NoError(t, err)
	c.add(time.Hour)
	a, err = inv.Alerts(ctx, start, c.now())
	require.NoError(t, err)
	require.Len(t, a, 1)
	assert.Equal(t, supplies.Alert{Kind: supplies.ExcessUse, Spec: waybill, From: start, To: c.now(),
		Issued: 5700, Docs: 4200, Explained: 4200, Excess: 1500, Allowed: 500}, a[0])
	assert.Contains(t, a[0].String(), "excess_use")

	// Printing from stock that was never issued.
	from := c.now()
	require.NoError(t, inv.RecordPrint(ctx, "80mm 热敏纸 50m", 600, 600*100))
	c.add(time.Hour)
	a, err = inv.Alerts(ctx, from, c.now())
	require.NoError(t, err)
	require.Len(t, a, 1)
	assert.Equal(t, supplies.UnissuedUse, a[0].Kind)
	assert.Equal(t, int64(-60000), a[0].Excess)
	assert.Equal(t, int64(50000), a[0].Allowed, "one roll")

	// Tolerance as a share of printed use, when larger than a pack.
	inv3, c3 := setup(t, &supplies.Options{Tolerance: 0.5})
	_, err = inv3.Receive(ctx, waybill, 20000, "x", "")
	require.NoError(t, err)
	s3 := c3.now()
	_, err = inv3.Issue(ctx, waybill, 5000, "x", "")
	require.NoError(t, err)
	require.NoError(t, inv3.RecordPrint(ctx, waybill, 4000, 4000*130))
	c3.add(time.Hour)
	a, err = inv3.Alerts(ctx, s3, c3.now())
	require.NoError(t, err)
	assert.Empty(t, a, "1000 over 4000 printed is within 50%")
}

func TestRecordPrintUnits(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	store := memstore.New()
	inv, err := supplies.New(store, &supplies.Options{Now: c.now})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, inv.Define(ctx, supplies.Item{Spec: waybill, Kind: supplies.LabelRoll, PerPack: 500}))
	require.NoError(t, inv.Define(ctx, supplies.Item{Spec: "80mm 热敏纸 50m", Kind: supplies.PaperRoll, PerPack: 50000}))
	start := c.now()
	rec := inv.Recorder(map[string][]string{"zebra-1": {waybill, "80mm 热敏纸 50m"}})
	require.NoError(t, rec.RecordUsage(ctx, "zebra-1", 2, 260.6))
	require.NoError(t, rec.RecordUsage(ctx, "laser-1", 9, 2970), "untracked devices record nothing")
	_, err = inv.Issue(ctx, waybill, 1, "x", "")
	require.ErrorIs(t, err, supplies.ErrInsufficientStock, "printing does not change stock")

	// Labels count documents, paper counts millimetres: the printed use
	// shows as unissued use once the tolerance is tiny.
	c.add(time.Hour)
	strict, err := supplies.New(store, &supplies.Options{Now: c.now, Tolerance: 1e-9})
	require.NoError(t, err)
	require.NoError(t, strict.Define(ctx, supplies.Item{Spec: waybill, Kind: supplies.LabelRoll, PerPack: 1}))
	require.NoError(t, strict.Define(ctx, supplies.Item{Spec: "80mm 热敏纸 50m", Kind: supplies.PaperRoll, PerPack: 1}))
	alerts, err := strict.Alerts(ctx, start, c.now())
	require.NoError(t, err)
	require.Len(t, alerts, 2)
	assert.Equal(t, int64(2), alerts[0].Explained, "labels")
	assert.Equal(t, int64(2), alerts[0].Docs)
	assert.Equal(t, int64(261), alerts[1].Explained, "mm, rounded")

	assert.ErrorIs(t, inv.RecordPrint(ctx, waybill, -1, 0), supplies.ErrInvalid)
	assert.ErrorIs(t, inv.RecordPrint(ctx, waybill, 1, math.NaN()), supplies.ErrInvalid)
	assert.ErrorIs(t, inv.RecordPrint(ctx, "nope", 1, 1), supplies.ErrUnknownItem)
	bad := inv.Recorder(map[string][]string{"zebra-2": {"nope"}})
	assert.ErrorIs(t, bad.RecordUsage(ctx, "zebra-2", 1, 1), supplies.ErrUnknownItem)
}

func TestStocktake(t *testing.T) {
	inv, c := setup(t, nil)
	ctx := context.Background()
	_, err := inv.Receive(ctx, waybill, 800, "x", "")
	require.NoError(t, err)
	c.add(time.Hour)

	st, err := inv.Count(ctx, waybill, 790, "盘点员 赵六")
	require.NoError(t, err)
	assert.Equal(t, int64(800), st.Book)
	assert.Equal(t, int64(-10), st.Variance())
	assert.False(t, st.Posted)

	// Stock moves between count and posting: the variance still applies.
	_, err = inv.Issue(ctx, waybill, 100, "x", "")
	require.NoError(t, err)
	m, err := inv.PostStocktake(ctx, st.ID, "主管 钱七")
	require.NoError(t, err)
	assert.Equal(t, supplies.Adjust, m.Type)
	assert.Equal(t, int64(-10), m.Qty)
	assert.Equal(t, st.ID, m.Ref)
	assert.Equal(t, "主管 钱七", m.Actor)
	assert.Contains(t, m.Reason, "stocktake")
	n, err := inv.OnHand(ctx, waybill)
	require.NoError(t, err)
	assert.Equal(t, int64(690), n)

	_, err = inv.PostStocktake(ctx, st.ID, "主管 钱七")
	assert.ErrorIs(t, err, supplies.ErrAlreadyPosted)
	n, _ = inv.OnHand(ctx, waybill)
	assert.Equal(t, int64(690), n, "posted once")

	// A count that matches posts a zero adjustment for the record.
	st2, err := inv.Count(ctx, waybill, 690, "盘点员 赵六")
	require.NoError(t, err)
	m, err = inv.PostStocktake(ctx, st2.ID, "主管 钱七")
	require.NoError(t, err)
	assert.Zero(t, m.Qty)

	_, err = inv.PostStocktake(ctx, "ST999", "x")
	assert.ErrorIs(t, err, supplies.ErrUnknownStocktake)
	_, err = inv.PostStocktake(ctx, st2.ID, "")
	assert.ErrorIs(t, err, supplies.ErrInvalid)
	_, err = inv.Count(ctx, waybill, -1, "x")
	assert.ErrorIs(t, err, supplies.ErrInvalid)
	_, err = inv.Count(ctx, "nope", 1, "x")
	assert.ErrorIs(t, err, supplies.ErrUnknownItem)
}

func BenchmarkRecordPrint(b *testing.B) {
	inv, err := supplies.New(memstore.New(), nil)
	require.NoError(b, err)
	ctx := context.Background()
	require.NoError(b, inv.Define(ctx, supplies.Item{Spec: waybill, Kind: supplies.LabelRoll, PerPack: 500}))
	for b.Loop() {
		if err := inv.RecordPrint(ctx, waybill, 1, 130); err != nil {
			b.Fatal(err)
		}
	}
}
