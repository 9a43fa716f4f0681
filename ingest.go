package dadan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/par"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
)

// Result is what became of one input order.
type Result struct {
	Line     int    // input line where the order starts, 0 if not from a stream
	OrderID  string // may be empty for an order that could not be read
	Outcome  review.Outcome
	Status   order.Status // the order's status after ingest; empty if it was not stored
	Findings []review.Finding
	// Err is set when the order was refused before review: a *order.DecodeError
	// for input that could not be read.
	Err error
}

// Refused reports whether the order could not be read at all.
func (r *Result) Refused() bool { return r.Err != nil }

// Summary counts the outcomes of an ingest.
type Summary struct {
	Orders   int // orders read, refused ones included
	Approved int
	Held     int
	Rejected int
	Refused  int // could not be read
	// Stored counts orders whose id was stored already (an ingest run again):
	// nothing of them changes.
	Stored int
}

// IngestOptions adjust one ingest. Nil means defaults.
type IngestOptions struct {
	// DryRun reviews without storing anything or reserving stock.
	DryRun bool
	// OnResult, if set, is called for every input order in input order, once its
	// batch is written. An error it returns stops the ingest; the next batch,
	// reviewed meanwhile (its stock reserved), is not stored.
	OnResult func(Result) error
}

// Ingest reads orders from r (JSON Lines or a JSON array), stores each as received,
// reviews them in batches and moves each to approved, on_hold or rejected, with a
// journal event naming the actor from ctx ([access.Actor]). Orders that cannot be
// read are reported and skipped; the rest go on. An order whose id is already
// stored is not stored again: the original gets a note in its journal. It needs
// [access.OrderIngest]; a refused ingest reads nothing.
//
// While a batch is written, the next is read and reviewed; its review counts the
// batch being written as stored (an id in both is a duplicate, as it would be
// one batch later), and it is written once the batch before it is.
func (s *Station) Ingest(ctx context.Context, r io.Reader, opts *IngestOptions) (Summary, error) {
	if err := s.authorize(ctx, access.OrderIngest, ""); err != nil {
		return Summary{}, err
	}
	if opts == nil {
		opts = &IngestOptions{}
	}
	var sum Summary
	dec := order.NewDecoder(r)
	var inflight *ingestBatch // the batch being written
	// wait finishes the batch being written, if any.
	wait := func() error {
		if inflight == nil {
			return nil
		}
		b := inflight
		inflight = nil
		err := <-b.done
		s.seen.forget(b.ids)
		if err != nil {
			return err
		}
		return b.report(opts, &sum)
	}
	newBatch := func() *ingestBatch {
		return &ingestBatch{
			pending: make([]Result, 0, min(s.batch, 1024)),
			orders:  make([]*order.Order, 0, min(s.batch, 1024)),
		}
	}
	cur := newBatch()
	flush := func() error {
		err := s.planBatch(ctx, cur, opts, &sum)
		if werr := wait(); werr != nil {
			return werr
		}
		if err != nil {
			return err
		}
		b := cur
		cur = newBatch()
		b.ids = s.seen.add(b.writes)
		b.done = make(chan error, 1)
		inflight = b
		go func() { b.done <- s.storeBatch(ctx, b) }()
		return nil
	}
	err := func() error {
		for {
			o := new(order.Order)
			err := dec.Decode(o)
			if err == io.EOF {
				break
			}
			var de *order.DecodeError
			if errors.As(err, &de) {
				if errors.Is(err, order.ErrEmpty) {
					return err
				}
				cur.pending = append(cur.pending, Result{Line: de.Line, OrderID: de.OrderID, Outcome: review.Reject, Err: err})
				continue
			}
			if err != nil {
				return err
			}
			o.Status, o.ErasedAt = "", time.Time{} // a status in the input is not ours: every order is new here
			cur.pending = append(cur.pending, Result{Line: dec.Line(), OrderID: o.ID})
			cur.orders = append(cur.orders, o)
			if len(cur.orders) >= s.batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	}()
	if werr := wait(); err == nil {
		err = werr
	}
	return sum, err
}

// ingestBatch is one batch of an ingest: its input records, the orders decoded
// from them, and the writes its review planned.
type ingestBatch struct {
	pending []Result // one per input record; the decoded ones match orders in turn
	orders  []*order.Order
	writes  []*ingestWrite // stored at once
	later   []*ingestWrite // ids seen earlier in the batch: stored after, one by one
	actor   string
	now     time.Time
	ids     []string // ids counted as stored while the batch is written
	done    chan error
}

// ingestWrite is one order of a batch to store.
type ingestWrite struct {
	res *Result
	o   *order.Order
	rv  review.Result
	dup bool
}

// planBatch reviews the orders of b, counts the outcomes and plans the writes.
func (s *Station) planBatch(ctx context.Context, b *ingestBatch, opts *IngestOptions, sum *Summary) error {
	results, err := s.engine.Review(ctx, b.orders, &review.Options{DryRun: opts.DryRun})
	if err != nil {
		return err
	}
	b.actor, b.now = access.Actor(ctx), s.now() // one time for the batch: journal times never go back
	// The orders of a batch are stored by several writers at once, so a store
	// that commits in groups packs them into few transactions. An id seen
	// earlier in the batch is stored after the others: its original first.
	seen := make(map[string]bool, len(b.orders))
	next := 0
	for i := range b.pending {
		res := &b.pending[i]
		sum.Orders++
		if res.Err != nil {
			sum.Refused++
			continue
		}
		o, rv := b.orders[next], results[next]
		next++
		res.Outcome, res.Findings = rv.Outcome, rv.Findings
		switch rv.Outcome {
		case review.Approve:
			sum.Approved++
		case review.Hold:
			sum.Held++
		default:
			sum.Rejected++
		}
		if opts.DryRun {
			continue
		}
		w := &ingestWrite{res: res, o: o, rv: rv}
		if seen[o.ID] {
			b.later = append(b.later, w)
			continue
		}
		seen[o.ID] = true
		b.writes = append(b.writes, w)
	}
	return nil
}

// storeBatch stores the planned writes of b.
func (s *Station) storeBatch(ctx context.Context, b *ingestBatch) error {
	store := func(w *ingestWrite) error {
		var err error
		w.res.Status, w.dup, err = s.store1(ctx, w.o, w.rv, b.actor, b.now)
		return err
	}
	if err := par.Do(ctx, len(b.writes), storeWriters, func(i int) error { return store(b.writes[i]) }); err != nil {
		return err
	}
	for _, w := range b.later {
		if err := store(w); err != nil {
			return err
		}
	}
	return nil
}

// report counts the stored duplicates of a written batch and reports its
// results in input order.
func (b *ingestBatch) report(opts *IngestOptions, sum *Summary) error {
	for _, w := range b.writes {
		if w.dup {
			sum.Stored++
		}
	}
	for _, w := range b.later {
		if w.dup {
			sum.Stored++
		}
	}
	if opts.OnResult != nil {
		for i := range b.pending {
			if err := opts.OnResult(b.pending[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// writingSeen is the review's [review.Seen]: the store's, and the ids of the
// batch being written, which count as stored already.
type writingSeen struct {
	next review.Seen // nil: only the batch being written
	mu   sync.Mutex
	ids  map[string]bool
}

// HasOrder implements [review.Seen].
func (w *writingSeen) HasOrder(ctx context.Context, id string) (bool, error) {
	w.mu.Lock()
	in := w.ids[id]
	w.mu.Unlock()
	if in || w.next == nil {
		return in, nil
	}
	return w.next.HasOrder(ctx, id)
}

// HasOrders implements [review.SeenMany]: the ids of the batch being written
// are stored; the others are asked of the store, all at once when it can.
func (w *writingSeen) HasOrders(ctx context.Context, ids []string) ([]bool, error) {
	out := make([]bool, len(ids))
	var rest []string
	var at []int
	w.mu.Lock()
	for i, id := range ids {
		if w.ids[id] {
			out[i] = true
		} else {
			rest, at = append(rest, id), append(at, i)
		}
	}
	w.mu.Unlock()
	if len(rest) == 0 || w.next == nil {
		return out, nil
	}
	if many, ok := w.next.(review.SeenMany); ok {
		got, err := many.HasOrders(ctx, rest)
		if err != nil {
			return nil, err
		}
		if len(got) != len(rest) {
			return nil, fmt.Errorf("dadan: the store answered %d of %d ids", len(got), len(rest))
		}
		for k, i := range at {
			out[i] = got[k]
		}
		return out, nil
	}
	for k, i := range at {
		in, err := w.next.HasOrder(ctx, rest[k])
		if err != nil {
			return nil, err
		}
		out[i] = in
	}
	return out, nil
}

// add counts the orders of ws as stored and returns their ids.
func (w *writingSeen) add(ws []*ingestWrite) []string {
	ids := make([]string, len(ws))
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ids == nil {
		w.ids = make(map[string]bool, len(ws))
	}
	for i, x := range ws {
		ids[i] = x.o.ID
		w.ids[x.o.ID] = true
	}
	return ids
}

// forget stops counting ids as stored by the batch: they are in the store, or
// their write failed.
func (w *writingSeen) forget(ids []string) {
	w.mu.Lock()
	for _, id := range ids {
		delete(w.ids, id)
	}
	w.mu.Unlock()
}

// storeWriters is how many orders are written to the store at once.
const storeWriters = 256

// statusOf is the order status a review outcome leads to.
func statusOf(o review.Outcome) order.Status {
	switch o {
	case review.Approve:
		return order.Approved
	case review.Hold:
		return order.OnHold
	}
	return order.Rejected
}

// codes joins the finding codes for a journal detail.
func codes(fs []review.Finding) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(f.Code))
	}
	return b.String()
}

// store1 stores a newly reviewed order with its received and reviewed events in
// one step. An order whose id is stored already is not stored again: when its
// content differs, the stored one gets a note; the same order received again
// (an ingest run twice) changes nothing. dup reports either case.
func (s *Station) store1(ctx context.Context, o *order.Order, rv review.Result, actor string, now time.Time) (st order.Status, dup bool, err error) {
	o.Status = ""
	recv, err := order.Move(o, order.Received, now, actor, order.ActReceived, "")
	if err != nil {
		return "", false, err
	}
	if strings.TrimSpace(o.ID) == "" {
		return "", false, nil // review rejected it; without an id it cannot be stored
	}
	to := statusOf(rv.Outcome)
	reviewed, err := order.Move(o, to, now, actor, order.ActReviewed, codes(rv.Findings))
	if err != nil {
		return "", false, err
	}
	err = s.store.CreateOrder(ctx, o, recv, reviewed)
	if errors.Is(err, order.ErrExists) {
		err = s.store.UpdateOrder(ctx, o.ID, func(stored *order.Order) ([]order.Event, error) {
			if sameContent(stored, o) {
				return nil, nil
			}
			return []order.Event{order.Note(stored, now, actor, order.ActNote, "duplicate received and refused")}, nil
		})
		return "", true, err
	}
	if err != nil {
		return "", false, err
	}
	return to, false, nil
}

// sameContent reports whether two orders are the same input: their JSON without
// what the station sets.
func sameContent(a, b *order.Order) bool {
	ca, cb := *a, *b
	ca.Status, cb.Status, ca.Revision, cb.Revision = "", "", 0, 0
	if b.Waybill == nil {
		ca.Waybill = nil // a number the station allocated
	}
	return bytes.Equal(order.AppendJSON(nil, &ca), order.AppendJSON(nil, &cb))
}
