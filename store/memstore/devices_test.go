package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

func TestDevicesStore(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC)

	require.NoError(t, s.AddDevice(ctx, printer.Device{ID: "b", Name: "B"}))
	require.NoError(t, s.AddDevice(ctx, printer.Device{ID: "a", Name: "A"}))
	assert.ErrorIs(t, s.AddDevice(ctx, printer.Device{ID: "a"}), printer.ErrDeviceExists)
	all, err := s.Devices(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "a", all[0].ID, "ordered by ID")

	// Copies out: changing a returned device changes nothing stored.
	all[0].Name = "changed"
	d, err := s.Device(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "A", d.Name)

	// UpdateDevice: an error from fn leaves the device as it was; the ID stays.
	boom := errors.New("boom")
	err = s.UpdateDevice(ctx, "a", func(d *printer.Device) error { d.Name = "half"; return boom })
	assert.ErrorIs(t, err, boom)
	require.NoError(t, s.UpdateDevice(ctx, "a", func(d *printer.Device) error { d.Name = "A2"; d.ID = "z"; return nil }))
	d, err = s.Device(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "A2", d.Name)
	assert.ErrorIs(t, s.UpdateDevice(ctx, "zz", func(*printer.Device) error { return nil }), printer.ErrUnknownDevice)

	require.NoError(t, s.AddUsage(ctx, "a", 2, 260, t0.Add(time.Hour)))
	require.NoError(t, s.AddUsage(ctx, "a", 1, 130, t0)) // late report does not move LastUsedAt back
	d, _ = s.Device(ctx, "a")
	assert.Equal(t, printer.Usage{Documents: 3, MediaMM: 390, LastUsedAt: t0.Add(time.Hour)}, d.Usage)
	assert.ErrorIs(t, s.AddUsage(ctx, "zz", 1, 1, t0), printer.ErrUnknownDevice)

	m1, err := s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "a", At: t0.Add(time.Hour), Kind: printer.Cleaning})
	require.NoError(t, err)
	m2, err := s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "a", At: t0, Kind: printer.HardwareCheck})
	require.NoError(t, err)
	assert.NotEqual(t, m1.ID, m2.ID)
	_, err = s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "b", At: t0, Kind: printer.Cleaning})
	require.NoError(t, err)
	_, err = s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "zz"})
	assert.ErrorIs(t, err, printer.ErrUnknownDevice)
	ms, err := s.Maintenance(ctx, "a")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, m2.ID, ms[0].ID, "oldest first")

	f1, err := s.AddFault(ctx, printer.FaultRecord{Device: "a", Symptom: "x", ReportedAt: t0.Add(time.Hour)})
	require.NoError(t, err)
	f2, err := s.AddFault(ctx, printer.FaultRecord{Device: "b", Symptom: "y", ReportedAt: t0})
	require.NoError(t, err)
	_, err = s.AddFault(ctx, printer.FaultRecord{Device: "zz"})
	assert.ErrorIs(t, err, printer.ErrUnknownDevice)
	require.NoError(t, s.UpdateFault(ctx, f1.ID, func(f *printer.FaultRecord) error {
		f.Technician, f.Device = "李工", "b"
		return nil
	}))
	assert.ErrorIs(t, s.UpdateFault(ctx, "nope", func(*printer.FaultRecord) error { return nil }), printer.ErrUnknownFault)
	fs, err := s.Faults(ctx, "a")
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "李工", fs[0].Technician)
	assert.Equal(t, "a", fs[0].Device, "a fault cannot move to another device")
	fs, err = s.Faults(ctx, "")
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, f2.ID, fs[0].ID, "oldest report first")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Device(cancelled, "a")
	assert.ErrorIs(t, err, context.Canceled)
}
