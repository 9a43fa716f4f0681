package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
)

var _ qa.Store = (*Store)(nil)

// printedPage is how many printed events a query of [Store.Printed] takes.
const printedPage = 4096

// Printed implements [qa.Source]: one query per page joins the printed events
// (by the partial index journal_printed) with the first copies of their jobs.
// The records come in order of the printed time.
func (s *Store) Printed(ctx context.Context, from, to time.Time) iter.Seq2[qa.Printed, error] {
	return func(yield func(qa.Printed, error) bool) {
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if !from.IsZero() {
			lo = clampTime(from)
		}
		if !to.IsZero() {
			hi = clampTime(to)
		}
		lastT, lastSeq := lo, int64(-1)
		const q = `SELECT j.seq, j.order_id, j.time, j.actor, j.detail,
				b.seq, b.doc, b.template, b.version, b.hash, b.printer
			FROM (SELECT seq, order_id, time, actor, detail FROM journal INDEXED BY journal_printed
				WHERE action = 'printed' AND time >= ? AND time < ? AND (time > ? OR time = ? AND seq > ?)
				AND NOT EXISTS (SELECT 1 FROM journal k INDEXED BY journal_printed_order
					WHERE k.action = 'printed' AND k.order_id = journal.order_id AND k.seq > journal.seq AND k.time < ?)
				ORDER BY time, seq LIMIT ?) j
			LEFT JOIN jobs b ON b.order_id = j.order_id AND b.copy = 1
			ORDER BY j.time, j.seq`
		for {
			rows, err := s.readRows(ctx, q, lo, hi, lastT, lastT, lastSeq, hi, printedPage)
			if err != nil {
				yield(qa.Printed{}, err)
				return
			}
			var out []qa.Printed
			var ev order.Event
			var jobs []printer.Job
			n := 0
			flush := func() {
				if ev.Seq != 0 {
					out = append(out, qa.Derive(ev, jobs))
				}
			}
			for rows.Next() {
				var seq, at int64
				var id, actor, detail string
				var jseq sql.NullInt64
				var doc, tpl, ver, hash, prn sql.NullString
				if err := rows.Scan(&seq, &id, &at, &actor, &detail, &jseq, &doc, &tpl, &ver, &hash, &prn); err != nil {
					rows.Close()
					yield(qa.Printed{}, err)
					return
				}
				if uint64(seq) != ev.Seq {
					flush()
					n++
					ev = order.Event{Seq: uint64(seq), OrderID: id, Time: decTime(at), Actor: actor, Action: order.ActPrinted, Detail: detail}
					jobs = jobs[:0]
					lastT, lastSeq = at, seq
				}
				if jseq.Valid {
					jobs = append(jobs, printer.Job{Seq: jseq.Int64, Printer: prn.String, Hash: hash.String,
						Key: printer.JobKey{Order: id, Doc: printer.DocKind(doc.String), Template: tpl.String, Version: ver.String, Copy: 1}})
				}
			}
			flush()
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(qa.Printed{}, mapErr(err))
				return
			}
			for _, p := range out {
				if !yield(p, nil) {
					return
				}
			}
			if n < printedPage {
				return
			}
		}
	}
}

// PrintedOrder implements [qa.Source].
func (s *Store) PrintedOrder(ctx context.Context, id string) (qa.Printed, error) {
	var ev order.Event
	var seq, at int64
	err := s.readRow(ctx, `SELECT seq, time, actor, detail FROM journal INDEXED BY journal_printed_order
		WHERE action = 'printed' AND order_id = ? ORDER BY seq DESC LIMIT 1`, []any{id}, &seq, &at, &ev.Actor, &ev.Detail)
	if errors.Is(err, sql.ErrNoRows) {
		return qa.Printed{}, fmt.Errorf("%w: %s", qa.ErrNotPrinted, id)
	}
	if err != nil {
		return qa.Printed{}, err
	}
	ev.Seq, ev.Time, ev.OrderID, ev.Action = uint64(seq), decTime(at), id, order.ActPrinted
	js, err := s.Jobs(ctx, printer.JobFilter{Order: id})
	if err != nil {
		return qa.Printed{}, err
	}
	return qa.Derive(ev, js), nil
}

