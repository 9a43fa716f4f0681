package qa

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// ErrPercent is wrapped by the error for a sampling percentage outside (0, 100].
var ErrPercent = errors.New("qa: sampling percentage out of range")

// SampleOptions says what to sample. From and To bound the printed time,
// [From, To); a zero bound is open.
type SampleOptions struct {
	Percent  float64 // at least this share of the period's orders, in (0, 100]
	Seed     uint64  // the same orders, seed and percentage give the same sample
	From, To time.Time
}

// Drawn is one order of a sample.
type Drawn struct {
	Order    string
	Time     time.Time
	Operator string
	Printers []string
}

// Printer returns the printer of the order's first document, "" if none.
func (d Drawn) Printer() string {
	if len(d.Printers) == 0 {
		return ""
	}
	return d.Printers[0]
}

// SampleResult is a sample and how it was sized.
type SampleResult struct {
	Orders     []Drawn // by printed time, then order ID
	Population int     // orders printed in the period
	Inspected  int     // of them already inspected, not drawn again
	Quota      int     // ⌈Percent × Population / 100⌉
	// Operators and Printers are the distinct operators and printers of the
	// period; every one with an order left to draw has one in the sample.
	Operators, Printers int
}

// Sample draws at least ⌈Percent × N / 100⌉ of the N orders printed in the
// period, or all that are left, leaving out orders that have an inspection.
// Every operator and every printer of the period with an order left to draw is
// represented. Each order's place in the draw is a hash of the seed and its ID,
// so the sample depends only on the orders, the seed and the percentage, not on
// the order a store yields them in.
func Sample(ctx context.Context, src Source, inspections InspectionStore, opt SampleOptions) (SampleResult, error) {
	if !(opt.Percent > 0 && opt.Percent <= 100) {
		return SampleResult{}, fmt.Errorf("%w: %v", ErrPercent, opt.Percent)
	}
	done := map[string]bool{}
	if l, ok := inspections.(InspectedLister); ok {
		for id, err := range l.InspectedOrders(ctx) {
			if err != nil {
				return SampleResult{}, err
			}
			done[id] = true
		}
	} else {
		for in, err := range inspections.Inspections(ctx, Filter{}) {
			if err != nil {
				return SampleResult{}, err
			}
			done[in.Order] = true
		}
	}
	seq := src.Printed
	if r, ok := src.(Roster); ok {
		seq = r.Roster
	}
	for bounded := true; ; bounded = false {
		d := drawer{seed: opt.Seed}
		if c, ok := src.(Counter); ok && bounded && opt.Percent < 50 {
			// Knowing N, keep only the quota's smallest keys (and a margin for
			// orders printed while the draw runs).
			n, err := c.CountPrinted(ctx, opt.From, opt.To)
			if err != nil {
				return SampleResult{}, err
			}
			d.limit = quota(opt.Percent, n) + n/100 + 16
		}
		for p, err := range seq(ctx, opt.From, opt.To) {
			if err != nil {
				return SampleResult{}, err
			}
			d.add(p, done[p.Order])
		}
		if d.limit > 0 && quota(opt.Percent, d.n) > d.limit {
			continue // far more orders than counted: draw again keeping all
		}
		return d.draw(opt.Percent), nil
	}
}

func quota(percent float64, n int) int {
	return int(math.Ceil(percent*float64(n)/100 - 1e-9))
}

// candidate is an order in the draw, kept small.
type candidate struct {
	key     uint64
	at      int64
	id      string
	op      int32
	pr, npr int32 // printers: names[prs[pr : pr+npr]]
}

func (c *candidate) less(o *candidate) bool {
	return c.key < o.key || c.key == o.key && c.id < o.id
}

// drawer selects the sample in one pass: the smallest key of every operator
// and printer, and the orders with the smallest keys, all of them or (with a
// limit) a max-heap of the limit smallest.
type drawer struct {
	seed      uint64
	limit     int         // 0: keep every candidate
	cands     []candidate // the kept ones; a max-heap on key when limit > 0
	prs       []int32
	ops, prns intern
	// the best candidate of each operator and printer
	bestOp, bestPr []candidate
	hasOp, hasPr   []bool
	n, inspected   int
}

type intern struct {
	idx   map[string]int32
	names []string
}

