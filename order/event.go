package order

import "time"

// Action names what happened to an order in a journal [Event].
type Action string

// Journal actions.
const (
	ActReceived Action = "received" // the order entered the station
	ActReviewed Action = "reviewed" // review ran; Detail holds the finding codes
	ActResolved Action = "resolved" // a resolution (exchange, refund, price adjustment) changed the order
	ActReleased Action = "released" // a person approved or rejected a held order
	ActPrinted  Action = "printed"  // the documents were confirmed printed
	ActVerified Action = "verified" // scan verification before packing passed
	ActShipped  Action = "shipped"  // handed over to the courier
	ActNote     Action = "note"     // a remark without a status change
	ActDenied   Action = "denied"   // an action on the order was refused; Detail names the permission
	ActErased   Action = "erased"   // personal data was erased (package retention); Detail names the fields, never their values
)

// Event is one entry of the append-only order journal. Seq is assigned by the store,
// strictly increasing across all orders, so an incremental backup copies the events
// after the last Seq it saw. Prev and Hash, also set by the store ([Seal]), chain
// each event to the one before, so [Verify] finds an edited, removed or reordered
// event.
type Event struct {
	Seq     uint64
	Time    time.Time
	Actor   string
	OrderID string
	Action  Action
	From    Status
	To      Status // equal to From when the status did not change
	Detail  string
	Prev    string // Hash of the event before; empty for the first
	Hash    string // [HashEvent] of this event, Prev included
}

// Move changes o's status to to and returns the journal event for it, or a
// [*TransitionError] if the lifecycle does not allow the move (o is then unchanged).
func Move(o *Order, to Status, at time.Time, actor string, act Action, detail string) (Event, error) {
	if !o.Status.CanMove(to) {
		return Event{}, &TransitionError{OrderID: o.ID, From: o.Status, To: to}
	}
	ev := Event{Time: at, Actor: actor, OrderID: o.ID, Action: act, From: o.Status, To: to, Detail: detail}
	o.Status = to
	return ev, nil
}

// Note returns a journal event that records detail without changing o's status.
func Note(o *Order, at time.Time, actor string, act Action, detail string) Event {
	return Event{Time: at, Actor: actor, OrderID: o.ID, Action: act, From: o.Status, To: o.Status, Detail: detail}
}
