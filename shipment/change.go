package shipment

import (
	"context"
	"errors"

	"github.com/dadanhq/dadan/order"
)

// ChangeCheck verifies a customer's change of recipient before it is made: that
// the buyer asked for it (through the platform's change of address, or a
// message the host can authenticate). A host implements it; an error refuses
// the change.
type ChangeCheck interface {
	CheckChange(ctx context.Context, o *order.Order, to order.Party) error
}

// ChangeCheckFunc adapts a function to [ChangeCheck].
type ChangeCheckFunc func(ctx context.Context, o *order.Order, to order.Party) error

// CheckChange implements [ChangeCheck].
func (f ChangeCheckFunc) CheckChange(ctx context.Context, o *order.Order, to order.Party) error {
	return f(ctx, o, to)
}

// Interceptor is an optional ability of a [Carrier]: asking the courier to stop
// a parcel it holds and deliver it to a new recipient (改址) or return it. A
// station finds it by type assertion on its Carrier.
type Interceptor interface {
	Intercept(ctx context.Context, trackingNo string, to order.Party, reason string) error
}

// ErrNoIntercept is returned when a parcel the courier holds must be stopped but
// the carrier cannot be asked to: call the courier.
var ErrNoIntercept = errors.New("shipment: the carrier cannot intercept parcels")