func (t *intern) id(s string) int32 {
	if t.idx == nil {
		t.idx = map[string]int32{}
	}
	i, ok := t.idx[s]
	if !ok {
		i = int32(len(t.names))
		t.idx[s] = i
		t.names = append(t.names, s)
	}
	return i
}

func (d *drawer) add(p Printed, inspected bool) {
	d.n++
	c := candidate{key: drawKey(d.seed, p.Order), at: p.Time.UnixNano(), id: p.Order, op: d.ops.id(p.Operator)}
	var prs [4]int32
	ps := prs[:0]
	for _, name := range p.Printers() {
		ps = append(ps, d.prns.id(name))
	}
	for len(d.bestOp) < len(d.ops.names) {
		d.bestOp, d.hasOp = append(d.bestOp, candidate{}), append(d.hasOp, false)
	}
	for len(d.bestPr) < len(d.prns.names) {
		d.bestPr, d.hasPr = append(d.bestPr, candidate{}), append(d.hasPr, false)
	}
	if inspected {
		d.inspected++
		return
	}
	keep := d.limit == 0 || len(d.cands) < d.limit || c.less(&d.cands[0])
	bestOp := !d.hasOp[c.op] || c.less(&d.bestOp[c.op])
	bestPr := false
	for _, pr := range ps {
		bestPr = bestPr || !d.hasPr[pr] || c.less(&d.bestPr[pr])
	}
	if !keep && !bestOp && !bestPr {
		return
	}
	c.pr, c.npr = int32(len(d.prs)), int32(len(ps))
	d.prs = append(d.prs, ps...)
	if bestOp {
		d.bestOp[c.op], d.hasOp[c.op] = c, true
	}
	for _, pr := range ps {
		if !d.hasPr[pr] || c.less(&d.bestPr[pr]) {
			d.bestPr[pr], d.hasPr[pr] = c, true
		}
	}
	switch {
	case !keep:
	case d.limit == 0:
		d.cands = append(d.cands, c)
	case len(d.cands) < d.limit:
		d.cands = append(d.cands, c)
		d.up(len(d.cands) - 1)
	default:
		d.cands[0] = c
		d.down(0)
	}
}

// up and down keep cands a max-heap (the largest key at 0).
func (d *drawer) up(i int) {
	h := d.cands
	for i > 0 {
		p := (i - 1) / 2
		if !h[p].less(&h[i]) {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (d *drawer) down(i int) {
	h := d.cands
	for {
		l, m := 2*i+1, i
		if l < len(h) && h[m].less(&h[l]) {
			m = l
		}
		if r := l + 1; r < len(h) && h[m].less(&h[r]) {
			m = r
		}
		if m == i {
			return
		}
		h[m], h[i] = h[i], h[m]
		i = m
	}
}

func (d *drawer) draw(percent float64) SampleResult {
	r := SampleResult{Population: d.n, Inspected: d.inspected, Operators: len(d.ops.names), Printers: len(d.prns.names)}
	r.Quota = quota(percent, d.n)
	chosen := map[string]candidate{}
	for i, c := range d.bestOp {
		if d.hasOp[i] {
			chosen[c.id] = c
		}
	}
	for i, c := range d.bestPr {
		if d.hasPr[i] {
			chosen[c.id] = c
		}
	}
	if len(chosen) < r.Quota {
		slices.SortFunc(d.cands, func(a, b candidate) int {
			if a.less(&b) {
				return -1
			}
			return 1
		})
		for _, c := range d.cands {
			if len(chosen) >= r.Quota {
				break
			}
			chosen[c.id] = c
		}
	}
	out := make([]candidate, 0, len(chosen))
	for _, c := range chosen {
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y candidate) int { return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.id, y.id)) })
	r.Orders = make([]Drawn, len(out))
	for k, c := range out {
		dr := Drawn{Order: c.id, Time: time.Unix(0, c.at).UTC(), Operator: d.ops.names[c.op]}
		for _, pr := range d.prs[c.pr : c.pr+c.npr] {
			dr.Printers = append(dr.Printers, d.prns.names[pr])
		}
		r.Orders[k] = dr
	}
	return r
}

// drawKey is the order's place in the draw: FNV-1a of the ID, mixed with the
// seed by SplitMix64, the same on every platform.
func drawKey(seed uint64, id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	z := h ^ (seed + 0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
