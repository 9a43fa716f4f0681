package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/supplies"
)

var _ backup.Store = (*Store)(nil)

// Sequences implements [backup.Exporter].
func (s *Store) Sequences(ctx context.Context) (map[string]int64, error) {
	rows, err := s.readRows(ctx, `SELECT name, value FROM sequences`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return nil, mapErr(err)
		}
		out[name] = v
	}
	return out, mapErr(rows.Err())
}

// Stocktakes implements [backup.Exporter].
func (s *Store) Stocktakes(ctx context.Context) ([]supplies.Stocktake, error) {
	rows, err := s.readRows(ctx, `SELECT `+stocktakeCols+` FROM stocktakes ORDER BY n`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplies.Stocktake
	for rows.Next() {
		st, err := scanStocktake(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, st)
	}
	return out, mapErr(rows.Err())
}

// PrintUses implements [backup.Exporter].
func (s *Store) PrintUses(ctx context.Context) ([]supplies.PrintUse, error) {
	rows, err := s.readRows(ctx, `SELECT spec, docs, units, at FROM print_uses ORDER BY n`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplies.PrintUse
	for rows.Next() {
		var u supplies.PrintUse
		var at int64
		if err := rows.Scan(&u.Spec, &u.Docs, &u.Units, &at); err != nil {
			return nil, mapErr(err)
		}
		u.At = decTime(at)
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// Load implements [backup.Loader] in one write transaction. Record IDs keep
// their numbers as rowids, so the IDs handed out next follow the highest.
func (s *Store) Load(ctx context.Context, r *backup.Records) error {
	return s.write(ctx, func(w *wconn) error {
		if err := loadLedger(w, r); err != nil {
			return err
		}
		if err := loadSupplies(w, r); err != nil {
			return err
		}
		if err := s.loadShipments(w, r); err != nil {
			return err
		}
		for i := range r.Jobs {
			j := r.Jobs[i] // a copy: its bytes are sealed for the store
			j.Data = s.seal(adJob, j.ID, j.Data)
			ok, err := jobExists(w, j.ID)
			if err == nil && ok {
				err = updateJob(w, &j, true)
			} else if err == nil {
				err = insertJob(w, &j)
			}
			if err != nil {
				return fmt.Errorf("sqlite: load job %s: %w", j.ID, err)
			}
		}
		for _, in := range r.Inspections {
			var te timeEnc
			at := te.t(in.Time)
			body, err := json.Marshal(in)
			if err = cmpErr(te.err, err); err != nil {
				return err
			}
			if _, err := w.exec(`INSERT INTO qa_inspections (seq, id, order_id, time, body) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, in.Seq, in.ID, in.Order, at, s.seal(adQA, rowN(in.Seq), body)); err != nil {
				return err
			}
		}
		for _, l := range r.Lots {
			var te timeEnc
			at := te.t(l.Time)
			body, err := json.Marshal(l)
			if err = cmpErr(te.err, err); err != nil {
				return err
			}
			if _, err := w.exec(`INSERT INTO qa_lots (seq, id, time, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				l.Seq, l.ID, at, body); err != nil {
				return err
			}
		}
		for name, v := range r.Sequences {
			if _, err := w.exec(`INSERT INTO sequences (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`, name, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loadN parses the number of a record ID with prefix.
func loadN(prefix, id string) (int64, error) {
	n, ok := recordN(prefix, id)
	if !ok {
		return 0, fmt.Errorf("sqlite: load: %q is not an ID of the form %s<number>", id, prefix)
	}
	return n, nil
}

func loadLedger(w *wconn, r *backup.Records) error {
	for i := range r.Devices {
		args, err := deviceArgs(&r.Devices[i])
		if err != nil {
			return err
		}
		if _, err := w.exec(`INSERT INTO devices (`+deviceCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, model = excluded.model,
			serial_number = excluded.serial_number, department = excluded.department, location = excluded.location,
			purchased_at = excluded.purchased_at, url = excluded.url, status = excluded.status,
			retired_at = excluded.retired_at, documents = excluded.documents, media_mm = excluded.media_mm,
			last_used_at = excluded.last_used_at`, args...); err != nil {
			return err
		}
	}
	for _, m := range r.Maintenance {
		n, err := loadN("M", m.ID)
		if err != nil {
			return err
		}
		if err := deviceKnown(w, m.Device); err != nil {
			return err
		}
		var te timeEnc
		at := te.t(m.At)
		if te.err != nil {
			return te.err
		}
		if _, err := w.exec(`INSERT OR REPLACE INTO maintenance (n, device, at, kind, by, notes) VALUES (?, ?, ?, ?, ?, ?)`,
			n, m.Device, at, string(m.Kind), m.By, m.Notes); err != nil {
			return err
		}
	}
	for _, f := range r.Faults {
		n, err := loadN("F", f.ID)
		if err != nil {
			return err
		}
		if err := deviceKnown(w, f.Device); err != nil {
			return err
		}
		var te timeEnc
		reported, repaired := te.t(f.ReportedAt), te.t(f.RepairedAt)
		if te.err != nil {
			return te.err
		}
		if _, err := w.exec(`INSERT OR REPLACE INTO faults (n, device, symptom, reported_at, reported_by, repaired_at,
			technician, result, tested_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n, f.Device, f.Symptom, reported, f.ReportedBy, repaired, f.Technician, f.Result, b2i(f.TestedOK)); err != nil {
			return err
		}
	}
	return nil
}

func loadSupplies(w *wconn, r *backup.Records) error {
	for _, it := range r.Supplies {
		if _, err := w.exec(`INSERT INTO supplies (`+supplyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (spec) DO UPDATE SET kind = excluded.kind, name = excluded.name, width_mm = excluded.width_mm,
			per_pack = excluded.per_pack, lead_time_days = excluded.lead_time_days, safety_stock = excluded.safety_stock`,
			it.Spec, string(it.Kind), it.Name, it.WidthMM, it.PerPack, it.LeadTimeDays, it.SafetyStock); err != nil {
			return err
		}
	}
	for _, m := range r.Movements {
		n, err := loadN("SM", m.ID)
		if err != nil {
			return err
		}
		var one int
		if err := w.queryRow(`SELECT 1 FROM supplies WHERE spec = ?`, []any{m.Spec}, &one); err != nil {
			return fmt.Errorf("sqlite: load movement %s: %w: %q (%v)", m.ID, supplies.ErrUnknownItem, m.Spec, err)
		}
		var te timeEnc
		at := te.t(m.At)
		if te.err != nil {
			return te.err
		}
		if _, err := w.exec(`INSERT INTO movements (n, spec, type, qty, actor, at, reason, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, n, m.Spec, string(m.Type), m.Qty, m.Actor, at, m.Reason, m.Ref); err != nil {
			return err
		}
	}
	if len(r.Movements) > 0 {
		if _, err := w.exec(`UPDATE supplies SET on_hand = (SELECT coalesce(sum(qty), 0) FROM movements WHERE movements.spec = supplies.spec)`); err != nil {
			return err
		}
	}
	for _, u := range r.PrintUses {
		var te timeEnc
		at := te.t(u.At)
		if te.err != nil {
			return te.err
		}
		if _, err := w.exec(`INSERT INTO print_uses (spec, docs, units, at) VALUES (?, ?, ?, ?)`, u.Spec, u.Docs, u.Units, at); err != nil {
			return err
		}
	}
	for _, st := range r.Stocktakes {
		n, err := loadN("ST", st.ID)
		if err != nil {
			return err
		}
		var te timeEnc
		at := te.t(st.At)
		if te.err != nil {
			return te.err
		}
		if _, err := w.exec(`INSERT OR REPLACE INTO stocktakes (n, spec, at, actor, counted, book, posted, movement) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			n, st.Spec, at, st.Actor, st.Counted, st.Book, b2i(st.Posted), st.Movement); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) loadShipments(w *wconn, r *backup.Records) error {
	for _, sh := range r.Shipments {
		body, err := encodeShipment(sh)
		if err != nil {
			return err
		}
		body = s.seal(adShipment, sh.TrackingNo, body)
		if _, err := w.exec(`INSERT INTO shipments (tracking_no, order_id, carrier, state, body) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tracking_no) DO UPDATE SET order_id = excluded.order_id, carrier = excluded.carrier,
			state = excluded.state, body = excluded.body`, sh.TrackingNo, sh.OrderID, sh.Carrier, string(sh.State), body); err != nil {
			return err
		}
	}
	for _, ev := range r.Events {
		var one int
		if err := w.queryRow(`SELECT 1 FROM shipments WHERE tracking_no = ?`, []any{ev.TrackingNo}, &one); err != nil {
			return fmt.Errorf("sqlite: load tracking event: %w: %s (%v)", shipment.ErrNotFound, ev.TrackingNo, err)
		}
		var te timeEnc
		at := te.t(ev.Time)
		if te.err != nil {
			return te.err
		}
		if _, err := w.exec(`INSERT INTO tracking_events (key, tracking_no, time, state, code, text, location, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			ev.Key(), ev.TrackingNo, at, string(ev.State), ev.Code, s.sealText(adTracking, ev.Key(), ev.Text), ev.Location, ev.Source); err != nil {
			return err
		}
	}
	for _, p := range r.Problems {
		n, ok := problemN(p.ID)
		if !ok {
			return fmt.Errorf("sqlite: load: %q is not a problem ID", p.ID)
		}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if _, err := w.exec(`INSERT OR REPLACE INTO problems (n, tracking_no, carrier, kind, resolved, body) VALUES (?, ?, ?, ?, ?, ?)`,
			n, p.TrackingNo, p.Carrier, string(p.Kind), b2i(!p.Open()), s.seal(adProblem, rowN(n), body)); err != nil {
			return err
		}
	}
	return nil
}
