package qa

import (
	"context"
	"iter"
	"time"

	"github.com/dadanhq/dadan/access"
)

// Desk is quality inspection done on behalf of a person, each step checked
// against an [access.Authorizer] for the principal the context carries:
// sampling, recording inspections (and so the rework they open or close), lot
// inspection, the inspection records and the statistics all need
// [access.QAInspect]. A refusal is a [*access.DeniedError] and changes nothing;
// a refused inspection of an order is journaled on it in Orders. With a nil
// Authorizer every step is allowed, as with the package functions ([Sample],
// [Record], [RecordLot], [Collect]), which check nothing. A Desk is safe for
// concurrent use when its Store is.
type Desk struct {
	Store Store // required
	// Orders is where a refused inspection of an order is journaled; nil
	// journals none.
	Orders access.OrderJournal
	// Authorizer decides who may do what; nil means no checks.
	Authorizer access.Authorizer
	// Clock gives the time of journaled refusals; nil means time.Now.
	Clock func() time.Time
}

func (d *Desk) check(ctx context.Context, orderID string) error {
	return access.CheckOrder(ctx, d.Authorizer, access.QAInspect, d.Orders, orderID, d.Clock)
}

// Sample is [Sample] over the desk's store after a check of [access.QAInspect].
func (d *Desk) Sample(ctx context.Context, opt SampleOptions) (SampleResult, error) {
	if err := d.check(ctx, ""); err != nil {
		return SampleResult{}, err
	}
	return Sample(ctx, d.Store, d.Store, opt)
}

// Record is [Record] after a check of [access.QAInspect]; a refusal is journaled
// on the inspected order.
func (d *Desk) Record(ctx context.Context, in Inspection) (Inspection, error) {
	if err := d.check(ctx, in.Order); err != nil {
		return Inspection{}, err
	}
	return Record(ctx, d.Store, in)
}

// RecordLot is [RecordLot] after a check of [access.QAInspect].
func (d *Desk) RecordLot(ctx context.Context, l Lot) (Lot, error) {
	if err := d.check(ctx, ""); err != nil {
		return Lot{}, err
	}
	return RecordLot(ctx, d.Store, l)
}

// Replay is [Replay] after a check of [access.QAInspect].
func (d *Desk) Replay(ctx context.Context) (Switching, error) {
	if err := d.check(ctx, ""); err != nil {
		return Switching{}, err
	}
	return Replay(ctx, d.Store)
}

// Inspections yields the inspections f selects after a check of
// [access.QAInspect]; a refusal is the only item. Phone numbers in their notes
// are masked ([access.MaskText]) unless the principal may read personal data
// ([access.OrderReadPII]).
func (d *Desk) Inspections(ctx context.Context, f Filter) iter.Seq2[Inspection, error] {
	if err := d.check(ctx, ""); err != nil {
		return func(yield func(Inspection, error) bool) { yield(Inspection{}, err) }
	}
	if access.Allowed(ctx, d.Authorizer, access.OrderReadPII) {
		return d.Store.Inspections(ctx, f)
	}
	return func(yield func(Inspection, error) bool) {
		for in, err := range d.Store.Inspections(ctx, f) {
			in.Note = access.MaskText(in.Note)
			if !yield(in, err) {
				return
			}
		}
	}
}

// Collect is [Collect] after a check of [access.QAInspect].
func (d *Desk) Collect(ctx context.Context, opt StatsOptions) (Stats, error) {
	if err := d.check(ctx, ""); err != nil {
		return Stats{}, err
	}
	return Collect(ctx, d.Store, opt)
}
