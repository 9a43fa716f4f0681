package qa

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrClosed is wrapped by the error for an inspection of an order whose rework
// case is closed: a passed order needs no second inspection.
var ErrClosed = errors.New("qa: order already passed inspection")

// Record completes and stores an inspection: the operator and documents come
// from the order's printed record, the round from the order's earlier
// inspections (1 for the first, then one more for each inspection of the
// rework). A failed inspection opens a rework case for the operator; the case
// closes only when an inspection of the rework passes. An order that passed is
// not inspected again ([ErrClosed]).
func Record(ctx context.Context, s Store, in Inspection) (Inspection, error) {
	p, err := s.PrintedOrder(ctx, in.Order)
	if err != nil {
		return Inspection{}, err
	}
	in.Operator, in.PrintedAt = p.Operator, p.Time
	in.Docs = slices.Clone(p.Docs)
	in.Round = 1
	for prev, err := range s.Inspections(ctx, Filter{Order: in.Order}) {
		if err != nil {
			return Inspection{}, err
		}
		if prev.Result == Pass {
			return Inspection{}, fmt.Errorf("%w: %s (inspection %s)", ErrClosed, in.Order, prev.ID)
		}
		in.Round = prev.Round + 1
	}
	if err := in.Validate(); err != nil {
		return Inspection{}, err
	}
	return s.AddInspection(ctx, in)
}

// Case is the rework of one order: opened by a failed inspection, assigned to
// the order's operator, closed by the first inspection of the rework that
// passes.
type Case struct {
	Order    string
	Operator string
	Opened   time.Time // the failed first inspection
	Closed   time.Time // the passing re-inspection; zero while open
	Rounds   int       // inspections so far, the first included
	Last     string    // ID of the latest inspection
	Defects  []Defect  // of the inspection that opened the case
}

// Open reports whether the rework is still to be done or inspected.
func (c Case) Open() bool { return c.Closed.IsZero() }

// Cases returns the rework cases of the inspections (in Seq order), in the
// order they were opened.
func Cases(ins []Inspection) []Case {
	byOrder := map[string]int{}
	var out []Case
	for _, in := range ins {
		i, ok := byOrder[in.Order]
		if !ok {
			if in.Result == Pass {
				continue
			}
			byOrder[in.Order] = len(out)
			out = append(out, Case{Order: in.Order, Operator: in.Operator, Opened: in.Time, Rounds: 1, Last: in.ID,
				Defects: in.Defects})
			continue
		}
		c := &out[i]
		if !c.Open() {
			continue
		}
		c.Rounds++
		c.Last = in.ID
		if in.Result == Pass {
			c.Closed = in.Time
		}
	}
	return out
}

// RecordLot inspects a lot by ISO 2859-1 single sampling: it replays the stored
// lot history through the switching rules, takes the plan for the current
// severity, decides the lot from the nonconforming items found and stores it.
// The lot's Size, Level, AQL, Defects and Time must be set.
func RecordLot(ctx context.Context, s LotStore, l Lot) (Lot, error) {
	sw, err := Replay(ctx, s)
	if err != nil {
		return Lot{}, err
	}
	if l.Resume {
		if sw.Current() != Discontinued {
			return Lot{}, fmt.Errorf("%w: inspection is %s, not discontinued", ErrInvalid, sw.Current())
		}
		sw.Resume()
		l.Regime, l.Next = Discontinued, sw.Current()
		return s.AddLot(ctx, l)
	}
	if l.Level == "" {
		l.Level = II
	}
	if l.Defects < 0 || l.Time.IsZero() {
		return Lot{}, fmt.Errorf("%w: lot needs a time and defects ≥ 0", ErrInvalid)
	}
	p, err := PlanFor(l.Size, l.Level, l.AQL, sw.Current())
	if err != nil {
		return Lot{}, err
	}
	if l.Defects > p.Sample {
		return Lot{}, fmt.Errorf("%w: %d nonconforming in a sample of %d", ErrInvalid, l.Defects, p.Sample)
	}
	l.AQL, l.Regime, l.Code, l.Sample, l.Accept, l.Reject = p.AQL, p.Regime, p.Code, p.Sample, p.Accept, p.Reject
	l.Accepted, l.Next = sw.Record(p, l.Defects)
	return s.AddLot(ctx, l)
}

// Replay runs the stored lots through the switching rules and returns the state
// for the next lot.
func Replay(ctx context.Context, s LotStore) (Switching, error) {
	var sw Switching
	for l, err := range s.Lots(ctx) {
		if err != nil {
			return Switching{}, err
		}
		if l.Resume {
			sw.Resume()
			continue
		}
		p, err := PlanFor(l.Size, l.Level, l.AQL, sw.Current())
		if err != nil {
			return Switching{}, fmt.Errorf("qa: lot %s: %w", l.ID, err)
		}
		sw.Record(p, l.Defects)
	}
	return sw, nil
}
