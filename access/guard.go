package access

import (
	"context"
	"errors"
	"time"

	"github.com/dadanhq/dadan/order"
)

// NoPrincipal is the journal's actor of a refusal for a context without a
// principal.
const NoPrincipal = "(no principal)"

// OrderJournal is where a refusal concerning an order is recorded: any
// order.Store has this method.
type OrderJournal interface {
	UpdateOrder(ctx context.Context, id string, fn func(o *order.Order) ([]order.Event, error)) error
}

// DeniedActor returns the actor a refusal is journaled under: the ID of the principal
// ctx carries, else [NoPrincipal].
func DeniedActor(ctx context.Context) string {
	if p, ok := FromContext(ctx); ok && p.ID != "" {
		return p.ID
	}
	return NoPrincipal
}

// CheckOrder is [Check] for an action on the order id: a refusal (an error
// matching [ErrDenied]) is journaled on the order in j by [JournalRefusal].
func CheckOrder(ctx context.Context, a Authorizer, perm Permission, j OrderJournal, id string, now func() time.Time) error {
	return JournalRefusal(ctx, Check(ctx, a, perm), perm, j, id, now)
}

// JournalRefusal journals err, when it is a refusal of perm (it matches
// [ErrDenied]), on the order id in j as an [order.ActDenied] event naming the
// actor ([DeniedActor]) and the permission, at the time now gives (nil means
// time.Now), and returns err. Nothing is journaled when err is nil or not a
// refusal (the authorizer could not decide), j is nil, id is empty or the order
// does not exist; a failure to journal is joined to err.
func JournalRefusal(ctx context.Context, err error, perm Permission, j OrderJournal, id string, now func() time.Time) error {
	if err == nil || j == nil || id == "" || !errors.Is(err, ErrDenied) {
		return err
	}
	if now == nil {
		now = time.Now
	}
	actor := DeniedActor(ctx)
	jerr := j.UpdateOrder(context.WithoutCancel(ctx), id, func(o *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(o, now(), actor, order.ActDenied, string(perm))}, nil
	})
	if jerr != nil && !errors.Is(jerr, order.ErrNotFound) {
		return errors.Join(err, jerr)
	}
	return err
}
