package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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

// printedPage is how many printed events a query of [Store.Printed] and
// [Store.Roster] takes.
const printedPage = 4096

// ceilMicro returns the first microsecond at or after t. Times are stored to
// the microsecond, truncated; a stored time lies at or after t, or before t,
// exactly when it does so against ceilMicro(t).
func ceilMicro(t time.Time) time.Time {
	u := t.Truncate(time.Microsecond)
	if u.Before(t) {
		u = u.Add(time.Microsecond)
	}
	return u
}

// printedBounds returns [from, to) as timestamptz parameters, a zero bound
// as infinity.
func printedBounds(from, to time.Time) (lo, hi pgtype.Timestamptz) {
	lo = pgtype.Timestamptz{Valid: true, InfinityModifier: pgtype.NegativeInfinity}
	hi = pgtype.Timestamptz{Valid: true, InfinityModifier: pgtype.Infinity}
	if !from.IsZero() {
		lo = pgtype.Timestamptz{Valid: true, Time: ceilMicro(from)}
	}
	if !to.IsZero() {
		hi = pgtype.Timestamptz{Valid: true, Time: ceilMicro(to)}
	}
	return lo, hi
}

// printedEvents calls page with the pages of the last printed event in [lo,
// hi) of each order, in order of time and seq, keyset-paged on the partial
// index journal_printed. Whether an order was printed again later in the
// period is a subquery per event of the page, an index-only probe of
// journal_printed_order (in the select list, so that it is one whatever the
// table's statistics); such events are left out of the page. Each page is
// read in one attempt of s.read.
func (s *Store) printedEvents(ctx context.Context, op string, lo, hi pgtype.Timestamptz, page func([]order.Event) error) error {
	const q = `SELECT seq, at, actor, order_id, detail,
			EXISTS (SELECT 1 FROM journal k WHERE k.action = 'printed' AND k.order_id = j.order_id
				AND k.at >= $5 AND k.at < $2 AND k.seq > j.seq)
		FROM journal j
		WHERE action = 'printed' AND at >= $1 AND at < $2 AND (at > $3 OR seq > $4)
		ORDER BY at, seq LIMIT $6`
	lastT, lastSeq := lo, int64(-1)
	evs := make([]order.Event, 0, 64)
	for {
		n := 0
		fromT, fromSeq := lastT, lastSeq // the page starts here in every attempt
		err := s.read(ctx, op, func() error {
			evs, n = evs[:0], 0
			rows, err := s.pool.Query(ctx, q, fromT, hi, fromT, fromSeq, lo, printedPage)
			if err != nil {
				return err
			}
			var (
				ev    order.Event
				seq   int64
				later bool
			)
			_, err = pgx.ForEachRow(rows, []any{&seq, &ev.Time, &ev.Actor, &ev.OrderID, &ev.Detail, &later}, func() error {
				n++
				lastT, lastSeq = pgtype.Timestamptz{Valid: true, Time: ev.Time}, seq
				if !later {
					ev.Seq, ev.Action = uint64(seq), order.ActPrinted
					evs = append(evs, ev)
				}
				return nil
			})
			return err
		})
		if err != nil {
			return err
		}
		for i := range evs {
			evs[i].Time = zt(evs[i].Time)
		}
		if len(evs) > 0 {
			if err := page(evs); err != nil {
				return err
			}
		}
		if n < printedPage {
			return nil
		}
	}
}

// errStop ends printedEvents when the consumer stops.
var errStop = errors.New("postgres: stop")

// orderIDs returns the order IDs of evs.
func orderIDs(evs []order.Event) []string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.OrderID
	}
	return ids
}

