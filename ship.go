package dadan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/shipment"
)

// JobLabels adapts a print queue to [shipment.Labels], so scan verification
// blocks a parcel whose waybill label was made from an older revision of its
// order or is queued for a reprint: an order's label is its newest waybill job.
func JobLabels(jobs printer.JobStore) shipment.Labels { return jobLabels{jobs} }

type jobLabels struct{ jobs printer.JobStore }

func (l jobLabels) Label(ctx context.Context, orderID string) (shipment.LabelInfo, bool, error) {
	js, err := l.jobs.Jobs(ctx, printer.JobFilter{Order: orderID})
	if err != nil {
		return shipment.LabelInfo{}, false, err
	}
	var newest *printer.Job
	for i := range js {
		j := &js[i]
		if j.Key.Doc == printer.Waybill && j.Key.Copy <= 1 && (newest == nil || j.Seq > newest.Seq) {
			newest = j
		}
	}
	if newest == nil {
		return shipment.LabelInfo{}, false, nil
	}
	return shipment.LabelInfo{Printed: newest.State.Done() || newest.State == printer.Unconfirmed, Revision: newest.Revision}, true, nil
}

// AmendOptions adjust [Station.Amend]. Nil means defaults.
type AmendOptions struct {
	// Check verifies the change with the platform or the buyer; nil accepts it.
	Check shipment.ChangeCheck
	// Shipments keeps the shipments; nil means the station's store when it is a
	// [shipment.Store].
	Shipments shipment.Store
}

// AmendAction is what [Station.Amend] did.
type AmendAction string

// Amend actions, by the order's state when the change came.
const (
	// AmendUpdated: before printing, the order was changed and reviewed again.
	AmendUpdated AmendAction = "updated"
	// AmendRelabelled: after printing and before handover, the waybill was
	// voided, a new number taken, and the documents queued again with the new
	// data; the old label is blocked at verification.
	AmendRelabelled AmendAction = "relabelled"
	// AmendIntercepted: after handover, the courier was asked to intercept the
	// parcel and deliver it to the new recipient.
	AmendIntercepted AmendAction = "intercept_requested"
)

// AmendResult is what became of a change of recipient.
type AmendResult struct {
	OrderID  string
	Action   AmendAction
	Status   order.Status // the order's status after the change
	Outcome  review.Outcome
	Findings []review.Finding
	// OldTrackingNo and NewTrackingNo are set when the waybill was replaced.
	OldTrackingNo, NewTrackingNo string
	// Jobs counts the documents queued again (0 when this station does not
	// print: the next Print of a printing station queues them).
	Jobs int
	// Warning is set when a step could not be done and needs a person, such as
	// an old number the configured carrier did not issue.
	Warning string
}

// Errors of [Station.Amend].
var (
	ErrNoReason  = errors.New("dadan: a change needs a reason")
	ErrRecipient = errors.New("dadan: the new recipient needs a name, a phone and an address")
	ErrAmend     = errors.New("dadan: the order cannot be changed")
)

// Amend changes an order's recipient (name, phone, address) at the customer's
// request, verified through opts.Check, and acts by the order's state: before
// printing it updates the order and reviews it again; after printing and
// before handover it cancels the waybill number with the carrier, takes a new
// one and queues the documents again with the new data (flagged reprints, so
// the labels carry the reprint mark), and the old label is blocked at
// verification; after handover it asks the carrier to intercept the parcel
// through its optional [shipment.Interceptor] ability ([shipment.ErrNoIntercept]
// when it has none). Every step is journaled with the actor from ctx and the
// reason. It needs [access.OrderAmend] (which covers the new number of a printed
// order).
func (s *Station) Amend(ctx context.Context, id string, to order.Party, reason string, opts *AmendOptions) (AmendResult, error) {
	res := AmendResult{OrderID: id}
	if err := s.authorize(ctx, access.OrderAmend, id); err != nil {
		return res, err
	}
	if opts == nil {
		opts = &AmendOptions{}
	}
	if strings.TrimSpace(reason) == "" {
		return res, ErrNoReason
	}
	if strings.TrimSpace(to.Name) == "" || strings.TrimSpace(to.Phone) == "" || strings.TrimSpace(to.Address) == "" {
		return res, ErrRecipient
	}
	ships := opts.Shipments
	if ships == nil {
		ships, _ = s.store.(shipment.Store)
	}
	actor := access.Actor(ctx)
	o, err := s.store.GetOrder(ctx, id)
	if err != nil {
		return res, err
	}
	note := func(detail string) error {
		return s.store.UpdateOrder(ctx, id, func(so *order.Order) ([]order.Event, error) {
			return []order.Event{order.Note(so, s.now(), actor, order.ActNote, detail)}, nil
		})
	}
	if opts.Check != nil {
		if cerr := opts.Check.CheckChange(ctx, o, to); cerr != nil {
			err := fmt.Errorf("dadan: change of recipient refused: %w", cerr)
			return res, errors.Join(err, note("change of recipient refused: "+access.MaskText(cerr.Error())))
		}
	}
	switch o.Status {
	case order.Cancelled:
		return res, fmt.Errorf("%w: order %s is cancelled", ErrAmend, id)
	case order.Shipped:
		return s.amendShipped(ctx, o, to, reason, ships, note)
	case order.Printed, order.Verified:
		return s.amendPrinted(ctx, o, to, reason, ships)
	}
	return s.amendUnprinted(ctx, o, to, reason)
}

