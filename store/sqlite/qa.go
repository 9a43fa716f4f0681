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

var (
	_ qa.Store   = (*Store)(nil)
	_ qa.Counter = (*Store)(nil)
	_ qa.Roster  = (*Store)(nil)

	_ qa.InspectedLister = (*Store)(nil)
)

// printedPage is how many printed events a query of [Store.Printed] takes.
const printedPage = 4096

// Printed implements [qa.Source]: one query per page joins the printed events
// (by the partial index journal_printed) with the first copies of their jobs.
// The records come in order of the printed time.
func (s *Store) Printed(ctx context.Context, from, to time.Time) iter.Seq2[qa.Printed, error] {
	return func(yield func(qa.Printed, error) bool) {
		lo, hi := printedBounds(from, to)
		lastT, lastSeq := lo, int64(-1)
		const q = `SELECT j.seq, j.order_id, j.time, j.actor, j.detail,
				b.seq, b.doc, b.template, b.version, b.hash, b.printer
			FROM (SELECT seq, order_id, time, actor, detail FROM journal INDEXED BY journal_printed
				WHERE action = 'printed' AND time >= ? AND time < ? AND (time > ? OR seq > ?)
				AND NOT EXISTS (SELECT 1 FROM journal k INDEXED BY journal_printed_order
					WHERE k.action = 'printed' AND k.order_id = journal.order_id AND k.seq > journal.seq AND k.time < ?)
				ORDER BY time, seq LIMIT ?) j
			LEFT JOIN jobs b ON b.order_id = j.order_id AND b.copy = 1
			ORDER BY j.time, j.seq`
		for {
			rows, err := s.readRows(ctx, q, lastT, hi, lastT, lastSeq, hi, printedPage) // the range starts at the last page's end
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
			id, err := freeID(w, "qa_inspections", "I", in.Seq)
			if err != nil {
				return err
			}
			in.ID = id
		}
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = s.seal(adQA, rowN(in.Seq), body)
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
					body, err = s.unseal(adQA, rowN(last), body)
				}
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
			id, err := freeID(w, "qa_lots", "L", l.Seq)
			if err != nil {
				return err
			}
			l.ID = id
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

// CountPrinted implements [qa.Counter]: the printed events in the period (the
// index on time alone) less the extra ones of orders printed more than once.
func (s *Store) CountPrinted(ctx context.Context, from, to time.Time) (int, error) {
	lo, hi := printedBounds(from, to)
	var n, extra int
	err := s.readRow(ctx, `SELECT count(*) FROM journal INDEXED BY journal_printed
		WHERE action = 'printed' AND time >= ? AND time < ?`, []any{lo, hi}, &n)
	if err != nil {
		return 0, err
	}
	err = s.readRow(ctx, `SELECT ifnull(sum(c - 1), 0) FROM (SELECT count(*) AS c FROM journal INDEXED BY journal_printed_order
		WHERE action = 'printed' AND time >= ? AND time < ? AND order_id IN
			(SELECT order_id FROM journal INDEXED BY journal_printed_order WHERE action = 'printed'
			GROUP BY order_id HAVING count(*) > 1)
		GROUP BY order_id)`, []any{lo, hi}, &extra)
	return n - extra, err
}

func printedBounds(from, to time.Time) (int64, int64) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = clampTime(from)
	}
	if !to.IsZero() {
		hi = clampTime(to)
	}
	return lo, hi
}

