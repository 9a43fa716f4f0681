package review

import (
	"bytes"
	"hash/maphash"
	"slices"

	"github.com/dadanhq/dadan/address"
	"github.com/dadanhq/dadan/order"
)

// batch is what review knows about the whole batch before the rules run, and
// the scratch space of one review; engines pool them.
type batch struct {
	dryRun bool
	first  []int32 // per order: index of the first order with its id (itself if none earlier)
	merge  map[int32][]string
	orders []*order.Order

	// which orders the engine's SeenMany says are stored, asked once a review
	stored      []bool
	storedAsked bool
	storedErr   error

	// scratch, reused across reviews
	ids        slots    // open-addressing table of order ids
	keys       slots    // open-addressing table of merge keys
	idHash     []uint64 // per order
	keyHash    []uint64 // per entry (orders, then pending)
	next       []int32  // per entry: the previous entry with the same key hash, or -1
	chained    []bool   // per entry: a later entry has the same key hash
	buf, other []byte
	queue      []paidKey        // approved orders, in input order until reserve sorts them
	unsorted   bool             // queue is not in paid-at order
	span       []span           // per approved order: its lines in reqs
	reqs       []stockReq       // per line of approved orders
	stock      map[string]int32 // SKU → index in entries
	entries    []stockEntry
	sums       map[string]int
	rep        Report
	ctx        Context
}

// slots is an open-addressing hash table of entry indices. A slot holds the
// entry index + 1 in its low 32 bits (0 is empty) and the high half of the
// entry's hash in its high 32 bits, so that a probe rarely reads the caller's
// hashes. The caller keeps the hashes and compares the keys.
type slots struct {
	s    []uint64
	mask uint64
}

func (t *slots) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(t.s) >= size && cap(t.s) <= 8*size {
		t.s = t.s[:size]
		clear(t.s)
	} else {
		t.s = make([]uint64, size)
	}
	t.mask = uint64(size - 1)
}

// find returns the slot for hash h: either empty or holding an entry for which
// same reports true. same is asked only about entries with hash h. Store an
// entry with [slots.set].
func (t *slots) find(h uint64, hashes []uint64, same func(j int32) bool) *uint64 {
	tag := h &^ 0xffffffff
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		v := t.s[i]
		if v == 0 {
			return &t.s[i]
		}
		if v&^0xffffffff == tag {
			if e := int32(uint32(v)) - 1; hashes[e] == h && same(e) {
				return &t.s[i]
			}
		}
	}
}

// entry returns the entry a slot holds, or -1.
func entry(slot uint64) int32 { return int32(uint32(slot)) - 1 }

// set stores entry j with hash h in slot.
func set(slot *uint64, h uint64, j int) { *slot = h&^0xffffffff | uint64(uint32(j+1)) }

// grow returns s resized to n elements, reusing its array when it is large
// enough and not much larger.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n && cap(s) <= 8*n+64 {
		return s[:n]
	}
	return make([]T, n)
}

func (b *batch) reset(seed maphash.Seed, orders []*order.Order, opts *Options) {
	b.dryRun = opts.DryRun
	b.orders = orders
	b.storedAsked, b.storedErr = false, nil
	b.first = grow(b.first, len(orders))
	b.idHash = grow(b.idHash, len(orders))
	b.ids.reset(len(orders))
	b.merge = nil
	b.queue, b.unsorted = b.queue[:0], false
	b.span = grow(b.span, len(orders))
	b.reqs, b.entries = b.reqs[:0], b.entries[:0]
	b.stock = fresh(b.stock, 64)
	b.findMerges(seed, orders, opts.Pending)
	b.rep = Report{}
	b.ctx = Context{}
}

// noteID records order i's id (hashed into b.idHash[i], 0 for an empty id) and
// returns whether an earlier order has it.
func (b *batch) noteID(orders []*order.Order, i int) (dup bool) {
	h := b.idHash[i]
	if h == 0 && orders[i].ID == "" {
		return false
	}
	slot := b.ids.find(h, b.idHash, func(j int32) bool { return orders[j].ID == orders[i].ID })
	if *slot == 0 {
		set(slot, h, i)
		return false
	}
	b.first[i] = entry(*slot)
	return true
}

// release drops what the batch must not keep alive in the pool.
func (b *batch) release() {
	b.rep = Report{}
	b.ctx = Context{}
	b.merge = nil
	b.orders, b.storedErr = nil, nil
	b.stock, b.sums = fresh(b.stock, 0), fresh(b.sums, 0)
	clear(b.entries) // the SKU strings
	b.entries = b.entries[:0]
}

// fresh empties m for a batch of n orders: a map grown for a much larger batch
// is replaced, since clearing costs as much as its capacity.
func fresh[K comparable, V any](m map[K]V, n int) map[K]V {
	if m == nil || (len(m) > 1024 && len(m) > 4*n) {
		return make(map[K]V, n)
	}
	clear(m)
	return m
}

// duplicateOf returns the index of the first order with o's id, if o is not it.
func (b *batch) duplicateOf(i int) (int, bool) {
	j := int(b.first[i])
	return j, j != i
}