// changeDetail is the journal's note of a change of recipient. It names both
// recipients masked ([access.MaskParty]) and phone numbers in the reason masked
// ([access.MaskText]): the journal is kept for good, personal data in it could
// not be erased.
func changeDetail(o *order.Order, to order.Party, reason string) string {
	from, dst := access.MaskParty(o.Recipient), access.MaskParty(to)
	return fmt.Sprintf("recipient changed (%s): %s %s → %s %s", access.MaskText(reason), from.Name, from.FullAddress(), dst.Name, dst.FullAddress())
}

// amendUnprinted changes an order not printed yet and reviews it again.
func (s *Station) amendUnprinted(ctx context.Context, o *order.Order, to order.Party, reason string) (AmendResult, error) {
	res := AmendResult{OrderID: o.ID, Action: AmendUpdated}
	actor := access.Actor(ctx)
	var changed *order.Order
	err := s.store.UpdateOrder(ctx, o.ID, func(so *order.Order) ([]order.Event, error) {
		if so.Status == order.Printed || so.Status == order.Verified || so.Status.Terminal() {
			return nil, fmt.Errorf("%w: order %s became %s meanwhile", ErrAmend, so.ID, so.Status)
		}
		detail := changeDetail(so, to, reason)
		so.Recipient = to
		so.Revision++ // documents made before the change are out of date
		var ev order.Event
		if so.Status == order.Received {
			ev = order.Note(so, s.now(), actor, order.ActResolved, detail)
		} else {
			var err error
			if ev, err = order.Move(so, order.Received, s.now(), actor, order.ActResolved, detail); err != nil {
				return nil, err
			}
		}
		changed = so
		return []order.Event{ev}, nil
	})
	if err != nil {
		return res, err
	}
	s.unqueue(ctx, o.ID)
	rvs, err := s.engine.Review(ctx, []*order.Order{changed}, nil)
	if err != nil {
		return res, err
	}
	rv := rvs[0]
	st := statusOf(rv.Outcome)
	err = s.store.UpdateOrder(ctx, o.ID, func(so *order.Order) ([]order.Event, error) {
		ev, err := order.Move(so, st, s.now(), actor, order.ActReviewed, codes(rv.Findings))
		return []order.Event{ev}, err
	})
	res.Status, res.Outcome, res.Findings = st, rv.Outcome, rv.Findings
	return res, err
}

