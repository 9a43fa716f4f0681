package dadan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/par"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
)

// Document is one print document a station makes for every order it prints.
type Document struct {
	Kind     printer.DocKind // routed to the printer assigned to this kind
	Template *label.Template
	Renderer label.Renderer // the printer's language: ZPL, ESC/POS, PDF ...
	Copies   int            // 0 means 1
}

// Printing errors.
var (
	ErrNoPrinting = errors.New("dadan: printing is not configured")
	ErrNoCarrier  = errors.New("dadan: order has no waybill number and no carrier is configured")
	ErrNoJob      = errors.New("dadan: no printed document of that kind for the order")
	// ErrStale is wrapped when a queued document no longer matches its order (the
	// order changed after it was queued): it is not printed; the next Print
	// queues the new one.
	ErrStale = errors.New("dadan: document out of date with its order")
)

// Reasons the station gives for reprints it queues on its own.
const (
	ReasonOrderChanged = "order changed after the document was sent"
	ReasonRequeued     = "queued again after a failed send"
)

// PrintError reports an order that could not be queued for printing. The order is
// put on hold with the reason in its journal.
type PrintError struct {
	OrderID string
	Doc     printer.DocKind // empty when the waybill number could not be had
	Err     error
}

func (e *PrintError) Error() string {
	if e.Doc == "" {
		return "dadan: print order " + e.OrderID + ": " + e.Err.Error()
	}
	return "dadan: print order " + e.OrderID + ": " + string(e.Doc) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *PrintError) Unwrap() error { return e.Err }

// PrintSummary counts what [Station.Print] queued.
type PrintSummary struct {
	Orders int           // orders whose documents were queued
	Jobs   int           // jobs queued (copies and product labels included)
	Failed []*PrintError // orders that could not be queued, now on hold
}

// printing is the printing half of a station. What it must know after a restart
// lives in the job store: the jobs of an order are found by the order's id.
type printing struct {
	spool   *printer.Spooler
	jobs    printer.JobStore
	both    OrderJobStore // the store, when it keeps jobs and orders in one step
	docs    []Document
	carrier shipment.Carrier
	layout  label.LayoutOptions
	cache   renderCache
	reuse   []sync.Pool // per document: *docLayout, what a first print reuses

	print   sync.Mutex // one Print, Reprint or unqueue at a time in this station
	confirm sync.Mutex // one Confirm at a time
	mu      sync.Mutex
	dirty   map[string]bool // orders with a job that finished since the last Confirm
	notify  chan struct{}   // dirty has an entry
	// seen holds, per order, the jobs the spooler's events showed finished, so
	// Confirm rarely has to read them back; an order's entry goes when it is
	// confirmed, and a job's when it is queued again.
	seen map[string]map[printer.JobKey]printer.Job
	// waiting holds, per order, the jobs this station queued (or sends again)
	// whose end it has not seen yet: their events will come, so Confirm need
	// not look.
	waiting map[string]map[string]bool
	// early holds, per order, the jobs whose end was seen before their queued
	// event: SubmitAll reports a job queued after the store stored it, and by
	// then the spooler's Run (woken by another station's notice, say) may have
	// sent it. Their queued event then leaves them out of waiting.
	early map[string]map[string]bool
}

func (s *Station) onSpoolEvent(user func(printer.Event)) func(printer.Event) {
	return func(ev printer.Event) {
		switch ev.Kind {
		case printer.EventPrinted, printer.EventSent, printer.EventFailed:
			id := ev.Job.Key.Order
			s.p.mu.Lock()
			s.p.dirty[id] = true
			if !s.p.ended(id, ev.Job.ID) {
				s.p.mark(s.p.early, id, ev.Job.ID)
			}
			if s.p.seen[id] == nil {
				s.p.seen[id] = make(map[printer.JobKey]printer.Job, len(s.p.docs))
			}
			s.p.seen[id][ev.Job.Key] = ev.Job
			s.p.mu.Unlock()
			select {
			case s.p.notify <- struct{}{}:
			default:
			}
		case printer.EventQueued, printer.EventReprint, printer.EventSending, printer.EventCancelled:
			id := ev.Job.Key.Order
			s.p.mu.Lock()
			if m := s.p.seen[id]; m != nil {
				delete(m, ev.Job.Key)
			}
			switch ev.Kind {
			case printer.EventQueued, printer.EventReprint:
				if !s.p.unmark(s.p.early, id, ev.Job.ID) {
					s.p.mark(s.p.waiting, id, ev.Job.ID)
				}
			case printer.EventCancelled:
				if !s.p.ended(id, ev.Job.ID) {
					s.p.mark(s.p.early, id, ev.Job.ID)
				}
			}
			s.p.mu.Unlock()
		}
		if user != nil {
			user(ev)
		}
	}
}

// Spooler returns the station's spooler, nil when printing is not configured.
func (s *Station) Spooler() *printer.Spooler { return s.p.spool }

