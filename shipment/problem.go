package shipment

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// ProblemKind is what went wrong with a parcel in the courier's hands.
type ProblemKind string

// Problem kinds.
const (
	Delay   ProblemKind = "delay"   // no tracking event within the carrier's limit
	Lost    ProblemKind = "lost"    // the parcel is gone
	Damaged ProblemKind = "damaged" // the parcel or its goods arrived damaged
)

// Kinds lists the problem kinds.
var Kinds = []ProblemKind{Delay, Lost, Damaged}

// Valid reports whether k is a known kind.
func (k ProblemKind) Valid() bool { return k == Delay || k == Lost || k == Damaged }

// ClaimStatus is where a claim against a courier is:
//
//	open → claimed → paid | rejected
type ClaimStatus string

// Claim statuses.
const (
	ClaimOpen     ClaimStatus = "open"     // the claim is being prepared
	ClaimClaimed  ClaimStatus = "claimed"  // submitted to the courier
	ClaimPaid     ClaimStatus = "paid"     // the courier paid
	ClaimRejected ClaimStatus = "rejected" // the courier refused
)

// ErrClaim is wrapped by the errors of an illegal claim step.
var ErrClaim = errors.New("shipment: illegal claim step")

// Problem is a courier problem with one parcel: a delay found from tracking, or
// a loss or damage a person or a tracking event reported, with its claim.
type Problem struct {
	ID         string // given by the store
	TrackingNo string
	OrderID    string
	Carrier    string
	Kind       ProblemKind
	Detail     string
	OpenedBy   string // a person, or "tracking" for one found from events
	OpenedAt   time.Time
	ResolvedAt time.Time // zero while open
	Resolution string
	// Link names the exchange or refund the problem led to, such as
	// "refund:R2026-001" or "exchange:TB123".
	Link  string
	Claim *Claim // nil when nothing is claimed
}

// Open reports whether p is not resolved.
func (p *Problem) Open() bool { return p.ResolvedAt.IsZero() }

// Clone returns a deep copy of p.
func (p *Problem) Clone() *Problem {
	c := *p
	if p.Claim != nil {
		cl := *p.Claim
		c.Claim = &cl
	}
	return &c
}

// Claim is the money asked of a courier for a lost or damaged parcel.
type Claim struct {
	Status    ClaimStatus
	Amount    decimal.Decimal // asked: the insured value, else the declared value
	Paid      decimal.Decimal // what the courier paid
	Ref       string          // the courier's claim number
	OpenedAt  time.Time
	ClaimedAt time.Time
	SettledAt time.Time // paid or rejected
	Note      string
}

// ClaimAmount is what a claim for sh asks: its insured value when it has one,
// else its declared value.
func ClaimAmount(sh *Shipment) decimal.Decimal {
	if sh.InsuredValue.IsPositive() {
		return sh.InsuredValue
	}
	return sh.DeclaredValue
}

// OpenClaim starts a claim on p for amount at time at. A delay is not claimed
// (it becomes a loss first), and a problem claims once.
func OpenClaim(p *Problem, amount decimal.Decimal, at time.Time) error {
	switch {
	case p.Kind == Delay:
		return fmt.Errorf("%w: problem %s: a delay is not claimed; report the parcel lost", ErrClaim, p.ID)
	case p.Claim != nil:
		return fmt.Errorf("%w: problem %s: claim is %s already", ErrClaim, p.ID, p.Claim.Status)
	case amount.IsNegative():
		return fmt.Errorf("%w: problem %s: negative amount %s", ErrClaim, p.ID, amount)
	}
	p.Claim = &Claim{Status: ClaimOpen, Amount: amount, OpenedAt: at}
	return nil
}

// SubmitClaim marks p's open claim as claimed with the courier's reference.
func SubmitClaim(p *Problem, ref string, at time.Time) error {
	if err := claimStep(p, ClaimOpen, ClaimClaimed); err != nil {
		return err
	}
	p.Claim.Status, p.Claim.Ref, p.Claim.ClaimedAt = ClaimClaimed, ref, at
	return nil
}

// SettleClaim records the courier's answer to a claimed claim: paid (amount is
// what it paid) or rejected (amount is ignored). The problem is then resolved.
func SettleClaim(p *Problem, paid bool, amount decimal.Decimal, note string, at time.Time) error {
	to := ClaimRejected
	if paid {
		to = ClaimPaid
	}
	if err := claimStep(p, ClaimClaimed, to); err != nil {
		return err
	}
	if paid && (amount.IsNegative() || amount.GreaterThan(p.Claim.Amount)) {
		return fmt.Errorf("%w: problem %s: paid %s of a claim for %s", ErrClaim, p.ID, amount, p.Claim.Amount)
	}
	p.Claim.Status, p.Claim.SettledAt, p.Claim.Note = to, at, note
	if paid {
		p.Claim.Paid = amount
	}
	if p.Open() {
		p.ResolvedAt = at
		p.Resolution = "claim " + string(to)
	}
	return nil
}

func claimStep(p *Problem, from, to ClaimStatus) error {
	if p.Claim == nil {
		return fmt.Errorf("%w: problem %s has no claim to move to %s", ErrClaim, p.ID, to)
	}
	if p.Claim.Status != from {
		return fmt.Errorf("%w: problem %s: claim cannot go from %s to %s", ErrClaim, p.ID, p.Claim.Status, to)
	}
	return nil
}

// Resolve closes p with a resolution and, optionally, the exchange or refund it
// led to.
func Resolve(p *Problem, resolution, link string, at time.Time) error {
	if !p.Open() {
		return fmt.Errorf("shipment: problem %s is resolved already", p.ID)
	}
	p.ResolvedAt, p.Resolution = at, resolution
	if link != "" {
		p.Link = link
	}
	return nil
}

// ProblemFilter selects problems for [ProblemStore.ListProblems]. Zero fields
// select everything.
type ProblemFilter struct {
	Carrier    string
	TrackingNo string
	Kind       ProblemKind
	OpenOnly   bool
}

// Match reports whether p passes the filter. Stores may use it.
func (f *ProblemFilter) Match(p *Problem) bool {
	return (f.Carrier == "" || p.Carrier == f.Carrier) && (f.TrackingNo == "" || p.TrackingNo == f.TrackingNo) &&
		(f.Kind == "" || p.Kind == f.Kind) && (!f.OpenOnly || p.Open())
}
