package memstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dadanhq/dadan/printer"
)

var _ printer.LedgerStore = (*Store)(nil)

// devices is the printer ledger. The zero value is ready.
type devices struct {
	mu          sync.Mutex
	byID        map[string]*printer.Device
	maintenance []printer.MaintenanceRecord
	faults      []printer.FaultRecord
	faultAt     map[string]int // fault ID → index in faults
	seq         int64          // last record number
}

// AddDevice implements [printer.LedgerStore].
func (s *devices) AddDevice(ctx context.Context, d printer.Device) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID = make(map[string]*printer.Device)
	}
	if _, ok := s.byID[d.ID]; ok {
		return fmt.Errorf("%w: %s", printer.ErrDeviceExists, d.ID)
	}
	s.byID[d.ID] = &d
	return nil
}

func (s *devices) device(id string) (*printer.Device, error) {
	d, ok := s.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", printer.ErrUnknownDevice, id)
	}
	return d, nil
}

// Device implements [printer.LedgerStore].
func (s *devices) Device(ctx context.Context, id string) (printer.Device, error) {
	if err := ctx.Err(); err != nil {
		return printer.Device{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.device(id)
	if err != nil {
		return printer.Device{}, err
	}
	return *d, nil
}

// Devices implements [printer.LedgerStore].
func (s *devices) Devices(ctx context.Context) ([]printer.Device, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]printer.Device, 0, len(s.byID))
	for _, d := range s.byID {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b printer.Device) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// UpdateDevice implements [printer.LedgerStore].
func (s *devices) UpdateDevice(ctx context.Context, id string, fn func(*printer.Device) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.device(id)
	if err != nil {
		return err
	}
	c := *d
	if err := fn(&c); err != nil {
		return err
	}
	c.ID = id
	*d = c
	return nil
}

// AddUsage implements [printer.LedgerStore].
func (s *devices) AddUsage(ctx context.Context, id string, docs int64, mediaMM float64, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.device(id)
	if err != nil {
		return err
	}
	d.Usage.Documents += docs
	d.Usage.MediaMM += mediaMM
	if at.After(d.Usage.LastUsedAt) {
		d.Usage.LastUsedAt = at
	}
	return nil
}

// AddMaintenance implements [printer.LedgerStore].
func (s *devices) AddMaintenance(ctx context.Context, r printer.MaintenanceRecord) (printer.MaintenanceRecord, error) {
	if err := ctx.Err(); err != nil {
		return r, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.device(r.Device); err != nil {
		return r, err
	}
	s.seq++
	r.ID = "M" + strconv.FormatInt(s.seq, 10)
	s.maintenance = append(s.maintenance, r)
	return r, nil
}

// Maintenance implements [printer.LedgerStore].
func (s *devices) Maintenance(ctx context.Context, device string) ([]printer.MaintenanceRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []printer.MaintenanceRecord
	for _, r := range s.maintenance {
		if r.Device == device {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b printer.MaintenanceRecord) int { return a.At.Compare(b.At) })
	return out, nil
}

// AddFault implements [printer.LedgerStore].
func (s *devices) AddFault(ctx context.Context, f printer.FaultRecord) (printer.FaultRecord, error) {
	if err := ctx.Err(); err != nil {
		return f, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.device(f.Device); err != nil {
		return f, err
	}
	s.seq++
	f.ID = "F" + strconv.FormatInt(s.seq, 10)
	if s.faultAt == nil {
		s.faultAt = make(map[string]int)
	}
	s.faultAt[f.ID] = len(s.faults)
	s.faults = append(s.faults, f)
	return f, nil
}

// UpdateFault implements [printer.LedgerStore].
func (s *devices) UpdateFault(ctx context.Context, id string, fn func(*printer.FaultRecord) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.faultAt[id]
	if !ok {
		return fmt.Errorf("%w: %q", printer.ErrUnknownFault, id)
	}
	c := s.faults[i]
	if err := fn(&c); err != nil {
		return err
	}
	c.ID, c.Device = id, s.faults[i].Device
	s.faults[i] = c
	return nil
}

// Faults implements [printer.LedgerStore].
func (s *devices) Faults(ctx context.Context, device string) ([]printer.FaultRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []printer.FaultRecord
	for _, f := range s.faults {
		if device == "" || f.Device == device {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b printer.FaultRecord) int { return a.ReportedAt.Compare(b.ReportedAt) })
	return out, nil
}
