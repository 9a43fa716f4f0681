package shipment

import (
	"context"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/shopspring/decimal"
)

// Desk is the tracking and courier-problem work a host does on behalf of a
// person or a program, each step checked against an [access.Authorizer] for the
// principal the context carries: taking in tracking events, finding delays,
// reporting problems and working claims need [access.ShipTrack]; listing
// problems and the per-carrier analysis need [access.OrderRead]. A refusal is a
// [*access.DeniedError] and changes nothing; a refusal concerning one parcel's
// problem is journaled on its order in Orders. With a nil Authorizer every step
// is allowed, as with the package functions ([Ingest], [ReportProblem], ...),
// which check nothing. A Desk is safe for concurrent use when its Store is.
type Desk struct {
	Store Store // required
	// Orders is where refusals concerning an order are journaled; nil journals
	// none.
	Orders access.OrderJournal
	// Authorizer decides who may do what; nil means no checks.
	Authorizer access.Authorizer
	// Clock gives the time of problems and claim steps; nil means time.Now.
	Clock func() time.Time
}

func (d *Desk) now() time.Time {
	if d.Clock != nil {
		return d.Clock()
	}
	return time.Now()
}

// check asks for perm and journals a refusal on orderID (the result of a lookup
// made only on a refusal).
func (d *Desk) check(ctx context.Context, perm access.Permission, orderID func() string) error {
	err := access.Check(ctx, d.Authorizer, perm)
	if err == nil || orderID == nil || d.Orders == nil {
		return err
	}
	return access.JournalRefusal(ctx, err, perm, d.Orders, orderID(), d.now)
}

// problemOrder returns a function giving the order of problem id, "" if unknown.
func (d *Desk) problemOrder(ctx context.Context, id string) func() string {
	return func() string {
		ps, err := d.Store.ListProblems(ctx, ProblemFilter{})
		if err != nil {
			return ""
		}
		for _, p := range ps {
			if p.ID == id {
				return p.OrderID
			}
		}
		return ""
	}
}

// Ingest is [Ingest] after a check of [access.ShipTrack].
func (d *Desk) Ingest(ctx context.Context, evs []Event) ([]Applied, error) {
	if err := d.check(ctx, access.ShipTrack, nil); err != nil {
		return nil, err
	}
	return Ingest(ctx, d.Store, evs)
}

// Poll is [Poll] after a check of [access.ShipTrack].
func (d *Desk) Poll(ctx context.Context, t Tracker) ([]Applied, error) {
	if err := d.check(ctx, access.ShipTrack, nil); err != nil {
		return nil, err
	}
	return Poll(ctx, d.Store, t)
}

// FindDelays is [FindDelays] at the desk's time after a check of
// [access.ShipTrack].
func (d *Desk) FindDelays(ctx context.Context, limits DelayLimits) ([]*Problem, error) {
	if err := d.check(ctx, access.ShipTrack, nil); err != nil {
		return nil, err
	}
	return FindDelays(ctx, d.Store, d.now(), limits)
}

// ReportProblem is [ReportProblem] by the principal ctx carries, at the desk's
// time, after a check of [access.ShipTrack]; a refusal is journaled on the
// parcel's order.
func (d *Desk) ReportProblem(ctx context.Context, trackingNo string, kind ProblemKind, detail string) (*Problem, error) {
	if err := d.check(ctx, access.ShipTrack, func() string {
		if sh, err := d.Store.GetShipment(ctx, trackingNo); err == nil {
			return sh.OrderID
		}
		return ""
	}); err != nil {
		return nil, err
	}
	return ReportProblem(ctx, d.Store, trackingNo, kind, detail, access.Actor(ctx), d.now())
}

// StartClaim is [StartClaim] at the desk's time after a check of
// [access.ShipTrack]; a refusal is journaled on the problem's order.
func (d *Desk) StartClaim(ctx context.Context, id string, amount decimal.Decimal) (*Problem, error) {
	if err := d.check(ctx, access.ShipTrack, d.problemOrder(ctx, id)); err != nil {
		return nil, err
	}
	return StartClaim(ctx, d.Store, id, amount, d.now())
}

// SubmitClaim records problem id's open claim as claimed with the courier's
// reference ([SubmitClaim]) after a check of [access.ShipTrack]; a refusal is
// journaled on the problem's order.
func (d *Desk) SubmitClaim(ctx context.Context, id, ref string) (*Problem, error) {
	return d.update(ctx, id, func(p *Problem) error { return SubmitClaim(p, ref, d.now()) })
}

// SettleClaim records the courier's answer to problem id's claim
// ([SettleClaim]) after a check of [access.ShipTrack]; a refusal is journaled on
// the problem's order.
func (d *Desk) SettleClaim(ctx context.Context, id string, paid bool, amount decimal.Decimal, note string) (*Problem, error) {
	return d.update(ctx, id, func(p *Problem) error { return SettleClaim(p, paid, amount, note, d.now()) })
}

// Resolve closes problem id ([Resolve]) after a check of [access.ShipTrack]; a
// refusal is journaled on the problem's order.
func (d *Desk) Resolve(ctx context.Context, id, resolution, link string) (*Problem, error) {
	return d.update(ctx, id, func(p *Problem) error { return Resolve(p, resolution, link, d.now()) })
}

func (d *Desk) update(ctx context.Context, id string, fn func(p *Problem) error) (*Problem, error) {
	if err := d.check(ctx, access.ShipTrack, d.problemOrder(ctx, id)); err != nil {
		return nil, err
	}
	var out *Problem
	err := d.Store.UpdateProblem(ctx, id, func(p *Problem) error {
		if err := fn(p); err != nil {
			return err
		}
		out = p.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Problems lists the problems f selects after a check of [access.OrderRead].
// Phone numbers in their details are masked ([access.MaskText]) unless the
// principal may read personal data ([access.OrderReadPII]).
func (d *Desk) Problems(ctx context.Context, f ProblemFilter) ([]*Problem, error) {
	if err := d.check(ctx, access.OrderRead, nil); err != nil {
		return nil, err
	}
	ps, err := d.Store.ListProblems(ctx, f)
	if err != nil || access.Allowed(ctx, d.Authorizer, access.OrderReadPII) {
		return ps, err
	}
	for _, p := range ps {
		p.Detail = access.MaskText(p.Detail)
	}
	return ps, nil
}

// Analyze is [Analyze] after a check of [access.OrderRead].
func (d *Desk) Analyze(ctx context.Context, from, to time.Time) ([]CarrierStats, error) {
	if err := d.check(ctx, access.OrderRead, nil); err != nil {
		return nil, err
	}
	return Analyze(ctx, d.Store, from, to)
}