// amendPrinted voids the printed waybill, takes a new number and queues the
// documents again with the new recipient.
func (s *Station) amendPrinted(ctx context.Context, o *order.Order, to order.Party, reason string, ships shipment.Store) (AmendResult, error) {
	res := AmendResult{OrderID: o.ID, Action: AmendRelabelled, OldTrackingNo: trackingNo(o)}
	if s.p.carrier == nil {
		return res, ErrNoCarrier
	}
	actor, now := access.Actor(ctx), s.now()
	// The new number first: if none can be had, the old one stays valid.
	w, err := s.p.carrier.Allocate(ctx, shipment.AllocateRequest{Carrier: o.Carrier, OrderID: o.ID})
	if err != nil {
		return res, err
	}
	res.NewTrackingNo = w.TrackingNo
	drop := func(err error) (AmendResult, error) {
		if cerr := s.p.carrier.Cancel(ctx, w.TrackingNo); cerr != nil {
			s.log.WarnContext(ctx, "cancelling a number not needed", "number", w.TrackingNo, "err", cerr)
		}
		res.NewTrackingNo = ""
		return res, err
	}
	if ships != nil {
		if sh, err := ships.GetShipment(ctx, w.TrackingNo); err == nil && sh.OrderID != o.ID {
			return drop(fmt.Errorf("dadan: the carrier gave %s, which order %s holds: %w", w.TrackingNo, sh.OrderID, shipment.ErrExists))
		}
	}
	if res.OldTrackingNo != "" {
		err := s.p.carrier.Cancel(ctx, res.OldTrackingNo)
		switch {
		case errors.Is(err, shipment.ErrUnknownNumber):
			res.Warning = "waybill " + res.OldTrackingNo + " was not issued by the configured carrier: cancel it with its issuer"
		case err != nil:
			return drop(err) // collected numbers cannot be voided: nothing changed
		}
	}
	var old, changed *order.Order
	err = s.store.UpdateOrder(ctx, o.ID, func(so *order.Order) ([]order.Event, error) {
		if so.Status != order.Printed && so.Status != order.Verified {
			return nil, fmt.Errorf("%w: order %s became %s meanwhile", ErrAmend, so.ID, so.Status)
		}
		old = so.Clone()
		detail := changeDetail(so, to, reason) + "; waybill " + res.OldTrackingNo + " voided, " + w.TrackingNo + " allocated"
		if res.Warning != "" {
			detail += "; " + res.Warning
		}
		so.Recipient = to
		so.Revision++
		wb := &order.Waybill{TrackingNo: w.TrackingNo, SortCode: w.SortCode, Mark: w.Mark, BagAddr: w.BagAddr}
		if so.Waybill != nil {
			wb.Service, wb.Payment, wb.InsuredValue = so.Waybill.Service, so.Waybill.Payment, so.Waybill.InsuredValue
		}
		so.Waybill = wb
		held, err := order.Move(so, order.OnHold, now, actor, order.ActResolved, detail)
		if err != nil {
			return nil, err
		}
		again, err := order.Move(so, order.Approved, now, actor, order.ActReleased, "documents to be printed again with the new recipient")
		if err != nil {
			return nil, err
		}
		changed = so
		return []order.Event{held, again}, nil
	})
	if err != nil {
		return drop(err)
	}
	res.Status = order.Approved
	if ships != nil {
		if err := voidShipment(ctx, ships, old, now, "voided: "+reason); err != nil {
			return res, err
		}
		if _, err := shipment.Register(ctx, ships, changed, now); err != nil {
			return res, err
		}
	}
	if s.p.spool != nil && len(s.p.docs) > 0 {
		sum, err := s.Print(ctx, o.ID)
		res.Jobs = sum.Jobs
		if err != nil {
			return res, err
		}
		if len(sum.Failed) > 0 {
			return res, sum.Failed[0]
		}
		res.Status = order.Approved
	}
	return res, nil
}

// voidShipment marks the shipment of o's waybill voided, registering it first
// if it was never stored, so that its label is blocked at verification.
func voidShipment(ctx context.Context, ships shipment.Store, o *order.Order, at time.Time, note string) error {
	if _, err := shipment.Register(ctx, ships, o, at); err != nil || trackingNo(o) == "" {
		return err
	}
	return ships.UpdateShipment(ctx, trackingNo(o), func(sh *shipment.Shipment) error {
		if sh.State == shipment.Voided {
			return nil
		}
		sh.Note = note
		return shipment.Move(sh, shipment.Voided, at)
	})
}

// amendShipped asks the carrier to intercept a parcel handed over.
func (s *Station) amendShipped(ctx context.Context, o *order.Order, to order.Party, reason string, ships shipment.Store, note func(string) error) (AmendResult, error) {
	res := AmendResult{OrderID: o.ID, Action: AmendIntercepted, Status: o.Status, OldTrackingNo: trackingNo(o)}
	ic, ok := s.p.carrier.(shipment.Interceptor)
	if !ok || res.OldTrackingNo == "" {
		err := fmt.Errorf("%w: order %s, waybill %s: call the courier", shipment.ErrNoIntercept, o.ID, res.OldTrackingNo)
		return res, errors.Join(err, note("change of recipient after handover ("+access.MaskText(reason)+"): the carrier cannot intercept; call the courier"))
	}
	if err := ic.Intercept(ctx, res.OldTrackingNo, to, reason); err != nil {
		return res, errors.Join(err, note("intercept of "+res.OldTrackingNo+" refused by the carrier: "+access.MaskText(err.Error())))
	}
	actor, now := access.Actor(ctx), s.now()
	err := s.store.UpdateOrder(ctx, o.ID, func(so *order.Order) ([]order.Event, error) {
		detail := changeDetail(so, to, reason) + "; intercept of " + res.OldTrackingNo + " requested"
		so.Recipient = to
		so.Revision++
		return []order.Event{order.Note(so, now, actor, order.ActResolved, detail)}, nil
	})
	if err != nil || ships == nil {
		return res, err
	}
	err = ships.UpdateShipment(ctx, res.OldTrackingNo, func(sh *shipment.Shipment) error {
		sh.Note, sh.UpdatedAt = "intercept requested: "+reason, now
		return nil
	})
	if errors.Is(err, shipment.ErrNotFound) {
		err = nil
	}
	return res, err
}
