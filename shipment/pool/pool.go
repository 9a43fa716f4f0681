// Package pool is an offline [shipment.Carrier]: it hands out waybill numbers
// from ranges a courier assigned to the shipper (号段), one range list per
// courier code (ZTO, YTO, EMS, ...).
//
// Cancelled numbers are not handed out again unless [Options.Reuse] is set:
// most couriers forbid reusing a number once a label with it may have been
// printed, so the default follows that rule.
//
// Numbers are issued in range order and, within a range, in ascending order.
// For ranges with S10 set, each number carries the UPU S10 check digit
// (see [S10CheckDigit]).
//
// A Pool keeps its state in memory; [Pool.Snapshot] and [Options.Restore]
// carry it across restarts so that no number is issued twice. With
// [Options.Sequence] it takes its serials from a store instead: then nothing is
// kept in memory, restarts and stations sharing the store never issue a number
// twice, and the pool does not track the state of each number.
package pool

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/dadanhq/dadan/shipment"
)

// Range is a block of numbers assigned by one courier.
type Range struct {
	Carrier string // courier code, such as "ZTO" or "EMS"
	Prefix  string // letters or digits before the serial, such as "EE" or "75"
	Suffix  string // after the serial (and the check digit), such as "CN"
	Start   uint64 // first serial, inclusive
	End     uint64 // last serial, inclusive
	Width   int    // serial digits, zero-padded; 0 means as many as End has
	// S10 appends the UPU S10 check digit after the serial. It needs Width 8
	// and two capital letters as Prefix and Suffix.
	S10 bool
	// SortCode, Mark and BagAddr are the routing data (三段码, 大头笔, 集包地)
	// returned with every number of the range. A courier's real routing depends
	// on the address and comes from its API; test ranges fill them with test
	// values so that a test label shows every field.
	SortCode, Mark, BagAddr string
}

// waybill is number no of r for orderID, with r's routing data.
func (r Range) waybill(no, orderID string) shipment.Waybill {
	return shipment.Waybill{TrackingNo: no, Carrier: r.Carrier, OrderID: orderID, SortCode: r.SortCode, Mark: r.Mark, BagAddr: r.BagAddr}
}

// Validate reports whether r is usable.
func (r Range) Validate() error {
	if r.Carrier == "" {
		return fmt.Errorf("%w: range without carrier code", ErrBadRange)
	}
	if r.End < r.Start {
		return fmt.Errorf("%w: %s end %d before start %d", ErrBadRange, r.Carrier, r.End, r.Start)
	}
	if r.Width < 0 || r.Width > 19 {
		return fmt.Errorf("%w: %s width %d", ErrBadRange, r.Carrier, r.Width)
	}
	if r.Width > 0 && len(strconv.FormatUint(r.End, 10)) > r.Width {
		return fmt.Errorf("%w: %s end %d wider than %d digits", ErrBadRange, r.Carrier, r.End, r.Width)
	}
	if r.S10 {
		if r.Width != 8 || len(r.Prefix) != 2 || len(r.Suffix) != 2 || !upper(r.Prefix) || !upper(r.Suffix) {
			return fmt.Errorf("%w: %s S10 range needs width 8 and two-letter prefix and suffix", ErrBadRange, r.Carrier)
		}
	}
	return nil
}

func (r Range) format(serial uint64) string {
	var b strings.Builder
	b.WriteString(r.Prefix)
	s := strconv.FormatUint(serial, 10)
	for i := len(s); i < r.Width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
	if r.S10 {
		d, _ := S10CheckDigit(s8(serial))
		b.WriteByte(d)
	}
	b.WriteString(r.Suffix)
	return b.String()
}

func s8(serial uint64) string {
	s := strconv.FormatUint(serial, 10)
	return strings.Repeat("0", 8-len(s)) + s
}

// ErrBadRange is wrapped by errors about an invalid [Range].
var ErrBadRange = errors.New("pool: bad number range")

// Options configure a [Pool]. The zero value means defaults.
type Options struct {
	// Reuse hands cancelled numbers out again (oldest cancellation first)
	// before fresh ones. Off by default: see the package comment.
	Reuse bool
	// Restore is a state saved by [Pool.Snapshot] for the same ranges.
	Restore *Snapshot
	// Sequence, when set, gives the serials: one sequence per range, named
	// "pool/CARRIER/PREFIX/START". Reuse and Restore do not go with it.
	Sequence shipment.Sequence
	// Block is how many serials the pool takes at once from a Sequence that is
	// a [shipment.BlockSequence] (0 and 1 take one per number issued), so that
	// not every number is a write. Serials of a block not issued when the pool
	// is dropped are never issued: a restart leaves a gap of fewer than Block
	// numbers per range, never a repeat.
	Block int
}

// NumberState is the state of one issued number.
type NumberState string

// States of an issued number.
const (
	Issued    NumberState = "issued"
	Cancelled NumberState = "cancelled"
	Collected NumberState = "collected"
)

