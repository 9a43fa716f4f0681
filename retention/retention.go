package retention

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/par"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
)

// Orders is what the rule needs of the order store: [order.Store] has it.
type Orders interface {
	GetOrder(ctx context.Context, id string) (*order.Order, error)
	UpdateOrder(ctx context.Context, id string, fn func(o *order.Order) ([]order.Event, error)) error
	Journal(ctx context.Context, after uint64) iter.Seq2[order.Event, error]
}

// Shipments is what the rule needs of the shipment store: [shipment.Store] has
// it.
type Shipments interface {
	ListShipments(ctx context.Context, f shipment.Filter) ([]*shipment.Shipment, error)
	UpdateShipment(ctx context.Context, trackingNo string, fn func(sh *shipment.Shipment) error) error
}

// EventEditor is an optional ability of a [Shipments] store: reading and
// changing the text of stored tracking events, where couriers often name who
// signed for a parcel. The rule finds it by type assertion; store/memstore,
// store/sqlite and store/postgres have it.
type EventEditor interface {
	Events(ctx context.Context, trackingNo string) ([]shipment.Event, error)
	UpdateEvents(ctx context.Context, trackingNo string, fn func(ev *shipment.Event)) (int, error)
}

// Problems is what the rule needs of the courier problem store:
// [shipment.ProblemStore] has it.
type Problems interface {
	ListProblems(ctx context.Context, f shipment.ProblemFilter) ([]*shipment.Problem, error)
	UpdateProblem(ctx context.Context, id string, fn func(p *shipment.Problem) error) error
}

// Inspections is what the rule needs of quality inspection records, whose
// notes may quote the recipient: [qa.InspectionStore]'s reads and the
// UpdateInspections of store/memstore, store/sqlite and store/postgres.
type Inspections interface {
	Inspections(ctx context.Context, f qa.Filter) iter.Seq2[qa.Inspection, error]
	UpdateInspections(ctx context.Context, order string, fn func(in *qa.Inspection)) (int, error)
}

// Jobs is what the rule needs of the print queue: [printer.JobStore] has it.
type Jobs interface {
	Jobs(ctx context.Context, f printer.JobFilter) ([]printer.Job, error)
	UpdateJob(ctx context.Context, j printer.Job, from printer.JobState) error
}

// Checkpointer is an optional ability of an [Orders] store whose files keep
// old copies of changed rows for a while (SQLite's write-ahead log): after a
// run that erased something, Checkpoint makes them gone. store/sqlite has it.
type Checkpointer interface {
	Checkpoint(ctx context.Context) error
}

