package shipment

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// State is where a shipment is in its lifecycle:
//
//	created → waybill_allocated → label_printed → packed → handed_over →
//	in_transit → out_for_delivery → delivered
//
// with the side states voided (the waybill was cancelled before hand-over),
// exception (delayed, lost, damaged, a problem the courier reported) and
// returned. States are ranked along that line, so that tracking events that
// arrive late or twice never move a shipment back (see [State.Rank]).
type State string

// Shipment states.
const (
	Created          State = "created"
	WaybillAllocated State = "waybill_allocated"
	LabelPrinted     State = "label_printed"
	Packed           State = "packed"
	HandedOver       State = "handed_over"
	InTransit        State = "in_transit"
	OutForDelivery   State = "out_for_delivery"
	Delivered        State = "delivered"
	Voided           State = "voided"
	Exception        State = "exception"
	Returned         State = "returned"
)

// States lists every state in rank order.
var States = []State{Created, WaybillAllocated, LabelPrinted, Packed, HandedOver, InTransit,
	Exception, OutForDelivery, Delivered, Returned, Voided}

// rank orders the states. exception ranks with in_transit: a parcel in trouble is
// still on its way until it is delivered or returned.
var rank = map[State]int{
	Created: 1, WaybillAllocated: 2, LabelPrinted: 3, Packed: 4, HandedOver: 5,
	InTransit: 6, Exception: 6, OutForDelivery: 7, Delivered: 8, Returned: 9, Voided: 10,
}

