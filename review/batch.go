package review

import (
	"bytes"
	"slices"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review/division"
)

// batch is what review knows about the whole batch before the rules run, and
// the scratch space of one review; engines pool them.
type batch struct {
	dryRun bool
	first  map[string]int32 // order id → index of its first occurrence
	merge  map[int32][]string

	// scratch, reused across reviews
	heads      map[uint64]int32
	next       []int32
	hashes     []uint64
	buf, other []byte
	queue      []int32
	left       map[string]int
	known      map[string]bool
	sums       map[string]int
	rep        Report
	ctx        Context
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

func (b *batch) reset(orders []*order.Order, opts *Options) {
	b.dryRun = opts.DryRun
	b.first = fresh(b.first, len(orders))
	for i, o := range orders {
		if o.ID == "" {
			continue
		}
		if _, dup := b.first[o.ID]; !dup {
			b.first[o.ID] = int32(i)
		}
	}
	b.merge = nil
	b.findMerges(orders, opts.Pending)
	b.rep = Report{}
	b.ctx = Context{}
}

// release drops what the batch must not keep alive in the pool.
func (b *batch) release() {
	b.rep = Report{}
	b.ctx = Context{}
	b.merge = nil
	clear(b.first) // keeps no order ids alive
	b.left, b.known, b.sums = fresh(b.left, 0), fresh(b.known, 0), fresh(b.sums, 0)
}

// duplicateOf returns the index of the first order with o's id, if o is not it.
func (b *batch) duplicateOf(i int, o *order.Order) (int, bool) {
	if o.ID == "" {
		return 0, false
	}
	j, ok := b.first[o.ID]
	return int(j), ok && int(j) != i
}

// findMerges groups the orders (first occurrences only) and the pending orders
// (those whose id is not in the batch) by merge key: shop, buyer nick, recipient
// name, phone and compact full address. Keys are hashed into a map; a hash hit
// is confirmed by comparing the keys.
func (b *batch) findMerges(orders, pending []*order.Order) {
	n := len(orders) + len(pending)
	at := func(k int) *order.Order {
		if k < len(orders) {
			return orders[k]
		}
		return pending[k-len(orders)]
	}
	b.heads = fresh(b.heads, n)
	b.next = slices.Grow(b.next[:0], n)[:n]
	b.hashes = slices.Grow(b.hashes[:0], n)[:n]
	heads, next, hashes, buf := b.heads, b.next, b.hashes, b.buf
	defer func() { b.buf = buf }()
	collide := false
	for k := 0; k < n; k++ {
		o := at(k)
		next[k] = -1
		if o == nil {
			continue
		}
		if k < len(orders) {
			if _, dup := b.duplicateOf(k, o); dup {
				continue
			}
		} else if _, inBatch := b.first[o.ID]; inBatch {
			continue
		}
		buf = appendMergeKey(buf[:0], o)
		h := hashBytes(fnvOffset, buf)
		hashes[k] = h
		if head, ok := heads[h]; ok {
			next[k] = head
			collide = true
		}
		heads[h] = int32(k)
	}
	if !collide {
		return
	}
	other := b.other
	defer func() { b.other = other }()
	for k := 0; k < len(orders); k++ {
		o := orders[k]
		if _, dup := b.duplicateOf(k, o); dup {
			continue
		}
		head, ok := heads[hashes[k]]
		if !ok || (head == int32(k) && next[k] < 0) {
			continue
		}
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
	prov, ok := division.Province(p.Province)
	if !ok {
		prov = p.Province
	}
	b = appendCompact(b, prov)
	if !division.IsMunicipality(prov) {
		b = appendCompact(b, p.City)
	}
	b = appendCompact(b, p.District)
	b = appendCompact(b, p.Street)
	return appendCompact(b, p.Address)
}
