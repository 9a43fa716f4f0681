package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dadanhq/dadan/printer"
)

const deviceCols = `id, name, model, serial_number, department, location, purchased_at, url, status,
	retired_at, documents, media_mm, last_used_at`

func deviceArgs(d *printer.Device) []any {
	return []any{d.ID, d.Name, d.Model, d.SerialNumber, d.Department, d.Location, d.PurchasedAt, d.URL,
		string(d.Status), d.RetiredAt, d.Usage.Documents, d.Usage.MediaMM, d.Usage.LastUsedAt}
}

func scanDevice(row pgx.Row) (printer.Device, error) {
	var (
		d      printer.Device
		status string
	)
	err := row.Scan(&d.ID, &d.Name, &d.Model, &d.SerialNumber, &d.Department, &d.Location, &d.PurchasedAt,
		&d.URL, &status, &d.RetiredAt, &d.Usage.Documents, &d.Usage.MediaMM, &d.Usage.LastUsedAt)
	d.Status = printer.DeviceStatus(status)
	d.PurchasedAt, d.RetiredAt, d.Usage.LastUsedAt = zt(d.PurchasedAt), zt(d.RetiredAt), zt(d.Usage.LastUsedAt)
	return d, err
}

// AddDevice implements [printer.LedgerStore].
func (s *Store) AddDevice(ctx context.Context, d printer.Device) error {
	_, err := s.exec(ctx, "add device", `INSERT INTO devices (`+deviceCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, deviceArgs(&d)...)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %s", printer.ErrDeviceExists, d.ID)
	}
	return err
}

func unknownDevice(id string) error { return fmt.Errorf("%w: %q", printer.ErrUnknownDevice, id) }

// Device implements [printer.LedgerStore].
func (s *Store) Device(ctx context.Context, id string) (printer.Device, error) {
	var d printer.Device
	err := s.read(ctx, "device", func() error {
		var err error
		d, err = scanDevice(s.pool.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = $1`, id))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return printer.Device{}, unknownDevice(id)
	}
	return d, err
}

// Devices implements [printer.LedgerStore].
func (s *Store) Devices(ctx context.Context) ([]printer.Device, error) {
	var out []printer.Device
	err := s.read(ctx, "devices", func() error {
		rows, err := s.pool.Query(ctx, `SELECT `+deviceCols+` FROM devices ORDER BY id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (printer.Device, error) { return scanDevice(r) })
		return err
	})
	return out, err
}

// UpdateDevice implements [printer.LedgerStore]: the device's row is locked
// while fn runs.
func (s *Store) UpdateDevice(ctx context.Context, id string, fn func(*printer.Device) error) error {
	return s.tx(ctx, "update device", func(tx pgx.Tx) error {
		d, err := scanDevice(tx.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return unknownDevice(id)
		}
		if err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		d.ID = id
		_, err = tx.Exec(ctx, `UPDATE devices SET name = $2, model = $3, serial_number = $4, department = $5,
			location = $6, purchased_at = $7, url = $8, status = $9, retired_at = $10, documents = $11,
			media_mm = $12, last_used_at = $13 WHERE id = $1`, deviceArgs(&d)...)
		return err
	})
}

// AddUsage implements [printer.LedgerStore] in one statement.
func (s *Store) AddUsage(ctx context.Context, id string, docs int64, mediaMM float64, at time.Time) error {
	n, err := s.exec(ctx, "add usage", `UPDATE devices SET documents = documents + $2, media_mm = media_mm + $3,
		last_used_at = greatest(last_used_at, $4) WHERE id = $1`, id, docs, mediaMM, at)
	if err == nil && n == 0 {
		return unknownDevice(id)
	}
	return err
}

