package shipment

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// DelayLimits say how long a parcel may go without a tracking event before it
// is delayed: per carrier code, else Default (0 means 48 hours).
type DelayLimits struct {
	Default   time.Duration
	ByCarrier map[string]time.Duration
}

// Limit is the limit for carrier.
func (d *DelayLimits) Limit(carrier string) time.Duration {
	if l, ok := d.ByCarrier[carrier]; ok && l > 0 {
		return l
	}
	if d.Default > 0 {
		return d.Default
	}
	return 48 * time.Hour
}

// FindDelays opens a delay problem for every parcel the courier holds whose
// last sign of life (its newest tracking event, else the handover) is older
// than its carrier's limit at now, unless one is open already, and moves the
// parcel to exception. It returns the problems it opened.
func FindDelays(ctx context.Context, st Store, now time.Time, limits DelayLimits) ([]*Problem, error) {
	var opened []*Problem
	after := ""
	for {
		shs, err := st.ListShipments(ctx, Filter{States: []State{HandedOver, InTransit, OutForDelivery}, After: after, Limit: 500})
		if err != nil {
			return opened, err
		}
		for _, sh := range shs {
			last := sh.LastEventAt
			if last.Before(sh.HandedOverAt) {
				last = sh.HandedOverAt
			}
			limit := limits.Limit(sh.Carrier)
			if last.IsZero() || now.Sub(last) <= limit {
				continue
			}
			p := &Problem{TrackingNo: sh.TrackingNo, OrderID: sh.OrderID, Carrier: sh.Carrier, Kind: Delay,
				Detail:   fmt.Sprintf("no tracking event since %s (limit %s)", last.Format(time.RFC3339), limit),
				OpenedBy: "tracking", OpenedAt: now}
			id, err := openOnce(ctx, st, p)
			if err != nil {
				return opened, err
			}
			if id == "" {
				continue
			}
			opened = append(opened, p)
			if err := st.UpdateShipment(ctx, sh.TrackingNo, func(s *Shipment) error {
				if s.State.InFlight() && s.State != Exception {
					return Move(s, Exception, now)
				}
				return nil
			}); err != nil {
				return opened, err
			}
		}
		if len(shs) < 500 {
			return opened, nil
		}
		after = shs[len(shs)-1].TrackingNo
	}
}

// ReportProblem opens a problem a person reports for the parcel trackingNo (a
// loss or damage, or a delay the courier admitted). A lost or damaged parcel
// the courier holds moves to exception.
func ReportProblem(ctx context.Context, st Store, trackingNo string, kind ProblemKind, detail, actor string, at time.Time) (*Problem, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("shipment: unknown problem kind %q", kind)
	}
	sh, err := st.GetShipment(ctx, trackingNo)
	if err != nil {
		return nil, err
	}
	if sh.State.Rank() < HandedOver.Rank() || sh.State == Voided {
		return nil, fmt.Errorf("shipment %s is %s: the courier never had it", trackingNo, sh.State)
	}
	p := &Problem{TrackingNo: trackingNo, OrderID: sh.OrderID, Carrier: sh.Carrier, Kind: kind, Detail: detail,
		OpenedBy: actor, OpenedAt: at}
	if err := st.CreateProblem(ctx, p); err != nil {
		return nil, err
	}
	if kind != Delay {
		err = st.UpdateShipment(ctx, trackingNo, func(s *Shipment) error {
			if s.State.InFlight() && s.State != Exception {
				return Move(s, Exception, at)
			}
			return nil
		})
	}
	return p, err
}

// StartClaim opens a claim on problem id for the parcel's insured value, else
// its declared value (see [ClaimAmount]), unless amount is positive.
func StartClaim(ctx context.Context, st Store, id string, amount decimal.Decimal, at time.Time) (*Problem, error) {
	var out *Problem
	ps, err := st.ListProblems(ctx, ProblemFilter{})
	if err != nil {
		return nil, err
	}
	var tn string
	for _, p := range ps {
		if p.ID == id {
			tn = p.TrackingNo
		}
	}
	if tn == "" {
		return nil, fmt.Errorf("%w: problem %s", ErrNotFound, id)
	}
	if !amount.IsPositive() {
		sh, err := st.GetShipment(ctx, tn)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if sh != nil {
			amount = ClaimAmount(sh)
		}
	}
	err = st.UpdateProblem(ctx, id, func(p *Problem) error {
		if err := OpenClaim(p, amount, at); err != nil {
			return err
		}
		out = p.Clone()
		return nil
	})
	return out, err
}

// CarrierStats is the courier problem analysis of one carrier, so the
// warehouse can choose couriers.
type CarrierStats struct {
	Carrier string
	Parcels int // parcels handed over in the period
	// Problems counts the problems opened in the period by kind; PerThousand is
	// that per 1,000 parcels.
	Problems    map[ProblemKind]int
	PerThousand map[ProblemKind]float64
	Resolved    int           // problems of the period resolved since
	AvgResolve  time.Duration // their average time to resolve
	Claims      int
	Claimed     decimal.Decimal // amount asked in claims submitted
	Paid        decimal.Decimal // amount the courier paid
	Rejected    int             // claims rejected
}

// Analyze computes the problem statistics per carrier for parcels handed over
// and problems opened in [from, to); a zero from or to leaves that side open.
// Carriers come in code order.
func Analyze(ctx context.Context, st Store, from, to time.Time) ([]CarrierStats, error) {
	in := func(t time.Time) bool { return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to)) }
	by := map[string]*CarrierStats{}
	get := func(c string) *CarrierStats {
		s := by[c]
		if s == nil {
			s = &CarrierStats{Carrier: c, Problems: map[ProblemKind]int{}, PerThousand: map[ProblemKind]float64{},
				Claimed: decimal.Zero, Paid: decimal.Zero}
			by[c] = s
		}
		return s
	}
	after := ""
	for {
		shs, err := st.ListShipments(ctx, Filter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, sh := range shs {
			if sh.State.Rank() >= HandedOver.Rank() && sh.State != Voided && !sh.HandedOverAt.IsZero() && in(sh.HandedOverAt) {
				get(sh.Carrier).Parcels++
			}
		}
		if len(shs) < 1000 {
			break
		}
		after = shs[len(shs)-1].TrackingNo
	}
	ps, err := st.ListProblems(ctx, ProblemFilter{})
	if err != nil {
		return nil, err
	}
	total := map[string]time.Duration{}
	for _, p := range ps {
		if !in(p.OpenedAt) {
			continue
		}
		s := get(p.Carrier)
		s.Problems[p.Kind]++
		if !p.Open() {
			s.Resolved++
			total[p.Carrier] += p.ResolvedAt.Sub(p.OpenedAt)
		}
		if c := p.Claim; c != nil && c.Status != ClaimOpen {
			s.Claims++
			s.Claimed = s.Claimed.Add(c.Amount)
			s.Paid = s.Paid.Add(c.Paid)
			if c.Status == ClaimRejected {
				s.Rejected++
			}
		}
	}
	out := make([]CarrierStats, 0, len(by))
	for c, s := range by {
		if s.Resolved > 0 {
			s.AvgResolve = total[c] / time.Duration(s.Resolved)
		}
		for _, k := range Kinds {
			if s.Parcels > 0 {
				s.PerThousand[k] = float64(s.Problems[k]) * 1000 / float64(s.Parcels)
			}
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b CarrierStats) int { return cmp.Compare(a.Carrier, b.Carrier) })
	return out, nil
}
