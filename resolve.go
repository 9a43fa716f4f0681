package dadan

import (
	"context"
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
)

// ErrPrinted is returned for a change to an order whose documents are printed: the
// documents would no longer match it. Void and reprint instead, or refund.
var ErrPrinted = errors.New("dadan: order is printed")

// Resolve settles a held or rejected order as agreed with the customer: an
// exchange of a line's product, a refund (the order is cancelled) or a price
// adjustment. The change is journaled with the actor from ctx, and any resolution
// but a refund is followed by a new review that moves the order to approved,
// on_hold or rejected again. That review reserves stock for the order again through
// the Inventory's [review.Reserver]: a Reserver should treat a second reservation
// for the same order and SKU as replacing the first. A refund needs
// [access.OrderRefund], any other resolution [access.OrderResolve].
func (s *Station) Resolve(ctx context.Context, id string, res review.Resolution) (Result, error) {
	perm := access.OrderResolve
	if _, refund := res.(review.Refund); refund {
		perm = access.OrderRefund
	}
	if err := s.authorize(ctx, perm, id); err != nil {
		return Result{OrderID: id}, err
	}
	if r, ok := res.(review.Refund); ok {
		r.Reason = access.MaskText(r.Reason) // journaled, and the journal is kept for good
		res = r
	}
	actor, now := access.Actor(ctx), s.now()
	var resolved *order.Order
	err := s.store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
		if _, refund := res.(review.Refund); !refund && (o.Status == order.Printed || o.Status == order.Verified) {
			return nil, fmt.Errorf("%w: order %s", ErrPrinted, id)
		}
		evs, err := review.Apply(o, res, now, actor)
		o.Revision++ // documents made before the change are out of date
		resolved = o
		return evs, err
	})
	if err != nil {
		return Result{OrderID: id}, err
	}
	s.unqueue(ctx, id) // documents rendered before the change must not print
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