// Print allocates waybill numbers where needed, lays out and renders each
// configured document for the approved orders with ids (every approved order, read
// from the store page by page, when none is given) and queues them on the spooler,
// all documents of an order in one step. Printing is idempotent and survives a
// restart: an order whose documents are queued or printed already is not queued
// again; a document that failed for good, or was made from an older revision of
// its order, is queued again (flagged as a reprint, with the mark, if it may have
// printed). Orders move to printed when [Station.Confirm] (or Run, Drain) sees all
// their jobs done. It needs [access.Print].
func (s *Station) Print(ctx context.Context, ids ...string) (PrintSummary, error) {
	var sum PrintSummary
	if len(ids) == 0 {
		if err := s.authorize(ctx, access.Print, ""); err != nil {
			return sum, err
		}
	}
	for _, id := range ids {
		if err := s.authorize(ctx, access.Print, id); err != nil {
			return sum, err
		}
	}
	if s.p.spool == nil || len(s.p.docs) == 0 {
		return sum, ErrNoPrinting
	}
	s.p.print.Lock()
	defer s.p.print.Unlock()
	var mu sync.Mutex
	// account adds what printing o gave to the summary; an order that cannot
	// print is put on hold.
	account := func(o *order.Order, n int, err error) error {
		if err != nil && ctx.Err() != nil {
			// The run ended (its deadline, or the host gave up): the order is
			// as good as before and stays approved for the next run.
			return ctx.Err()
		}
		var pe *PrintError
		if errors.As(err, &pe) {
			mu.Lock()
			sum.Failed = append(sum.Failed, pe)
			mu.Unlock()
			return s.hold(ctx, o.ID, pe.Error())
		}
		if err != nil {
			return err
		}
		if n > 0 {
			mu.Lock()
			sum.Orders++
			sum.Jobs += n
			mu.Unlock()
		}
		return nil
	}
	one := func(o *order.Order, t *turn) error {
		n, err := s.print1In(ctx, o, t)
		return account(o, n, err)
	}
	if len(ids) == 0 {
		// Several orders at once: rendering uses every core and the store packs
		// their writes together. The documents of one order are queued in one
		// step (with those of the orders rendered meanwhile), so each order's
		// documents keep one place in every queue.
		qu := s.newQueuer(ctx, func(q *readyOrder, n int, err error) error { return account(q.o, n, err) })
		err := s.eachApproved(ctx, printWorkers, func(o *order.Order, t *turn) error {
			defer t.done()
			q, err := s.prepare(ctx, o)
			if err != nil {
				return account(o, 0, err)
			}
			t.wait()
			err = qu.add(q)
			t.done()
			return err
		})
		if qerr := qu.close(); err == nil {
			err = qerr
		}
		return sum, err
	}
	for _, id := range ids {
		o, err := s.store.GetOrder(ctx, id)
		if err != nil {
			return sum, err
		}
		if o.Status != order.Approved {
			return sum, &order.TransitionError{OrderID: id, From: o.Status, To: order.Printed}
		}
		if err := one(o, nil); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// turns hands out turns in ticket order.
type turns struct {
	mu   sync.Mutex
	c    *sync.Cond
	next int
}

// turn is one ticket; a nil turn never waits.
type turn struct {
	turns *turns
	k     int
	held  bool
	over  bool
}

// wait blocks until every earlier ticket is done.
func (t *turn) wait() {
	if t == nil || t.over {
		return
	}
	t.turns.mu.Lock()
	for t.turns.next != t.k {
		t.turns.c.Wait()
	}
	t.held = true
}

// done gives the turn to the next ticket; only the first call counts.
func (t *turn) done() {
	if t == nil || t.over {
		return
	}
	t.over = true
	if !t.held {
		t.turns.mu.Lock()
		for t.turns.next != t.k {
			t.turns.c.Wait()
		}
	}
	t.turns.next++
	t.turns.c.Broadcast()
	t.turns.mu.Unlock()
}

// printWorkers is how many orders Print handles at once.
const printWorkers = 8

// eachApproved calls fn for every approved order, from k goroutines, and
// returns the first error (after which it stops). Each call gets its turn in
// the listing order, for the step that must keep that order.
func (s *Station) eachApproved(ctx context.Context, k int, fn func(*order.Order, *turn) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		o *order.Order
		t *turn
	}
	work := make(chan item, k)
	turns := &turns{}
	turns.c = sync.NewCond(&turns.mu)
	errc := make(chan error, k)
	var wg sync.WaitGroup
	for range k {
		wg.Go(func() {
			for it := range work {
				if err := fn(it.o, it.t); err != nil {
					errc <- err
					cancel()
					for it := range work { // let the lister finish; pass the turns on
						it.t.done()
					}
					return
				}
			}
		})
	}
	var lerr error
	n := 0
	for o, err := range s.store.ListOrders(ctx, order.Approved) {
		if err != nil {
			lerr = err
			break
		}
		select {
		case work <- item{o, &turn{turns: turns, k: n}}:
			n++
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	close(errc)
	if err, ok := <-errc; ok {
		return err
	}
	if lerr != nil && !errors.Is(lerr, context.Canceled) {
		return lerr
	}
	return nil
}

// hold puts an order that cannot print on hold with the reason.
func (s *Station) hold(ctx context.Context, id, reason string) error {
	actor, now := access.Actor(ctx), s.now()
	return s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		if o.Status != order.Approved {
			return nil, nil
		}
		ev, err := order.Move(o, order.OnHold, now, actor, order.ActNote, reason)
		return []order.Event{ev}, err
	})
}

// needsWaybill reports whether any document is a waybill.
func (s *Station) needsWaybill() bool {
	for _, d := range s.p.docs {
		if d.Kind == printer.Waybill {
			return true
		}
	}
	return false
}

// docKey is the job key of copy c of document d for order id.
func docKey(id string, d *Document, c int) printer.JobKey {
	return printer.JobKey{Order: id, Doc: d.Kind, Template: d.Template.Name, Version: d.Template.Version, Copy: c}
}

// print1In queues the documents of o and returns how many jobs it queued; the
// queuing waits for turn, when not nil, so orders rendered at once are queued in
// the order they were listed. An order printed before (a restart, another
// station) is found by the key of its documents when they are queued, and
// brought up to date by reconcile.
func (s *Station) print1In(ctx context.Context, o *order.Order, turn *turn) (int, error) {
	defer turn.done() // once, whatever happens
	q, err := s.prepare(ctx, o)
	if err != nil {
		return 0, err
	}
	turn.wait()
	n, err := s.submit(ctx, q)
	turn.done()
	return n, err
}

// readyOrder is an order whose documents are rendered and ready to queue.
type readyOrder struct {
	o        *order.Order
	specs    []printer.JobSpec
	rendered [][]byte
	warnings []string
	// fresh is the waybill number allocated for o and not stored yet: it is
	// stored in the step that queues o's documents.
	fresh *order.Waybill
}

// prepare allocates o's waybill number when it needs one and renders its
// documents: an order prints all of its documents or none. With a store that
// adds jobs and updates orders in one step the number is stored with the
// documents (see submitSpecs); otherwise it is stored here.
func (s *Station) prepare(ctx context.Context, o *order.Order) (*readyOrder, error) {
	var fresh *order.Waybill
	if s.needsWaybill() && trackingNo(o) == "" {
		var wb *order.Waybill
		var err error
		if s.p.both != nil {
			wb, err = s.takeNumber(ctx, o)
			fresh = wb
		} else {
			wb, err = s.allocate(ctx, o)
		}
		if err != nil {
			return nil, &PrintError{OrderID: o.ID, Err: err}
		}
		o.Waybill = wb
	}
	specs, rendered, warnings, err := s.render(ctx, o)
	if err != nil {
		if fresh != nil {
			// The order goes on hold with its number, as when the number is
			// stored before the documents are made.
			if _, kerr := s.keepNumber(context.WithoutCancel(ctx), o.ID, fresh); kerr != nil {
				s.log.WarnContext(ctx, "storing a waybill number", "order", o.ID, "err", kerr)
			}
		}
		return nil, err
	}
	return &readyOrder{o: o, specs: specs, rendered: rendered, warnings: warnings, fresh: fresh}, nil
}

// errNumberTaken ends a queuing step whose order got a waybill number from
// another station meanwhile: nothing of the step is stored.
var errNumberTaken = errors.New("dadan: the order got a waybill number meanwhile")

// submitSpecs queues specs, the documents of qs, in one step that also stores
// the fresh waybill numbers of qs. An order that got a number meanwhile (another
// station) fails the step with errNumberTaken.
func (s *Station) submitSpecs(ctx context.Context, specs []printer.JobSpec, qs ...*readyOrder) ([]printer.Job, error) {
	var ups []order.Update
	actor, now := access.Actor(ctx), s.now()
	for _, q := range qs {
		if q.fresh == nil {
			continue
		}
		wb := q.fresh
		ups = append(ups, order.Update{ID: q.o.ID, Narrow: true, Fn: func(so *order.Order) ([]order.Event, error) {
			if trackingNo(so) != "" {
				return nil, errNumberTaken
			}
			so.Waybill = wb.Clone() // the store's, not the rendered order's
			return []order.Event{order.Note(so, now, actor, order.ActNote, "waybill "+wb.TrackingNo+" allocated")}, nil
		}})
	}
	if len(ups) == 0 {
		return s.p.spool.SubmitAll(ctx, specs)
	}
	return s.p.spool.SubmitAllWith(ctx, specs, func(ctx context.Context, jobs []printer.Job) ([]printer.Job, error) {
		return s.p.both.AddJobsUpdating(ctx, jobs, ups)
	})
}

// submit queues the documents of q alone, in one step.
func (s *Station) submit(ctx context.Context, q *readyOrder) (int, error) {
	s.cacheAll(ctx, q)
	js, err := s.submitSpecs(ctx, q.specs, q)
	if err != nil {
		s.uncache(q)
	}
	if err != nil && q.fresh != nil {
		// The number was not stored with the documents. An order keeps the
		// number it got whatever became of its documents (a run that ended,
		// a document too large), unless another station stored one first:
		// then ours is cancelled and the documents are made with theirs.
		kctx := ctx
		if ctx.Err() != nil {
			kctx = context.WithoutCancel(ctx) // the number is had: keep it
		}
		kept, kerr := s.keepNumber(kctx, q.o.ID, q.fresh)
		if kerr != nil {
			return 0, errors.Join(err, kerr)
		}
		q.fresh, q.o.Waybill = nil, kept
		if errors.Is(err, errNumberTaken) {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			q2, err := s.prepare(ctx, q.o)
			if err != nil {
				return 0, err
			}
			return s.submit(ctx, q2)
		}
	}
	return s.queued(ctx, q, js, err)
}

// cacheAll keeps the bytes of q's documents for the spooler, before they are
// queued: a printer may claim a job the moment it is.
func (s *Station) cacheAll(ctx context.Context, q *readyOrder) {
	for i, sp := range q.specs {
		s.p.cache.put(ctx, sp.Key, sp.Revision, q.rendered[i])
	}
}

// uncache drops what cacheAll kept for documents that were not queued.
func (s *Station) uncache(q *readyOrder) {
	for _, sp := range q.specs {
		s.p.cache.take(sp.Key, sp.Revision)
	}
}

// queued finishes the queuing of q given what SubmitAll of its documents gave.
func (s *Station) queued(ctx context.Context, q *readyOrder, js []printer.Job, err error) (int, error) {
	if errors.Is(err, printer.ErrDuplicate) {
		existing, err := s.p.jobs.Jobs(ctx, printer.JobFilter{Order: q.o.ID})
		if err != nil {
			return 0, err
		}
		return s.reconcile(ctx, q.o, existing)
	}
	if err != nil {
		if errors.Is(err, printer.ErrTooLarge) || errors.Is(err, printer.ErrNoRoute) {
			return 0, &PrintError{OrderID: q.o.ID, Err: err}
		}
		return 0, err
	}
	s.journalWarnings(ctx, q.o.ID, q.warnings)
	return len(js), nil
}

// queueBatch is the most orders whose documents Print queues in one step.
const queueBatch = 64

// queuer queues the documents of rendered orders, in the order they come, packing
// the orders that wait into one SubmitAll: the store writes once for them, and
// the orders' place in the queues is the order they came in. If a pack cannot be
// queued whole (an order queued before, a document too large), its orders are
// queued one by one, as Print does for a single order.
type queuer struct {
	s    *Station
	ctx  context.Context
	in   chan *readyOrder
	done chan struct{}
	// result is called for every order, from the queuer's goroutine, with what
	// queuing it gave; a non-nil return stops the queuer (later orders are
	// dropped) and is what add returns from then on.
	result func(q *readyOrder, n int, err error) error

	mu  sync.Mutex
	err error
}

func (s *Station) newQueuer(ctx context.Context, result func(q *readyOrder, n int, err error) error) *queuer {
	qu := &queuer{s: s, ctx: ctx, in: make(chan *readyOrder, queueBatch), done: make(chan struct{}), result: result}
	go qu.run()
	return qu
}

// add hands q to the queuer; it returns the error that stopped the queuer, if any.
func (qu *queuer) add(q *readyOrder) error {
	if err := qu.failed(); err != nil {
		return err
	}
	qu.in <- q
	return nil
}

func (qu *queuer) failed() error {
	qu.mu.Lock()
	defer qu.mu.Unlock()
	return qu.err
}

// close waits for the orders handed over to be queued and returns the error
// that stopped the queuer, if any.
func (qu *queuer) close() error {
	close(qu.in)
	<-qu.done
	return qu.failed()
}

func (qu *queuer) run() {
	defer close(qu.done)
	batch := make([]*readyOrder, 0, queueBatch)
	for first := range qu.in {
		batch = append(batch[:0], first)
	more:
		for len(batch) < queueBatch {
			select {
			case q, ok := <-qu.in:
				if !ok {
					break more
				}
				batch = append(batch, q)
			default:
				break more
			}
		}
		if qu.failed() != nil {
			continue // stopped: drop what comes, so no sender blocks
		}
		qu.queue(batch)
		clear(batch)
	}
}

// queue queues batch and reports each order's outcome.
func (qu *queuer) queue(batch []*readyOrder) {
	s, ctx := qu.s, qu.ctx
	report := func(q *readyOrder, n int, err error) {
		if rerr := qu.result(q, n, err); rerr != nil {
			qu.mu.Lock()
			if qu.err == nil {
				qu.err = rerr
			}
			qu.mu.Unlock()
		}
	}
	if len(batch) > 1 {
		var specs []printer.JobSpec
		for _, q := range batch {
			s.cacheAll(ctx, q)
			specs = append(specs, q.specs...)
		}
		js, err := s.submitSpecs(ctx, specs, batch...)
		if err == nil && len(js) == len(specs) {
			// The jobs come back in the order of specs.
			for _, q := range batch {
				n := len(q.specs)
				s.journalWarnings(ctx, q.o.ID, q.warnings)
				report(q, n, nil)
			}
			return
		}
		for _, q := range batch {
			s.uncache(q)
		}
		if ctx.Err() != nil {
			for _, q := range batch {
				if q.fresh != nil {
					// The run ended: the order keeps its number for the next.
					if _, kerr := s.keepNumber(context.WithoutCancel(ctx), q.o.ID, q.fresh); kerr != nil {
						s.log.WarnContext(ctx, "storing a waybill number", "order", q.o.ID, "err", kerr)
					}
				}
				report(q, 0, ctx.Err())
			}
			return
		}
	}
	for _, q := range batch {
		if qu.failed() != nil {
			return
		}
		n, err := s.submit(ctx, q)
		report(q, n, err)
	}
}

// journalWarnings journals what layout printed other than the data says (text
// cut short, a SKU printed for a missing barcode), one note per warning, and logs
// it. The note names the element and field, not the text: it may be a protected
// recipient's address.
func (s *Station) journalWarnings(ctx context.Context, orderID string, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	actor, now := access.Actor(ctx), s.now()
	err := s.store.UpdateOrder(ctx, orderID, func(so *order.Order) ([]order.Event, error) {
		evs := make([]order.Event, len(warnings))
		for i, w := range warnings {
			evs[i] = order.Note(so, now, actor, order.ActNote, w)
		}
		return evs, nil
	})
	for _, w := range warnings {
		s.log.WarnContext(ctx, "layout warning", "order", orderID, "warning", w)
	}
	if err != nil {
		s.log.WarnContext(ctx, "journaling layout warnings", "order", orderID, "err", err)
	}
}

// WarningNote is how a layout warning of a document of kind is journaled:
// "layout warning: waybill: element recipient_address (recipient.address) cut
// short". It leaves out the text, which may be a protected recipient's data.
func WarningNote(kind printer.DocKind, w label.Warning) string {
	s := "layout warning: " + string(kind) + ": element " + w.Element
	if w.Field != "" {
		s += " (" + w.Field + ")"
	}
	if w.Reason != "" {
		return s + ": " + w.Reason
	}
	return s + " cut short"
}

// render lays out and renders every document of o for a first print, returning
// the job specs (without bytes: jobs keep what is needed to render again) and the
// bytes for each.
func (s *Station) render(ctx context.Context, o *order.Order) ([]printer.JobSpec, [][]byte, []string, error) {
	now := s.now()
	var specs []printer.JobSpec
	var out [][]byte
	var warnings []string
	var buf bytes.Buffer
	for i := range s.p.docs {
		d := &s.p.docs[i]
		var doc *label.Document
		var err error
		if d.Kind == printer.ProductLabel || i >= len(s.p.reuse) {
			doc, err = LayoutOrder(d.Template, d.Kind, o, new(s.p.layout.ForRenderer(d.Renderer)), now, "")
		} else {
			// The label data and the layout's buffers are reused order after
			// order; the document lives until it is rendered just below.
			dl, _ := s.p.reuse[i].Get().(*docLayout)
			if dl == nil || dl.lo.Template() != d.Template {
				dl = &docLayout{lo: label.NewLayouter(d.Template), opts: s.p.layout.ForRenderer(d.Renderer)}
			}
			doc, err = dl.lo.Layout(labelDataInto(&dl.data, o, now, ""), &dl.opts)
			defer s.p.reuse[i].Put(dl)
		}
		if err == nil {
			buf.Reset()
			err = d.Renderer.Render(ctx, &buf, doc)
		}
		if err != nil {
			return nil, nil, nil, &PrintError{OrderID: o.ID, Doc: d.Kind, Err: err}
		}
		if buf.Len() > printer.DefaultMaxJobBytes {
			return nil, nil, nil, &PrintError{OrderID: o.ID, Doc: d.Kind, Err: fmt.Errorf("%d bytes: %w", buf.Len(), printer.ErrTooLarge)}
		}
		for _, w := range doc.Warnings {
			warnings = append(warnings, WarningNote(d.Kind, w))
		}
		data := bytes.Clone(buf.Bytes())
		for c := 1; c <= max(d.Copies, 1); c++ {
			specs = append(specs, printer.JobSpec{Key: docKey(o.ID, d, c), MediaLength: MediaLength(doc),
				Hash: "sha256:" + doc.Hash, Revision: o.Revision})
			out = append(out, data)
		}
	}
	return specs, out, warnings, nil
}

// reconcile brings the queued jobs of o up to date: a document made from an older
// revision of the order, or one that failed for good or was cancelled, is queued
// again; one missing (the station prints more documents now) is queued. An order
// whose documents are all done is confirmed.
func (s *Station) reconcile(ctx context.Context, o *order.Order, existing []printer.Job) (int, error) {
	byKey := make(map[printer.JobKey]printer.Job, len(existing))
	for _, j := range existing {
		byKey[j.Key] = j
	}
	var missing []printer.JobSpec
	var again []printer.Job
	done := true
	for i := range s.p.docs {
		d := &s.p.docs[i]
		for c := 1; c <= max(d.Copies, 1); c++ {
			j, ok := byKey[docKey(o.ID, d, c)]
			switch {
			case !ok:
				missing = append(missing, printer.JobSpec{Key: docKey(o.ID, d, c), Revision: o.Revision})
				done = false
			case j.State == printer.Sending:
				done = false
			case j.Revision != o.Revision, j.State == printer.Failed, j.State == printer.Cancelled:
				again = append(again, j)
				done = false
			case !j.State.Done():
				done = false
			}
		}
	}
	if done {
		_, err := s.confirmOrder(ctx, o.ID)
		return 0, err
	}
	if len(missing) == 0 && len(again) == 0 {
		return 0, nil // queued or waiting for confirmation
	}
	// Validate what would print now before queuing anything again.
	specs, _, _, err := s.render(ctx, o)
	if err != nil {
		return 0, err
	}
	byKeySpec := make(map[printer.JobKey]printer.JobSpec, len(specs))
	for _, sp := range specs {
		byKeySpec[sp.Key] = sp
	}
	n := 0
	for _, j := range again {
		sp := byKeySpec[j.Key]
		reason := ReasonRequeued
		if j.Revision != o.Revision {
			reason = ReasonOrderChanged
		}
		if _, err := s.p.spool.Replace(ctx, j.ID, sp, reason); err != nil {
			if errors.Is(err, printer.ErrJobState) {
				continue // it moved meanwhile; the next Print looks again
			}
			return n, err
		}
		n++
	}
	if len(missing) > 0 {
		for i := range missing {
			missing[i] = byKeySpec[missing[i].Key]
		}
		js, err := s.p.spool.SubmitAll(ctx, missing)
		if err != nil && !errors.Is(err, printer.ErrDuplicate) {
			return n, err
		}
		n += len(js)
	}
	return n, nil
}

// renderJob makes the bytes of a job at send time: from the cache for a first
// print rendered moments ago, otherwise laid out again from the stored order, with
// the reprint mark when the job is a reprint. A job made from an older revision of
// its order is refused ([ErrStale]).
func (s *Station) renderJob(ctx context.Context, j printer.Job) ([]byte, error) {
	if !j.Reprint {
		if b := s.p.cache.take(j.Key, j.Revision); b != nil {
			return b, nil
		}
	}
	o, err := s.store.GetOrder(ctx, j.Key.Order)
	if err != nil {
		return nil, err
	}
	if o.Revision != j.Revision {
		return nil, fmt.Errorf("%w: job %s was made from revision %d of order %s, now %d", ErrStale, j.ID, j.Revision, o.ID, o.Revision)
	}
	var d *Document
	for i := range s.p.docs {
		if k := docKey(o.ID, &s.p.docs[i], j.Key.Copy); k == j.Key {
			d = &s.p.docs[i]
			break
		}
	}
	if d == nil {
		return nil, fmt.Errorf("dadan: job %s: this station has no template %s@%s for %s", j.ID, j.Key.Template, j.Key.Version, j.Key.Doc)
	}
	mark := ""
	if j.Reprint {
		mark = ReprintMark(j.PrintCount + 1)
	}
	doc, err := LayoutOrder(d.Template, d.Kind, o, new(s.p.layout.ForRenderer(d.Renderer)), s.now(), mark)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := d.Renderer.Render(ctx, &buf, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReprintMark is the mark a reprinted document carries, with its print number.
func ReprintMark(n int) string { return "补打 #" + strconv.Itoa(n) }

// cancelJobs takes the jobs that are still queued out of their queues; jobs being
// sent or printed already are left as they are.
func (s *Station) cancelJobs(ctx context.Context, js []printer.Job) {
	for _, j := range js {
		if j.State != printer.Queued {
			continue
		}
		if err := s.p.spool.Cancel(ctx, j.ID); err != nil {
			s.log.DebugContext(ctx, "cancel print job", "job", j.ID, "err", err)
		}
	}
}

// unqueue cancels the queued documents of an order that left approved (held,
// resolved, refunded) or changed while its documents waited.
func (s *Station) unqueue(ctx context.Context, id string) {
	if s.p.spool == nil {
		return
	}
	s.p.print.Lock()
	defer s.p.print.Unlock()
	js, err := s.p.jobs.Jobs(ctx, printer.JobFilter{Order: id, States: []printer.JobState{printer.Queued}})
	if err != nil {
		s.log.WarnContext(ctx, "listing the jobs of an order", "order", id, "err", err)
		return
	}
	s.cancelJobs(ctx, js)
}

// allocate takes a waybill number from the carrier and stores it with the order.
// If another station stored one meanwhile, that one stays and ours is cancelled.
func (s *Station) allocate(ctx context.Context, o *order.Order) (*order.Waybill, error) {
	wb, err := s.takeNumber(ctx, o)
	if err != nil {
		return nil, err
	}
	return s.keepNumber(ctx, o.ID, wb)
}

// takeNumber takes a waybill number for o from the carrier.
func (s *Station) takeNumber(ctx context.Context, o *order.Order) (*order.Waybill, error) {
	if s.p.carrier == nil {
		return nil, ErrNoCarrier
	}
	w, err := s.p.carrier.Allocate(ctx, shipment.AllocateRequest{Carrier: o.Carrier, OrderID: o.ID})
	if err != nil {
		return nil, err
	}
	return &order.Waybill{TrackingNo: w.TrackingNo, SortCode: w.SortCode, Mark: w.Mark, BagAddr: w.BagAddr}, nil
}

// keepNumber stores wb, a number taken for order id, and returns the number the
// order keeps: wb, or the one another station stored meanwhile (ours is then
// cancelled with the carrier).
func (s *Station) keepNumber(ctx context.Context, id string, wb *order.Waybill) (*order.Waybill, error) {
	actor, now := access.Actor(ctx), s.now()
	var kept *order.Waybill
	err := s.store.UpdateOrder(ctx, id, func(so *order.Order) ([]order.Event, error) {
		if trackingNo(so) != "" {
			kept = so.Waybill
			return nil, nil
		}
		kept = nil
		so.Waybill = wb
		return []order.Event{order.Note(so, now, actor, order.ActNote, "waybill "+wb.TrackingNo+" allocated")}, nil
	})
	if err != nil {
		return nil, err
	}
	if kept != nil {
		if kept.TrackingNo == wb.TrackingNo {
			return kept, nil // stored already, by the step whose outcome was unknown
		}
		if cerr := s.p.carrier.Cancel(ctx, wb.TrackingNo); cerr != nil {
			s.log.WarnContext(ctx, "cancelling a number not needed", "number", wb.TrackingNo, "err", cerr)
		}
		return kept, nil
	}
	return wb, nil
}

// Confirm moves to printed every order whose documents the printers have all
// confirmed since the last call (and that a restarted station's Print found done),
// journaling the template name, version and hash of each, and returns how many it
// moved. An order with a job that failed for good is put on hold with the cause;
// an order that left approved meanwhile is left as it is. Errors of single orders
// do not stop the others; they are returned joined. It needs [access.Print].
func (s *Station) Confirm(ctx context.Context) (int, error) {
	if err := s.authorize(ctx, access.Print, ""); err != nil {
		return 0, err
	}
	if s.p.spool == nil {
		return 0, ErrNoPrinting
	}
	s.p.confirm.Lock()
	defer s.p.confirm.Unlock()
	s.p.mu.Lock()
	ids := make([]string, 0, len(s.p.dirty))
	for id := range s.p.dirty {
		ids = append(ids, id)
	}
	clear(s.p.dirty)
	s.p.mu.Unlock()
	slices.Sort(ids)
	var mu sync.Mutex
	n := 0
	var errs []error
	fail := func(id string, err error) {
		mu.Lock()
		defer mu.Unlock()
		s.redirty([]string{id})
		if err != nil {
			errs = append(errs, err)
		}
	}
	// What each order's update needs (its jobs) is read several orders at once.
	plans := make([]*confirmation, len(ids))
	_ = par.Do(context.WithoutCancel(ctx), len(ids), confirmWorkers, func(i int) error {
		if ctx.Err() != nil {
			fail(ids[i], nil) // the next Confirm takes it
			return nil
		}
		c, err := s.confirmPlan(ctx, ids[i])
		if err != nil {
			fail(ids[i], err)
		}
		plans[i] = c
		return nil
	})
	var todo []*confirmation
	for _, c := range plans {
		if c != nil {
			todo = append(todo, c)
		}
	}
	// The updates are written several orders per write; a write that fails
	// is made again order by order, so one order's error leaves the others.
	chunks := (len(todo) + confirmBatch - 1) / confirmBatch
	_ = par.Do(context.WithoutCancel(ctx), chunks, confirmWriters, func(k int) error {
		chunk := todo[k*confirmBatch : min((k+1)*confirmBatch, len(todo))]
		if ctx.Err() != nil {
			for _, c := range chunk {
				fail(c.id, nil)
			}
			return nil
		}
		var batchErr error = errNoBatch
		if s.p.both != nil && len(chunk) > 1 {
			ups := make([]order.Update, len(chunk))
			for i, c := range chunk {
				ups[i] = order.Update{ID: c.id, Fn: c.update, Narrow: true}
			}
			_, batchErr = s.p.both.AddJobsUpdating(ctx, nil, ups)
		}
		for _, c := range chunk {
			err := batchErr
			if err != nil {
				err = s.store.UpdateOrder(ctx, c.id, c.update)
			}
			moved, err := s.confirmed(ctx, c, err)
			if err != nil {
				fail(c.id, err)
			}
			if moved {
				mu.Lock()
				n++
				mu.Unlock()
			}
		}
		return nil
	})
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return n, errors.Join(errs...)
}

// errNoBatch stands for a batch not written: its orders are updated one by one.
var errNoBatch = errors.New("dadan: not written as a batch")

// confirmBatch is the most orders Confirm updates in one write, and
// confirmWriters how many such writes it has under way at once.
const (
	confirmBatch   = 64
	confirmWriters = 2
)

// confirmWorkers is how many orders Confirm handles at once.
const confirmWorkers = 8

// redirty puts orders back for the next Confirm.
func (s *Station) redirty(ids []string) {
	s.p.mu.Lock()
	for _, id := range ids {
		s.p.dirty[id] = true
	}
	s.p.mu.Unlock()
}

// ended notes that job of order id ended and reports whether this station was
// waiting for it; the caller holds p.mu.
func (p *printing) ended(id, job string) bool {
	return p.unmark(p.waiting, id, job)
}

// mark adds job of order id to set; the caller holds p.mu.
func (p *printing) mark(set map[string]map[string]bool, id, job string) {
	if set[id] == nil {
		set[id] = make(map[string]bool, 2)
	}
	set[id][job] = true
}

// unmark removes job of order id from set and reports whether it was there;
// the caller holds p.mu.
func (p *printing) unmark(set map[string]map[string]bool, id, job string) bool {
	m := set[id]
	if !m[job] {
		return false
	}
	delete(m, job)
	if len(m) == 0 {
		delete(set, id)
	}
	return true
}

// confirmOrder moves order id to printed when all its current documents are
// done, or to on_hold when one failed for good.
func (s *Station) confirmOrder(ctx context.Context, id string) (bool, error) {
	c, err := s.confirmPlan(ctx, id)
	if c == nil || err != nil {
		return false, err
	}
	return s.confirmed(ctx, c, s.store.UpdateOrder(ctx, id, c.update))
}

// confirmation is the update that confirms one order, and what it did.
type confirmation struct {
	id     string
	update func(o *order.Order) ([]order.Event, error)
	moved  bool          // to printed
	gone   bool          // the order had left approved
	failed []printer.Job // the order's jobs, when one failed for good
}

// confirmPlan returns the update that confirms order id, or nil when jobs this
// station queued for it are still to end.
func (s *Station) confirmPlan(ctx context.Context, id string) (*confirmation, error) {
	s.p.mu.Lock()
	more := len(s.p.waiting[id]) > 0
	s.p.mu.Unlock()
	if more {
		return nil, nil // jobs this station queued are still to end: their events come
	}
	byKey := s.seenJobs(id)
	var js []printer.Job
	if byKey == nil {
		var err error
		if js, err = s.p.jobs.Jobs(ctx, printer.JobFilter{Order: id}); err != nil {
			return nil, err
		}
		byKey = make(map[printer.JobKey]printer.Job, len(js))
		for _, j := range js {
			byKey[j.Key] = j
		}
	} else {
		for _, j := range byKey {
			js = append(js, j)
		}
	}
	actor, now := access.Actor(ctx), s.now()
	c := &confirmation{id: id}
	c.update = func(o *order.Order) ([]order.Event, error) {
		c.moved, c.failed, c.gone = false, nil, false
		if o.Status != order.Approved {
			c.gone = true
			return nil, nil // held, resolved or cancelled while printing
		}
		var detail strings.Builder
		var bad *printer.Job
		for i := range s.p.docs {
			d := &s.p.docs[i]
			for cp := 1; cp <= max(d.Copies, 1); cp++ {
				j, ok := byKey[docKey(id, d, cp)]
				if !ok || j.Revision != o.Revision {
					return nil, nil // not queued yet, or out of date: Print queues it
				}
				switch {
				case j.State == printer.Failed:
					if bad == nil {
						bad = &j
					}
				case !j.State.Done():
					return nil, nil
				}
				if cp == 1 {
					fmt.Fprintf(&detail, "%s %s@%s %.19s; ", d.Kind, d.Template.Name, d.Template.Version, j.Hash)
				}
			}
		}
		if bad != nil {
			c.failed = js
			ev, err := order.Move(o, order.OnHold, now, actor, order.ActNote,
				fmt.Sprintf("print job %s (%s) failed: %s", bad.ID, bad.Key.Doc, bad.LastError))
			return []order.Event{ev}, err
		}
		ev, err := order.Move(o, order.Printed, now, actor, order.ActPrinted, strings.TrimSuffix(detail.String(), "; "))
		c.moved = err == nil
		return []order.Event{ev}, err
	}
	return c, nil
}

// confirmed finishes c, whose update the store applied (or not: err), and
// reports whether the order moved to printed.
func (s *Station) confirmed(ctx context.Context, c *confirmation, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	if c.failed != nil {
		s.cancelJobs(ctx, c.failed)
	}
	if c.moved || c.failed != nil || c.gone {
		s.p.mu.Lock()
		delete(s.p.seen, c.id)
		delete(s.p.early, c.id) // jobs of another station's queue on a shared printer
		s.p.mu.Unlock()
	}
	return c.moved, nil
}

// seenJobs returns the finished jobs the events showed for every document of
// order id, or nil when one is missing.
func (s *Station) seenJobs(id string) map[printer.JobKey]printer.Job {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	m := s.p.seen[id]
	if m == nil {
		return nil
	}
	out := make(map[printer.JobKey]printer.Job, len(m))
	for i := range s.p.docs {
		d := &s.p.docs[i]
		for c := 1; c <= max(d.Copies, 1); c++ {
			j, ok := m[docKey(id, d, c)]
			if !ok {
				return nil
			}
			out[j.Key] = j
		}
	}
	return out
}

// Drain sends every queued job, then confirms the printed orders; for batch and
// command-line use. It returns an error wrapping printer.ErrJobFailed if a job
// failed for good. It needs [access.Print].
func (s *Station) Drain(ctx context.Context) error {
	if err := s.authorize(ctx, access.Print, ""); err != nil {
		return err
	}
	if s.p.spool == nil {
		return ErrNoPrinting
	}
	done := make(chan error, 1)
	go func() { done <- s.p.spool.Drain(ctx) }()
	var err error
	for loop := true; loop; {
		select {
		case err = <-done:
			loop = false
		case <-s.p.notify:
			if _, cerr := s.Confirm(ctx); cerr != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "confirm printed orders", "err", cerr)
			}
		}
	}
	if _, cerr := s.Confirm(ctx); err == nil {
		err = cerr
	}
	return err
}

// Run runs the spooler and confirms printed orders as their jobs print, until ctx
// is done; for long-running hosts. It needs [access.Print].
func (s *Station) Run(ctx context.Context) error {
	if err := s.authorize(ctx, access.Print, ""); err != nil {
		return err
	}
	if s.p.spool == nil {
		return ErrNoPrinting
	}
	s.p.cache.running(true)
	defer s.p.cache.running(false)
	done := make(chan error, 1)
	go func() { done <- s.p.spool.Run(ctx) }()
	for {
		select {
		case err := <-done:
			return err
		case <-s.p.notify:
			if _, err := s.Confirm(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "confirm printed orders", "err", err)
			}
		}
	}
}

