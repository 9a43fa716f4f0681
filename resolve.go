package dadan

import (
	"context"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
)

// Resolve settles a held or rejected order as agreed with the customer: an
// exchange of a line's product, a refund (the order is cancelled) or a price
// adjustment. The change is journaled with the actor from ctx, and any resolution
// but a refund is followed by a new review that moves the order to approved,
// on_hold or rejected again.
func (s *Station) Resolve(ctx context.Context, id string, res review.Resolution) (Result, error) {
	actor, now := access.Actor(ctx), s.now()
	var resolved *order.Order
	err := s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		evs, err := review.Apply(o, res, now, actor)
		resolved = o
		return evs, err
	})
	if err != nil {
		return Result{OrderID: id}, err
	}
	if resolved.Status == order.Cancelled {
		return Result{OrderID: id, Status: order.Cancelled}, nil
	}
	rvs, err := s.engine.Review(ctx, []*order.Order{resolved}, nil)
	if err != nil {
		return Result{OrderID: id}, err
	}
	rv := rvs[0]
	to := statusOf(rv.Outcome)
	err = s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		ev, err := order.Move(o, to, s.now(), actor, order.ActReviewed, codes(rv.Findings))
		return []order.Event{ev}, err
	})
	return Result{OrderID: id, Outcome: rv.Outcome, Status: to, Findings: rv.Findings}, err
}