// AddInspection implements [qa.InspectionStore].
func (s *Store) AddInspection(ctx context.Context, in qa.Inspection) (qa.Inspection, error) {
	if err := in.Validate(); err != nil {
		return qa.Inspection{}, err
	}
	var te timeEnc
	at := te.t(in.Time)
	if te.err != nil {
		return qa.Inspection{}, te.err
	}
	err := s.write(ctx, func(w *wconn) error {
		if err := w.queryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM qa_inspections`, nil, &in.Seq); err != nil {
			return err
		}
		if in.ID == "" {
			in.ID = "I" + strconv.FormatInt(in.Seq, 10)
		}
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		_, err = w.exec(`INSERT INTO qa_inspections (seq, id, order_id, time, body) VALUES (?, ?, ?, ?, ?)`,
			in.Seq, in.ID, in.Order, at, body)
		if isConstraint(err) {
			return fmt.Errorf("%w: inspection ID %s is taken", qa.ErrInvalid, in.ID)
		}
		return err
	})
	if err != nil {
		return qa.Inspection{}, err
	}
	return in, nil
}

// Inspections implements [qa.InspectionStore].
func (s *Store) Inspections(ctx context.Context, f qa.Filter) iter.Seq2[qa.Inspection, error] {
	return func(yield func(qa.Inspection, error) bool) {
		var where []string
		var args []any
		if f.Order != "" {
			where, args = append(where, "order_id = ?"), append(args, f.Order)
		}
		if !f.From.IsZero() {
			where, args = append(where, "time >= ?"), append(args, clampTime(f.From))
		}
		if !f.To.IsZero() {
			where, args = append(where, "time < ?"), append(args, clampTime(f.To))
		}
		q := `SELECT seq, body FROM qa_inspections WHERE seq > ?`
		if len(where) > 0 {
			q += " AND " + strings.Join(where, " AND ")
		}
		q += " ORDER BY seq LIMIT ?"
		last := int64(0)
		for {
			rows, err := s.readRows(ctx, q, append(append([]any{last}, args...), printedPage)...)
			if err != nil {
				yield(qa.Inspection{}, err)
				return
			}
			var out []qa.Inspection
			for rows.Next() {
				var body []byte
				var in qa.Inspection
				err := rows.Scan(&last, &body)
				if err == nil {
					err = json.Unmarshal(body, &in)
				}
				if err != nil {
					rows.Close()
					yield(qa.Inspection{}, err)
					return
				}
				in.Seq = last
				out = append(out, in)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(qa.Inspection{}, mapErr(err))
				return
			}
			for _, in := range out {
				if !yield(in, nil) {
					return
				}
			}
			if len(out) < printedPage {
				return
			}
		}
	}
}

// AddLot implements [qa.LotStore].
func (s *Store) AddLot(ctx context.Context, l qa.Lot) (qa.Lot, error) {
	var te timeEnc
	at := te.t(l.Time)
	if te.err != nil {
		return qa.Lot{}, te.err
	}
	err := s.write(ctx, func(w *wconn) error {
		if err := w.queryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM qa_lots`, nil, &l.Seq); err != nil {
			return err
		}
		if l.ID == "" {
			l.ID = "L" + strconv.FormatInt(l.Seq, 10)
		}
		body, err := json.Marshal(l)
		if err != nil {
			return err
		}
		_, err = w.exec(`INSERT INTO qa_lots (seq, id, time, body) VALUES (?, ?, ?, ?)`, l.Seq, l.ID, at, body)
		if isConstraint(err) {
			return fmt.Errorf("%w: lot ID %s is taken", qa.ErrInvalid, l.ID)
		}
		return err
	})
	if err != nil {
		return qa.Lot{}, err
	}
	return l, nil
}

// Lots implements [qa.LotStore].
func (s *Store) Lots(ctx context.Context) iter.Seq2[qa.Lot, error] {
	return func(yield func(qa.Lot, error) bool) {
		last := int64(0)
		for {
			rows, err := s.readRows(ctx, `SELECT seq, body FROM qa_lots WHERE seq > ? ORDER BY seq LIMIT ?`, last, pageSize)
			if err != nil {
				yield(qa.Lot{}, err)
				return
			}
			var out []qa.Lot
			for rows.Next() {
				var body []byte
				var l qa.Lot
				err := rows.Scan(&last, &body)
				if err == nil {
					err = json.Unmarshal(body, &l)
				}
				if err != nil {
					rows.Close()
					yield(qa.Lot{}, err)
					return
				}
				l.Seq = last
				out = append(out, l)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(qa.Lot{}, mapErr(err))
				return
			}
			for _, l := range out {
				if !yield(l, nil) {
					return
				}
			}
			if len(out) < pageSize {
				return
			}
		}
	}
}
