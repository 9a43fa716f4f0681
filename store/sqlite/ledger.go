package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/printer"
)

const deviceCols = `id, name, model, serial_number, department, location, purchased_at, url, status, retired_at,
	documents, media_mm, last_used_at`

func scanDevice(r scanner) (printer.Device, error) {
	var d printer.Device
	var status string
	var purchased, retired, used int64
	err := r.Scan(&d.ID, &d.Name, &d.Model, &d.SerialNumber, &d.Department, &d.Location, &purchased, &d.URL,
		&status, &retired, &d.Usage.Documents, &d.Usage.MediaMM, &used)
	d.Status = printer.DeviceStatus(status)
	d.PurchasedAt, d.RetiredAt, d.Usage.LastUsedAt = decTime(purchased), decTime(retired), decTime(used)
	return d, err
}

func deviceArgs(d *printer.Device) ([]any, error) {
	var te timeEnc
	args := []any{d.ID, d.Name, d.Model, d.SerialNumber, d.Department, d.Location, te.t(d.PurchasedAt), d.URL,
		string(d.Status), te.t(d.RetiredAt), d.Usage.Documents, d.Usage.MediaMM, te.t(d.Usage.LastUsedAt)}
	if te.err != nil {
		return nil, fmt.Errorf("sqlite: device %s: %w", d.ID, te.err)
	}
	return args, nil
}

func unknownDevice(id string) error { return fmt.Errorf("%w: %q", printer.ErrUnknownDevice, id) }

// AddDevice implements [printer.LedgerStore].
func (s *Store) AddDevice(ctx context.Context, d printer.Device) error {
	args, err := deviceArgs(&d)
	if err != nil {
		return err
	}
	return s.write(ctx, func(w *wconn) error {
		_, err := w.exec(`INSERT INTO devices (`+deviceCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
		if isConstraint(err) {
			return fmt.Errorf("%w: %s", printer.ErrDeviceExists, d.ID)
		}
		return err
	})
}

// Device implements [printer.LedgerStore].
func (s *Store) Device(ctx context.Context, id string) (printer.Device, error) {
	if err := s.readable(ctx); err != nil {
		return printer.Device{}, err
	}
	st, err := s.read(`SELECT ` + deviceCols + ` FROM devices WHERE id = ?`)
	if err != nil {
		return printer.Device{}, err
	}
	d, err := scanDevice(st.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return printer.Device{}, unknownDevice(id)
	}
	return d, mapErr(err)
}

// Devices implements [printer.LedgerStore].
func (s *Store) Devices(ctx context.Context) ([]printer.Device, error) {
	rows, err := s.readRows(ctx, `SELECT `+deviceCols+` FROM devices ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []printer.Device{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// UpdateDevice implements [printer.LedgerStore]. fn runs once, inside the write
// transaction on the writer goroutine: it must not call the store.
func (s *Store) UpdateDevice(ctx context.Context, id string, fn func(*printer.Device) error) error {
	return s.write(ctx, func(w *wconn) error {
		d, err := scanDevice(rowOf(w, `SELECT `+deviceCols+` FROM devices WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return unknownDevice(id)
		}
		if err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		d.ID = id
		args, err := deviceArgs(&d)
		if err != nil {
			return err
		}
		_, err = w.exec(`UPDATE devices SET name = ?, model = ?, serial_number = ?, department = ?, location = ?,
			purchased_at = ?, url = ?, status = ?, retired_at = ?, documents = ?, media_mm = ?, last_used_at = ?
			WHERE id = ?`, append(args[1:], id)...)
		return err
	})
}

// AddUsage implements [printer.LedgerStore].
func (s *Store) AddUsage(ctx context.Context, id string, docs int64, mediaMM float64, at time.Time) error {
	var te timeEnc
	t := te.t(at)
	if te.err != nil {
		return te.err
	}
	return s.write(ctx, func(w *wconn) error {
		res, err := w.exec(`UPDATE devices SET documents = documents + ?, media_mm = media_mm + ?,
			last_used_at = max(last_used_at, ?) WHERE id = ?`, docs, mediaMM, t, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, unknownDevice(id))
		}
		return nil
	})
}

func deviceKnown(w *wconn, id string) error {
	var one int
	err := w.queryRow(`SELECT 1 FROM devices WHERE id = ?`, []any{id}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return unknownDevice(id)
	}
	return err
}

// recordID makes a record's ID from its rowid: M12.
func recordID(prefix string, n int64) string { return prefix + strconv.FormatInt(n, 10) }

