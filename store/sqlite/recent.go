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
// the row's body is still the one the update was worked out from, so an entry
// left stale by a write elsewhere (another process, a restore) costs a second
// try in the transaction, never a lost change.
type recentRows struct {
	mu   sync.Mutex
	rows ringMap[recentRow]
}

// recentRow is an order's row as stored: the body sealed if the store seals.
type recentRow struct {
	status string
	paid   int64
	body   []byte
}

// recentSize is how many rows recentRows keeps: what a station has listed and
// not yet queued, and queued and not yet confirmed, is a few pages of orders.
const recentSize = 4096

// put keeps the row of order id; the caller does not change body afterwards.
func (r *recentRows) put(id, status string, paid int64, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows.put(recentSize, id, recentRow{status: status, paid: paid, body: body})
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

// listedOrders keeps, for the orders a station listed to print, the order as
// decoded from the row recentRows holds, so that the update that stores its
// waybill number (prepareUpdates) starts from a copy instead of decoding the
// row again. An entry is taken once; it goes with its row: the writer's
// compare-and-set on the body decides whether the update stands. It holds
// fewer orders than recentRows (a page listed ahead and what is being
// rendered), so the collector has little more to mark.
type listedOrders struct {
	mu     sync.Mutex
	orders ringMap[listedOrder]
}

type listedOrder struct {
	body []byte       // the row's body the order was decoded from
	o    *order.Order // a copy nobody else holds
}

// listedSize is how many decoded orders listedOrders keeps.
const listedSize = 1024

// put keeps o, decoded from body, for order id; o is not used elsewhere.
func (l *listedOrders) put(id string, body []byte, o *order.Order) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.orders.put(listedSize, id, listedOrder{body: body, o: o})
}

// take returns and forgets the order kept for id if it was decoded from body.
func (l *listedOrders) take(id string, body []byte) *order.Order {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.orders.get(id)
	if !ok {
		return nil
	}
	l.orders.forget(id)
	if !sameBytes(e.body, body) {
		return nil
	}
	return e.o
}

// has reports whether an order is kept for id.
func (l *listedOrders) has(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.orders.get(id)
	return ok
}

// sameBytes reports whether a and b are the same bytes: the same backing
// array, which is what a row kept once and handed out twice is, or equal.
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return string(a) == string(b)
}
