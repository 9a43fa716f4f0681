package printer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
)

// The device ledger: every printer a warehouse owns, its maintenance, faults
// and repairs, and how much it has printed.

// DeviceStatus says whether a device is in service.
type DeviceStatus string

// Device statuses.
const (
	DeviceActive  DeviceStatus = "active"
	DeviceRetired DeviceStatus = "retired"
)

// Device is one printer in the ledger.
type Device struct {
	ID           string // the name the spooler routes to
	Name         string
	Model        string
	SerialNumber string
	Department   string
	Location     string
	PurchasedAt  time.Time
	URL          string // transport, such as tcp://10.0.0.7:9100 or cups://waybill
	Status       DeviceStatus
	RetiredAt    time.Time
	Usage        Usage
}

// Usage counts what a device printed.
type Usage struct {
	Documents  int64
	MediaMM    float64 // media length fed, in millimetres
	LastUsedAt time.Time
}

// MaintenanceKind is a kind of routine maintenance.
type MaintenanceKind string

// Maintenance kinds.
const (
	Cleaning      MaintenanceKind = "cleaning"
	HardwareCheck MaintenanceKind = "hardware_check"
	DriverUpdate  MaintenanceKind = "driver_update"
	Calibration   MaintenanceKind = "calibration"
	PartReplaced  MaintenanceKind = "part_replaced"
)

func (k MaintenanceKind) valid() bool {
	switch k {
	case Cleaning, HardwareCheck, DriverUpdate, Calibration, PartReplaced:
		return true
	}
	return false
}

// MaintenanceRecord is one piece of maintenance done on a device.
type MaintenanceRecord struct {
	ID     string // set by the store
	Device string
	At     time.Time
	Kind   MaintenanceKind
	By     string
	Notes  string
}

// FaultRecord is a fault reported on a device and, once repaired, the repair.
type FaultRecord struct {
	ID         string // set by the store
	Device     string
	Symptom    string
	ReportedAt time.Time
	ReportedBy string
	RepairedAt time.Time // zero while open
	Technician string
	Result     string
	TestedOK   bool // a test print after the repair was good
}

// Open reports whether the fault still waits for a repair.
func (f FaultRecord) Open() bool { return f.RepairedAt.IsZero() }

// Repair is what a technician records when a fault is fixed.
type Repair struct {
	At         time.Time // zero means now
	Technician string
	Result     string
	TestedOK   bool
}

// LedgerStore keeps the device ledger. Implementations are safe for
// concurrent use; records going in and coming out are copies.
type LedgerStore interface {
	// AddDevice stores a new device; an existing ID gives [ErrDeviceExists].
	AddDevice(ctx context.Context, d Device) error
	// Device returns the device with id, or [ErrUnknownDevice].
	Device(ctx context.Context, id string) (Device, error)
	// Devices returns all devices ordered by ID.
	Devices(ctx context.Context) ([]Device, error)
	// UpdateDevice applies fn to the device with id atomically; an error from fn
	// leaves the device unchanged and is returned. The ID cannot change. An
	// unknown id gives [ErrUnknownDevice] without calling fn.
	UpdateDevice(ctx context.Context, id string, fn func(*Device) error) error
	// AddUsage adds to the device's usage counters and advances LastUsedAt to at
	// when at is later (print jobs may finish out of order). An unknown id gives
	// [ErrUnknownDevice].
	AddUsage(ctx context.Context, id string, docs int64, mediaMM float64, at time.Time) error

	// AddMaintenance stores r with a new ID and returns it.
	AddMaintenance(ctx context.Context, r MaintenanceRecord) (MaintenanceRecord, error)
	// Maintenance returns the records of a device, oldest first.
	Maintenance(ctx context.Context, device string) ([]MaintenanceRecord, error)

	// AddFault stores f with a new ID and returns it.
	AddFault(ctx context.Context, f FaultRecord) (FaultRecord, error)
	// UpdateFault applies fn to the fault with id atomically, or returns [ErrUnknownFault].
	UpdateFault(ctx context.Context, id string, fn func(*FaultRecord) error) error
	// Faults returns the faults of a device (all devices when device is
	// empty), oldest report first.
	Faults(ctx context.Context, device string) ([]FaultRecord, error)
}

// Ledger errors.
var (
	ErrUnknownDevice      = errors.New("printer: unknown device")
	ErrDeviceExists       = errors.New("printer: device already in the ledger")
	ErrDeviceRetired      = errors.New("printer: device retired")
	ErrUnknownFault       = errors.New("printer: unknown fault")
	ErrAlreadyRepaired    = errors.New("printer: fault already repaired")
	ErrRepairBeforeReport = errors.New("printer: repair dated before the fault report")
	ErrInvalidRecord      = errors.New("printer: invalid ledger record")
)

