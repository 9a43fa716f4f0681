package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/dadanhq/dadan/order"
)

// pageSize is how many rows a streaming read takes per query.
const pageSize = 256

// encodeOrder returns o's row values: the JSON body and the sort key.
func encodeOrder(o *order.Order, buf []byte) ([]byte, int64, error) {
	if o.Status != "" && !o.Status.Valid() {
		return nil, 0, fmt.Errorf("sqlite: order %s: unknown status %q", o.ID, o.Status)
	}
	if o.Revision < 0 {
		return nil, 0, fmt.Errorf("sqlite: order %s: negative revision %d", o.ID, o.Revision)
	}
	return order.AppendJSON(buf, o), clampTime(o.PaidAt), nil
}

// decodeOrder decodes an order's row: its body, with the status of the status
// column and, when the waybill column is not NULL, its waybill (what narrow
// updates store without rewriting the body).
func (s *Store) decodeOrder(id, status string, body, waybill []byte) (*order.Order, error) {
	body, err := s.unseal(adOrder, id, body)
	if err != nil {
		return nil, err
	}
	o := new(order.Order)
	if err := order.Unmarshal(body, o); err != nil {
		return nil, fmt.Errorf("sqlite: stored order %s: %w", id, err)
	}
	o.Status = order.Status(status)
	if status != "" && !o.Status.Valid() {
		return nil, fmt.Errorf("sqlite: stored order %s: unknown status %q", id, status)
	}
	if waybill != nil {
		if o.Waybill, err = s.decodeWaybill(id, waybill); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// decodeWaybill decodes the waybill column of order id.
func (s *Store) decodeWaybill(id string, v []byte) (*order.Waybill, error) {
	v, err := s.unseal(adWaybill, id, v)
	if err != nil {
		return nil, err
	}
	wb, err := order.UnmarshalWaybill(v)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stored waybill of order %s: %w", id, err)
	}
	return wb, nil
}

// The statements that store an order and its state row, and that change the
// state row (setState).
const (
	insertOrder      = `INSERT INTO orders (id, paid_at, body) VALUES (?, ?, ?)`
	insertState      = `INSERT INTO order_state (oid, id, status, paid_at) VALUES (last_insert_rowid(), ?, ?, ?)`
	setStatusWaybill = `UPDATE order_state SET status = ?, waybill = ?, ver = ver + 1 WHERE oid = ? AND ver = ?`
	setWaybill       = `UPDATE order_state SET waybill = ?, ver = ver + 1 WHERE oid = ? AND ver = ?`
)

const insertEvent = `INSERT INTO journal (seq, time, actor, order_id, action, from_st, to_st, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// appendEvents journals evs after the recorded head, sealing each into the hash
// chain ([order.Seal]), and records the new head: the writer keeps it for the
// rest of the transaction and stores it before the commit (see wconn.head).
func appendEvents(w *wconn, evs []order.Event) error {
	if len(evs) == 0 {
		return nil
	}
	if !w.head.known {
		var seq int64
		var h order.Head
		if err := w.queryRow(`SELECT seq, hash FROM journal_head WHERE id = 1`, nil, &seq, &h.Hash); err != nil {
			return fmt.Errorf("sqlite: journal head: %w", err)
		}
		h.Seq = uint64(seq)
		w.head = txHead{head: h, known: true}
	}
	head := w.head.head
	var te timeEnc
	for i := range evs {
		ev := evs[i] // the caller's events stay as they were
		at := te.t(ev.Time)
		if te.err != nil {
			return fmt.Errorf("sqlite: event of order %s: %w", ev.OrderID, te.err)
		}
		ev.Time = decTime(at) // hash what is stored
		head = order.Seal(&ev, head)
		if _, err := w.exec(insertEvent, int64(ev.Seq), at, ev.Actor, ev.OrderID, string(ev.Action), string(ev.From), string(ev.To), ev.Detail, ev.Prev, ev.Hash); err != nil {
			return err
		}
	}
	w.head = txHead{head: head, known: true, dirty: true}
	return nil
}

// storeHead writes the journal head appendEvents moved in this transaction.
func storeHead(w *wconn) error {
	if !w.head.dirty {
		return nil
	}
	if _, err := w.exec(`UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1`, int64(w.head.head.Seq), w.head.head.Hash); err != nil {
		return err
	}
	w.head.dirty = false
	return nil
}

// JournalHead implements [order.HeadReader].
func (s *Store) JournalHead(ctx context.Context) (order.Head, error) {
	rows, err := s.readRows(ctx, `SELECT seq, hash FROM journal_head WHERE id = 1`)
	if err != nil {
		return order.Head{}, err
	}
	defer rows.Close()
	var h order.Head
	var seq int64
	if !rows.Next() {
		return h, mapErr(rows.Err())
	}
	if err := rows.Scan(&seq, &h.Hash); err != nil {
		return h, err
	}
	h.Seq = uint64(seq)
	return h, mapErr(rows.Err())
}

// CreateOrder implements [order.Store].
func (s *Store) CreateOrder(ctx context.Context, o *order.Order, evs ...order.Event) error {
	body, paid, err := encodeOrder(o, nil)
	if err != nil {
		return err
	}
	id, status := o.ID, string(o.Status)
	body = s.seal(adOrder, id, body)
	return s.write(ctx, func(w *wconn) error {
		_, err := w.exec(insertOrder, id, paid, body)
		if isConstraint(err) {
			return fmt.Errorf("%w: %s", order.ErrExists, id)
		}
		if err != nil {
			return err
		}
		if _, err := w.exec(insertState, id, status, paid); err != nil {
			return err
		}
		return appendEvents(w, evs)
	})
}

// HasOrder reports whether an order with id is stored; it implements
// [review.Seen].
func (s *Store) HasOrder(ctx context.Context, id string) (bool, error) {
	var one int
	err := s.readRow(ctx, `SELECT 1 FROM orders WHERE id = ?`, []any{id}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// HasOrders reports for each of ids whether an order with that id is stored;
// it implements [review.SeenMany], so an ingest asks once a batch. The ids go
// in lists of 16, 64 or 256 (the last one filled up with its first id), so a
// few statements serve every batch.
func (s *Store) HasOrders(ctx context.Context, ids []string) ([]bool, error) {
	out := make([]bool, len(ids))
	at := make(map[string][]int, len(ids))
	for i, id := range ids {
		at[id] = append(at[id], i)
	}
	args := make([]any, 0, hasMost)
	for start := 0; start < len(ids); start += hasMost {
		chunk := ids[start:min(start+hasMost, len(ids))]
		n := 16
		for n < len(chunk) {
			n *= 4
		}
		args = args[:0]
		for i := range n {
			if i < len(chunk) {
				args = append(args, chunk[i])
			} else {
				args = append(args, chunk[0])
			}
		}
		rows, err := s.readRows(ctx, `SELECT id FROM orders WHERE id IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			for _, i := range at[id] {
				out[i] = true
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// hasMost is the most ids HasOrders asks for in one statement.
const hasMost = 256

// GetOrder implements [order.Store].
func (s *Store) GetOrder(ctx context.Context, id string) (*order.Order, error) {
	var status string
	var body, waybill []byte
	err := s.readRow(ctx, `SELECT s.status, o.body, s.waybill FROM orders o JOIN order_state s ON s.oid = o.oid WHERE o.id = ?`,
		[]any{id}, &status, &body, &waybill)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", order.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return s.decodeOrder(id, status, body, waybill)
}

// UpdateOrder implements [order.Store]. fn runs once, inside the write
// transaction on the writer goroutine: it must not call the store.
func (s *Store) UpdateOrder(ctx context.Context, id string, fn func(o *order.Order) ([]order.Event, error)) error {
	return s.write(ctx, func(w *wconn) error { return s.updateOrderIn(w, order.Update{ID: id, Fn: fn}) })
}

// updateOrderIn is the work of update u in the writer's transaction. It writes
// the whole row, a narrow update's change folded into the body.
func (s *Store) updateOrderIn(w *wconn, u order.Update) error {
	id := u.ID
	var r recentRow
	err := w.queryRow(`SELECT `+rowCols+` FROM orders o JOIN order_state s ON s.oid = o.oid WHERE o.id = ?`, []any{id},
		&id, &r.status, &r.paid, &r.oid, &r.ver, &r.body, &r.waybill)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", order.ErrNotFound, id)
	}
	if err != nil {
		return err
	}
	o, err := s.decodeOrder(id, r.status, r.body, r.waybill)
	if err != nil {
		return err
	}
	evs, err := u.Apply(o)
	if err != nil {
		return err
	}
	o.ID = id                              // the key cannot change
	body, paid, err := encodeOrder(o, nil) // o's Extra may share body's bytes
	if err != nil {
		return err
	}
	body = s.seal(adOrder, id, body)
	if _, err := setOrder(w, r.oid, string(o.Status), paid, body, r.status, r.paid, -1); err != nil {
		s.recent.forget(id)
		return err
	}
	if err := appendEvents(w, evs); err != nil {
		s.recent.forget(id)
		return err
	}
	s.recent.put(id, recentRow{status: string(o.Status), paid: paid, oid: r.oid, ver: r.ver + 1, body: body}.stateOf(o))
	return nil
}

// setOrder stores an order's new status, sort key and body, the waybill folded
// into the body, if its version is still oldVer (any version when oldVer is
// negative), and reports how many orders it changed. SQLite rewrites the index
// entries of every column set, changed or not: it sets only the indexed
// columns that change.
func setOrder(w *wconn, oid int64, status string, paid int64, body []byte, oldStatus string, oldPaid, oldVer int64) (int64, error) {
	// The state's row first: its version is the compare-and-set.
	q, args := `UPDATE order_state SET `, []any{}
	if status != oldStatus {
		q, args = q+`status = ?, `, append(args, status)
	}
	if paid != oldPaid {
		q, args = q+`paid_at = ?, `, append(args, paid)
	}
	q, args = q+`waybill = NULL, ver = ver + 1 WHERE oid = ?`, append(args, oid)
	if oldVer >= 0 {
		q, args = q+` AND ver = ?`, append(args, oldVer)
	}
	res, err := w.exec(q, args...)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return n, err
	}
	if paid != oldPaid {
		_, err = w.exec(`UPDATE orders SET paid_at = ?, body = ? WHERE oid = ?`, paid, body, oid)
	} else {
		_, err = w.exec(`UPDATE orders SET body = ? WHERE oid = ?`, body, oid)
	}
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// setState stores what a narrow update changes, an order's status and its
// waybill (sealed JSON), leaving the body as it is, if the order's version is
// still oldVer, and reports how many orders it changed.
func setState(w *wconn, oid int64, status, oldStatus string, waybill []byte, oldVer int64) (int64, error) {
	var res sql.Result
	var err error
	if status != oldStatus {
		res, err = w.exec(setStatusWaybill, status, waybill, oid, oldVer)
	} else {
		res, err = w.exec(setWaybill, waybill, oid, oldVer)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// rowCols are the columns of an order's row that reads take (orders o joined
// with order_state s), in the order they are scanned: id, status, paid_at,
// oid, ver, body, waybill.
const rowCols = `o.id, s.status, s.paid_at, o.oid, s.ver, o.body, s.waybill`

// stateCols are rowCols for a read that walks order_state's index.
const stateCols = `s.id, s.status, s.paid_at, s.oid, s.ver, o.body, s.waybill`

// ListOrders implements [order.Store]. It reads in pages of a few hundred
// orders, each page in its own read transaction, so memory stays flat.
func (s *Store) ListOrders(ctx context.Context, statuses ...order.Status) iter.Seq2[*order.Order, error] {
	first, next, args := listQueries(statuses)
	return func(yield func(*order.Order, error) bool) {
		var lastPaid int64
		var lastID string
		for page := 0; ; page++ {
			var q string
			var a []any
			if page == 0 {
				q = first
				for _, st := range args {
					a = append(a, st, pageSize)
				}
			} else {
				q = next
				if len(args) == 0 {
					a = append(a, lastPaid, lastID)
				}
				for _, st := range args {
					a = append(a, st, lastPaid, lastID, pageSize)
				}
			}
			a = append(a, pageSize)
			rows, err := s.readRows(ctx, q, a...)
			if err != nil {
				yield(nil, err)
				return
			}
			var list []*order.Order
			for rows.Next() {
				var r recentRow
				if err := rows.Scan(&lastID, &r.status, &lastPaid, &r.oid, &r.ver, &r.body, &r.waybill); err != nil {
					rows.Close()
					yield(nil, err)
					return
				}
				o, err := s.decodeOrder(lastID, r.status, r.body, r.waybill)
				if err != nil {
					rows.Close()
					yield(nil, err)
					return
				}
				if o.Status == order.Approved {
					// What a station lists to print it updates next, narrowly.
					r.paid = lastPaid
					s.recent.put(lastID, r.stateOf(o))
				}
				list = append(list, o)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(nil, mapErr(err))
				return
			}
			for _, o := range list {
				if !yield(o, nil) {
					return
				}
			}
			if len(list) < pageSize {
				return
			}
		}
	}
}

// listQueries returns ListOrders' queries for the first page and the next, and
// the statuses they take (none: every order).
func listQueries(statuses []order.Status) (first, next string, args []any) {
	switch len(statuses) {
	case 0:
		first = `SELECT ` + rowCols + ` FROM orders o JOIN order_state s ON s.oid = o.oid ORDER BY o.paid_at, o.id LIMIT ?`
		next = `SELECT ` + rowCols + ` FROM orders o JOIN order_state s ON s.oid = o.oid WHERE (o.paid_at, o.id) > (?, ?) ORDER BY o.paid_at, o.id LIMIT ?`
	default:
		// One index range per status, merged: each sub-query reads at most a page.
		statuses = dedup(statuses)
		var f, n []string
		for range statuses {
			f = append(f, `SELECT * FROM (SELECT `+stateCols+` FROM order_state s JOIN orders o ON o.oid = s.oid WHERE s.status = ? ORDER BY s.paid_at, s.id LIMIT ?)`)
			n = append(n, `SELECT * FROM (SELECT `+stateCols+` FROM order_state s JOIN orders o ON o.oid = s.oid WHERE s.status = ? AND (s.paid_at, s.id) > (?, ?) ORDER BY s.paid_at, s.id LIMIT ?)`)
		}
		first = strings.Join(f, " UNION ALL ") + ` ORDER BY paid_at, id LIMIT ?`
		next = strings.Join(n, " UNION ALL ") + ` ORDER BY paid_at, id LIMIT ?`
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	return first, next, args
}

func dedup(ss []order.Status) []order.Status {
	var out []order.Status
	for _, s := range ss {
		if !containsStatus(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func containsStatus(ss []order.Status, s order.Status) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}

// Journal implements [order.Store]. It reads in pages, like ListOrders.
func (s *Store) Journal(ctx context.Context, after uint64) iter.Seq2[order.Event, error] {
	return func(yield func(order.Event, error) bool) {
		last := int64(after)
		if after > 1<<63-1 {
			return
		}
		for {
			rows, err := s.readRows(ctx, `SELECT seq, time, actor, order_id, action, from_st, to_st, detail, prev, hash FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`, last, pageSize)
			if err != nil {
				yield(order.Event{}, err)
				return
			}
			evs := make([]order.Event, 0, pageSize)
			for rows.Next() {
				var ev order.Event
				var at int64
				var act, from, to string
				if err := rows.Scan(&last, &at, &ev.Actor, &ev.OrderID, &act, &from, &to, &ev.Detail, &ev.Prev, &ev.Hash); err != nil {
					rows.Close()
					yield(order.Event{}, err)
					return
				}
				ev.Seq, ev.Time, ev.Action, ev.From, ev.To = uint64(last), decTime(at), order.Action(act), order.Status(from), order.Status(to)
				evs = append(evs, ev)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(order.Event{}, mapErr(err))
				return
			}
			for _, ev := range evs {
				if !yield(ev, nil) {
					return
				}
			}
			if len(evs) < pageSize {
				return
			}
		}
	}
}
