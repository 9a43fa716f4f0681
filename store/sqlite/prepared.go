package sqlite

import (
	"context"
	"strings"

	"github.com/dadanhq/dadan/order"
)

// prepared is an order update worked out before the write transaction, from the
// row as a read saw it: the writer stores it only if the row is still that one
// (its version is old's).
type prepared struct {
	id     string
	narrow bool      // only status and waybill are written, the body stays
	old    recentRow // the row as read
	// row is the row as the write leaves it (its version but one), what the
	// store keeps of it afterwards: the new body, or for a narrow update the
	// body as it stays and the new waybill, both sealed.
	row recentRow
	evs []order.Event
}

// prepareUpdates reads the orders of ups in one read and works out each update
// off the writer goroutine: decoding, fn and encoding are most of an update's
// cost, and the writer is the one thing every station goroutine waits for. A
// narrow update of a row kept from a listing or a write needs neither decoding
// nor encoding of the body. An update that cannot be prepared (the order is
// missing, fn fails, the read fails, or an earlier update in ups changes the
// same order) gets nil and is done in the transaction as before, where its
// error counts.
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
		q := `SELECT ` + rowCols + ` FROM orders o JOIN order_state s ON s.oid = o.oid WHERE o.id IN (?` + strings.Repeat(", ?", len(part)-1) + `)`
		rows, err := s.readRows(ctx, q, args...)
		if err != nil {
			return nil
		}
		for rows.Next() {
			var id string
			var r recentRow
			if err := rows.Scan(&id, &r.status, &r.paid, &r.oid, &r.ver, &r.body, &r.waybill); err != nil {
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
		if u.Narrow {
			out[i] = s.prepareNarrow(u, &r)
			continue
		}
		o, err := s.decodeOrder(u.ID, r.status, r.body, r.waybill)
		if err != nil {
			continue
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
		row := recentRow{status: string(o.Status), paid: paid, oid: r.oid, ver: r.ver, body: s.seal(adOrder, u.ID, body)}
		out[i] = &prepared{id: u.ID, old: r, row: row.stateOf(o), evs: evs}
	}
	return out
}

// prepareNarrow works out narrow update u of row r, or returns nil.
func (s *Store) prepareNarrow(u order.Update, r *recentRow) *prepared {
	v := r.view(u.ID)
	if v == nil {
		o, err := s.decodeOrder(u.ID, r.status, r.body, r.waybill)
		if err != nil {
			return nil
		}
		v = order.NarrowOf(o)
	}
	evs, err := u.ApplyNarrow(v)
	if err != nil {
		return nil
	}
	row := *r
	row.status, row.waybill = string(v.Status), s.seal(adWaybill, u.ID, order.AppendWaybillJSON(nil, v.Waybill))
	return &prepared{id: u.ID, narrow: true, old: *r, row: row.stateOf(v), evs: evs}
}

// applyPrepared stores p in the writer's transaction if the order's row is still
// the one p was worked out from, and reports whether it did.
func (s *Store) applyPrepared(w *wconn, p *prepared) (bool, error) {
	var n int64
	var err error
	r := p.row
	if p.narrow {
		n, err = setState(w, r.oid, r.status, p.old.status, r.waybill, p.old.ver)
	} else {
		n, err = setOrder(w, r.oid, r.status, r.paid, r.body, p.old.status, p.old.paid, p.old.ver)
	}
	if err != nil || n != 1 {
		s.recent.forget(p.id)
		return false, err
	}
	if err := appendEvents(w, p.evs); err != nil {
		s.recent.forget(p.id)
		return false, err
	}
	r.ver++
	s.recent.put(p.id, r)
	return true, nil
}
