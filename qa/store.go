package qa

import (
	"context"
	"iter"
	"time"
)

// Source yields the orders as they were printed. Stores derive them from the
// order journal (the operator is the actor of the printed event) and the print
// jobs (the template, version, hash and printer of each document), see
// [Derive].
type Source interface {
	// Printed yields the orders whose printed event lies in [from, to) (a zero
	// bound is open), one record per order (its last printed event in the
	// period), in no particular order.
	Printed(ctx context.Context, from, to time.Time) iter.Seq2[Printed, error]
	// PrintedOrder returns the record of one order, or an error wrapping
	// [ErrNotPrinted].
	PrintedOrder(ctx context.Context, id string) (Printed, error)
}

// Counter is an optional fast path of a [Source]: the number of orders
// Printed would yield, without reading them.
type Counter interface {
	CountPrinted(ctx context.Context, from, to time.Time) (int, error)
}

// Roster is an optional fast path of a [Source] for sampling: the records of
// Printed with only Order, Time, Operator and each document's Kind and Printer
// set (the printer of the latest first-copy job of each kind).
type Roster interface {
	Roster(ctx context.Context, from, to time.Time) iter.Seq2[Printed, error]
}

// InspectedLister is an optional fast path of an [InspectionStore]: the IDs of
// the orders that have an inspection, each once.
type InspectedLister interface {
	InspectedOrders(ctx context.Context) iter.Seq2[string, error]
}

// Filter selects inspections. Zero fields select everything.
type Filter struct {
	Order    string
	From, To time.Time // inspection time in [From, To)
}

// Match reports whether in passes the filter. Stores may use it.
func (f Filter) Match(in *Inspection) bool {
	return (f.Order == "" || in.Order == f.Order) &&
		(f.From.IsZero() || !in.Time.Before(f.From)) && (f.To.IsZero() || in.Time.Before(f.To))
}

// InspectionStore keeps inspection records.
type InspectionStore interface {
	// AddInspection stores in (which it copies) and returns it with Seq, and ID
	// when empty, assigned. It returns an error wrapping [ErrInvalid] if
	// in.Validate fails.
	AddInspection(ctx context.Context, in Inspection) (Inspection, error)
	// Inspections yields the inspections f selects in Seq order.
	Inspections(ctx context.Context, f Filter) iter.Seq2[Inspection, error]
}

// LotStore keeps the history of lot inspection.
type LotStore interface {
	// AddLot stores l and returns it with Seq, and ID when empty, assigned.
	AddLot(ctx context.Context, l Lot) (Lot, error)
	// Lots yields every lot in Seq order.
	Lots(ctx context.Context) iter.Seq2[Lot, error]
}

// Store is what quality inspection needs of a database. Implementations are safe
// for concurrent use; records going in are copied.
type Store interface {
	Source
	InspectionStore
	LotStore
}
