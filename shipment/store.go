package shipment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Event is one tracking step of a parcel, normalised from a courier's or an
// aggregator's format.
type Event struct {
	TrackingNo string
	Time       time.Time
	// State is the shipment state the step reports; empty for a step that only
	// says where the parcel is.
	State    State
	Code     string // the source's status code or word, as received
	Text     string // the step's text, as the courier wrote it
	Location string
	Source   string // "kuaidi100", "line", a Tracker's name
}

// Key identifies the step: the same step received again has the same key, so
// stores keep it once.
func (e *Event) Key() string {
	h := sha256.New()
	for _, s := range []string{e.TrackingNo, strconv.FormatInt(e.Time.UnixNano(), 10), string(e.State), e.Code, e.Text} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Filter selects shipments for [Store.ListShipments]. Zero fields select
// everything.
type Filter struct {
	States  []State
	Carrier string
	OrderID string
	// After pages: only shipments whose tracking number sorts after it.
	After string
	// Limit is the most to return; 0 means no limit.
	Limit int
}

// Match reports whether sh passes the filter (After and Limit aside). Stores may
// use it.
func (f *Filter) Match(sh *Shipment) bool {
	if f.Carrier != "" && sh.Carrier != f.Carrier || f.OrderID != "" && sh.OrderID != f.OrderID {
		return false
	}
	if len(f.States) == 0 {
		return true
	}
	for _, s := range f.States {
		if s == sh.State {
			return true
		}
	}
	return false
}

// Store keeps shipments, their tracking events, and courier problems.
// Implementations must be safe for concurrent use, must hand out copies, and
// must apply each change atomically.
type Store interface {
	// CreateShipment stores a new shipment; an error wrapping [ErrExists] if its
	// tracking number is stored already.
	CreateShipment(ctx context.Context, sh *Shipment) error
	// GetShipment returns the shipment with trackingNo, or an error wrapping
	// [ErrNotFound].
	GetShipment(ctx context.Context, trackingNo string) (*Shipment, error)
	// UpdateShipment calls fn with a copy of the stored shipment and stores the
	// changed copy if fn returns no error. fn may be called more than once and
	// must not call the store.
	UpdateShipment(ctx context.Context, trackingNo string, fn func(sh *Shipment) error) error
	// ListShipments returns the shipments f selects in tracking-number order.
	ListShipments(ctx context.Context, f Filter) ([]*Shipment, error)
	// AddEvent stores ev and applies fn to its shipment, in one atomic step. An
	// event stored already (the same [Event.Key]) is not stored again and fn is
	// not called: added is false. An event for a number with no shipment gives an
	// error wrapping [ErrNotFound]; nothing is stored.
	AddEvent(ctx context.Context, ev Event, fn func(sh *Shipment) error) (added bool, err error)
	// Events returns the stored events of trackingNo in time order (then in
	// the order they were stored).
	Events(ctx context.Context, trackingNo string) ([]Event, error)
	ProblemStore
}

// ProblemStore keeps courier problems and their claims.
type ProblemStore interface {
	// CreateProblem stores p and sets p.ID to the id the store gave it.
	CreateProblem(ctx context.Context, p *Problem) error
	// UpdateProblem calls fn with a copy of the stored problem and stores the
	// changed copy if fn returns no error; an unknown id gives an error wrapping
	// [ErrNotFound].
	UpdateProblem(ctx context.Context, id string, fn func(p *Problem) error) error
	// ListProblems returns the problems f selects in the order they were opened.
	ListProblems(ctx context.Context, f ProblemFilter) ([]*Problem, error)
}
