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
	for in, err := range inspections.Inspections(ctx, Filter{}) {
		if err != nil {
			return SampleResult{}, err
		}
		done[in.Order] = true
	}
	var d drawer
	d.seed = opt.Seed
	for p, err := range src.Printed(ctx, opt.From, opt.To) {
		if err != nil {
			return SampleResult{}, err
		}
		d.add(p, done[p.Order])
	}
	return d.draw(opt.Percent), nil
}

// candidate is an order in the draw, kept small: a million of them fit in
// tens of megabytes.
type candidate struct {
	key       uint64
	at        int64
	id        string
	op        int32
	pr, npr   int32 // printers: names[prs[pr : pr+npr]]
	inspected bool
}

type drawer struct {
	seed  uint64
	cands []candidate
	prs   []int32
	ops   intern
	prns  intern
	// best candidate index per operator and printer
	bestOp, bestPr []int32
	inspected      int
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
	c := candidate{key: drawKey(d.seed, p.Order), at: p.Time.UnixNano(), id: p.Order, op: d.ops.id(p.Operator),
		pr: int32(len(d.prs)), inspected: inspected}
	for _, name := range p.Printers() {
		d.prs = append(d.prs, d.prns.id(name))
		c.npr++
	}
	i := int32(len(d.cands))
	d.cands = append(d.cands, c)
	for len(d.bestOp) < len(d.ops.names) {
		d.bestOp = append(d.bestOp, -1)
	}
	for len(d.bestPr) < len(d.prns.names) {
		d.bestPr = append(d.bestPr, -1)
	}
	if inspected {
		d.inspected++
		return
	}
	if b := d.bestOp[c.op]; b < 0 || d.less(i, b) {
		d.bestOp[c.op] = i
	}
	for _, pr := range d.prs[c.pr : c.pr+c.npr] {
		if b := d.bestPr[pr]; b < 0 || d.less(i, b) {
			d.bestPr[pr] = i
		}
	}
}

func (d *drawer) less(a, b int32) bool {
	x, y := &d.cands[a], &d.cands[b]
	return x.key < y.key || x.key == y.key && x.id < y.id
}

func (d *drawer) draw(percent float64) SampleResult {
	n := len(d.cands)
	r := SampleResult{Population: n, Inspected: d.inspected, Operators: len(d.ops.names), Printers: len(d.prns.names)}
	r.Quota = int(math.Ceil(percent*float64(n)/100 - 1e-9))
	chosen := make(map[int32]bool)
	for _, b := range slices.Concat(d.bestOp, d.bestPr) {
		if b >= 0 {
			chosen[b] = true
		}
	}
	if len(chosen) < r.Quota {
		order := make([]int32, 0, n-d.inspected)
		for i := range d.cands {
			if !d.cands[i].inspected {
				order = append(order, int32(i))
			}
		}
		slices.SortFunc(order, func(a, b int32) int {
			if d.less(a, b) {
				return -1
			}
			return 1
		})
		for _, i := range order {
			if len(chosen) >= r.Quota {
				break
			}
			chosen[i] = true
		}
	}
	idx := make([]int32, 0, len(chosen))
	for i := range chosen {
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		x, y := &d.cands[a], &d.cands[b]
		return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.id, y.id))
	})
	r.Orders = make([]Drawn, len(idx))
	for k, i := range idx {
		c := &d.cands[i]
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