// Rule is a retention rule: erase the personal data of orders delivered or
// cancelled more than Days days ago. The zero value of every field but Orders
// and Days means its default. A Rule must not be changed while it runs; runs
// may not overlap on one store (a second one holds or skips what the first
// one erases, but may report it twice).
type Rule struct {
	// Orders keeps the orders and the journal (required).
	Orders Orders
	// Shipments finds delivered parcels and holds notes to erase; nil means no
	// order counts as delivered (only cancelled orders are erased).
	Shipments Shipments
	// Problems holds courier problems and claims to erase; nil means none.
	Problems Problems
	// Jobs holds print jobs whose bytes show the recipient; nil means none.
	Jobs Jobs
	// Inspections holds quality inspections whose notes may quote the
	// recipient; nil means none.
	Inspections Inspections
	// Days is how long personal data is kept after delivery or cancellation
	// (required, at least 1).
	Days int
	// BatchSize is how many shipments or journal events are read at a time;
	// zero means 500.
	BatchSize int
	// Clock gives the time the period is counted back from and the time of
	// erasure; nil means time.Now.
	Clock func() time.Time
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// ErrRule is wrapped by [Rule.Validate]'s errors.
var ErrRule = errors.New("retention: invalid rule")

// Validate reports a rule [Rule.Run] would refuse.
func (r *Rule) Validate() error {
	switch {
	case r.Orders == nil:
		return fmt.Errorf("%w: no order store", ErrRule)
	case r.Days < 1:
		return fmt.Errorf("%w: keep personal data at least 1 day, not %d", ErrRule, r.Days)
	case r.BatchSize < 0:
		return fmt.Errorf("%w: negative batch size %d", ErrRule, r.BatchSize)
	}
	return nil
}

// Reason is why an order's personal data is due for erasure.
type Reason string

// Reasons.
const (
	Delivered Reason = "delivered" // the parcel was delivered
	Cancelled Reason = "cancelled" // the order was cancelled (refunded)
)

// Erasure is what a run did, or with DryRun would do, to one order.
type Erasure struct {
	OrderID string
	Reason  Reason
	At      time.Time // when the order was delivered or cancelled
	// Fields names what was (or would be) erased: order fields by their JSON
	// path ("recipient.phone"), other records as "job:ID.data",
	// "shipment:NO.note", "problem:ID.detail". Never their values.
	Fields []string
	// Held, when set, says why the order was left as it is this run (a parcel
	// still with the courier, an open courier problem, a job being sent); the
	// next run tries again.
	Held string
}

// Summary counts what a run found.
type Summary struct {
	Checked int // orders past the period looked at, erased ones included
	Erased  int // erased now (with DryRun: would be)
	Already int // erased by an earlier run
	Held    int // left for now, see [Erasure.Held]
}

// RunOptions adjust one run. Nil means defaults.
type RunOptions struct {
	// DryRun finds what would be erased and changes nothing.
	DryRun bool
	// OnErase, if set, is called for every order erased (or that would be) and
	// every order held. An error it returns stops the run.
	OnErase func(Erasure) error
}

// Run erases the personal data of every order delivered or cancelled more
// than Days days before the clock's now, journaling each with the actor from
// ctx ([access.Actor]). It reads in batches and returns the first error; what
// it erased before stays erased, and running it again goes on. When Orders is
// a [Checkpointer] and something was erased, the run ends with a checkpoint;
// if that cannot finish (readers kept the log in use), its error is returned
// with the summary, the erasures stand and the next checkpoint removes the
// old copies.
func (r *Rule) Run(ctx context.Context, opts *RunOptions) (Summary, error) {
	if err := r.Validate(); err != nil {
		return Summary{}, err
	}
	if opts == nil {
		opts = &RunOptions{}
	}
	now := time.Now
	if r.Clock != nil {
		now = r.Clock
	}
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	batch := r.BatchSize
	if batch == 0 {
		batch = 500
	}
	run := &run{r: r, opts: opts, now: now, log: log, batch: batch, actor: access.Actor(ctx)}
	run.cutoff = now().AddDate(0, 0, -r.Days)
	if err := run.delivered(ctx); err != nil {
		return run.sum, err
	}
	err := run.cancelled(ctx)
	if cp, ok := r.Orders.(Checkpointer); ok && err == nil && !opts.DryRun && run.sum.Erased > 0 {
		err = cp.Checkpoint(ctx)
	}
	log.InfoContext(ctx, "retention run", "days", r.Days, "dry_run", opts.DryRun, "checked", run.sum.Checked,
		"erased", run.sum.Erased, "already", run.sum.Already, "held", run.sum.Held, "err", err)
	return run.sum, err
}

type run struct {
	r      *Rule
	opts   *RunOptions
	now    func() time.Time
	log    *slog.Logger
	batch  int
	actor  string
	cutoff time.Time
	sum    Summary
}

// delivered pages through delivered (and later returned) shipments in
// tracking-number order.
func (u *run) delivered(ctx context.Context) error {
	if u.r.Shipments == nil {
		return nil
	}
	after := ""
	for {
		page, err := u.r.Shipments.ListShipments(ctx, shipment.Filter{
			States: []shipment.State{shipment.Delivered, shipment.Returned}, After: after, Limit: u.batch})
		if err != nil {
			return err
		}
		var due []candidate
		for _, sh := range page {
			after = sh.TrackingNo
			at, ok := sh.Delivered()
			// A multi-piece parcel is one order: its first piece stands for it
			// (the others are checked before erasing).
			if !ok || !at.Before(u.cutoff) || sh.OrderID == "" || sh.Multi() && sh.Piece > 1 {
				continue
			}
			due = append(due, candidate{sh.OrderID, Delivered, at})
		}
		if err := u.process(ctx, due); err != nil {
			return err
		}
		if len(page) < u.batch {
			return nil
		}
	}
}

// cancelled reads the journal in batches for cancellations before the cutoff.
// Each batch is read before any order is changed, so no read is open while the
// journal grows.
func (u *run) cancelled(ctx context.Context) error {
	var after uint64
	for {
		var due []candidate
		n := 0
		for ev, err := range u.r.Orders.Journal(ctx, after) {
			if err != nil {
				return err
			}
			after = ev.Seq
			n++
			if ev.To == order.Cancelled && ev.From != order.Cancelled && ev.Time.Before(u.cutoff) {
				due = append(due, candidate{ev.OrderID, Cancelled, ev.Time})
			}
			if n == u.batch {
				break
			}
		}
		if err := u.process(ctx, due); err != nil {
			return err
		}
		if n < u.batch {
			return nil
		}
	}
}

// candidate is an order past its period.
type candidate struct {
	id  string
	why Reason
	at  time.Time
}

// heldError is a change that found its record changed meanwhile: the order is
// held for the next run.
type heldError string

func (e heldError) Error() string { return string(e) }

// outcome is what erase did with a candidate.
type outcome int

const (
	skipped outcome = iota // not an order to erase (not stored, not cancelled)
	already
	held
	erased
)

// workers is how many orders of a batch are erased at once: the stores'
// reads run side by side and their writes share commits.
const workers = 8

// process erases the candidates of one batch, several at a time, and counts
// and reports them in the batch's order. An order named twice in a batch is
// done once.
func (u *run) process(ctx context.Context, due []candidate) error {
	seen := make(map[string]bool, len(due))
	uniq := due[:0]
	for _, c := range due {
		if !seen[c.id] {
			seen[c.id] = true
			uniq = append(uniq, c)
		}
	}
	outs := make([]outcome, len(uniq))
	es := make([]Erasure, len(uniq))
	err := par.Do(ctx, len(uniq), workers, func(i int) error {
		var err error
		outs[i], es[i], err = u.erase(ctx, uniq[i])
		return err
	})
	for i, out := range outs {
		if out != skipped {
			u.sum.Checked++
		}
		switch out {
		case already:
			u.sum.Already++
		case held:
			u.sum.Held++
		case erased:
			u.sum.Erased++
		}
		if out == held || out == erased {
			if rerr := u.report(es[i]); rerr != nil && err == nil {
				err = rerr
			}
		}
	}
	return err
}

// erase erases one order and the copies of its personal data, or holds it.
// The other records are changed first and the order last, with its journal
// event: a run that stops in between leaves the order unerased, and the next
// run does it all again.
func (u *run) erase(ctx context.Context, c candidate) (outcome, Erasure, error) {
	id, why, at := c.id, c.why, c.at
	o, err := u.r.Orders.GetOrder(ctx, id)
	if errors.Is(err, order.ErrNotFound) {
		return skipped, Erasure{}, nil // a shipment of an order this store does not hold
	}
	if err != nil {
		return skipped, Erasure{}, err
	}
	if o.Erased() {
		return already, Erasure{}, nil
	}
	if why == Cancelled && o.Status != order.Cancelled {
		return skipped, Erasure{}, nil
	}
	pii := collect(o)
	e := Erasure{OrderID: id, Reason: why, At: at}
	var changes []func() error
	why2, err := u.others(ctx, o, pii, &e, &changes)
	if err != nil {
		return skipped, e, err
	}
	if why2 != "" {
		e.Held, e.Fields = why2, nil
		return held, e, nil
	}
	aux := e.Fields
	e.Fields = append(eraseOrder(o.Clone(), pii), aux...)
	if !u.opts.DryRun {
		for _, ch := range changes {
			if err := ch(); err != nil {
				var h heldError
				if errors.As(err, &h) {
					e.Held, e.Fields = string(h), nil
					return held, e, nil
				}
				return skipped, e, fmt.Errorf("retention: order %s: %w", id, err)
			}
		}
		when := u.now()
		err := u.r.Orders.UpdateOrder(ctx, id, func(so *order.Order) ([]order.Event, error) {
			if so.Erased() {
				return nil, nil
			}
			fields := eraseOrder(so, collect(so))
			so.ErasedAt = when
			so.Revision++ // documents made before show what is erased: out of date
			detail := fmt.Sprintf("%s %s, kept %d days; erased: %s",
				why, at.UTC().Format(time.RFC3339), u.r.Days, strings.Join(append(fields, aux...), ", "))
			return []order.Event{order.Note(so, when, u.actor, order.ActErased, detail)}, nil
		})
		if err != nil {
			return skipped, e, fmt.Errorf("retention: order %s: %w", id, err)
		}
	}
	return erased, e, nil
}

func (u *run) report(e Erasure) error {
	if u.opts.OnErase == nil {
		return nil
	}
	return u.opts.OnErase(e)
}

// others finds the copies of o's personal data in the other stores: it appends
// their field names to e.Fields and the changes that erase them to changes, or
// returns why the order must be held.
func (u *run) others(ctx context.Context, o *order.Order, pii *pii, e *Erasure, changes *[]func() error) (string, error) {
	if u.r.Shipments != nil {
		shs, err := u.r.Shipments.ListShipments(ctx, shipment.Filter{OrderID: o.ID})
		if err != nil {
			return "", err
		}
		for _, sh := range shs {
			if sh.State.InFlight() {
				return "parcel " + sh.TrackingNo + " is " + string(sh.State), nil
			}
			if at, ok := sh.Delivered(); ok && !at.Before(u.cutoff) {
				return "parcel " + sh.TrackingNo + " was delivered within the period", nil
			}
			if note := pii.scrub(sh.Note); note != sh.Note {
				e.Fields = append(e.Fields, "shipment:"+sh.TrackingNo+".note")
				no := sh.TrackingNo
				*changes = append(*changes, func() error {
					return u.r.Shipments.UpdateShipment(ctx, no, func(sh *shipment.Shipment) error {
						sh.Note = pii.scrub(sh.Note)
						return nil
					})
				})
			}
			if ee, ok := u.r.Shipments.(EventEditor); ok {
				evs, err := ee.Events(ctx, sh.TrackingNo)
				if err != nil {
					return "", err
				}
				changed := false
				for i, ev := range evs {
					if pii.scrub(ev.Text) != ev.Text {
						e.Fields, changed = append(e.Fields, fmt.Sprintf("shipment:%s.events[%d].text", sh.TrackingNo, i)), true
					}
					if pii.scrub(ev.Location) != ev.Location {
						e.Fields, changed = append(e.Fields, fmt.Sprintf("shipment:%s.events[%d].location", sh.TrackingNo, i)), true
					}
				}
				if changed {
					no := sh.TrackingNo
					*changes = append(*changes, func() error {
						_, err := ee.UpdateEvents(ctx, no, func(ev *shipment.Event) {
							ev.Text, ev.Location = pii.scrub(ev.Text), pii.scrub(ev.Location)
						})
						return err
					})
				}
			}
			if u.r.Problems == nil {
				continue
			}
			ps, err := u.r.Problems.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: sh.TrackingNo})
			if err != nil {
				return "", err
			}
			for _, p := range ps {
				if p.OrderID != "" && p.OrderID != o.ID {
					continue
				}
				if p.Open() {
					return "courier problem " + p.ID + " is open", nil
				}
				c := p.Clone()
				fields := scrubProblem(c, pii)
				if len(fields) == 0 {
					continue
				}
				for _, f := range fields {
					e.Fields = append(e.Fields, "problem:"+p.ID+"."+f)
				}
				pid := p.ID
				*changes = append(*changes, func() error {
					return u.r.Problems.UpdateProblem(ctx, pid, func(p *shipment.Problem) error {
						scrubProblem(p, pii)
						return nil
					})
				})
			}
		}
	}
	if u.r.Inspections != nil {
		changed := false
		for in, err := range u.r.Inspections.Inspections(ctx, qa.Filter{Order: o.ID}) {
			if err != nil {
				return "", err
			}
			for _, f := range scrubInspection(&in, pii) {
				e.Fields, changed = append(e.Fields, "inspection:"+in.ID+"."+f), true
			}
		}
		if changed {
			*changes = append(*changes, func() error {
				_, err := u.r.Inspections.UpdateInspections(ctx, o.ID, func(in *qa.Inspection) { scrubInspection(in, pii) })
				return err
			})
		}
	}
	if u.r.Jobs != nil {
		js, err := u.r.Jobs.Jobs(ctx, printer.JobFilter{Order: o.ID})
		if err != nil {
			return "", err
		}
		for _, j := range js {
			if j.State == printer.Sending {
				return "print job " + j.ID + " is being sent", nil
			}
			from := j.State
			fields := scrubJob(&j, pii)
			if len(fields) == 0 {
				continue
			}
			for _, f := range fields {
				e.Fields = append(e.Fields, "job:"+j.ID+"."+f)
			}
			*changes = append(*changes, func() error {
				err := u.r.Jobs.UpdateJob(ctx, j, from)
				var se *printer.JobStateError
				if errors.As(err, &se) {
					return heldError("print job " + j.ID + " became " + string(se.Got) + " meanwhile")
				}
				return err
			})
		}
	}
	return "", nil
}
