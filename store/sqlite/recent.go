package sqlite

import (
	"sync"

	"github.com/dadanhq/dadan/order"
)

// ringMap keeps at most size values by id; a new id pushes out the one put
// longest ago. It is not safe for concurrent use: its owners lock.
type ringMap[V any] struct {
	m    map[string]ringEntry[V]
	ring []string // the ids in the order they were put, to forget the oldest
	next int
}

type ringEntry[V any] struct {
	v    V
	slot int // where the id is in ring
}

// put keeps v for id, in a map of at most size ids.
func (r *ringMap[V]) put(size int, id string, v V) {
	if r.m == nil {
		r.m = make(map[string]ringEntry[V], size)
		r.ring = make([]string, size)
	}
	if old, ok := r.m[id]; ok {
		r.m[id] = ringEntry[V]{v: v, slot: old.slot}
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
	r.m[id] = ringEntry[V]{v: v, slot: slot}
}

// get returns the value kept for id.
func (r *ringMap[V]) get(id string) (V, bool) {
	e, ok := r.m[id]
	return e.v, ok
}

// forget drops the value kept for id.
func (r *ringMap[V]) forget(id string) { delete(r.m, id) }

// recentRows keeps the rows of the orders the store read or wrote last, as
// stored, so that an update worked out before the write (prepareUpdates) need
// not read them again: a station lists an order, queues its documents with its
// waybill number, and confirms it printed, each a moment after the other. An
// entry is only a guess at the row: the writer stores a prepared update only if
// the row's version is still the one the update was worked out from, so an
// entry left stale by a write elsewhere (another process, a restore) costs a
// second try in the transaction, never a lost change.
type recentRows struct {
	mu   sync.Mutex
	rows ringMap[recentRow]
}

// recentRow is an order's row as stored (body and waybill sealed if the store
// seals), and, when known, what a narrow update sees of the order besides its
// ID and status: its revision and waybill (a copy nobody else holds or changes).
type recentRow struct {
	status  string
	paid    int64
	oid     int64 // the order's number in orders and order_state
	ver     int64
	body    []byte
	waybill []byte // NULL: the body's
	known   bool   // rev and wb are the order's
	rev     int
	wb      *order.Waybill
}

// stateOf returns the row r with what a narrow update sees of o, as it is now.
func (r recentRow) stateOf(o *order.Order) recentRow {
	r.known, r.rev, r.wb = true, o.Revision, o.Waybill.Clone()
	return r
}

// view returns what a narrow update of order id sees of the kept row, a new
// order, or nil when that is not known.
func (r *recentRow) view(id string) *order.Order {
	if !r.known {
		return nil
	}
	return &order.Order{ID: id, Status: order.Status(r.status), Revision: r.rev, Waybill: r.wb.Clone()}
}

// recentSize is how many rows recentRows keeps: what a station has listed and
// not yet queued, and queued and not yet confirmed, is a few pages of orders.
const recentSize = 4096

// put keeps the row of order id; the caller changes nothing of it afterwards.
func (r *recentRows) put(id string, row recentRow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows.put(recentSize, id, row)
}

// get returns the row kept for order id.
func (r *recentRows) get(id string) (recentRow, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rows.get(id)
}

// forget drops the row of order id: it is not the stored one.
func (r *recentRows) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows.forget(id)
}
