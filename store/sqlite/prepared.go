package sqlite

import (
	"context"
	"strings"

	"github.com/dadanhq/dadan/order"
)

// prepared is an order update worked out before the write transaction, from the
// row as a read saw it: the writer stores it only if the row is still that one.
type prepared struct {
	id        string
	oldBody   []byte // the row's body as read (sealed if the store seals)
	oldStatus string
	oldPaid   int64
	body      []byte // the new body, sealed
	status    string
	paid      int64
	evs       []order.Event
}

// prepareUpdates reads the orders of ups in one read and works out each update
// off the writer goroutine: decoding, fn and encoding are most of an update's
// cost, and the writer is the one thing every station goroutine waits for. An
// update that cannot be prepared (the order is missing, fn fails, the read
// fails, or an earlier update in ups changes the same order) gets nil and is
// done in the transaction as before, where its error counts.
func (s *Store) prepareUpdates(ctx context.Context, ups []order.Update) []*prepared {
	if len(ups) == 0 {
		return nil
	}
	rowsByID := make(map[string]recentRow, len(ups))
	var unknown []string
	for _, u := range ups {
		if e, ok := s.recent.get(u.ID); ok {
			rowsByID[u.ID] = e
		} else if _, ok := rowsByID[u.ID]; !ok {
			unknown = append(unknown, u.ID)
		}
	}
	for start := 0; start < len(unknown); start += pageSize {
		part := unknown[start:min(start+pageSize, len(unknown))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT id, status, paid_at, body FROM orders WHERE id IN (?` + strings.Repeat(", ?", len(part)-1) + `)`
		rows, err := s.readRows(ctx, q, args...)
		if err != nil {
			return nil
		}
		for rows.Next() {
			var id string
			var r recentRow
			if err := rows.Scan(&id, &r.status, &r.paid, &r.body); err != nil {
				rows.Close()
				return nil
			}
			rowsByID[id] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil
		}
	}
	out := make([]*prepared, len(ups))
	for i, u := range ups {
		r, ok := rowsByID[u.ID]
		if !ok {
			continue
		}
		// A later update of the same order must see the earlier one: only
		// the first is worked out beforehand.
		delete(rowsByID, u.ID)
		o := s.listed.take(u.ID, r.body)
		if o == nil {
			var err error
			if o, err = s.decodeOrder(u.ID, r.body); err != nil {
				continue
			}
		}
		evs, err := u.Fn(o)
		if err != nil {
			continue
		}
		o.ID = u.ID
		body, paid, err := encodeOrder(o, nil)
		if err != nil {
			continue
		}
		out[i] = &prepared{id: u.ID, oldBody: r.body, oldStatus: r.status, oldPaid: r.paid,
			body: s.seal(adOrder, u.ID, body), status: string(o.Status), paid: paid, evs: evs}
	}
	return out
}

// applyPrepared stores p in the writer's transaction if the order's row is still
// the one p was worked out from, and reports whether it did.
func (s *Store) applyPrepared(w *wconn, p *prepared) (bool, error) {
	n, err := setOrder(w, p.id, p.status, p.paid, p.body, p.oldStatus, p.oldPaid, p.oldBody)
	if err != nil || n != 1 {
		s.recent.forget(p.id)
		return false, err
	}
	if err := appendEvents(w, p.evs); err != nil {
		s.recent.forget(p.id)
		return false, err
	}
	s.recent.put(p.id, p.status, p.paid, p.body)
	return true, nil
}