// findMerges notes the order ids, and groups the orders (first occurrences only)
// and the pending orders (those whose id is not in the batch) by merge key: shop,
// buyer nick, recipient name, phone and compact full address. Keys are hashed
// into a table; a hash hit is confirmed by comparing the keys. One pass over the
// batch does both, so each order is read once.
func (b *batch) findMerges(seed maphash.Seed, orders, pending []*order.Order) {
	n := len(orders) + len(pending)
	at := func(k int) *order.Order {
		if k < len(orders) {
			return orders[k]
		}
		return pending[k-len(orders)]
	}
	b.keys.reset(n)
	b.next = grow(b.next, n)
	b.keyHash = grow(b.keyHash, n)
	b.chained = grow(b.chained, n)
	next, hashes, buf, chained := b.next, b.keyHash, b.buf, b.chained
	defer func() { b.buf = buf }()
	// Each order of the batch is read once, for both hashes; the tables are
	// probed in separate tight loops, whose cache misses overlap.
	for k, o := range orders {
		next[k], chained[k] = -1, false
		b.first[k] = int32(k)
		b.idHash[k] = 0
		if o.ID != "" {
			b.idHash[k] = maphash.String(seed, o.ID)
		}
		buf = appendMergeKey(buf[:0], o)
		hashes[k] = maphash.Bytes(seed, buf) | 1 // never 0, which marks a skipped entry
	}
	for k := range orders {
		if b.noteID(orders, k) {
			hashes[k] = 0 // a duplicate is no merge candidate
		}
	}
	for k := len(orders); k < n; k++ {
		o := at(k)
		next[k], chained[k], hashes[k] = -1, false, 0
		if o == nil || b.inBatch(seed, orders, o.ID) {
			continue
		}
		buf = appendMergeKey(buf[:0], o)
		hashes[k] = maphash.Bytes(seed, buf) | 1
	}
	collide := false
	for k := 0; k < n; k++ {
		h := hashes[k]
		if h == 0 {
			continue
		}
		// Entries with equal hashes share a slot and chain through next; the
		// keys are compared when a chain is read.
		slot := b.keys.find(h, hashes, func(int32) bool { return true })
		if *slot != 0 {
			j := entry(*slot)
			next[k] = j
			chained[j] = true
			collide = true
		}
		set(slot, h, k)
	}
	if !collide {
		return
	}
	other := b.other
	defer func() { b.other = other }()
	for k := 0; k < len(orders); k++ {
		h := hashes[k]
		if h == 0 || (next[k] < 0 && !chained[k]) {
			continue // alone with its hash
		}
		head := entry(*b.keys.find(h, hashes, func(int32) bool { return true }))
		o := orders[k]
		buf = appendMergeKey(buf[:0], o)
		var ids []int32
		for j := head; j >= 0; j = next[j] {
			if int(j) == k {
				continue
			}
			other = appendMergeKey(other[:0], at(int(j)))
			if bytes.Equal(buf, other) && at(int(j)).ID != o.ID {
				ids = append(ids, j)
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		names := make([]string, len(ids))
		for x, j := range ids {
			names[x] = at(int(j)).ID
		}
		if b.merge == nil {
			b.merge = make(map[int32][]string)
		}
		b.merge[int32(k)] = names
	}
}

// inBatch reports whether an order of the batch has id.
func (b *batch) inBatch(seed maphash.Seed, orders []*order.Order, id string) bool {
	if id == "" {
		return false
	}
	return *b.ids.find(maphash.String(seed, id), b.idHash, func(j int32) bool { return orders[j].ID == id }) != 0
}

// appendMergeKey appends o's merge key: shop, buyer, trimmed name, normalised
// phone and the compact full address (canonical province, city unless a
// municipality, district, street, address; no white space or punctuation).
func appendMergeKey(b []byte, o *order.Order) []byte {
	b = append(b, o.Shop...)
	b = append(b, 0)
	b = append(b, o.Buyer.Nick...)
	b = append(b, 0)
	b = append(b, trimSpace(o.Recipient.Name)...)
	b = append(b, 0)
	if p, err := NormalizePhone(o.Recipient.Phone); err == nil {
		b = append(b, p.AreaCode...)
		b = append(b, p.Number...)
		b = append(b, '-')
		b = append(b, p.Extension...)
	} else {
		b = appendCompact(b, o.Recipient.Phone)
	}
	b = append(b, 0)
	return appendAddress(b, &o.Recipient)
}

// appendAddress appends p's compact full address.
func appendAddress(b []byte, p *order.Party) []byte {
	prov, m := address.LookupProvince(p.Province)
	if m == address.NoMatch {
		b = appendCompact(b, p.Province)
	} else {
		b = appendCompact(b, prov.Name())
	}
	if !prov.Valid() || !prov.Municipality() {
		// a municipality's city repeats it, or reads 市辖区
		b = appendCompact(b, p.City)
	}
	b = appendCompact(b, p.District)
	b = appendCompact(b, p.Street)
	return appendCompact(b, p.Address)
}