// RecordError says which field of a ledger record is wrong. It wraps
// [ErrInvalidRecord].
type RecordError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *RecordError) Error() string {
	return fmt.Sprintf("%v: %s %s", ErrInvalidRecord, e.Field, e.Reason)
}

// Unwrap returns [ErrInvalidRecord].
func (e *RecordError) Unwrap() error { return ErrInvalidRecord }

// RepairTimeError is a repair dated before its fault was reported. It wraps
// [ErrRepairBeforeReport].
type RepairTimeError struct {
	Fault      string
	ReportedAt time.Time
	RepairedAt time.Time
}

// Error implements error.
func (e *RepairTimeError) Error() string {
	return fmt.Sprintf("%v: fault %s reported %s, repaired %s", ErrRepairBeforeReport, e.Fault,
		e.ReportedAt.Format(time.RFC3339), e.RepairedAt.Format(time.RFC3339))
}

// Unwrap returns [ErrRepairBeforeReport].
func (e *RepairTimeError) Unwrap() error { return ErrRepairBeforeReport }

// Ledger records devices, maintenance, faults and usage in a [LedgerStore].
// It implements [UsageRecorder], so a [Spooler] keeps its counters. It is
// safe for concurrent use.
type Ledger struct {
	store LedgerStore
	now   func() time.Time
	auth  access.Authorizer
}

var _ UsageRecorder = (*Ledger)(nil)

// NewLedger returns a ledger over store; now is its clock (nil means time.Now).
func NewLedger(store LedgerStore, now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{store: store, now: now}
}

// WithAuthorizer returns a ledger over the same store and clock that asks a
// whether the principal the context carries may do each change: registering,
// updating and retiring devices, maintenance, faults and repairs need
// [access.DeviceManage]; [Ledger.RecordUsage] (the spooler's counters) needs
// [access.Print]. A refusal is a [*access.DeniedError] and changes nothing.
// Reads hold no personal data and need no permission. A ledger made by
// [NewLedger] checks nothing (as does a nil a).
func (l *Ledger) WithAuthorizer(a access.Authorizer) *Ledger {
	c := *l
	c.auth = a
	return &c
}

// Register adds a device as active, with zero usage.
func (l *Ledger) Register(ctx context.Context, d Device) (Device, error) {
	if err := access.Check(ctx, l.auth, access.DeviceManage); err != nil {
		return Device{}, err
	}
	d.ID = strings.TrimSpace(d.ID)
	if d.ID == "" {
		return Device{}, &RecordError{Field: "ID", Reason: "is empty"}
	}
	if d.Name == "" {
		d.Name = d.ID
	}
	d.Status, d.RetiredAt, d.Usage = DeviceActive, time.Time{}, Usage{}
	if err := l.store.AddDevice(ctx, d); err != nil {
		return Device{}, err
	}
	return d, nil
}

// Device returns the device with id.
func (l *Ledger) Device(ctx context.Context, id string) (Device, error) {
	return l.store.Device(ctx, id)
}

// Devices returns all devices, ordered by ID.
func (l *Ledger) Devices(ctx context.Context) ([]Device, error) { return l.store.Devices(ctx) }

// Update changes a device's descriptive fields (name, model, serial number,
// department, location, purchase date, URL) to those of d. Status and usage
// change only through [Ledger.Retire] and [Ledger.RecordUsage].
func (l *Ledger) Update(ctx context.Context, d Device) error {
	if err := access.Check(ctx, l.auth, access.DeviceManage); err != nil {
		return err
	}
	return l.store.UpdateDevice(ctx, d.ID, func(cur *Device) error {
		cur.Name, cur.Model, cur.SerialNumber = d.Name, d.Model, d.SerialNumber
		cur.Department, cur.Location, cur.PurchasedAt, cur.URL = d.Department, d.Location, d.PurchasedAt, d.URL
		return nil
	})
}

// Retire takes a device out of service; it keeps its history. Retiring a
// retired device gives [ErrDeviceRetired].
func (l *Ledger) Retire(ctx context.Context, id string) error {
	if err := access.Check(ctx, l.auth, access.DeviceManage); err != nil {
		return err
	}
	at := l.now()
	return l.store.UpdateDevice(ctx, id, func(d *Device) error {
		if d.Status == DeviceRetired {
			return fmt.Errorf("%w: %s", ErrDeviceRetired, id)
		}
		d.Status, d.RetiredAt = DeviceRetired, at
		return nil
	})
}

// active returns an error unless the device with id is in service.
func (l *Ledger) active(ctx context.Context, id string) error {
	d, err := l.store.Device(ctx, id)
	if err != nil {
		return err
	}
	if d.Status == DeviceRetired {
		return fmt.Errorf("%w: %s since %s", ErrDeviceRetired, id, d.RetiredAt.Format(time.DateOnly))
	}
	return nil
}