// PrintAll prints every approved order and returns when every job is done or has
// failed and the printed orders are confirmed: Print and Drain at once, so that
// documents are rendered while the printers work and memory stays flat however
// many orders wait. It returns Print's summary and an error wrapping
// printer.ErrJobFailed if a job failed for good. It needs [access.Print].
func (s *Station) PrintAll(ctx context.Context) (PrintSummary, error) {
	if err := s.authorize(ctx, access.Print, ""); err != nil {
		return PrintSummary{}, err
	}
	if s.p.spool == nil {
		return PrintSummary{}, ErrNoPrinting
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run := make(chan error, 1)
	go func() { run <- s.Run(rctx) }()
	sum, err := s.Print(ctx)
	werr := s.p.spool.Wait(ctx)
	cancel()
	if rerr := <-run; werr == nil && rerr != nil && !errors.Is(rerr, context.Canceled) {
		werr = rerr
	}
	if _, cerr := s.Confirm(context.WithoutCancel(ctx)); werr == nil {
		werr = cerr
	}
	if err == nil {
		err = werr
	}
	if err == nil && s.p.spool.Failed() > 0 {
		err = fmt.Errorf("dadan: %d print jobs failed: %w", s.p.spool.Failed(), printer.ErrJobFailed)
	}
	return sum, err
}

// NumberPolicy says what a reprinted waybill does with its tracking number.
type NumberPolicy int

// Number policies.
const (
	// SameNumber keeps the tracking number; the label carries a reprint mark and
	// the job's print count goes up.
	SameNumber NumberPolicy = iota
	// NewNumber cancels the old number with the carrier (only numbers not yet
	// collected can be) and prints the waybill with a new one.
	NewNumber
)

// Reprint prints a document of an order again, flagged as a reprint, with a
// reason (required) that is journaled with the order. For waybills the policy
// chooses the tracking number; other documents always keep it. The document is
// rendered when it is sent, with the reprint mark. It needs [access.PrintReprint],
// and a waybill with a new number also [access.PrintVoid].
func (s *Station) Reprint(ctx context.Context, orderID string, kind printer.DocKind, reason string, policy NumberPolicy) (printer.Job, error) {
	if err := s.authorize(ctx, access.PrintReprint, orderID); err != nil {
		return printer.Job{}, err
	}
	if policy == NewNumber && kind == printer.Waybill {
		if err := s.authorize(ctx, access.PrintVoid, orderID); err != nil {
			return printer.Job{}, err
		}
	}
	if s.p.spool == nil {
		return printer.Job{}, ErrNoPrinting
	}
	if strings.TrimSpace(reason) == "" {
		return printer.Job{}, printer.ErrNoReason
	}
	var d *Document
	for i := range s.p.docs {
		if s.p.docs[i].Kind == kind {
			d = &s.p.docs[i]
			break
		}
	}
	if d == nil {
		return printer.Job{}, fmt.Errorf("%w: %s", ErrNoJob, kind)
	}
	s.p.print.Lock()
	defer s.p.print.Unlock()
	key := docKey(orderID, d, 1)
	job, err := s.findJob(ctx, key)
	if err != nil {
		return printer.Job{}, err
	}
	o, err := s.store.GetOrder(ctx, orderID)
	if err != nil {
		return printer.Job{}, err
	}
	if !job.State.Done() && job.State != printer.Unconfirmed {
		return job, &printer.JobStateError{ID: job.ID, Got: job.State, Want: printer.Printed}
	}
	actor, now := access.Actor(ctx), s.now()
	note := "reprint " + string(kind) + ": " + access.MaskText(reason) // the journal is kept for good
	if policy == NewNumber && kind == printer.Waybill {
		wb, err := s.renumber(ctx, o, reason)
		if err != nil {
			return printer.Job{}, err
		}
		note += "; waybill " + trackingNo(o) + " cancelled, " + wb.TrackingNo + " allocated"
		o.Waybill = wb
	}
	// Check that the document can be made now, before the job is queued again.
	if _, err := LayoutOrder(d.Template, kind, o, new(s.p.layout.ForRenderer(d.Renderer)), now, ReprintMark(job.PrintCount+1)); err != nil {
		return printer.Job{}, err
	}
	j, err := s.p.spool.Replace(ctx, job.ID, printer.JobSpec{Key: job.Key, MediaLength: job.MediaLength,
		Hash: job.Hash, Revision: o.Revision}, reason)
	if err != nil {
		return j, err
	}
	err = s.store.UpdateOrder(ctx, orderID, func(so *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(so, now, actor, order.ActNote, note)}, nil
	})
	return j, err
}