// Printed implements [qa.Source]: per page of printed events (see
// printedEvents), one more query reads the first copies of their orders'
// jobs. The records come in order of the printed time.
func (s *Store) Printed(ctx context.Context, from, to time.Time) iter.Seq2[qa.Printed, error] {
	return func(yield func(qa.Printed, error) bool) {
		lo, hi := printedBounds(from, to)
		byOrder := map[string][]printer.Job{}
		err := s.printedEvents(ctx, "printed", lo, hi, func(evs []order.Event) error {
			err := s.read(ctx, "printed", func() error {
				clear(byOrder)
				rows, err := s.pool.Query(ctx, `SELECT key_order, key_doc, key_template, key_version, seq, printer, hash
					FROM jobs WHERE key_order = ANY($1) AND key_copy = 1`, orderIDs(evs))
				if err != nil {
					return err
				}
				var (
					j   printer.Job
					doc string
				)
				_, err = pgx.ForEachRow(rows, []any{&j.Key.Order, &doc, &j.Key.Template, &j.Key.Version, &j.Seq, &j.Printer, &j.Hash}, func() error {
					j.Key.Doc, j.Key.Copy = printer.DocKind(doc), 1
					byOrder[j.Key.Order] = append(byOrder[j.Key.Order], j)
					return nil
				})
				return err
			})
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if !yield(qa.Derive(ev, byOrder[ev.OrderID]), nil) {
					return errStop
				}
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(qa.Printed{}, err)
		}
	}
}

// PrintedOrder implements [qa.Source].
func (s *Store) PrintedOrder(ctx context.Context, id string) (qa.Printed, error) {
	if !storable(id) {
		return qa.Printed{}, fmt.Errorf("%w: %q", qa.ErrNotPrinted, id)
	}
	ev := order.Event{OrderID: id, Action: order.ActPrinted}
	var seq int64
	err := s.read(ctx, "printed order", func() error {
		return s.pool.QueryRow(ctx, `SELECT seq, at, actor, detail FROM journal
			WHERE action = 'printed' AND order_id = $1 ORDER BY seq DESC LIMIT 1`, id).Scan(&seq, &ev.Time, &ev.Actor, &ev.Detail)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return qa.Printed{}, fmt.Errorf("%w: %s", qa.ErrNotPrinted, id)
	}
	if err != nil {
		return qa.Printed{}, err
	}
	ev.Seq, ev.Time = uint64(seq), zt(ev.Time)
	js, err := s.Jobs(ctx, printer.JobFilter{Order: id})
	if err != nil {
		return qa.Printed{}, err
	}
	return qa.Derive(ev, js), nil
}

// insertRecord stores a qa record in table under the next seq: body(seq, id)
// returns the record's JSON with them set. An empty id is made of prefix and
// the seq, with -2, -3… added while a caller holds that ID; a given id that
// is taken gives an error wrapping [qa.ErrInvalid]. cols and args are the
// index columns after seq, id and before body.
func (s *Store) insertRecord(ctx context.Context, op, table, what, prefix, id string, cols string, args []any,
	body func(seq int64, id string) ([]byte, error)) (int64, string, error) {
	if !storable(id) {
		return 0, "", fmt.Errorf("%w: %s ID %q: %w", qa.ErrInvalid, what, id, ErrInvalidText)
	}
	var seq int64
	var got string
	ph := make([]string, len(args))
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+4)
	}
	q := `INSERT INTO ` + table + ` (seq, id, ` + cols + `, body) VALUES ($1, $2, ` + strings.Join(ph, ", ") +
		`, $3) ON CONFLICT (id) DO NOTHING`
	err := s.tx(ctx, op, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'seq'))`, table).Scan(&seq); err != nil {
			return err
		}
		got = id
		for n := 1; ; n++ {
			if id == "" {
				got = prefix + strconv.FormatInt(seq, 10)
				if n > 1 {
					got += "-" + strconv.Itoa(n)
				}
			}
			b, err := body(seq, got)
			if err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, q, append([]any{seq, got, b}, args...)...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				return nil
			}
			if id != "" {
				return fmt.Errorf("%w: %s ID %s is taken", qa.ErrInvalid, what, id)
			}
		}
	})
	if err != nil {
		return 0, "", err
	}
	return seq, got, nil
}

// AddInspection implements [qa.InspectionStore]. An ID or order ID with a NUL
// byte or invalid UTF-8 gives an error wrapping [qa.ErrInvalid] and
// [ErrInvalidText].
func (s *Store) AddInspection(ctx context.Context, in qa.Inspection) (qa.Inspection, error) {
	if err := in.Validate(); err != nil {
		return qa.Inspection{}, err
	}
	if !storable(in.Order) {
		return qa.Inspection{}, fmt.Errorf("%w: inspection of order %q: %w", qa.ErrInvalid, in.Order, ErrInvalidText)
	}
	at, ns := splitTime(in.Time)
	seq, id, err := s.insertRecord(ctx, "add inspection", "qa_inspections", "inspection", "I", in.ID,
		"order_id, time, time_ns", []any{in.Order, at, ns},
		func(seq int64, id string) ([]byte, error) {
			in.Seq, in.ID = seq, id
			b, err := json.Marshal(in)
			return s.seal(adQA, rowN(seq), b), err
		})
	if err != nil {
		return qa.Inspection{}, err
	}
	in.Seq, in.ID = seq, id
	return in, nil
}

// Inspections implements [qa.InspectionStore]. An order ID PostgreSQL cannot
// hold as text matches nothing stored.
func (s *Store) Inspections(ctx context.Context, f qa.Filter) iter.Seq2[qa.Inspection, error] {
	return func(yield func(qa.Inspection, error) bool) {
		if f.Order != "" && !storable(f.Order) {
			return
		}
		q := `SELECT seq, body FROM qa_inspections WHERE seq > $1`
		args := []any{int64(0)}
		if f.Order != "" {
			args = append(args, f.Order)
			q += ` AND order_id = $` + strconv.Itoa(len(args))
		}
		if !f.From.IsZero() {
			at, ns := splitTime(f.From)
			args = append(args, at, ns)
			q += fmt.Sprintf(` AND (time, time_ns) >= ($%d, $%d)`, len(args)-1, len(args))
		}
		if !f.To.IsZero() {
			at, ns := splitTime(f.To)
			args = append(args, at, ns)
			q += fmt.Sprintf(` AND (time, time_ns) < ($%d, $%d)`, len(args)-1, len(args))
		}
		args = append(args, pageSize)
		q += ` ORDER BY seq LIMIT $` + strconv.Itoa(len(args))
		page := make([]qa.Inspection, 0, pageSize)
		for {
			err := s.read(ctx, "inspections", func() error {
				page = page[:0]
				rows, err := s.pool.Query(ctx, q, args...)
				if err != nil {
					return err
				}
				var (
					seq  int64
					body []byte
				)
				_, err = pgx.ForEachRow(rows, []any{&seq, &body}, func() error {
					var in qa.Inspection
					body, err := s.unseal(adQA, rowN(seq), body)
					if err != nil {
						return err
					}
					if err := json.Unmarshal(body, &in); err != nil {
						return fmt.Errorf("postgres: stored inspection %d: %w", seq, err)
					}
					in.Seq = seq
					page = append(page, in)
					return nil
				})
				return err
			})
			if err != nil {
				yield(qa.Inspection{}, err)
				return
			}
			for _, in := range page {
				if !yield(in, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			args[0] = page[len(page)-1].Seq
		}
	}
}

// AddLot implements [qa.LotStore]. An ID with a NUL byte or invalid UTF-8
// gives an error wrapping [qa.ErrInvalid] and [ErrInvalidText].
func (s *Store) AddLot(ctx context.Context, l qa.Lot) (qa.Lot, error) {
	seq, id, err := s.insertRecord(ctx, "add lot", "qa_lots", "lot", "L", l.ID, "time", []any{l.Time},
		func(seq int64, id string) ([]byte, error) {
			l.Seq, l.ID = seq, id
			return json.Marshal(l)
		})
	if err != nil {
		return qa.Lot{}, err
	}
	l.Seq, l.ID = seq, id
	return l, nil
}

// Lots implements [qa.LotStore].
func (s *Store) Lots(ctx context.Context) iter.Seq2[qa.Lot, error] {
	return func(yield func(qa.Lot, error) bool) {
		last := int64(0)
		page := make([]qa.Lot, 0, pageSize)
		for {
			err := s.read(ctx, "lots", func() error {
				page = page[:0]
				rows, err := s.pool.Query(ctx, `SELECT seq, body FROM qa_lots WHERE seq > $1 ORDER BY seq LIMIT $2`, last, pageSize)
				if err != nil {
					return err
				}
				var (
					seq  int64
					body []byte
				)
				_, err = pgx.ForEachRow(rows, []any{&seq, &body}, func() error {
					var l qa.Lot
					if err := json.Unmarshal(body, &l); err != nil {
						return fmt.Errorf("postgres: stored lot %d: %w", seq, err)
					}
					l.Seq = seq
					page = append(page, l)
					return nil
				})
				return err
			})
			if err != nil {
				yield(qa.Lot{}, err)
				return
			}
			for _, l := range page {
				if !yield(l, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			last = page[len(page)-1].Seq
		}
	}
}

// CountPrinted implements [qa.Counter]: the distinct orders of the printed
// events in the period, read from the index journal_printed.
func (s *Store) CountPrinted(ctx context.Context, from, to time.Time) (int, error) {
	lo, hi := printedBounds(from, to)
	var n int64
	err := s.read(ctx, "count printed", func() error {
		return s.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT DISTINCT order_id FROM journal
			WHERE action = 'printed' AND at >= $1 AND at < $2) o`, lo, hi).Scan(&n)
	})
	return int(n), err
}