// recordN parses the rowid out of an ID with prefix; false if it is not one.
func recordN(prefix, id string) (int64, bool) {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || rest == "" || rest[0] == '0' || rest[0] == '+' {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n > 0
}

// AddMaintenance implements [printer.LedgerStore].
func (s *Store) AddMaintenance(ctx context.Context, r printer.MaintenanceRecord) (printer.MaintenanceRecord, error) {
	var te timeEnc
	at := te.t(r.At)
	if te.err != nil {
		return r, te.err
	}
	err := s.write(ctx, func(w *wconn) error {
		if err := deviceKnown(w, r.Device); err != nil {
			return err
		}
		res, err := w.exec(`INSERT INTO maintenance (device, at, kind, by, notes) VALUES (?, ?, ?, ?, ?)`,
			r.Device, at, string(r.Kind), r.By, r.Notes)
		if err != nil {
			return err
		}
		n, err := res.LastInsertId()
		r.ID = recordID("M", n)
		return err
	})
	return r, err
}

// Maintenance implements [printer.LedgerStore].
func (s *Store) Maintenance(ctx context.Context, device string) ([]printer.MaintenanceRecord, error) {
	rows, err := s.readRows(ctx, `SELECT n, device, at, kind, by, notes FROM maintenance WHERE device = ? ORDER BY at, n`, device)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []printer.MaintenanceRecord
	for rows.Next() {
		var r printer.MaintenanceRecord
		var n, at int64
		var kind string
		if err := rows.Scan(&n, &r.Device, &at, &kind, &r.By, &r.Notes); err != nil {
			return nil, err
		}
		r.ID, r.At, r.Kind = recordID("M", n), decTime(at), printer.MaintenanceKind(kind)
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

const faultCols = `n, device, symptom, reported_at, reported_by, repaired_at, technician, result, tested_ok`

func scanFault(r scanner) (printer.FaultRecord, error) {
	var f printer.FaultRecord
	var n, reported, repaired, ok int64
	err := r.Scan(&n, &f.Device, &f.Symptom, &reported, &f.ReportedBy, &repaired, &f.Technician, &f.Result, &ok)
	f.ID, f.ReportedAt, f.RepairedAt, f.TestedOK = recordID("F", n), decTime(reported), decTime(repaired), ok != 0
	return f, err
}

// AddFault implements [printer.LedgerStore].
func (s *Store) AddFault(ctx context.Context, f printer.FaultRecord) (printer.FaultRecord, error) {
	var te timeEnc
	reported, repaired := te.t(f.ReportedAt), te.t(f.RepairedAt)
	if te.err != nil {
		return f, te.err
	}
	err := s.write(ctx, func(w *wconn) error {
		if err := deviceKnown(w, f.Device); err != nil {
			return err
		}
		res, err := w.exec(`INSERT INTO faults (device, symptom, reported_at, reported_by, repaired_at, technician, result, tested_ok)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.Device, f.Symptom, reported, f.ReportedBy, repaired, f.Technician, f.Result, b2i(f.TestedOK))
		if err != nil {
			return err
		}
		n, err := res.LastInsertId()
		f.ID = recordID("F", n)
		return err
	})
	return f, err
}

// UpdateFault implements [printer.LedgerStore]. fn runs once, inside the write
// transaction on the writer goroutine: it must not call the store.
func (s *Store) UpdateFault(ctx context.Context, id string, fn func(*printer.FaultRecord) error) error {
	n, ok := recordN("F", id)
	if !ok {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("%w: %q", printer.ErrUnknownFault, id)
	}
	return s.write(ctx, func(w *wconn) error {
		f, err := scanFault(rowOf(w, `SELECT `+faultCols+` FROM faults WHERE n = ?`, n))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %q", printer.ErrUnknownFault, id)
		}
		if err != nil {
			return err
		}
		device := f.Device
		if err := fn(&f); err != nil {
			return err
		}
		var te timeEnc
		reported, repaired := te.t(f.ReportedAt), te.t(f.RepairedAt)
		if te.err != nil {
			return te.err
		}
		_, err = w.exec(`UPDATE faults SET device = ?, symptom = ?, reported_at = ?, reported_by = ?, repaired_at = ?,
			technician = ?, result = ?, tested_ok = ? WHERE n = ?`,
			device, f.Symptom, reported, f.ReportedBy, repaired, f.Technician, f.Result, b2i(f.TestedOK), n)
		return err
	})
}

// Faults implements [printer.LedgerStore].
func (s *Store) Faults(ctx context.Context, device string) ([]printer.FaultRecord, error) {
	q, args := `SELECT `+faultCols+` FROM faults ORDER BY reported_at, n`, []any(nil)
	if device != "" {
		q, args = `SELECT `+faultCols+` FROM faults WHERE device = ? ORDER BY reported_at, n`, []any{device}
	}
	rows, err := s.readRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []printer.FaultRecord
	for rows.Next() {
		f, err := scanFault(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}