// renumber cancels o's waybill number with the carrier and allocates a new one,
// storing it with the order. Only numbers the courier has not collected can be
// cancelled; if that fails nothing changes. If the allocation fails after the
// cancel, the order is left without a number (the next Print allocates one).
func (s *Station) renumber(ctx context.Context, o *order.Order, reason string) (*order.Waybill, error) {
	if s.p.carrier == nil {
		return nil, ErrNoCarrier
	}
	actor, now := access.Actor(ctx), s.now()
	old := trackingNo(o)
	if old != "" {
		if err := s.p.carrier.Cancel(ctx, old); err != nil {
			return nil, err
		}
	}
	w, err := s.p.carrier.Allocate(ctx, shipment.AllocateRequest{Carrier: o.Carrier, OrderID: o.ID})
	var wb *order.Waybill
	if err == nil {
		wb = &order.Waybill{TrackingNo: w.TrackingNo, SortCode: w.SortCode, Mark: w.Mark, BagAddr: w.BagAddr}
	}
	uerr := s.store.UpdateOrder(ctx, o.ID, func(so *order.Order) ([]order.Event, error) {
		so.Waybill = wb
		detail := "waybill " + old + " cancelled for a reprint: " + access.MaskText(reason)
		if wb != nil {
			detail += "; " + wb.TrackingNo + " allocated"
		}
		return []order.Event{order.Note(so, now, actor, order.ActNote, detail)}, nil
	})
	return wb, errors.Join(err, uerr)
}

