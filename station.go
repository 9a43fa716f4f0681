package dadan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/par"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

// Options wire a [Station]. The zero value (and nil) works: an in-memory store, the
// built-in review rules without stock or price checks, the system clock.
type Options struct {
	// Store keeps orders and the journal; nil means a new in-memory store.
	Store order.Store
	// Review configures the review engine. When Review.Seen is nil and the store
	// can tell whether it holds an order, the store is used for duplicate checks.
	Review review.Config
	// BatchSize is how many orders are reviewed together while ingesting; stock is
	// reserved across a batch in paid-at order. Zero means 10,000.
	BatchSize int
	// Clock gives the time of journal events; nil means time.Now.
	Clock func() time.Time
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger

	// Printing. Without Printers and Documents the station reviews but does not print.

	// Printers are the devices by name (see [OpenPrinter]).
	Printers map[string]printer.Printer
	// Routes assigns each document kind to a printer name.
	Routes map[printer.DocKind]string
	// Documents are what is printed for every order, in this order.
	Documents []Document
	// Carrier allocates waybill numbers for orders that arrive without one, and
	// cancels numbers on reprints with a new number.
	Carrier shipment.Carrier
	// Jobs keeps the print queue; nil means the Store when it can keep jobs.
	Jobs printer.JobStore
	// Spool tunes the spooler (retries, backoff, usage counters, events); its
	// Routes, Clock and Logger default to the station's.
	Spool printer.Options
	// Layout applies to every document: masking, item order.
	Layout label.LayoutOptions

	// Authorizer decides who may do what (package access). Each entry point checks
	// the permission its doc names for the principal ctx carries; a refusal returns
	// an error matching access.ErrDenied and is journaled (an order.ActDenied event
	// naming the actor and the permission) on the order concerned, when there is
	// one. With an Authorizer, a context without a principal may do nothing; use
	// access.System for unattended work. Nil means no checks: every principal, and
	// a context without one, may do everything (a single-user station, as before
	// permissions existed).
	Authorizer access.Authorizer
}

// Validate reports options [New] would refuse.
func (o *Options) Validate() error {
	if o.BatchSize < 0 {
		return fmt.Errorf("dadan: negative batch size %d", o.BatchSize)
	}
	if err := o.Layout.Validate(); err != nil {
		return err
	}
	for i, d := range o.Documents {
		if d.Template == nil || d.Renderer == nil || d.Kind == "" {
			return fmt.Errorf("dadan: document %d needs a kind, a template and a renderer", i)
		}
		if err := d.Template.Validate(); err != nil {
			return err
		}
		if k := d.Template.Kind; k != "" && printer.DocKind(k) != d.Kind {
			return fmt.Errorf("dadan: document %d: template %s prints %s documents, not %s", i, d.Template.Name, k, d.Kind)
		}
	}
	return o.Review.Validate()
}

// OrderJobStore is implemented by a store that keeps a station's orders and its
// print jobs in one database (memstore, SQLite, PostgreSQL). When the station's
// store keeps its jobs (Options.Jobs is nil) and implements it, Print stores an
// order's new waybill number in the step that queues its documents.
type OrderJobStore interface {
	// AddJobsUpdating changes the orders of updates as [order.Store.UpdateOrder]
	// does, one after the other (a later update of an order sees the earlier
	// ones), and adds jobs as [printer.JobStore.AddJobs] does, all in one
	// atomic step. If an update's fn returns an error, or an order is not
	// found, nothing is stored and that error is returned; if a job's key is
	// taken, nothing is stored and the existing jobs for the taken keys are
	// returned with an error wrapping [printer.ErrDuplicate].
	AddJobsUpdating(ctx context.Context, jobs []printer.Job, updates []order.Update) ([]printer.Job, error)
}

// Station is the order-printing workflow a host calls: ingest orders, review them,
// resolve and release held ones. It is safe for concurrent use.
type Station struct {
	store  order.Store
	engine *review.Engine
	batch  int
	now    func() time.Time
	log    *slog.Logger
	auth   access.Authorizer
	p      printing
}

// New returns a station wired as opts say.
func New(opts *Options) (*Station, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	s := &Station{store: opts.Store, batch: opts.BatchSize, now: opts.Clock, log: opts.Logger, auth: opts.Authorizer}
	if s.store == nil {
		s.store = memstore.New()
	}
	if s.batch == 0 {
		s.batch = 10_000
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	cfg := opts.Review
	if cfg.Seen == nil {
		if seen, ok := s.store.(review.Seen); ok {
			cfg.Seen = seen
		}
	}
	if cfg.Now == nil {
		cfg.Now = s.now
	}
	if cfg.Logger == nil {
		cfg.Logger = s.log
	}
	var err error
	if s.engine, err = review.New(cfg); err != nil {
		return nil, err
	}
	if err := s.setupPrinting(opts); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Station) setupPrinting(opts *Options) error {
	s.p = printing{docs: append([]Document(nil), opts.Documents...), carrier: opts.Carrier, layout: opts.Layout,
		dirty: make(map[string]bool), notify: make(chan struct{}, 1), seen: make(map[string]map[printer.JobKey]printer.Job), waiting: make(map[string]map[string]bool), early: make(map[string]map[string]bool)}
	s.p.reuse = make([]sync.Pool, len(s.p.docs))
	if len(opts.Printers) == 0 {
		return nil
	}
	s.p.jobs = opts.Jobs
	if s.p.jobs == nil {
		js, ok := s.store.(printer.JobStore)
		if !ok {
			return errors.New("dadan: the store cannot keep print jobs: set Options.Jobs")
		}
		s.p.jobs = js
		s.p.both, _ = s.store.(OrderJobStore)
	}
	so := opts.Spool
	if so.Routes == nil && so.Router == nil {
		so.Routes = opts.Routes
	}
	if so.Clock == nil {
		so.Clock = s.now
	}
	if so.Logger == nil {
		so.Logger = s.log
	}
	so.OnEvent = s.onSpoolEvent(opts.Spool.OnEvent)
	so.Render = s.renderJob
	var err error
	s.p.spool, err = printer.New(s.p.jobs, opts.Printers, &so)
	return err
}

// Store returns the station's store. Reads and writes through it are not checked
// against the Authorizer nor masked: a host that enforces access reads orders
// through [Station.Order].
func (s *Station) Store() order.Store { return s.store }

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
	// OnResult, if set, is called for every input order in input order. An error
	// it returns stops the ingest.
	OnResult func(Result) error
}

