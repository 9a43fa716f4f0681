package order

import (
	"errors"
	"fmt"
)

// Status is where an order is in its lifecycle:
//
//	received → approved → printed → verified → shipped
//
// with on_hold (review needs a person), rejected (back to received after a
// resolution) and cancelled (a refund, from any state before shipped).
type Status string

// Order statuses.
const (
	Received  Status = "received"
	Approved  Status = "approved"
	OnHold    Status = "on_hold"
	Rejected  Status = "rejected"
	Printed   Status = "printed"
	Verified  Status = "verified"
	Shipped   Status = "shipped"
	Cancelled Status = "cancelled"
)

// ErrIllegalTransition is wrapped by every [*TransitionError].
var ErrIllegalTransition = errors.New("order: illegal status transition")

// TransitionError reports a status change the lifecycle does not allow.
type TransitionError struct {
	OrderID  string
	From, To Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("order %s: cannot go from %s to %s", e.OrderID, e.From, e.To)
}

// Unwrap returns [ErrIllegalTransition].
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// next lists, for each status, the statuses it may move to.
var next = map[Status][]Status{
	"":        {Received},
	Received:  {Approved, OnHold, Rejected, Cancelled},
	OnHold:    {Approved, Rejected, Received, Cancelled},
	Rejected:  {Received, Cancelled},
	Approved:  {Printed, OnHold, Received, Cancelled},
	Printed:   {Verified, OnHold, Received, Cancelled},
	Verified:  {Shipped, OnHold, Cancelled},
	Shipped:   nil,
	Cancelled: nil,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	_, ok := next[s]
	return ok && s != ""
}

// CanMove reports whether the lifecycle allows s → to.
func (s Status) CanMove(to Status) bool {
	for _, t := range next[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Terminal reports whether no transition leaves s.
func (s Status) Terminal() bool { return s == Shipped || s == Cancelled }
