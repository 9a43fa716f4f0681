package printer_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newLedger(t *testing.T) (*printer.Ledger, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC)}
	l := printer.NewLedger(memstore.New(), c.now)
	_, err := l.Register(context.Background(), printer.Device{
		ID: "zebra-1", Name: "打单机 1", Model: "ZD421", SerialNumber: "D4J21-0001",
		Department: "发货组", Location: "A 区 3 号台", URL: "tcp://10.0.0.7:9100",
		PurchasedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	require.NoError(t, err)
	return l, c
}

func TestLedgerRegister(t *testing.T) {
	ctx := context.Background()
	l, _ := newLedger(t)
	d, err := l.Device(ctx, "zebra-1")
	require.NoError(t, err)
	assert.Equal(t, printer.DeviceActive, d.Status)
	assert.Equal(t, "ZD421", d.Model)
	assert.Equal(t, "A 区 3 号台", d.Location)

	_, err = l.Register(ctx, printer.Device{ID: "zebra-1"})
	assert.ErrorIs(t, err, printer.ErrDeviceExists)
	_, err = l.Register(ctx, printer.Device{ID: "  "})
	assert.ErrorIs(t, err, printer.ErrInvalidRecord)
	_, err = l.Device(ctx, "nope")
	assert.ErrorIs(t, err, printer.ErrUnknownDevice)

	// Register ignores usage and status it is given.
	d2, err := l.Register(ctx, printer.Device{ID: "epson-1", Status: printer.DeviceRetired, Usage: printer.Usage{Documents: 9}})
	require.NoError(t, err)
	assert.Equal(t, printer.DeviceActive, d2.Status)
	assert.Equal(t, "epson-1", d2.Name)
	assert.Zero(t, d2.Usage.Documents)
	all, err := l.Devices(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "epson-1", all[0].ID)

	d.Location = "B 区"
	d.Usage.Documents = 1000
	require.NoError(t, l.Update(ctx, d))
	got, err := l.Device(ctx, "zebra-1")
	require.NoError(t, err)
	assert.Equal(t, "B 区", got.Location)
	assert.Zero(t, got.Usage.Documents, "Update does not touch counters")
}

func TestLedgerUsage(t *testing.T) {
	ctx := context.Background()
	l, c := newLedger(t)
	require.NoError(t, l.RecordUsage(ctx, "zebra-1", 1, 130))
	c.add(time.Minute)
	require.NoError(t, l.RecordUsage(ctx, "zebra-1", 2, 260))
	d, err := l.Device(ctx, "zebra-1")
	require.NoError(t, err)
	assert.Equal(t, int64(3), d.Usage.Documents)
	assert.InDelta(t, 390, d.Usage.MediaMM, 1e-9)
	assert.Equal(t, c.now(), d.Usage.LastUsedAt)

	assert.ErrorIs(t, l.RecordUsage(ctx, "ghost", 1, 1), printer.ErrUnknownDevice)
	for _, bad := range []struct {
		docs int
		mm   float64
	}{{-1, 0}, {1, -5}, {1, math.NaN()}, {1, math.Inf(1)}} {
		assert.ErrorIs(t, l.RecordUsage(ctx, "zebra-1", bad.docs, bad.mm), printer.ErrInvalidRecord)
	}

	// Concurrent spoolers add up exactly.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_ = l.RecordUsage(ctx, "zebra-1", 1, 100)
			}
		}()
	}
	wg.Wait()
	d, err = l.Device(ctx, "zebra-1")
	require.NoError(t, err)
	assert.Equal(t, int64(803), d.Usage.Documents)
	assert.InDelta(t, 80390, d.Usage.MediaMM, 1e-6)
}

func TestLedgerMaintenance(t *testing.T) {
	ctx := context.Background()
	l, c := newLedger(t)
	r1, err := l.Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: printer.Cleaning, By: "李工", Notes: "打印头酒精清洁"})
	require.NoError(t, err)
	assert.NotEmpty(t, r1.ID)
	assert.Equal(t, c.now(), r1.At)
	_, err = l.Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: printer.DriverUpdate, By: "王工",
		At: c.now().Add(-48 * time.Hour)})
	require.NoError(t, err)

	recs, err := l.Maintenance(ctx, "zebra-1")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, printer.DriverUpdate, recs[0].Kind, "oldest first")
	assert.Equal(t, "打印头酒精清洁", recs[1].Notes)

	_, err = l.Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: "polishing", By: "x"})
	var re *printer.RecordError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, "Kind", re.Field)
	_, err = l.Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: printer.HardwareCheck})
	assert.ErrorIs(t, err, printer.ErrInvalidRecord, "who did it is required")
	_, err = l.Maintain(ctx, printer.MaintenanceRecord{Device: "ghost", Kind: printer.HardwareCheck, By: "x"})
	assert.ErrorIs(t, err, printer.ErrUnknownDevice)
	_, err = l.Maintenance(ctx, "ghost")
	assert.ErrorIs(t, err, printer.ErrUnknownDevice)
}

