package shipment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/order"
)

// Register makes sure o's waybill has a shipment in st, creating it in the state
// the order's status implies (printed: label_printed; verified: packed; shipped:
// handed_over; otherwise waybill_allocated), and returns it. An order without a
// waybill number has none: Register returns nil. A shipment stored already is
// returned as it is.
func Register(ctx context.Context, st Store, o *order.Order, at time.Time) (*Shipment, error) {
	if o.Waybill == nil || o.Waybill.TrackingNo == "" {
		return nil, nil
	}
	w := o.Waybill
	if sh, err := st.GetShipment(ctx, w.TrackingNo); err == nil {
		if sh.OrderID != o.ID {
			return nil, fmt.Errorf("%w: %s belongs to order %s, not %s", ErrExists, w.TrackingNo, sh.OrderID, o.ID)
		}
		return sh, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	state := WaybillAllocated
	switch o.Status {
	case order.Printed:
		state = LabelPrinted
	case order.Verified:
		state = Packed
	case order.Shipped:
		state = HandedOver
	}
	sh := &Shipment{TrackingNo: w.TrackingNo, OrderID: o.ID, Carrier: o.Carrier, State: state,
		ParentNo: w.ParentNo, Piece: w.Piece, Pieces: w.Pieces, Revision: o.Revision,
		DeclaredValue: o.Total, InsuredValue: w.InsuredValue, CreatedAt: at, UpdatedAt: at}
	if sh.Pieces <= 1 {
		sh.Piece, sh.Pieces = 0, 0
	} else if sh.Piece == 0 {
		sh.Piece = 1
	}
	if sh.DeclaredValue.IsZero() {
		sh.DeclaredValue = o.ItemsTotal()
	}
	err := st.CreateShipment(ctx, sh)
	if errors.Is(err, ErrExists) { // another station registered it a moment ago
		return st.GetShipment(ctx, w.TrackingNo)
	}
	if err != nil {
		return nil, err
	}
	return sh, nil
}

// Sync registers the waybill of every order that is printed, verified or
// cancelled (a refund after printing leaves a label to block) and has no
// shipment yet (see [Register]), and returns how many it created. Hosts whose
// print flow does not create shipments call it before verification and
// handover. Shipped orders are left out: a handover registered theirs; a host
// that shipped orders by other means registers them with [Register].
func Sync(ctx context.Context, orders order.Store, st Store, at time.Time) (int, error) {
	n := 0
	for o, err := range orders.ListOrders(ctx, order.Printed, order.Verified, order.Cancelled) {
		if err != nil {
			return n, err
		}
		if o.Waybill == nil || o.Waybill.TrackingNo == "" {
			continue
		}
		if _, err := st.GetShipment(ctx, o.Waybill.TrackingNo); err == nil {
			continue
		} else if !errors.Is(err, ErrNotFound) {
			return n, err
		}
		if _, err := Register(ctx, st, o, at); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
