package dadan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dadanhq/dadan/access"
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

// queued is an order whose jobs wait for the printer's confirmation.
type queued struct {
	jobs   []string // job IDs
	detail string   // template name, version and hash of each document
}

// printing is the printing half of a station.
type printing struct {
	spool   *printer.Spooler
	jobs    printer.JobStore
	docs    []Document
	carrier shipment.Carrier
	layout  label.LayoutOptions

	mu      sync.Mutex
	confirm sync.Mutex        // one Confirm at a time
	print   sync.Mutex        // one Print at a time: an order gets one waybill number
	pending map[string]queued // order ID → its jobs
	notify  chan struct{}     // a job was printed; Run confirms
}

func (s *Station) onSpoolEvent(user func(printer.Event)) func(printer.Event) {
	return func(ev printer.Event) {
		if ev.Kind == printer.EventPrinted {
			select {
			case s.p.notify <- struct{}{}:
			default:
			}
		}
		if user != nil {
			user(ev)
		}
	}
}

// Spooler returns the station's spooler, nil when printing is not configured.
func (s *Station) Spooler() *printer.Spooler { return s.p.spool }

// Print allocates waybill numbers where needed, renders each configured document
// for the approved orders with ids (every approved order when none is given) and
// queues them on the spooler. Printing is idempotent: a document queued before is
// not queued again (one that failed for good is queued again). Orders move to
// printed when [Station.Confirm] (or Run, Drain) sees all their jobs confirmed by the
// printer. The station remembers which jobs belong to which order in memory: after a
// restart, call Print again for the approved orders; it finds their queued or
// printed jobs by their keys.
func (s *Station) Print(ctx context.Context, ids ...string) (PrintSummary, error) {
	var sum PrintSummary
	if s.p.spool == nil || len(s.p.docs) == 0 {
		return sum, ErrNoPrinting
	}
	s.p.print.Lock()
	defer s.p.print.Unlock()
	var list []*order.Order
	if len(ids) == 0 {
		for o, err := range s.store.ListOrders(ctx, order.Approved) {
			if err != nil {
				return sum, err
			}
			list = append(list, o)
		}
	} else {
		for _, id := range ids {
			o, err := s.store.GetOrder(ctx, id)
			if err != nil {
				return sum, err
			}
			if o.Status != order.Approved {
				return sum, &order.TransitionError{OrderID: id, From: o.Status, To: order.Printed}
			}
			list = append(list, o)
		}
	}
	for _, o := range list {
		n, err := s.print1(ctx, o)
		var pe *PrintError
		if errors.As(err, &pe) {
			sum.Failed = append(sum.Failed, pe)
			if err := s.hold(ctx, o.ID, pe.Error()); err != nil {
				return sum, err
			}
			continue
		}
		if err != nil {
			return sum, err
		}
		sum.Orders++
		sum.Jobs += n
	}
	return sum, nil
}