// Maintain records maintenance on an active device. A zero r.At means now.
func (l *Ledger) Maintain(ctx context.Context, r MaintenanceRecord) (MaintenanceRecord, error) {
	if err := access.Check(ctx, l.auth, access.DeviceManage); err != nil {
		return MaintenanceRecord{}, err
	}
	switch {
	case !r.Kind.valid():
		return MaintenanceRecord{}, &RecordError{Field: "Kind", Reason: fmt.Sprintf("%q is not a maintenance kind", r.Kind)}
	case strings.TrimSpace(r.By) == "":
		return MaintenanceRecord{}, &RecordError{Field: "By", Reason: "is empty"}
	}
	if err := l.active(ctx, r.Device); err != nil {
		return MaintenanceRecord{}, err
	}
	if r.At.IsZero() {
		r.At = l.now()
	}
	r.ID = ""
	return l.store.AddMaintenance(ctx, r)
}

// Maintenance returns a device's maintenance records, oldest first.
func (l *Ledger) Maintenance(ctx context.Context, device string) ([]MaintenanceRecord, error) {
	if _, err := l.store.Device(ctx, device); err != nil {
		return nil, err
	}
	return l.store.Maintenance(ctx, device)
}

// ReportFault records a fault on an active device. A zero ReportedAt means
// now; repair fields are ignored.
func (l *Ledger) ReportFault(ctx context.Context, f FaultRecord) (FaultRecord, error) {
	if err := access.Check(ctx, l.auth, access.DeviceManage); err != nil {
		return FaultRecord{}, err
	}
	if strings.TrimSpace(f.Symptom) == "" {
		return FaultRecord{}, &RecordError{Field: "Symptom", Reason: "is empty"}
	}
	if err := l.active(ctx, f.Device); err != nil {
		return FaultRecord{}, err
	}
	if f.ReportedAt.IsZero() {
		f.ReportedAt = l.now()
	}
	f.ID, f.RepairedAt, f.Technician, f.Result, f.TestedOK = "", time.Time{}, "", "", false
	return l.store.AddFault(ctx, f)
}

// RecordRepair closes a fault. It gives [ErrAlreadyRepaired] for a closed
// fault and a [*RepairTimeError] for a repair dated before the report.
func (l *Ledger) RecordRepair(ctx context.Context, faultID string, r Repair) (FaultRecord, error) {
	if err := access.Check(ctx, l.auth, access.DeviceManage); err != nil {
		return FaultRecord{}, err
	}
	if strings.TrimSpace(r.Technician) == "" {
		return FaultRecord{}, &RecordError{Field: "Technician", Reason: "is empty"}
	}
	if r.At.IsZero() {
		r.At = l.now()
	}
	var out FaultRecord
	err := l.store.UpdateFault(ctx, faultID, func(f *FaultRecord) error {
		if !f.Open() {
			return fmt.Errorf("%w: %s on %s", ErrAlreadyRepaired, f.ID, f.RepairedAt.Format(time.RFC3339))
		}
		if r.At.Before(f.ReportedAt) {
			return &RepairTimeError{Fault: f.ID, ReportedAt: f.ReportedAt, RepairedAt: r.At}
		}
		f.RepairedAt, f.Technician, f.Result, f.TestedOK = r.At, r.Technician, r.Result, r.TestedOK
		out = *f
		return nil
	})
	return out, err
}

// Faults returns a device's faults, oldest report first; open limits them to
// faults not yet repaired. An empty device means every device.
func (l *Ledger) Faults(ctx context.Context, device string, open bool) ([]FaultRecord, error) {
	if device != "" {
		if _, err := l.store.Device(ctx, device); err != nil {
			return nil, err
		}
	}
	all, err := l.store.Faults(ctx, device)
	if err != nil || !open {
		return all, err
	}
	var out []FaultRecord
	for _, f := range all {
		if f.Open() {
			out = append(out, f)
		}
	}
	return out, nil
}

// RecordUsage adds docs documents and mediaMM millimetres of media to the
// counters of device. It implements [UsageRecorder]. A retired device still
// counts (a job queued before retirement may finish), an unknown one gives
// [ErrUnknownDevice].
func (l *Ledger) RecordUsage(ctx context.Context, device string, docs int, mediaMM float64) error {
	if err := access.Check(ctx, l.auth, access.Print); err != nil {
		return err
	}
	if docs < 0 {
		return &RecordError{Field: "docs", Reason: fmt.Sprintf("is negative (%d)", docs)}
	}
	if mediaMM < 0 || math.IsNaN(mediaMM) || math.IsInf(mediaMM, 0) {
		return &RecordError{Field: "mediaMM", Reason: fmt.Sprintf("is %v", mediaMM)}
	}
	return l.store.AddUsage(ctx, device, int64(docs), mediaMM, l.now())
}
