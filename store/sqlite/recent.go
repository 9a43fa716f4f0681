package sqlite

import (
	"sync"

	"github.com/dadanhq/dadan/order"
)

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

// listedOrders keeps, for the orders a station listed to print, the order as
// decoded from the row recentRows holds, so that the update that stores its
// waybill number (prepareUpdates) starts from a copy instead of decoding the
// row again. An entry is taken once; it goes with its row: the writer's
// compare-and-set on the body decides whether the update stands. It holds
// fewer orders than recentRows (a page listed ahead and what is being
// rendered), so the collector has little more to mark.
type listedOrders struct {
	mu   sync.Mutex
	m    map[string]listedOrder
	ring []string
	next int
}

type listedOrder struct {
	body []byte       // the row's body the order was decoded from
	o    *order.Order // a copy nobody else holds
	slot int
}

// listedSize is how many decoded orders listedOrders keeps.
const listedSize = 1024

// put keeps o, decoded from body, for order id; o is not used elsewhere.
func (l *listedOrders) put(id string, body []byte, o *order.Order) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = make(map[string]listedOrder, listedSize)
		l.ring = make([]string, listedSize)
	}
	if old, ok := l.m[id]; ok {
		l.m[id] = listedOrder{body: body, o: o, slot: old.slot}
		return
	}
	slot := l.next
	l.next = (l.next + 1) % len(l.ring)
	if gone := l.ring[slot]; gone != "" {
		if e, ok := l.m[gone]; ok && e.slot == slot {
			delete(l.m, gone)
		}
	}
	l.ring[slot] = id
	l.m[id] = listedOrder{body: body, o: o, slot: slot}
}

// take returns and forgets the order kept for id if it was decoded from body.
func (l *listedOrders) take(id string, body []byte) *order.Order {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[id]
	if !ok {
		return nil
	}
	delete(l.m, id)
	if !sameBytes(e.body, body) {
		return nil
	}
	return e.o
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
