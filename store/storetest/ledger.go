package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ledger runs the [printer.LedgerStore] conformance tests.
func Ledger(t *testing.T, newStore func(t *testing.T) printer.LedgerStore, f Features) {
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	dev := func(id string) printer.Device {
		return printer.Device{ID: id, Name: "面单机 " + id, Model: "ZD421", SerialNumber: "SN-" + id,
			Department: "仓储", Location: "打包台 3", PurchasedAt: at.AddDate(-1, 0, 0),
			URL: "tcp://10.0.0.7:9100", Status: printer.DeviceActive}
	}
	boom := errors.New("boom")

	t.Run("AddGetDevice", func(t *testing.T) {
		s := newStore(t)
		d := dev("P1")
		require.NoError(t, s.AddDevice(ctx, d))
		got, err := s.Device(ctx, "P1")
		require.NoError(t, err)
		assertDevice(t, d, got)

		// Returned devices are copies.
		got.Name = "changed"
		again, err := s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, d.Name, again.Name, "stores hand out copies")

		dup := dev("P1")
		dup.Name = "duplicate"
		assert.ErrorIs(t, s.AddDevice(ctx, dup), printer.ErrDeviceExists)
		again, err = s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, d.Name, again.Name, "a duplicate replaces nothing")

		_, err = s.Device(ctx, "nope")
		assert.ErrorIs(t, err, printer.ErrUnknownDevice)
	})

	t.Run("DevicesOrderedByID", func(t *testing.T) {
		s := newStore(t)
		list, err := s.Devices(ctx)
		require.NoError(t, err)
		assert.Empty(t, list, "a new store is empty")
		for _, id := range []string{"P3", "P10", "P1", "A9"} {
			require.NoError(t, s.AddDevice(ctx, dev(id)))
		}
		list, err = s.Devices(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"A9", "P1", "P10", "P3"}, deviceIDs(list))
		assertDevice(t, dev("P10"), list[2])

		list[0].Name = "changed"
		got, err := s.Device(ctx, "A9")
		require.NoError(t, err)
		assert.Equal(t, dev("A9").Name, got.Name, "listed devices are copies")
	})

	t.Run("UpdateDevice", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.AddDevice(ctx, dev("P1")))
		retired := at.Add(time.Hour)
		var kept *printer.Device
		require.NoError(t, s.UpdateDevice(ctx, "P1", func(d *printer.Device) error {
			assert.Equal(t, "P1", d.ID, "fn sees the stored device")
			assert.Equal(t, dev("P1").Name, d.Name)
			d.Status, d.RetiredAt, d.Location = printer.DeviceRetired, retired, "仓库 B"
			kept = d
			return nil
		}))
		got, err := s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, printer.DeviceRetired, got.Status)
		assert.True(t, got.RetiredAt.Equal(retired))
		assert.Equal(t, "仓库 B", got.Location)

		// The pointer fn got does not reach into the store after the update.
		kept.Location = "changed later"
		got, err = s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, "仓库 B", got.Location)

		// A failing fn changes nothing and its error comes back.
		err = s.UpdateDevice(ctx, "P1", func(d *printer.Device) error {
			d.Location, d.Status = "elsewhere", printer.DeviceActive
			d.Usage.Documents = 99
			return fmt.Errorf("wrapped: %w", boom)
		})
		assert.ErrorIs(t, err, boom)
		got, err = s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, "仓库 B", got.Location)
		assert.Equal(t, printer.DeviceRetired, got.Status)
		assert.Zero(t, got.Usage.Documents)

		// The ID cannot change.
		require.NoError(t, s.UpdateDevice(ctx, "P1", func(d *printer.Device) error {
			d.ID, d.Name = "P2", "renamed"
			return nil
		}))
		got, err = s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, "P1", got.ID)
		assert.Equal(t, "renamed", got.Name)
		_, err = s.Device(ctx, "P2")
		assert.ErrorIs(t, err, printer.ErrUnknownDevice)
		list, err := s.Devices(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"P1"}, deviceIDs(list))

		called := false
		err = s.UpdateDevice(ctx, "nope", func(*printer.Device) error { called = true; return nil })
		assert.ErrorIs(t, err, printer.ErrUnknownDevice)
		assert.False(t, called, "fn is not called for an unknown device")
	})

	t.Run("AddUsage", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.AddDevice(ctx, dev("P1")))
		require.NoError(t, s.AddDevice(ctx, dev("P2")))
		require.NoError(t, s.AddUsage(ctx, "P1", 3, 390.5, at))
		require.NoError(t, s.AddUsage(ctx, "P1", 2, 260.25, at.Add(time.Minute)))
		got, err := s.Device(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, int64(5), got.Usage.Documents)
		assert.InDelta(t, 650.75, got.Usage.MediaMM, 1e-9)
		assert.True(t, got.Usage.LastUsedAt.Equal(at.Add(time.Minute)), "LastUsedAt is %v", got.Usage.LastUsedAt)
		other, err := s.Device(ctx, "P2")
		require.NoError(t, err)
		assert.Zero(t, other.Usage.Documents, "usage counts per device")
		assert.True(t, other.Usage.LastUsedAt.IsZero())

		assert.ErrorIs(t, s.AddUsage(ctx, "nope", 1, 1, at), printer.ErrUnknownDevice)
	})

	t.Run("Maintenance", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.AddDevice(ctx, dev("P1")))
		require.NoError(t, s.AddDevice(ctx, dev("P2")))
		list, err := s.Maintenance(ctx, "P1")
		require.NoError(t, err)
		assert.Empty(t, list)

		// Added out of time order; listed oldest first.
		in := []printer.MaintenanceRecord{
			{ID: "ignored", Device: "P1", At: at.Add(2 * time.Hour), Kind: printer.Cleaning, By: "王五", Notes: "打印头"},
			{ID: "ignored", Device: "P1", At: at, Kind: printer.Calibration, By: "赵六"},
			{Device: "P2", At: at.Add(time.Hour), Kind: printer.DriverUpdate, By: "王五"},
			{Device: "P1", At: at.Add(time.Hour), Kind: printer.HardwareCheck, By: "钱七"},
		}
		ids := map[string]bool{}
		for _, r := range in {
			out, err := s.AddMaintenance(ctx, r)
			require.NoError(t, err)
			assert.NotEmpty(t, out.ID)
			assert.NotEqual(t, "ignored", out.ID, "the store sets the ID")
			assert.False(t, ids[out.ID], "IDs are new: %s", out.ID)
			ids[out.ID] = true
			want := r
			want.ID = out.ID
			assertMaintenance(t, want, out)
		}
		list, err = s.Maintenance(ctx, "P1")
		require.NoError(t, err)
		require.Len(t, list, 3)
		assert.Equal(t, []printer.MaintenanceKind{printer.Calibration, printer.HardwareCheck, printer.Cleaning},
			[]printer.MaintenanceKind{list[0].Kind, list[1].Kind, list[2].Kind}, "oldest first")
		assertMaintenance(t, printer.MaintenanceRecord{ID: list[2].ID, Device: "P1", At: at.Add(2 * time.Hour),
			Kind: printer.Cleaning, By: "王五", Notes: "打印头"}, list[2])

		list[0].Notes = "changed"
		again, err := s.Maintenance(ctx, "P1")
		require.NoError(t, err)
		assert.Empty(t, again[0].Notes, "listed records are copies")

		list, err = s.Maintenance(ctx, "P2")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, printer.DriverUpdate, list[0].Kind)
	})

	t.Run("Faults", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.AddDevice(ctx, dev("P1")))
		require.NoError(t, s.AddDevice(ctx, dev("P2")))
		all, err := s.Faults(ctx, "")
		require.NoError(t, err)
		assert.Empty(t, all)

		in := []printer.FaultRecord{
			{ID: "ignored", Device: "P1", Symptom: "卡纸", ReportedAt: at.Add(2 * time.Hour), ReportedBy: "王五"},
			{Device: "P2", Symptom: "打印浅", ReportedAt: at.Add(time.Hour), ReportedBy: "赵六"},
			{Device: "P1", Symptom: "不出纸", ReportedAt: at, ReportedBy: "钱七"},
		}
		ids := map[string]bool{}
		var added []printer.FaultRecord
		for _, f := range in {
			out, err := s.AddFault(ctx, f)
			require.NoError(t, err)
			assert.NotEmpty(t, out.ID)
			assert.NotEqual(t, "ignored", out.ID, "the store sets the ID")
			assert.False(t, ids[out.ID], "IDs are new: %s", out.ID)
			ids[out.ID] = true
			want := f
			want.ID = out.ID
			assertFault(t, want, out)
			added = append(added, out)
		}

		all, err = s.Faults(ctx, "")
		require.NoError(t, err)
		assert.Equal(t, []string{"不出纸", "打印浅", "卡纸"}, symptoms(all), "every device, oldest report first")
		p1, err := s.Faults(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, []string{"不出纸", "卡纸"}, symptoms(p1))
		assertFault(t, added[0], p1[1])
		none, err := s.Faults(ctx, "P9")
		require.NoError(t, err)
		assert.Empty(t, none)

		p1[0].Symptom = "changed"
		again, err := s.Faults(ctx, "P1")
		require.NoError(t, err)
		assert.Equal(t, "不出纸", again[0].Symptom, "listed faults are copies")

		// A repair.
		id := added[0].ID
		repaired := at.Add(3 * time.Hour)
		var kept *printer.FaultRecord
		require.NoError(t, s.UpdateFault(ctx, id, func(f *printer.FaultRecord) error {
			assert.Equal(t, id, f.ID, "fn sees the stored fault")
			assert.Equal(t, "卡纸", f.Symptom)
			assert.True(t, f.Open())
			f.RepairedAt, f.Technician, f.Result, f.TestedOK = repaired, "孙八", "换胶辊", true
			kept = f
			return nil
		}))
		kept.Result = "changed later"
		p1, err = s.Faults(ctx, "P1")
		require.NoError(t, err)
		got := p1[1]
		require.Equal(t, id, got.ID)
		assert.False(t, got.Open())
		assert.True(t, got.RepairedAt.Equal(repaired))
		assert.Equal(t, "孙八", got.Technician)
		assert.Equal(t, "换胶辊", got.Result, "the pointer fn got does not reach into the store")
		assert.True(t, got.TestedOK)

		// A failing fn changes nothing and its error comes back.
		other := added[2].ID
		err = s.UpdateFault(ctx, other, func(f *printer.FaultRecord) error {
			f.RepairedAt, f.Technician, f.Symptom = repaired, "x", "changed"
			return fmt.Errorf("wrapped: %w", boom)
		})
		assert.ErrorIs(t, err, boom)
		p1, err = s.Faults(ctx, "P1")
		require.NoError(t, err)
		assertFault(t, added[2], p1[0])

		called := false
		err = s.UpdateFault(ctx, "nope", func(*printer.FaultRecord) error { called = true; return nil })
		assert.ErrorIs(t, err, printer.ErrUnknownFault)
		assert.False(t, called, "fn is not called for an unknown fault")
	})

	if !f.NoConcurrency {
		t.Run("Concurrent", func(t *testing.T) {
			s := newStore(t)
			require.NoError(t, s.AddDevice(ctx, dev("P1")))
			const n = 20
			var wg sync.WaitGroup
			var mu sync.Mutex
			faultIDs := map[string]bool{}
			for i := range n {
				wg.Go(func() {
					assert.NoError(t, s.AddUsage(ctx, "P1", 1, 0.5, at.Add(time.Duration(i)*time.Second)))
					assert.NoError(t, s.UpdateDevice(ctx, "P1", func(d *printer.Device) error {
						d.Location += "x"
						return nil
					}))
					_, err := s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "P1", At: at,
						Kind: printer.Cleaning, By: fmt.Sprint(i)})
					assert.NoError(t, err)
					f, err := s.AddFault(ctx, printer.FaultRecord{Device: "P1", Symptom: fmt.Sprint(i), ReportedAt: at})
					if assert.NoError(t, err) {
						mu.Lock()
						faultIDs[f.ID] = true
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			got, err := s.Device(ctx, "P1")
			require.NoError(t, err)
			assert.Equal(t, int64(n), got.Usage.Documents, "no usage lost")
			assert.InDelta(t, n*0.5, got.Usage.MediaMM, 1e-9)
			assert.Len(t, got.Location, len(dev("P1").Location)+n, "no update lost")
			ms, err := s.Maintenance(ctx, "P1")
			require.NoError(t, err)
			assert.Len(t, ms, n)
			fs, err := s.Faults(ctx, "P1")
			require.NoError(t, err)
			assert.Len(t, fs, n)
			assert.Len(t, faultIDs, n, "fault IDs are unique")

			// Racing repairs of one fault: the first wins, the others see it repaired.
			id := fs[0].ID
			var wins, lost int
			for i := range n {
				wg.Go(func() {
					err := s.UpdateFault(ctx, id, func(f *printer.FaultRecord) error {
						if !f.Open() {
							return printer.ErrAlreadyRepaired
						}
						f.RepairedAt, f.Technician = at.Add(time.Hour), fmt.Sprint(i)
						return nil
					})
					mu.Lock()
					defer mu.Unlock()
					if errors.Is(err, printer.ErrAlreadyRepaired) {
						lost++
					} else if assert.NoError(t, err) {
						wins++
					}
				})
			}
			wg.Wait()
			assert.Equal(t, 1, wins)
			assert.Equal(t, n-1, lost)
		})
	}
}

func assertDevice(t *testing.T, want, got printer.Device) {
	t.Helper()
	assert.True(t, want.PurchasedAt.Equal(got.PurchasedAt), "PurchasedAt %v, want %v", got.PurchasedAt, want.PurchasedAt)
	assert.True(t, want.RetiredAt.Equal(got.RetiredAt), "RetiredAt %v, want %v", got.RetiredAt, want.RetiredAt)
	assert.True(t, want.Usage.LastUsedAt.Equal(got.Usage.LastUsedAt), "LastUsedAt %v, want %v", got.Usage.LastUsedAt, want.Usage.LastUsedAt)
	want.PurchasedAt, want.RetiredAt, want.Usage.LastUsedAt = got.PurchasedAt, got.RetiredAt, got.Usage.LastUsedAt
	assert.Equal(t, want, got)
}

func assertMaintenance(t *testing.T, want, got printer.MaintenanceRecord) {
	t.Helper()
	assert.True(t, want.At.Equal(got.At), "At %v, want %v", got.At, want.At)
	want.At = got.At
	assert.Equal(t, want, got)
}

func assertFault(t *testing.T, want, got printer.FaultRecord) {
	t.Helper()
	assert.True(t, want.ReportedAt.Equal(got.ReportedAt), "ReportedAt %v, want %v", got.ReportedAt, want.ReportedAt)
	assert.True(t, want.RepairedAt.Equal(got.RepairedAt), "RepairedAt %v, want %v", got.RepairedAt, want.RepairedAt)
	want.ReportedAt, want.RepairedAt = got.ReportedAt, got.RepairedAt
	assert.Equal(t, want, got)
}

func deviceIDs(ds []printer.Device) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func symptoms(fs []printer.FaultRecord) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Symptom
	}
	return out
}