// hold puts an order that cannot print on hold with the reason.
func (s *Station) hold(ctx context.Context, id, reason string) error {
	actor, now := access.Actor(ctx), s.now()
	return s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
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

func (s *Station) print1(ctx context.Context, o *order.Order) (int, error) {
	if s.needsWaybill() && (o.Waybill == nil || o.Waybill.TrackingNo == "") {
		wb, err := s.allocate(ctx, o)
		if err != nil {
			return 0, &PrintError{OrderID: o.ID, Err: err}
		}
		o.Waybill = wb
	}
	// Render every document first: an order prints all of its documents or none.
	now := s.now()
	var specs []printer.JobSpec
	var detail strings.Builder
	var buf bytes.Buffer
	for _, d := range s.p.docs {
		doc, err := LayoutOrder(d.Template, d.Kind, o, &s.p.layout, now, "")
		if err == nil {
			buf.Reset()
			err = d.Renderer.Render(ctx, &buf, doc)
		}
		if err != nil {
			return 0, &PrintError{OrderID: o.ID, Doc: d.Kind, Err: err}
		}
		fmt.Fprintf(&detail, "%s %s@%s sha256:%.12s; ", d.Kind, d.Template.Name, d.Template.Version, doc.Hash)
		data := bytes.Clone(buf.Bytes())
		for c := 1; c <= max(d.Copies, 1); c++ {
			key := printer.JobKey{Order: o.ID, Doc: d.Kind, Template: d.Template.Name, Version: d.Template.Version, Copy: c}
			specs = append(specs, printer.JobSpec{Key: key, Data: data, MediaLength: MediaLength(doc)})
		}
	}
	var jobs []string
	for _, spec := range specs {
		job, err := s.p.spool.Submit(ctx, spec)
		if errors.Is(err, printer.ErrDuplicate) && (job.State == printer.Failed || job.State == printer.Cancelled) {
			// Queued before and given up on: the cause may be fixed now.
			job, err = s.p.spool.Requeue(ctx, job.ID, spec.Data)
		}
		if err != nil && !errors.Is(err, printer.ErrDuplicate) {
			s.cancelJobs(ctx, jobs)
			if errors.Is(err, printer.ErrTooLarge) || errors.Is(err, printer.ErrNoRoute) {
				return 0, &PrintError{OrderID: o.ID, Doc: spec.Key.Doc, Err: err}
			}
			return 0, err
		}
		jobs = append(jobs, job.ID)
	}
	s.p.mu.Lock()
	s.p.pending[o.ID] = queued{jobs: jobs, detail: strings.TrimSuffix(detail.String(), "; ")}
	s.p.mu.Unlock()
	return len(jobs), nil
}

// cancelJobs takes the jobs that are still queued out of their queues; jobs being
// sent or printed already are left as they are.
func (s *Station) cancelJobs(ctx context.Context, ids []string) {
	for _, id := range ids {
		if err := s.p.spool.Cancel(ctx, id); err != nil {
			s.log.DebugContext(ctx, "cancel print job", "job", id, "err", err)
		}
	}
}

// unqueue forgets an order's pending jobs and cancels those still queued: the order
// left approved (held, resolved, refunded) while its documents waited.
func (s *Station) unqueue(ctx context.Context, id string) {
	if s.p.spool == nil {
		return
	}
	s.p.mu.Lock()
	q, ok := s.p.pending[id]
	delete(s.p.pending, id)
	s.p.mu.Unlock()
	if ok {
		s.cancelJobs(ctx, q.jobs)
	}
}

// allocate takes a waybill number from the carrier and stores it with the order.
func (s *Station) allocate(ctx context.Context, o *order.Order) (*order.Waybill, error) {
	if s.p.carrier == nil {
		return nil, ErrNoCarrier
	}
	w, err := s.p.carrier.Allocate(ctx, shipment.AllocateRequest{Carrier: o.Carrier, OrderID: o.ID})
	if err != nil {
		return nil, err
	}
	wb := &order.Waybill{TrackingNo: w.TrackingNo, SortCode: w.SortCode, Mark: w.Mark, BagAddr: w.BagAddr}
	actor, now := access.Actor(ctx), s.now()
	err = s.store.UpdateOrder(ctx, o.ID, func(so *order.Order) ([]order.Event, error) {
		so.Waybill = wb
		return []order.Event{order.Note(so, now, actor, order.ActNote, "waybill "+wb.TrackingNo+" allocated")}, nil
	})
	return wb, err
}

// Confirm moves to printed every order whose documents the printers have all
// confirmed, journaling the template name, version and hash of each, and returns
// how many it moved. An order with a job that failed for good is put on hold with
// the cause; an order that left approved meanwhile is forgotten. Errors of single
// orders do not stop the others; they are returned joined.
func (s *Station) Confirm(ctx context.Context) (int, error) {
	if s.p.spool == nil {
		return 0, ErrNoPrinting
	}
	s.p.confirm.Lock()
	defer s.p.confirm.Unlock()
	s.p.mu.Lock()
	ids := make([]string, 0, len(s.p.pending))
	for id := range s.p.pending {
		ids = append(ids, id)
	}
	s.p.mu.Unlock()
	sort.Strings(ids)
	actor, n := access.Actor(ctx), 0
	var errs []error
	for _, id := range ids {
		s.p.mu.Lock()
		q, ok := s.p.pending[id]
		s.p.mu.Unlock()
		if !ok {
			continue
		}
		done, failed, err := s.jobsDone(ctx, q.jobs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !done && failed == nil {
			continue
		}
		now, moved := s.now(), false
		err = s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
			if o.Status != order.Approved {
				return nil, nil // held, resolved or cancelled while printing
			}
			var ev order.Event
			var err error
			if failed != nil {
				ev, err = order.Move(o, order.OnHold, now, actor, order.ActNote,
					fmt.Sprintf("print job %s (%s) failed: %s", failed.ID, failed.Key.Doc, failed.LastError))
			} else {
				ev, err = order.Move(o, order.Printed, now, actor, order.ActPrinted, q.detail)
				moved = true
			}
			return []order.Event{ev}, err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.p.mu.Lock()
		delete(s.p.pending, id)
		s.p.mu.Unlock()
		if failed != nil {
			s.cancelJobs(ctx, q.jobs)
		}
		if moved {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// jobsDone reports whether all jobs are printed, or the first that failed for good.
func (s *Station) jobsDone(ctx context.Context, ids []string) (bool, *printer.Job, error) {
	done := true
	for _, jid := range ids {
		j, err := s.p.spool.Job(ctx, jid)
		if err != nil {
			return false, nil, err
		}
		switch j.State {
		case printer.Printed:
		case printer.Failed, printer.Cancelled:
			return false, &j, nil
		default:
			done = false
		}
	}
	return done, nil, nil
}

// Drain sends every queued job, then confirms the printed orders; for batch and
// command-line use. It returns an error wrapping printer.ErrJobFailed if a job
// failed for good.
func (s *Station) Drain(ctx context.Context) error {
	if s.p.spool == nil {
		return ErrNoPrinting
	}
	err := s.p.spool.Drain(ctx)
	if _, cerr := s.Confirm(ctx); err == nil {
		err = cerr
	}
	return err
}

// Run runs the spooler and confirms printed orders as their jobs print, until ctx
// is done; for long-running hosts.
func (s *Station) Run(ctx context.Context) error {
	if s.p.spool == nil {
		return ErrNoPrinting
	}
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
// chooses the tracking number; other documents always keep it.
func (s *Station) Reprint(ctx context.Context, orderID string, kind printer.DocKind, reason string, policy NumberPolicy) (printer.Job, error) {
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
	key := printer.JobKey{Order: orderID, Doc: kind, Template: d.Template.Name, Version: d.Template.Version, Copy: 1}
	job, err := s.findJob(ctx, key)
	if err != nil {
		return printer.Job{}, err
	}
	o, err := s.store.GetOrder(ctx, orderID)
	if err != nil {
		return printer.Job{}, err
	}
	if job.State != printer.Printed {
		return job, &printer.JobStateError{ID: job.ID, Got: job.State, Want: printer.Printed}
	}
	actor, now := access.Actor(ctx), s.now()
	note := "reprint " + string(kind) + ": " + reason
	if policy == NewNumber && kind == printer.Waybill {
		wb, err := s.renumber(ctx, o, reason)
		if err != nil {
			return printer.Job{}, err
		}
		note += "; waybill " + trackingNo(o) + " cancelled, " + wb.TrackingNo + " allocated"
		o.Waybill = wb
	}
	mark := "补打 #" + strconv.Itoa(job.PrintCount+1)
	doc, err := LayoutOrder(d.Template, kind, o, &s.p.layout, now, mark)
	if err != nil {
		return printer.Job{}, err
	}
	var buf bytes.Buffer
	if err := d.Renderer.Render(ctx, &buf, doc); err != nil {
		return printer.Job{}, err
	}
	j, err := s.p.spool.Reprint(ctx, job.ID, reason, buf.Bytes())
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
		detail := "waybill " + old + " cancelled for a reprint: " + reason
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

// findJob finds the first copy of a document of an order among the jobs.
func (s *Station) findJob(ctx context.Context, key printer.JobKey) (printer.Job, error) {
	s.p.mu.Lock()
	q, ok := s.p.pending[key.Order]
	s.p.mu.Unlock()
	if ok {
		for _, id := range q.jobs {
			if j, err := s.p.spool.Job(ctx, id); err == nil && j.Key == key {
				return j, nil
			}
		}
	}
	js, err := s.p.jobs.Jobs(ctx, printer.JobFilter{States: []printer.JobState{printer.Printed}})
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