// Snapshot is the state of a [Pool], for saving across restarts.
type Snapshot struct {
	Next    []uint64               `json:"next"` // per range, the next serial to issue (End+1 when used up)
	Numbers map[string]NumberState `json:"numbers"`
	Reuse   []string               `json:"reuse,omitempty"` // cancelled numbers waiting for reuse, in order
}

type issued struct {
	carrier string
	state   NumberState
}

// Pool is an offline [shipment.Carrier]. It is safe for concurrent use.
type Pool struct {
	mu      sync.Mutex
	ranges  []Range
	next    []uint64
	numbers map[string]*issued
	reuse   bool
	free    map[string][]string // carrier → cancelled numbers to hand out again
	seq     shipment.Sequence
	block   int64
	bmu     sync.Mutex
	blocks  []serials // per range, the serials of the block taken and not issued
}

// serials are the serials next to last of a block taken from the sequence.
type serials struct{ next, last int64 }

var _ shipment.Carrier = (*Pool)(nil)

// New returns a pool over ranges. Ranges of one carrier are used in the order
// given. Overlapping ranges that would produce the same number are refused.
func New(ranges []Range, opts *Options) (*Pool, error) {
	if opts == nil {
		opts = &Options{}
	}
	p := &Pool{
		ranges:  append([]Range(nil), ranges...),
		next:    make([]uint64, len(ranges)),
		numbers: make(map[string]*issued),
		reuse:   opts.Reuse,
		free:    make(map[string][]string),
		seq:     opts.Sequence,
		block:   int64(opts.Block),
		blocks:  make([]serials, len(ranges)),
	}
	if opts.Block < 0 {
		return nil, fmt.Errorf("%w: negative Block", ErrBadRange)
	}
	if p.seq != nil && (opts.Reuse || opts.Restore != nil) {
		return nil, fmt.Errorf("%w: a sequence goes with neither Reuse nor Restore", ErrBadRange)
	}
	for i, r := range ranges {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		for j := range i {
			if overlap(ranges[j], r) {
				return nil, fmt.Errorf("%w: %s ranges %d and %d overlap", ErrBadRange, r.Carrier, j, i)
			}
		}
		p.next[i] = r.Start
	}
	if s := opts.Restore; s != nil {
		if len(s.Next) != len(ranges) {
			return nil, fmt.Errorf("%w: snapshot has %d ranges, pool %d", ErrBadRange, len(s.Next), len(ranges))
		}
		for i, n := range s.Next {
			if n < ranges[i].Start || n > ranges[i].End+1 {
				return nil, fmt.Errorf("%w: snapshot next %d outside range %d", ErrBadRange, n, i)
			}
			p.next[i] = n
		}
		for no, st := range s.Numbers {
			c, ok := p.carrierOf(no)
			if !ok {
				return nil, fmt.Errorf("%w: snapshot number %s in no range", ErrBadRange, no)
			}
			p.numbers[no] = &issued{carrier: c, state: st}
		}
		for _, no := range s.Reuse {
			if n := p.numbers[no]; n != nil && n.state == Cancelled {
				p.free[n.carrier] = append(p.free[n.carrier], no)
			}
		}
	}
	return p, nil
}

// overlap reports whether two ranges can produce the same number. Ranges
// that differ in prefix, suffix, width or check digit are treated as
// disjoint only when their numbers have different shapes.
func overlap(a, b Range) bool {
	if a.Prefix != b.Prefix || a.Suffix != b.Suffix || a.S10 != b.S10 {
		return false
	}
	if a.Width != b.Width && a.Width != 0 && b.Width != 0 {
		return false
	}
	return a.Start <= b.End && b.Start <= a.End
}

// carrierOf finds the carrier whose ranges could have issued no.
func (p *Pool) carrierOf(no string) (string, bool) {
	r, ok := p.rangeOf(no)
	return r.Carrier, ok
}

// rangeOf returns the range that issues no.
func (p *Pool) rangeOf(no string) (Range, bool) {
	for _, r := range p.ranges {
		if !strings.HasPrefix(no, r.Prefix) || !strings.HasSuffix(no, r.Suffix) {
			continue
		}
		mid := no[len(r.Prefix) : len(no)-len(r.Suffix)]
		if r.S10 {
			if len(mid) != 9 || ValidateS10(no) != nil {
				continue
			}
			mid = mid[:8]
		}
		if r.Width > 0 && len(mid) != r.Width {
			continue
		}
		v, err := strconv.ParseUint(mid, 10, 64)
		if err != nil || v < r.Start || v > r.End || r.format(v) != no {
			continue
		}
		return r, true
	}
	return Range{}, false
}

