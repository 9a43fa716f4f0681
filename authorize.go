package dadan

import (
	"context"
	"errors"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
)

// authorize checks that the principal ctx carries may do perm under the station's
// Authorizer. A refusal is logged and, when id names a stored order, journaled on
// it as an [order.ActDenied] event with the actor and the permission; the returned
// error matches access.ErrDenied.
func (s *Station) authorize(ctx context.Context, perm access.Permission, id string) error {
	err := access.Check(ctx, s.auth, perm)
	if err == nil {
		return nil
	}
	actor := access.DeniedActor(ctx)
	s.log.WarnContext(ctx, "action refused", "actor", actor, "permission", string(perm), "order", id, "err", err)
	if id == "" {
		return err
	}
	jerr := s.store.UpdateOrder(context.WithoutCancel(ctx), id, func(o *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(o, s.now(), actor, order.ActDenied, string(perm))}, nil
	})
	if jerr != nil && !errors.Is(jerr, order.ErrNotFound) {
		return errors.Join(err, jerr)
	}
	return err
}

// Order returns the order with id as the principal ctx carries may see it: with
// the recipient's and buyer's personal data masked ([access.MaskOrder]) unless it may
// read them ([access.OrderReadPII]). It needs [access.OrderRead].
func (s *Station) Order(ctx context.Context, id string) (*order.Order, error) {
	if err := s.authorize(ctx, access.OrderRead, ""); err != nil {
		return nil, err
	}
	o, err := s.store.GetOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	return access.ForReader(ctx, s.auth, o), nil
}
