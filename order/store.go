package order

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
)

// Store errors.
var (
	ErrNotFound = errors.New("order: not found")
	ErrExists   = errors.New("order: id already exists")
	// ErrNotNarrow is returned, wrapped, by an [Update] marked Narrow whose Fn
	// set more than the order's status and waybill.
	ErrNotNarrow = errors.New("order: a narrow update changed more than status and waybill")
)

// Store keeps orders and their journal. Implementations must be safe for concurrent
// use, must hand out copies (callers may change what they get), and must apply an
// order change and its journal events atomically.
type Store interface {
	// CreateOrder stores a new order and appends evs to the journal, in one atomic
	// step. It returns an error wrapping ErrExists if the id is taken.
	CreateOrder(ctx context.Context, o *Order, evs ...Event) error
	// GetOrder returns a copy of the order with id, or an error wrapping ErrNotFound.
	GetOrder(ctx context.Context, id string) (*Order, error)
	// UpdateOrder calls fn with a copy of the stored order; if fn returns no error,
	// the changed order is stored and the events fn returns are appended, as one
	// atomic step. fn may be called more than once (optimistic stores retry).
	UpdateOrder(ctx context.Context, id string, fn func(o *Order) ([]Event, error)) error
	// ListOrders yields copies of the orders in the given statuses (all orders if
	// none), ordered by paid-at time and then id.
	ListOrders(ctx context.Context, statuses ...Status) iter.Seq2[*Order, error]
	// Journal yields the events with Seq > after, in Seq order.
	Journal(ctx context.Context, after uint64) iter.Seq2[Event, error]
}

// Update is one order's change in a store operation that changes several: fn is
// called as [Store.UpdateOrder] calls it, with a copy of the stored order with
// ID, and what it returns is stored and journaled the same way.
//
// Narrow marks the change printing makes: Fn reads only the order's ID, Status,
// Revision and Waybill and changes at most its Status and Waybill. Fn then sees
// an order holding only those four ([NarrowOf]), and setting any other field
// fails the update with an error wrapping [ErrNotNarrow]. A store may keep such a
// change beside the order instead of rewriting all of it (store/sqlite does);
// what every store hands out afterwards is the same.
type Update struct {
	ID     string
	Fn     func(o *Order) ([]Event, error)
	Narrow bool
}

// Apply runs u on o, the stored order (a copy the caller owns), as a store does:
// Fn on o itself, or for a Narrow update on [NarrowOf] o, whose status and
// waybill then go into o if [CheckNarrow] finds nothing else changed.
func (u Update) Apply(o *Order) ([]Event, error) {
	if !u.Narrow {
		return u.Fn(o)
	}
	n := NarrowOf(o)
	evs, err := u.ApplyNarrow(n)
	if err != nil {
		return nil, err
	}
	o.Status, o.Waybill = n.Status, n.Waybill
	return evs, nil
}

// ApplyNarrow runs Fn on n, what a Narrow update sees of the stored order (as
// [NarrowOf] makes it, or a store keeps it), and checks with [CheckNarrow] that
// Fn changed no more than n's status and waybill. A store that keeps the state
// apart from the order stores n's status and waybill when it returns no error.
func (u Update) ApplyNarrow(n *Order) ([]Event, error) {
	id, rev := n.ID, n.Revision
	evs, err := u.Fn(n)
	if err != nil {
		return nil, err
	}
	if err := CheckNarrow(n, id, rev); err != nil {
		return nil, err
	}
	return evs, nil
}

// NarrowOf returns what the Fn of a Narrow [Update] sees of o: a new order
// holding a copy of o's ID, Status, Revision and Waybill and nothing else.
func NarrowOf(o *Order) *Order {
	return &Order{ID: o.ID, Status: o.Status, Revision: o.Revision, Waybill: o.Waybill.Clone()}
}

// CheckNarrow returns nil when n, made by [NarrowOf] from the order with id and
// revision rev and then changed by a Narrow update's Fn, holds nothing but its
// status and waybill besides that id and revision; otherwise an error wrapping
// [ErrNotNarrow] that names the order.
func CheckNarrow(n *Order, id string, rev int) error {
	if n.ID != id || n.Revision != rev {
		return fmt.Errorf("%w: order %s: id or revision changed", ErrNotNarrow, id)
	}
	if n.Status != "" && !n.Status.Valid() {
		return fmt.Errorf("%w: order %s: unknown status %q", ErrNotNarrow, id, n.Status)
	}
	rest := *n
	rest.ID, rest.Status, rest.Revision, rest.Waybill = "", "", 0, nil
	if !reflect.ValueOf(rest).IsZero() {
		return fmt.Errorf("%w: order %s", ErrNotNarrow, id)
	}
	return nil
}
