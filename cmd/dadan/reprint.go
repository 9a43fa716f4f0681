package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
)

// runReprint queues a document of a printed order again, flagged as a reprint
// with a reason; the next `dadan print --db` with that printer prints it, with
// 补打 on the label. --new-number cancels the waybill number (test numbers, as
// dadan print gives) and takes a new one first.
func runReprint(ctx context.Context, args []string, e *env) int {
	fs := newFlags("reprint", e)
	db := dbFlag(fs)
	id := fs.String("order", "", "order `ID` (required)")
	kind := fs.String("kind", "waybill", "document `KIND`: waybill, packing or label")
	reason := fs.String("reason", "", "why the document is printed again (required; journaled)")
	newNumber := fs.Bool("new-number", false, "waybills: cancel the tracking number and print with a new one")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	doc, known := docKinds[*kind]
	switch {
	case *id == "" || strings.TrimSpace(*reason) == "":
		e.errorf("reprint: --order and --reason are required")
		return exitUsage
	case !known:
		e.errorf("reprint: --kind %q: want waybill, packing or label", *kind)
		return exitUsage
	case *newNumber && doc != printer.Waybill:
		e.errorf("reprint: --new-number is for waybills")
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "reprint", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ctx = withActor(ctx)
	js, err := store.Jobs(ctx, printer.JobFilter{Order: *id})
	if err != nil {
		e.errorf("reprint: %v", err)
		return exitRefused
	}
	var job *printer.Job
	for i := range js {
		if js[i].Key.Doc == doc && js[i].Key.Copy == 1 && (job == nil || js[i].Seq > job.Seq) {
			job = &js[i]
		}
	}
	if job == nil {
		e.errorf("reprint: order %s has no %s printed", *id, *kind)
		return exitRefused
	}
	if !job.State.Done() && job.State != printer.Unconfirmed {
		e.errorf("reprint: the %s of %s is %s, not printed: it prints on its own", *kind, *id, job.State)
		return exitRefused
	}
	note := "reprint " + string(doc) + ": " + access.MaskText(*reason) // the journal is kept for good
	if *newNumber {
		var old, fresh string
		carrier := dadan.TestCarrierOn(store)
		o, err := store.GetOrder(ctx, *id)
		if err != nil {
			e.errorf("reprint: %v", err)
			return exitRefused
		}
		if o.Waybill != nil {
			old = o.Waybill.TrackingNo
		}
		if old != "" {
			if err := carrier.Cancel(ctx, old); err != nil && !errors.Is(err, shipment.ErrUnknownNumber) {
				e.errorf("reprint: cancelling %s: %v", old, err)
				return exitRefused
			} else if err != nil {
				e.errorf("%s was not issued by the test carrier: cancel it with its issuer", old)
			}
		}
		w, err := carrier.Allocate(ctx, shipment.AllocateRequest{Carrier: o.Carrier, OrderID: o.ID})
		if err != nil {
			e.errorf("reprint: %v", err)
			return exitRefused
		}
		fresh = w.TrackingNo
		note += "; waybill " + old + " cancelled, " + fresh + " allocated (test number)"
		defer func() { fmt.Fprintf(e.stdout, "waybill %s replaces %s\n", fresh, old) }()
		err = store.UpdateOrder(ctx, *id, func(so *order.Order) ([]order.Event, error) {
			so.Waybill = &order.Waybill{TrackingNo: w.TrackingNo, SortCode: w.SortCode, Mark: w.Mark, BagAddr: w.BagAddr}
			return nil, nil
		})
		if err != nil {
			e.errorf("reprint: %v", err)
			return exitRefused
		}
	}
	// A spooler over the store, never run: it queues the job again, to be
	// rendered with the mark by the station that prints it.
	sp, err := printer.New(store, map[string]printer.Printer{job.Printer: printer.PrinterFunc(func(context.Context, []byte) error {
		return errors.New("dadan reprint does not print")
	})}, &printer.Options{Render: func(context.Context, printer.Job) ([]byte, error) {
		return nil, errors.New("dadan reprint does not render")
	}})
	if err != nil {
		e.errorf("reprint: %v", err)
		return exitRefused
	}
	o, err := store.GetOrder(ctx, *id)
	if err != nil {
		e.errorf("reprint: %v", err)
		return exitRefused
	}
	j, err := sp.Replace(ctx, job.ID, printer.JobSpec{Key: job.Key, MediaLength: job.MediaLength, Hash: job.Hash, Revision: o.Revision}, *reason)
	if err != nil {
		e.errorf("reprint: %v", err)
		return exitRefused
	}
	if err := store.UpdateOrder(ctx, *id, func(so *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(so, time.Now(), access.Actor(ctx), order.ActNote, note)}, nil
	}); err != nil {
		e.errorf("reprint: %v", err)
		return exitRefused
	}
	fmt.Fprintf(e.stdout, "queued %s again as a reprint (%s): dadan print --db prints it with %s\n", j.ID, readableText(ctx, j.ReprintReason), dadan.ReprintMark(j.PrintCount+1))
	return exitOK
}
