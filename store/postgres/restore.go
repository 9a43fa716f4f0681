package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/supplies"
)

var _ backup.Store = (*Store)(nil)

// Sequences implements [backup.Exporter].
func (s *Store) Sequences(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.read(ctx, "sequences", func() error {
		clear(out)
		rows, err := s.pool.Query(ctx, `SELECT name, value FROM sequences`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var v int64
			if err := rows.Scan(&name, &v); err != nil {
				return err
			}
			out[name] = v
		}
		return rows.Err()
	})
	return out, err
}

// Stocktakes implements [backup.Exporter].
func (s *Store) Stocktakes(ctx context.Context) ([]supplies.Stocktake, error) {
	var out []supplies.Stocktake
	err := s.read(ctx, "stocktakes", func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, `SELECT `+stocktakeCols+` FROM stocktakes ORDER BY no`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			st, err := scanStocktake(rows)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return rows.Err()
	})
	return out, err
}

// PrintUses implements [backup.Exporter].
func (s *Store) PrintUses(ctx context.Context) ([]supplies.PrintUse, error) {
	var out []supplies.PrintUse
	err := s.read(ctx, "print uses", func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, `SELECT spec, docs, units, at FROM supply_prints ORDER BY no`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u supplies.PrintUse
			if err := rows.Scan(&u.Spec, &u.Docs, &u.Units, &u.At); err != nil {
				return err
			}
			u.At = zt(u.At)
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

// recordNo parses the number of a record ID with prefix ("M12").
func recordNo(prefix, id string) (int64, error) {
	num, ok := strings.CutPrefix(id, prefix)
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || n <= 0 || prefix+strconv.FormatInt(n, 10) != id {
		return 0, fmt.Errorf("postgres: load: %q is not an ID of the form %s<number>", id, prefix)
	}
	return n, nil
}

// Load implements [backup.Loader] in one transaction, its statements sent as
// one batch. Afterwards the job counter and the sequences behind record IDs
// continue from the highest number loaded.
func (s *Store) Load(ctx context.Context, r *backup.Records) error {
	b := &pgx.Batch{}
	for i := range r.Devices {
		b.Queue(`INSERT INTO devices (`+deviceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, model = excluded.model,
			serial_number = excluded.serial_number, department = excluded.department, location = excluded.location,
			purchased_at = excluded.purchased_at, url = excluded.url, status = excluded.status,
			retired_at = excluded.retired_at, documents = excluded.documents, media_mm = excluded.media_mm,
			last_used_at = excluded.last_used_at`, deviceArgs(&r.Devices[i])...)
	}
	for _, m := range r.Maintenance {
		no, err := recordNo("M", m.ID)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO maintenance (no, device, at, kind, by, notes) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (no) DO UPDATE SET device = excluded.device, at = excluded.at, kind = excluded.kind,
			by = excluded.by, notes = excluded.notes`, no, m.Device, m.At, string(m.Kind), m.By, m.Notes)
	}
	for _, f := range r.Faults {
		no, err := recordNo("F", f.ID)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO faults (no, device, symptom, reported_at, reported_by, repaired_at, technician, result, tested_ok)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (no) DO UPDATE SET device = excluded.device, symptom = excluded.symptom,
			reported_at = excluded.reported_at, reported_by = excluded.reported_by, repaired_at = excluded.repaired_at,
			technician = excluded.technician, result = excluded.result, tested_ok = excluded.tested_ok`,
			no, f.Device, f.Symptom, f.ReportedAt, f.ReportedBy, f.RepairedAt, f.Technician, f.Result, f.TestedOK)
	}
	for _, it := range r.Supplies {
		b.Queue(`INSERT INTO supply_items (`+itemCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (spec) DO UPDATE SET kind = excluded.kind, name = excluded.name, width_mm = excluded.width_mm,
			per_pack = excluded.per_pack, lead_time_days = excluded.lead_time_days, safety_stock = excluded.safety_stock`,
			it.Spec, string(it.Kind), it.Name, it.WidthMM, it.PerPack, it.LeadTimeDays, it.SafetyStock)
	}
	for _, m := range r.Movements {
		no, err := recordNo("SM", m.ID)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO supply_movements (no, spec, type, qty, actor, at, reason, ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (no) DO NOTHING`, no, m.Spec, string(m.Type), m.Qty, m.Actor, m.At, m.Reason, m.Ref)
	}
	if len(r.Movements) > 0 {
		b.Queue(`UPDATE supply_items i SET on_hand = coalesce((SELECT sum(qty) FROM supply_movements m WHERE m.spec = i.spec), 0)`)
	}
	for _, u := range r.PrintUses {
		b.Queue(`INSERT INTO supply_prints (spec, docs, units, at) VALUES ($1, $2, $3, $4)`, u.Spec, u.Docs, u.Units, u.At)
	}
	for _, st := range r.Stocktakes {
		no, err := recordNo("ST", st.ID)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO stocktakes (no, spec, at, actor, counted, book, posted, movement) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (no) DO UPDATE SET spec = excluded.spec, at = excluded.at, actor = excluded.actor,
			counted = excluded.counted, book = excluded.book, posted = excluded.posted, movement = excluded.movement`,
			no, st.Spec, st.At, st.Actor, st.Counted, st.Book, st.Posted, st.Movement)
	}
	for _, sh := range r.Shipments {
		body, err := encodeShipment(sh)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO shipments (tracking_no, order_id, carrier, state, body) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tracking_no) DO UPDATE SET order_id = excluded.order_id, carrier = excluded.carrier,
			state = excluded.state, body = excluded.body`, sh.TrackingNo, sh.OrderID, sh.Carrier, string(sh.State), s.seal(adShipment, sh.TrackingNo, body))
	}
	for _, ev := range r.Events {
		at, ns := splitTime(ev.Time)
		b.Queue(`INSERT INTO tracking_events (key, tracking_no, at, at_ns, state, code, text, location, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
			ev.Key(), ev.TrackingNo, at, ns, string(ev.State), []byte(ev.Code), s.seal(adTracking, ev.Key(), []byte(ev.Text)), []byte(ev.Location), []byte(ev.Source))
	}
	for _, p := range r.Problems {
		no, err := recordNo("P", p.ID)
		if err != nil {
			return err
		}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO problems (n, tracking_no, carrier, kind, resolved, body) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (n) DO UPDATE SET tracking_no = excluded.tracking_no, carrier = excluded.carrier,
			kind = excluded.kind, resolved = excluded.resolved, body = excluded.body`,
			no, p.TrackingNo, p.Carrier, string(p.Kind), !p.Open(), s.seal(adProblem, rowN(no), body))
	}
	for i := range r.Jobs {
		j := r.Jobs[i] // a copy: its bytes are sealed for the store
		j.Data = s.seal(adJob, j.ID, j.Data)
		b.Queue(`INSERT INTO jobs (`+jobCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
			$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
			ON CONFLICT (id) DO UPDATE SET printer = excluded.printer, data = excluded.data,
			media_length = excluded.media_length, state = excluded.state, seq = excluded.seq, owner = excluded.owner,
			attempts = excluded.attempts, print_count = excluded.print_count, reprint = excluded.reprint,
			reprint_reason = excluded.reprint_reason, rerender = excluded.rerender, hash = excluded.hash,
			revision = excluded.revision, updated_at = excluded.updated_at, sent_at = excluded.sent_at,
			printed_at = excluded.printed_at, last_error = excluded.last_error`, jobArgs(&j)...)
	}
	for _, in := range r.Inspections {
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		at, ns := splitTime(in.Time)
		b.Queue(`INSERT INTO qa_inspections (seq, id, order_id, time, time_ns, body) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING`, in.Seq, in.ID, in.Order, at, ns, s.seal(adQA, rowN(in.Seq), body))
	}
	for _, l := range r.Lots {
		body, err := json.Marshal(l)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO qa_lots (seq, id, time, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, l.Seq, l.ID, l.Time, body)
	}
	for name, v := range r.Sequences {
		b.Queue(`INSERT INTO sequences (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = greatest(sequences.value, excluded.value)`, name, v)
	}
	if len(r.Jobs) > 0 {
		b.Queue(`UPDATE counters SET value = greatest(value, (SELECT coalesce(max(seq), 0) FROM jobs)) WHERE name = 'job'`)
	}
	for _, t := range [...]struct{ table, col string }{{"maintenance", "no"}, {"faults", "no"}, {"supply_movements", "no"},
		{"stocktakes", "no"}, {"problems", "n"}, {"qa_inspections", "seq"}, {"qa_lots", "seq"}} {
		b.Queue(`SELECT setval(pg_get_serial_sequence('` + t.table + `', '` + t.col + `'), max(` + t.col + `)) FROM ` + t.table +
			` HAVING max(` + t.col + `) IS NOT NULL`)
	}
	return s.tx(ctx, "load", func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
}
