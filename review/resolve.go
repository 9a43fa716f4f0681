package review

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// Resolution is a change that settles a held or rejected order after talking to
// the customer: [Exchange], [Refund] or [AdjustPrice].
type Resolution interface {
	// describe checks the resolution against o and returns the journal detail.
	describe(o *order.Order) (string, error)
	apply(o *order.Order)
	cancels() bool
}

func (Exchange) cancels() bool    { return false }
func (Refund) cancels() bool      { return true }
func (AdjustPrice) cancels() bool { return false }

// Exchange swaps the product of item line Line (0-based) for another, keeping
// quantity and unit price: the customer agreed to take another product when one is
// out of stock. SKU is required; Barcode, Name and Spec replace the line's.
type Exchange struct {
	Line    int
	SKU     string
	Barcode string
	Name    string
	Spec    string
}

// Refund cancels the order: the customer is refunded (out of stock, or the
// customer asked).
type Refund struct {
	Reason string
}

// AdjustPrice corrects a price: the unit price of item line Line (0-based), or
// the order total when Line is -1.
type AdjustPrice struct {
	Line  int
	Price decimal.Decimal
}

// Errors of [Apply].
var (
	ErrBadResolution  = errors.New("review: bad resolution")
	ErrLineOutOfRange = errors.New("review: line out of range")
)

// LineError reports a resolution for an item line the order does not have.
type LineError struct {
	OrderID string
	Line    int
	Lines   int // how many lines the order has
}

func (e *LineError) Error() string {
	return fmt.Sprintf("review: order %s: line %d out of range (the order has %d lines)", e.OrderID, e.Line, e.Lines)
}

// Unwrap returns [ErrBadResolution] and [ErrLineOutOfRange].
func (e *LineError) Unwrap() []error { return []error{ErrBadResolution, ErrLineOutOfRange} }

func badResolution(why string) error { return fmt.Errorf("%w: %s", ErrBadResolution, why) }

func checkLine(o *order.Order, line int) error {
	if line < 0 || line >= len(o.Items) {
		return &LineError{OrderID: o.ID, Line: line, Lines: len(o.Items)}
	}
	return nil
}

func (x Exchange) describe(o *order.Order) (string, error) {
	if err := checkLine(o, x.Line); err != nil {
		return "", err
	}
	if blank(x.SKU) {
		return "", badResolution("exchange without SKU")
	}
	return "exchange line " + strconv.Itoa(x.Line) + ": " + o.Items[x.Line].SKU + " → " + strings.TrimSpace(x.SKU), nil
}

func (x Exchange) apply(o *order.Order) {
	it := &o.Items[x.Line]
	it.SKU, it.Barcode, it.Name, it.Spec = strings.TrimSpace(x.SKU), x.Barcode, x.Name, x.Spec
}

func (x Refund) describe(*order.Order) (string, error) {
	if r := strings.TrimSpace(x.Reason); r != "" {
		return "refund: " + r, nil
	}
	return "refund", nil
}

func (Refund) apply(*order.Order) {}

func (x AdjustPrice) describe(o *order.Order) (string, error) {
	if x.Price.Sign() < 0 {
		return "", badResolution("negative price " + x.Price.String())
	}
	if x.Line == -1 {
		return "adjust total: " + moneyString(o.Total) + " → " + moneyString(x.Price), nil
	}
	if err := checkLine(o, x.Line); err != nil {
		return "", err
	}
	it := &o.Items[x.Line]
	return "adjust price line " + strconv.Itoa(x.Line) + " " + it.SKU + ": " + moneyString(it.UnitPrice) + " → " + moneyString(x.Price), nil
}

func (x AdjustPrice) apply(o *order.Order) {
	if x.Line == -1 {
		o.Total = x.Price
		return
	}
	o.Items[x.Line].UnitPrice = x.Price
}

// Apply changes o as res says and returns the journal events to store with it,
// each with action [order.ActResolved] and a detail naming what changed. A
// [Refund] moves o to cancelled. Any other resolution changes the order and, when
// o was held, rejected or approved, moves it back to received so that it is
// reviewed again; an order still received (or not yet stored) gets a note event.
// On error o is unchanged: the error wraps [ErrBadResolution] or is an
// [*order.TransitionError] (a shipped, cancelled or verified order cannot change).
func Apply(o *order.Order, res Resolution, at time.Time, actor string) ([]order.Event, error) {
	if o == nil {
		return nil, badResolution("nil order")
	}
	switch r := res.(type) {
	case nil:
		return nil, badResolution("nil resolution")
	case *Exchange:
		if r == nil {
			return nil, badResolution("nil resolution")
		}
	case *Refund:
		if r == nil {
			return nil, badResolution("nil resolution")
		}
	case *AdjustPrice:
		if r == nil {
			return nil, badResolution("nil resolution")
		}
	}
	detail, err := res.describe(o)
	if err != nil {
		return nil, err
	}
	if res.cancels() {
		ev, err := order.Move(o, order.Cancelled, at, actor, order.ActResolved, detail)
		if err != nil {
			return nil, err
		}
		return []order.Event{ev}, nil
	}
	switch o.Status {
	case "", order.Received:
		res.apply(o)
		return []order.Event{order.Note(o, at, actor, order.ActResolved, detail)}, nil
	}
	if !o.Status.CanMove(order.Received) {
		return nil, &order.TransitionError{OrderID: o.ID, From: o.Status, To: order.Received}
	}
	res.apply(o)
	ev, err := order.Move(o, order.Received, at, actor, order.ActResolved, detail)
	if err != nil {
		return nil, err
	}
	return []order.Event{ev}, nil
}
