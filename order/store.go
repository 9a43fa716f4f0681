package order

import (
	"context"
	"errors"
	"iter"
)

// Store errors.
var (
	ErrNotFound = errors.New("order: not found")
	ErrExists   = errors.New("order: id already exists")
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
type Update struct {
	ID string
	Fn func(o *Order) ([]Event, error)
}