// Roster implements [qa.Roster]: the printed events as [Store.Printed] reads
// them, and per page one query for the first-copy jobs of their orders, of
// which the latest of each kind is kept. Repeating names (operators, kinds, printers) are interned, so
// a roster of a million orders holds each once.
func (s *Store) Roster(ctx context.Context, from, to time.Time) iter.Seq2[qa.Printed, error] {
	return func(yield func(qa.Printed, error) bool) {
		lo, hi := printedBounds(from, to)
		names := map[string]string{}
		intern := func(s string) string {
			if v, ok := names[s]; ok {
				return v
			}
			names[s] = s
			return s
		}
		type doc struct {
			d   qa.Doc
			seq int64
		}
		byOrder := map[string][]doc{}
		err := s.printedEvents(ctx, "roster", lo, hi, func(evs []order.Event) error {
			err := s.read(ctx, "roster", func() error {
				clear(byOrder)
				rows, err := s.pool.Query(ctx, `SELECT key_order, key_doc, printer, seq
					FROM jobs WHERE key_order = ANY($1) AND key_copy = 1`, orderIDs(evs))
				if err != nil {
					return err
				}
				var (
					id, kind, prn string
					seq           int64
				)
				_, err = pgx.ForEachRow(rows, []any{&id, &kind, &prn, &seq}, func() error {
					ds := byOrder[id]
					for i := range ds {
						if ds[i].d.Kind == kind { // the latest job of the kind
							if seq > ds[i].seq {
								ds[i] = doc{qa.Doc{Kind: ds[i].d.Kind, Printer: intern(prn)}, seq}
							}
							return nil
						}
					}
					byOrder[id] = append(ds, doc{qa.Doc{Kind: intern(kind), Printer: intern(prn)}, seq})
					return nil
				})
				return err
			})
			if err != nil {
				return err
			}
			for _, ev := range evs {
				ds := byOrder[ev.OrderID]
				slices.SortFunc(ds, func(a, b doc) int { return cmp.Compare(a.seq, b.seq) }) // queue order
				p := qa.Printed{Order: ev.OrderID, Time: ev.Time, Operator: intern(ev.Actor)}
				if len(ds) > 0 {
					p.Docs = make([]qa.Doc, len(ds))
					for i, d := range ds {
						p.Docs[i] = d.d
					}
				}
				if !yield(p, nil) {
					return errStop
				}
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(qa.Printed{}, err)
		}
	}
}

// InspectedOrders implements [qa.InspectedLister] from the index on order_id.
func (s *Store) InspectedOrders(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		var ids []string
		err := s.read(ctx, "inspected orders", func() error {
			ids = ids[:0]
			rows, err := s.pool.Query(ctx, `SELECT DISTINCT order_id FROM qa_inspections`)
			if err != nil {
				return err
			}
			var id string
			_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
				ids = append(ids, id)
				return nil
			})
			return err
		})
		if err != nil {
			yield("", err)
			return
		}
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}