// Ingest reads orders from r (JSON Lines or a JSON array), stores each as received,
// reviews them in batches and moves each to approved, on_hold or rejected, with a
// journal event naming the actor from ctx ([access.Actor]). Orders that cannot be
// read are reported and skipped; the rest go on. An order whose id is already
// stored is not stored again: the original gets a note in its journal. It needs
// [access.OrderIngest]; a refused ingest reads nothing.
func (s *Station) Ingest(ctx context.Context, r io.Reader, opts *IngestOptions) (Summary, error) {
	if err := s.authorize(ctx, access.OrderIngest, ""); err != nil {
		return Summary{}, err
	}
	if opts == nil {
		opts = &IngestOptions{}
	}
	var sum Summary
	dec := order.NewDecoder(r)
	pending := make([]Result, 0, min(s.batch, 1024))
	orders := make([]*order.Order, 0, min(s.batch, 1024))
	flush := func() error {
		if err := s.reviewBatch(ctx, orders, pending, opts, &sum); err != nil {
			return err
		}
		pending, orders = pending[:0], orders[:0]
		return nil
	}
	for {
		o := new(order.Order)
		err := dec.Decode(o)
		if err == io.EOF {
			break
		}
		var de *order.DecodeError
		if errors.As(err, &de) {
			if errors.Is(err, order.ErrEmpty) {
				return sum, err
			}
			pending = append(pending, Result{Line: de.Line, OrderID: de.OrderID, Outcome: review.Reject, Err: err})
			continue
		}
		if err != nil {
			return sum, err
		}
		o.Status, o.ErasedAt = "", time.Time{} // a status in the input is not ours: every order is new here
		pending = append(pending, Result{Line: dec.Line(), OrderID: o.ID})
		orders = append(orders, o)
		if len(orders) >= s.batch {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	return sum, flush()
}

// reviewBatch reviews orders, stores them and reports results in input order.
// pending holds one result per input record; the decoded ones match orders in turn.
func (s *Station) reviewBatch(ctx context.Context, orders []*order.Order, pending []Result, opts *IngestOptions, sum *Summary) error {
	results, err := s.engine.Review(ctx, orders, &review.Options{DryRun: opts.DryRun})
	if err != nil {
		return err
	}
	actor, now := access.Actor(ctx), s.now() // one time for the batch: journal times never go back
	// The orders of a batch are stored by several writers at once, so a store
	// that commits in groups packs them into few transactions. An id seen
	// earlier in the batch is stored after the others: its original first.
	type write struct {
		res *Result
		o   *order.Order
		rv  review.Result
		dup bool
	}
	var writes, later []*write
	seen := make(map[string]bool, len(orders))
	next := 0
	for i := range pending {
		res := &pending[i]
		sum.Orders++
		if res.Err != nil {
			sum.Refused++
			continue
		}
		o, rv := orders[next], results[next]
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
		w := &write{res: res, o: o, rv: rv}
		if seen[o.ID] {
			later = append(later, w)
			continue
		}
		seen[o.ID] = true
		writes = append(writes, w)
	}
	store := func(w *write) error {
		var err error
		w.res.Status, w.dup, err = s.store1(ctx, w.o, w.rv, actor, now)
		return err
	}
	if err := par.Do(ctx, len(writes), storeWriters, func(i int) error { return store(writes[i]) }); err != nil {
		return err
	}
	for _, w := range later {
		if err := store(w); err != nil {
			return err
		}
	}
	for _, w := range append(writes, later...) {
		if w.dup {
			sum.Stored++
		}
	}
	if opts.OnResult != nil {
		for i := range pending {
			if err := opts.OnResult(pending[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// storeWriters is how many orders are written to the store at once.
const storeWriters = 32

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

// Release lets a person decide a held order: approve sends it to printing, reject
// sends it back for a resolution. note is journaled, phone numbers in it masked
// ([access.MaskText]): the journal is kept for good. It needs [access.OrderRelease].
func (s *Station) Release(ctx context.Context, id string, approve bool, note string) error {
	if err := s.authorize(ctx, access.OrderRelease, id); err != nil {
		return err
	}
	to := order.Rejected
	if approve {
		to = order.Approved
	}
	actor, now := access.Actor(ctx), s.now()
	return s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		if o.Status != order.OnHold {
			return nil, &order.TransitionError{OrderID: id, From: o.Status, To: to}
		}
		ev, err := order.Move(o, to, now, actor, order.ActReleased, access.MaskText(note))
		return []order.Event{ev}, err
	})
}