func trackingNo(o *order.Order) string {
	if o.Waybill == nil {
		return ""
	}
	return o.Waybill.TrackingNo
}

// findJob finds the job with key among the jobs of its order.
func (s *Station) findJob(ctx context.Context, key printer.JobKey) (printer.Job, error) {
	js, err := s.p.jobs.Jobs(ctx, printer.JobFilter{Order: key.Order})
	if err != nil {
		return printer.Job{}, err
	}
	for _, j := range js {
		if j.Key == key {
			return j, nil
		}
	}
	return printer.Job{}, fmt.Errorf("%w: %s", ErrNoJob, key)
}

// renderCache keeps the bytes of documents rendered by Print until the spooler
// sends them, so a first print is rendered once. It holds a bounded number: while
// the spooler runs, Print waits for room (the printers set the pace and memory
// stays flat); otherwise a document that finds no room is rendered again when it
// is sent.
type renderCache struct {
	mu   sync.Mutex
	cond *sync.Cond
	m    map[cacheKey][]byte
	run  int
}

type cacheKey struct {
	key printer.JobKey
	rev int
}

// cacheSize is how many rendered documents wait at most, and cacheWait how long
// Print waits for room.
const (
	cacheSize = 512
	cacheWait = 2 * time.Second
)

func (c *renderCache) init() {
	if c.m == nil {
		c.m = make(map[cacheKey][]byte)
		c.cond = sync.NewCond(&c.mu)
	}
}