// Roster implements [qa.Roster]: the printed events joined with the printers
// of their jobs, read as raw bytes with the repeating names interned, for
// sampling a million orders in a few seconds. Orders printed more than once
// (few) are found first by an index-only scan and kept aside, so that the last
// print in the period counts; they come last.
func (s *Store) Roster(ctx context.Context, from, to time.Time) iter.Seq2[qa.Printed, error] {
	return func(yield func(qa.Printed, error) bool) {
		lo, hi := printedBounds(from, to)
		multi := map[string]bool{}
		rows, err := s.readRows(ctx, `SELECT order_id FROM journal INDEXED BY journal_printed_order
			WHERE action = 'printed' GROUP BY order_id HAVING count(*) > 1`)
		if err != nil {
			yield(qa.Printed{}, err)
			return
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				yield(qa.Printed{}, err)
				return
			}
			multi[id] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			yield(qa.Printed{}, mapErr(err))
			return
		}
		aside := map[string]qa.Printed{}
		asideSeq := map[string]int64{}
		names := map[string]string{}
		intern := func(b []byte) string {
			if s, ok := names[string(b)]; ok {
				return s
			}
			s := string(b)
			names[s] = s
			return s
		}
		// A page holds printedPage rows of events joined with jobs; its last
		// event may be cut short, so the next page starts again at it. Each row
		// is one text value (one column costs less to read than seven), the
		// untrusted fields length-prefixed: see parseRosterRow.
		const q = `SELECT j.seq || ',' || j.time || ',' || octet_length(j.order_id) || ':' || j.order_id
				|| octet_length(j.actor) || ':' || j.actor || ifnull(b.seq, -1) || ','
				|| octet_length(ifnull(b.doc, '')) || ':' || ifnull(b.doc, '')
				|| octet_length(ifnull(b.printer, '')) || ':' || ifnull(b.printer, '')
			FROM journal j INDEXED BY journal_printed
			LEFT JOIN jobs b ON b.order_id = j.order_id AND b.copy = 1
			WHERE j.action = 'printed' AND j.time >= ? AND j.time < ? AND (j.time > ? OR j.seq > ?)
			ORDER BY j.time, j.seq LIMIT ?`
		lastT, lastSeq := lo, int64(-1)
		type ev struct {
			seq, at int64
			p       qa.Printed
			jseq    []int64
		}
		for {
			rows, err := s.readRows(ctx, q, lastT, hi, lastT, lastSeq, printedPage)
			if err != nil {
				yield(qa.Printed{}, err)
				return
			}
			out := make([]ev, 0, printedPage)
			var raw sql.RawBytes
			n := 0
			for rows.Next() {
				n++
				err := rows.Scan(&raw)
				var r rosterRow
				if err == nil {
					r, err = parseRosterRow(raw)
				}
				if err != nil {
					rows.Close()
					yield(qa.Printed{}, err)
					return
				}
				if len(out) == 0 || out[len(out)-1].seq != r.seq {
					out = append(out, ev{seq: r.seq, at: r.at, p: qa.Printed{Order: string(r.id), Time: decTime(r.at), Operator: intern(r.actor)}})
				}
				if r.jseq < 0 {
					continue
				}
				e := &out[len(out)-1]
				d := qa.Doc{Kind: intern(r.doc), Printer: intern(r.printer)}
				replaced := false
				for i := range e.p.Docs {
					if e.p.Docs[i].Kind == d.Kind {
						if r.jseq > e.jseq[i] { // the latest job of the kind
							e.p.Docs[i], e.jseq[i] = d, r.jseq
						}
						replaced = true
					}
				}
				if !replaced {
					e.p.Docs, e.jseq = append(e.p.Docs, d), append(e.jseq, r.jseq)
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(qa.Printed{}, mapErr(err))
				return
			}
			full := n == printedPage
			if full && len(out) > 1 {
				out = out[:len(out)-1] // perhaps cut short: read again on the next page
			}
			for _, e := range out {
				lastT, lastSeq = e.at, e.seq
				sortDocs(e.p.Docs, e.jseq)
				if multi[e.p.Order] {
					if e.seq > asideSeq[e.p.Order] {
						aside[e.p.Order], asideSeq[e.p.Order] = e.p, e.seq
					}
					continue
				}
				if !yield(e.p, nil) {
					return
				}
			}
			if !full {
				break
			}
		}
		for _, p := range aside {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// rosterRow is one row of the roster query.
type rosterRow struct {
	seq, at, jseq           int64
	id, actor, doc, printer []byte
}

var errRosterRow = errors.New("sqlite: malformed roster row")

// parseRosterRow reads "seq,time,N:idN:actorjseq,N:docN:printer", where N is
// the byte length of the text after it, so any byte may be in the texts.
func parseRosterRow(b []byte) (rosterRow, error) {
	var r rosterRow
	num := func(end byte) (int64, bool) {
		var v int64
		neg, i := false, 0
		if len(b) > 0 && b[0] == '-' {
			neg, i = true, 1
		}
		start := i
		for ; i < len(b) && b[i] != end; i++ {
			c := b[i]
			if c < '0' || c > '9' || i-start >= 19 {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		if i == len(b) || i == start {
			return 0, false
		}
		b = b[i+1:]
		if neg {
			v = -v
		}
		return v, true
	}
	text := func() ([]byte, bool) {
		n, ok := num(':')
		if !ok || n < 0 || n > int64(len(b)) {
			return nil, false
		}
		t := b[:n]
		b = b[n:]
		return t, true
	}
	var ok [7]bool
	r.seq, ok[0] = num(',')
	r.at, ok[1] = num(',')
	r.id, ok[2] = text()
	r.actor, ok[3] = text()
	r.jseq, ok[4] = num(',')
	r.doc, ok[5] = text()
	r.printer, ok[6] = text()
	for _, o := range ok {
		if !o {
			return rosterRow{}, errRosterRow
		}
	}
	if len(b) != 0 {
		return rosterRow{}, errRosterRow
	}
	return r, nil
}

// InspectedOrders implements [qa.InspectedLister] from the index on order_id.
func (s *Store) InspectedOrders(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		rows, err := s.readRows(ctx, `SELECT DISTINCT order_id FROM qa_inspections INDEXED BY qa_inspections_order`)
		if err != nil {
			yield("", err)
			return
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				yield("", err)
				return
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			yield("", mapErr(err))
			return
		}
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}

// sortDocs puts docs in the order their jobs were queued (seqs), the order
// the station lists the documents in.
func sortDocs(docs []qa.Doc, seqs []int64) {
	for i := 1; i < len(docs); i++ {
		for j := i; j > 0 && seqs[j] < seqs[j-1]; j-- {
			docs[j], docs[j-1] = docs[j-1], docs[j]
			seqs[j], seqs[j-1] = seqs[j-1], seqs[j]
		}
	}
}

// freeID returns prefix and seq as an ID of table, with a suffix if a caller
// took it.
func freeID(w *wconn, table, prefix string, seq int64) (string, error) {
	id := prefix + strconv.FormatInt(seq, 10)
	for n := 2; ; n++ {
		var one int
		err := w.queryRow(`SELECT 1 FROM `+table+` WHERE id = ?`, []any{id}, &one)
		if errors.Is(err, sql.ErrNoRows) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
		id = prefix + strconv.FormatInt(seq, 10) + "-" + strconv.Itoa(n)
	}
}