// next lists, for each state, the states it may move to.
var next = map[State][]State{
	Created:          {WaybillAllocated, Voided},
	WaybillAllocated: {LabelPrinted, Voided},
	LabelPrinted:     {Packed, Voided},
	Packed:           {HandedOver, Voided},
	HandedOver:       {InTransit, OutForDelivery, Delivered, Exception, Returned},
	InTransit:        {OutForDelivery, Delivered, Exception, Returned},
	OutForDelivery:   {Delivered, Exception, Returned},
	Exception:        {InTransit, OutForDelivery, Delivered, Returned},
	Delivered:        {Returned},
	Returned:         nil,
	Voided:           nil,
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { _, ok := rank[s]; return ok }

// Rank is s's place in the lifecycle, 1 for created; 0 for an unknown state.
// A tracking event never moves a shipment to a state of lower rank.
func (s State) Rank() int { return rank[s] }

// CanMove reports whether the lifecycle allows s → to.
func (s State) CanMove(to State) bool {
	for _, t := range next[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Terminal reports whether no transition leaves s.
func (s State) Terminal() bool { return s.Valid() && len(next[s]) == 0 }

// InFlight reports whether the courier holds the parcel: handed over and
// neither delivered nor returned.
func (s State) InFlight() bool {
	switch s {
	case HandedOver, InTransit, OutForDelivery, Exception:
		return true
	}
	return false
}

// Errors of the shipment lifecycle and its stores.
var (
	ErrIllegalTransition = errors.New("shipment: illegal state transition")
	ErrNotFound          = errors.New("shipment: not found")
	ErrExists            = errors.New("shipment: tracking number already stored")
)

// TransitionError reports a state change the lifecycle does not allow.
type TransitionError struct {
	TrackingNo string
	From, To   State
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("shipment %s: cannot go from %s to %s", e.TrackingNo, e.From, e.To)
}

// Unwrap returns [ErrIllegalTransition].
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// Shipment is one parcel under one tracking number. A multi-piece parcel (子母件)
// is one Shipment per piece: each names the parent number and is piece n of m;
// the parent's own Shipment is piece 1.
type Shipment struct {
	TrackingNo string
	OrderID    string
	Carrier    string
	State      State
	ParentNo   string // 子母件: the parent number, empty for a single parcel
	Piece      int    // piece n of Pieces; 0 for a single parcel
	Pieces     int
	// Revision is the order revision the label was printed from.
	Revision int
	// DeclaredValue and InsuredValue bound a claim for a lost or damaged parcel.
	DeclaredValue decimal.Decimal
	InsuredValue  decimal.Decimal
	WeightGrams   int    // weighed at verification; 0 when not weighed
	Batch         string // the handover batch, once handed over
	Note          string // the last change a person made, with its reason
	CreatedAt     time.Time
	UpdatedAt     time.Time
	HandedOverAt  time.Time
	LastEventAt   time.Time // time of the newest tracking event applied
	// DeliveredAt is when the parcel was first delivered (signed for); it stays
	// set if the parcel is returned later. Package retention counts from it.
	DeliveredAt time.Time
}

// Delivered returns when sh was delivered and whether it was: DeliveredAt, or
// for a delivered shipment stored before DeliveredAt existed, UpdatedAt (no
// earlier than the delivery, so a retention period counted from it is never
// short).
func (sh *Shipment) Delivered() (time.Time, bool) {
	switch {
	case !sh.DeliveredAt.IsZero():
		return sh.DeliveredAt, true
	case sh.State == Delivered && !sh.UpdatedAt.IsZero():
		return sh.UpdatedAt, true
	}
	return time.Time{}, false
}

// Clone returns a copy of sh.
func (sh *Shipment) Clone() *Shipment { c := *sh; return &c }

// Multi reports whether sh is a piece of a multi-piece parcel.
func (sh *Shipment) Multi() bool { return sh.Pieces > 1 }

// Validate reports a shipment no store should keep.
func (sh *Shipment) Validate() error {
	switch {
	case sh.TrackingNo == "":
		return errors.New("shipment: no tracking number")
	case !sh.State.Valid():
		return fmt.Errorf("shipment %s: unknown state %q", sh.TrackingNo, sh.State)
	case sh.Pieces < 0 || sh.Piece < 0 || sh.Piece > sh.Pieces || (sh.Pieces > 1 && sh.Piece == 0):
		return fmt.Errorf("shipment %s: piece %d of %d", sh.TrackingNo, sh.Piece, sh.Pieces)
	}
	return nil
}

// Move changes sh's state to to at time at, or returns a [*TransitionError] (sh
// is then unchanged).
func Move(sh *Shipment, to State, at time.Time) error {
	if !sh.State.CanMove(to) {
		return &TransitionError{TrackingNo: sh.TrackingNo, From: sh.State, To: to}
	}
	sh.State = to
	sh.UpdatedAt = at
	if to == HandedOver {
		sh.HandedOverAt = at
	}
	if to == Delivered && sh.DeliveredAt.IsZero() {
		sh.DeliveredAt = at
	}
	return nil
}

// Advance moves sh to the state a tracking event at time at reports, if that is a
// step forward: an event older than the newest one applied, or one whose state
// ranks below sh's, changes nothing (it arrived late or again). Entering or
// leaving exception is a step forward while the courier holds the parcel. It
// reports whether the state changed; it returns an error only for a step the
// lifecycle does not allow at all, such as tracking a parcel not handed over.
func Advance(sh *Shipment, to State, at time.Time) (bool, error) {
	if !at.IsZero() && at.Before(sh.LastEventAt) {
		return false, nil
	}
	if !at.IsZero() {
		sh.LastEventAt = at
	}
	if to == "" || to == sh.State {
		return false, nil
	}
	switch {
	case to == Exception && sh.State.InFlight():
	case sh.State == Exception && to.Rank() >= InTransit.Rank():
	case to.Rank() <= sh.State.Rank():
		return false, nil
	}
	// Events may skip steps (a parcel signed for with no transit scan): moving
	// from before hand-over is the only thing tracking cannot do.
	if !sh.State.InFlight() && sh.State != Delivered {
		return false, &TransitionError{TrackingNo: sh.TrackingNo, From: sh.State, To: to}
	}
	if err := Move(sh, to, at); err != nil {
		return false, err
	}
	return true, nil
}