func (c *renderCache) running(on bool) {
	c.mu.Lock()
	c.init()
	if on {
		c.run++
	} else {
		c.run--
	}
	c.cond.Broadcast()
	c.mu.Unlock()
}

func (c *renderCache) put(ctx context.Context, k printer.JobKey, rev int, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if len(c.m) >= cacheSize && c.run > 0 && ctx.Err() == nil {
		// Wait for the printers, but not for ever: an entry whose job was
		// cancelled is never taken.
		wake := func() {
			c.mu.Lock()
			c.cond.Broadcast()
			c.mu.Unlock()
		}
		expired := false
		t := time.AfterFunc(cacheWait, func() {
			c.mu.Lock()
			expired = true
			c.cond.Broadcast()
			c.mu.Unlock()
		})
		stop := context.AfterFunc(ctx, wake)
		for len(c.m) >= cacheSize && c.run > 0 && ctx.Err() == nil && !expired {
			c.cond.Wait()
		}
		stop()
		t.Stop()
		if expired {
			clear(c.m) // stale entries: those jobs render when they are sent
		}
	}
	if len(c.m) < cacheSize {
		c.m[cacheKey{k, rev}] = b
	}
}

func (c *renderCache) take(k printer.JobKey, rev int) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	ck := cacheKey{k, rev}
	b, ok := c.m[ck]
	if ok {
		delete(c.m, ck)
		c.cond.Broadcast()
	}
	return b
}

// docLayout is what a station reuses for one document from order to order: the
// label data, the layouter and the layout options for its renderer.
type docLayout struct {
	data label.Data
	lo   *label.Layouter
	opts label.LayoutOptions
}
