package sqlite

import "sync"

// recentRows keeps the rows of the orders the store read or wrote last, as
// stored, so that an update worked out before the write (prepareUpdates) need
// not read them again: a station lists an order, queues its documents with its
// waybill number, and confirms it printed, each a moment after the other. An
// entry is only a guess at the row: the writer stores a prepared update only if
// the row's body is still the one the update was worked out from, so an entry
// left stale by a write elsewhere (another process, a restore) costs a second
// try in the transaction, never a lost change.
type recentRows struct {
	mu   sync.Mutex
	m    map[string]recentRow
	ring []string // the ids in the order they were put, to forget the oldest
	next int
}

// recentRow is an order's row as stored: the body sealed if the store seals.
type recentRow struct {
	status string
	paid   int64
	body   []byte
	slot   int // where id is in ring
}

// recentSize is how many rows recentRows keeps: what a station has listed and
// not yet queued, and queued and not yet confirmed, is a few pages of orders.
const recentSize = 4096

// put keeps the row of order id; the caller does not change body afterwards.
func (r *recentRows) put(id, status string, paid int64, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[string]recentRow, recentSize)
		r.ring = make([]string, recentSize)
	}
	if old, ok := r.m[id]; ok {
		r.m[id] = recentRow{status: status, paid: paid, body: body, slot: old.slot}
		return
	}
	slot := r.next
	r.next = (r.next + 1) % len(r.ring)
	if gone := r.ring[slot]; gone != "" {
		if e, ok := r.m[gone]; ok && e.slot == slot {
			delete(r.m, gone)
		}
	}
	r.ring[slot] = id
	r.m[id] = recentRow{status: status, paid: paid, body: body, slot: slot}
}

// get returns the row kept for order id.
func (r *recentRows) get(id string) (recentRow, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.m[id]
	return e, ok
}

// forget drops the row of order id: it is not the stored one.
func (r *recentRows) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, id)
}