// Allocate returns the next free number of req.Carrier.
func (p *Pool) Allocate(ctx context.Context, req shipment.AllocateRequest) (shipment.Waybill, error) {
	if err := ctx.Err(); err != nil {
		return shipment.Waybill{}, err
	}
	if p.seq != nil {
		return p.allocateSeq(ctx, req)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reuse {
		if q := p.free[req.Carrier]; len(q) > 0 {
			no := q[0]
			p.free[req.Carrier] = q[1:]
			p.numbers[no].state = Issued
			r, _ := p.rangeOf(no)
			return r.waybill(no, req.OrderID), nil
		}
	}
	known := false
	for i, r := range p.ranges {
		if r.Carrier != req.Carrier {
			continue
		}
		known = true
		if p.next[i] > r.End {
			continue
		}
		no := r.format(p.next[i])
		p.next[i]++
		p.numbers[no] = &issued{carrier: r.Carrier, state: Issued}
		return r.waybill(no, req.OrderID), nil
	}
	if !known {
		return shipment.Waybill{}, fmt.Errorf("%w: %q", shipment.ErrUnknownCarrier, req.Carrier)
	}
	return shipment.Waybill{}, fmt.Errorf("%w: carrier %s", shipment.ErrExhausted, req.Carrier)
}

// allocateSeq takes the next serial of the carrier's ranges from the sequence.
func (p *Pool) allocateSeq(ctx context.Context, req shipment.AllocateRequest) (shipment.Waybill, error) {
	known := false
	for i, r := range p.ranges {
		if r.Carrier != req.Carrier {
			continue
		}
		known = true
		size := r.End - r.Start + 1
		n, err := p.serial(ctx, i, "pool/"+r.Carrier+"/"+r.Prefix+"/"+strconv.FormatUint(r.Start, 10))
		if err != nil {
			return shipment.Waybill{}, err
		}
		if n < 1 || uint64(n) > size {
			continue // this range is used up
		}
		no := r.format(r.Start + uint64(n) - 1)
		return r.waybill(no, req.OrderID), nil
	}
	if !known {
		return shipment.Waybill{}, fmt.Errorf("%w: %q", shipment.ErrUnknownCarrier, req.Carrier)
	}
	return shipment.Waybill{}, fmt.Errorf("%w: carrier %s", shipment.ErrExhausted, req.Carrier)
}

// serial takes the next serial of range i from the sequence name: from the
// block taken last, or a new block, or one by one.
func (p *Pool) serial(ctx context.Context, i int, name string) (int64, error) {
	bs, ok := p.seq.(shipment.BlockSequence)
	if !ok || p.block <= 1 {
		return p.seq.NextValue(ctx, name)
	}
	p.bmu.Lock()
	defer p.bmu.Unlock()
	b := &p.blocks[i]
	if b.next == 0 || b.next > b.last {
		last, err := bs.NextValues(ctx, name, p.block)
		if err != nil {
			return 0, err
		}
		b.next, b.last = last-p.block+1, last
	}
	n := b.next
	b.next++
	return n, nil
}

// Cancel marks trackingNo cancelled. Cancelling a cancelled number again
// does nothing. A pool over a sequence accepts the cancel of any number its
// ranges can issue.
func (p *Pool) Cancel(ctx context.Context, trackingNo string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.numbers[trackingNo]
	if n == nil && p.seq != nil {
		if _, ok := p.carrierOf(trackingNo); ok {
			return nil
		}
	}
	switch {
	case n == nil:
		return &shipment.NumberError{TrackingNo: trackingNo, Err: shipment.ErrUnknownNumber}
	case n.state == Collected:
		return &shipment.NumberError{TrackingNo: trackingNo, Err: shipment.ErrCollected}
	case n.state == Cancelled:
		return nil
	}
	n.state = Cancelled
	if p.reuse {
		p.free[n.carrier] = append(p.free[n.carrier], trackingNo)
	}
	return nil
}

// MarkCollected records that the courier collected the parcel with
// trackingNo; it can no longer be cancelled.
func (p *Pool) MarkCollected(trackingNo string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.numbers[trackingNo]
	switch {
	case n == nil:
		return &shipment.NumberError{TrackingNo: trackingNo, Err: shipment.ErrUnknownNumber}
	case n.state == Cancelled:
		return fmt.Errorf("pool: %s is cancelled", trackingNo)
	}
	n.state = Collected
	return nil
}

// State returns the state of an issued number; ok is false for numbers the
// pool never issued.
func (p *Pool) State(trackingNo string) (st NumberState, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := p.numbers[trackingNo]; n != nil {
		return n.state, true
	}
	return "", false
}

// Remaining returns how many numbers carrier can still allocate.
func (p *Pool) Remaining(carrier string) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var left uint64
	for i, r := range p.ranges {
		if r.Carrier == carrier && p.next[i] <= r.End {
			left += r.End - p.next[i] + 1
		}
	}
	return left + uint64(len(p.free[carrier]))
}

// Snapshot returns the pool's state for [Options.Restore].
func (p *Pool) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Snapshot{Next: append([]uint64(nil), p.next...), Numbers: make(map[string]NumberState, len(p.numbers))}
	for no, n := range p.numbers {
		s.Numbers[no] = n.state
	}
	seen := make(map[string]bool)
	for _, r := range p.ranges {
		if !seen[r.Carrier] {
			seen[r.Carrier] = true
			s.Reuse = append(s.Reuse, p.free[r.Carrier]...)
		}
	}
	return s
}
