package dadan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dadanhq/dadan/access"
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
	seen   writingSeen // the review's Seen while Ingest writes a batch
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
	if cfg.Seen != nil {
		s.seen.next, cfg.Seen = cfg.Seen, &s.seen
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