func TestLedgerFaults(t *testing.T) {
	ctx := context.Background()
	l, c := newLedger(t)
	f, err := l.ReportFault(ctx, printer.FaultRecord{Device: "zebra-1", Symptom: "条码发虚", ReportedBy: "张三",
		Technician: "ignored", TestedOK: true})
	require.NoError(t, err)
	assert.True(t, f.Open())
	assert.Empty(t, f.Technician)
	reported := c.now()

	_, err = l.RecordRepair(ctx, f.ID, printer.Repair{Technician: "李工", At: reported.Add(-time.Hour)})
	var rte *printer.RepairTimeError
	require.True(t, errors.As(err, &rte))
	assert.ErrorIs(t, err, printer.ErrRepairBeforeReport)
	assert.Equal(t, reported, rte.ReportedAt)

	open, err := l.Faults(ctx, "zebra-1", true)
	require.NoError(t, err)
	require.Len(t, open, 1, "a refused repair leaves the fault open")

	c.add(2 * time.Hour)
	fixed, err := l.RecordRepair(ctx, f.ID, printer.Repair{Technician: "李工", Result: "更换打印头", TestedOK: true})
	require.NoError(t, err)
	assert.False(t, fixed.Open())
	assert.Equal(t, c.now(), fixed.RepairedAt)
	assert.True(t, fixed.TestedOK)

	_, err = l.RecordRepair(ctx, f.ID, printer.Repair{Technician: "李工"})
	assert.ErrorIs(t, err, printer.ErrAlreadyRepaired)
	_, err = l.RecordRepair(ctx, "F999", printer.Repair{Technician: "李工"})
	assert.ErrorIs(t, err, printer.ErrUnknownFault)
	_, err = l.RecordRepair(ctx, f.ID, printer.Repair{})
	assert.ErrorIs(t, err, printer.ErrInvalidRecord)

	_, err = l.ReportFault(ctx, printer.FaultRecord{Device: "zebra-1", Symptom: "卡纸"})
	require.NoError(t, err)
	open, err = l.Faults(ctx, "zebra-1", true)
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, "卡纸", open[0].Symptom)
	all, err := l.Faults(ctx, "", false)
	require.NoError(t, err)
	assert.Len(t, all, 2)
	_, err = l.ReportFault(ctx, printer.FaultRecord{Device: "zebra-1"})
	assert.ErrorIs(t, err, printer.ErrInvalidRecord)
	_, err = l.Faults(ctx, "ghost", false)
	assert.ErrorIs(t, err, printer.ErrUnknownDevice)
}

func TestLedgerRetire(t *testing.T) {
	ctx := context.Background()
	l, c := newLedger(t)
	require.NoError(t, l.Retire(ctx, "zebra-1"))
	d, err := l.Device(ctx, "zebra-1")
	require.NoError(t, err)
	assert.Equal(t, printer.DeviceRetired, d.Status)
	assert.Equal(t, c.now(), d.RetiredAt)
	assert.ErrorIs(t, l.Retire(ctx, "zebra-1"), printer.ErrDeviceRetired)
	assert.ErrorIs(t, l.Retire(ctx, "ghost"), printer.ErrUnknownDevice)

	_, err = l.ReportFault(ctx, printer.FaultRecord{Device: "zebra-1", Symptom: "x"})
	assert.ErrorIs(t, err, printer.ErrDeviceRetired)
	_, err = l.Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: printer.Cleaning, By: "x"})
	assert.ErrorIs(t, err, printer.ErrDeviceRetired)
	// A job queued before retirement still counts.
	require.NoError(t, l.RecordUsage(ctx, "zebra-1", 1, 130))
}

// The spooler keeps the ledger's counters through UsageRecorder.
func TestLedgerAsSpoolerUsage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store := memstore.New()
	l := printer.NewLedger(store, nil)
	_, err := l.Register(ctx, printer.Device{ID: "zebra-1"})
	require.NoError(t, err)

	var mu sync.Mutex
	var printed [][]byte
	p := printer.PrinterFunc(func(_ context.Context, b []byte) error {
		mu.Lock()
		printed = append(printed, b)
		mu.Unlock()
		return nil
	})
	sp, err := printer.New(store, map[string]printer.Printer{"zebra-1": p}, &printer.Options{Usage: l})
	require.NoError(t, err)
	for i, id := range []string{"TB1", "TB2", "TB3"} {
		_, err := sp.Submit(ctx, printer.JobSpec{Printer: "zebra-1", Key: printer.JobKey{Order: id, Doc: printer.Waybill}, Data: []byte{byte('a' + i)}, MediaLength: 130})
		require.NoError(t, err)
	}
	require.NoError(t, sp.Drain(ctx))
	assert.Equal(t, [][]byte{{'a'}, {'b'}, {'c'}}, printed)
	d, err := l.Device(ctx, "zebra-1")
	require.NoError(t, err)
	assert.Equal(t, int64(3), d.Usage.Documents)
	assert.InDelta(t, 390, d.Usage.MediaMM, 1e-9)
}