// AddMaintenance implements [printer.LedgerStore].
func (s *Store) AddMaintenance(ctx context.Context, r printer.MaintenanceRecord) (printer.MaintenanceRecord, error) {
	var no int64
	err := s.tx(ctx, "add maintenance", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO maintenance (device, at, kind, by, notes)
			SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM devices WHERE id = $1) RETURNING no`,
			r.Device, r.At, string(r.Kind), r.By, r.Notes).Scan(&no)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return r, unknownDevice(r.Device)
	}
	if err != nil {
		return r, err
	}
	r.ID = "M" + strconv.FormatInt(no, 10)
	return r, nil
}

// Maintenance implements [printer.LedgerStore].
func (s *Store) Maintenance(ctx context.Context, device string) ([]printer.MaintenanceRecord, error) {
	var out []printer.MaintenanceRecord
	err := s.read(ctx, "maintenance", func() error {
		rows, err := s.pool.Query(ctx, `SELECT no, device, at, kind, by, notes FROM maintenance
			WHERE device = $1 ORDER BY at, no`, device)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (printer.MaintenanceRecord, error) {
			var (
				r    printer.MaintenanceRecord
				no   int64
				kind string
			)
			err := row.Scan(&no, &r.Device, &r.At, &kind, &r.By, &r.Notes)
			r.ID, r.Kind, r.At = "M"+strconv.FormatInt(no, 10), printer.MaintenanceKind(kind), zt(r.At)
			return r, err
		})
		return err
	})
	return out, err
}

const faultCols = `no, device, symptom, reported_at, reported_by, repaired_at, technician, result, tested_ok`

func scanFault(row pgx.Row) (printer.FaultRecord, error) {
	var (
		f  printer.FaultRecord
		no int64
	)
	err := row.Scan(&no, &f.Device, &f.Symptom, &f.ReportedAt, &f.ReportedBy, &f.RepairedAt, &f.Technician, &f.Result, &f.TestedOK)
	f.ID, f.ReportedAt, f.RepairedAt = "F"+strconv.FormatInt(no, 10), zt(f.ReportedAt), zt(f.RepairedAt)
	return f, err
}

// faultNo parses a fault ID ("F12"); ok is false for IDs this store never gave.
func faultNo(id string) (int64, bool) {
	if len(id) < 2 || id[0] != 'F' {
		return 0, false
	}
	n, err := strconv.ParseInt(id[1:], 10, 64)
	return n, err == nil && n > 0 && "F"+strconv.FormatInt(n, 10) == id
}

// AddFault implements [printer.LedgerStore].
func (s *Store) AddFault(ctx context.Context, f printer.FaultRecord) (printer.FaultRecord, error) {
	var no int64
	err := s.tx(ctx, "add fault", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO faults (device, symptom, reported_at, reported_by, repaired_at, technician, result, tested_ok)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM devices WHERE id = $1) RETURNING no`,
			f.Device, f.Symptom, f.ReportedAt, f.ReportedBy, f.RepairedAt, f.Technician, f.Result, f.TestedOK).Scan(&no)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return f, unknownDevice(f.Device)
	}
	if err != nil {
		return f, err
	}
	f.ID = "F" + strconv.FormatInt(no, 10)
	return f, nil
}

// UpdateFault implements [printer.LedgerStore]: the fault's row is locked
// while fn runs, so of racing repairs the first wins and the others see it.
func (s *Store) UpdateFault(ctx context.Context, id string, fn func(*printer.FaultRecord) error) error {
	no, ok := faultNo(id)
	if !ok {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("%w: %q", printer.ErrUnknownFault, id)
	}
	return s.tx(ctx, "update fault", func(tx pgx.Tx) error {
		f, err := scanFault(tx.QueryRow(ctx, `SELECT `+faultCols+` FROM faults WHERE no = $1 FOR UPDATE`, no))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: %q", printer.ErrUnknownFault, id)
		}
		if err != nil {
			return err
		}
		if err := fn(&f); err != nil {
			return err
		}
		// The device column is not updated: a fault cannot move to another device.
		_, err = tx.Exec(ctx, `UPDATE faults SET symptom = $2, reported_at = $3, reported_by = $4, repaired_at = $5,
			technician = $6, result = $7, tested_ok = $8 WHERE no = $1`,
			no, f.Symptom, f.ReportedAt, f.ReportedBy, f.RepairedAt, f.Technician, f.Result, f.TestedOK)
		return err
	})
}

// Faults implements [printer.LedgerStore].
func (s *Store) Faults(ctx context.Context, device string) ([]printer.FaultRecord, error) {
	var out []printer.FaultRecord
	err := s.read(ctx, "faults", func() error {
		rows, err := s.pool.Query(ctx, `SELECT `+faultCols+` FROM faults
			WHERE $1 = '' OR device = $1 ORDER BY reported_at, no`, device)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (printer.FaultRecord, error) { return scanFault(r) })
		return err
	})
	return out, err
}
