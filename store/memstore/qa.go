package memstore

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
)

var _ qa.Store = (*Store)(nil)

// qaRecords keeps inspections and lots.
type qaRecords struct {
	qmu         sync.RWMutex
	inspections []qa.Inspection
	lots        []qa.Lot
	ids         map[string]bool // of inspections and lots
}

// freeID returns prefix and seq as an ID, with a suffix if a caller took it.
func (s *qaRecords) freeID(space, prefix string, seq int64) string {
	id := prefix + strconv.FormatInt(seq, 10)
	for n := 2; s.ids[space+id]; n++ {
		id = prefix + strconv.FormatInt(seq, 10) + "-" + strconv.Itoa(n)
	}
	return id
}

// takeID reserves id, reporting false if it is in use.
func (s *qaRecords) takeID(id string) bool {
	if s.ids == nil {
		s.ids = map[string]bool{}
	}
	if s.ids[id] {
		return false
	}
	s.ids[id] = true
	return true
}

// Printed implements [qa.Source] from the journal and the print jobs.
func (s *Store) Printed(ctx context.Context, from, to time.Time) iter.Seq2[qa.Printed, error] {
	return func(yield func(qa.Printed, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(qa.Printed{}, err)
			return
		}
		s.omu.RLock()
		last := map[string]int{}
		var evs []order.Event
		for _, ev := range s.journal {
			if ev.Action != order.ActPrinted || !from.IsZero() && ev.Time.Before(from) || !to.IsZero() && !ev.Time.Before(to) {
				continue
			}
			if i, ok := last[ev.OrderID]; ok {
				evs[i] = order.Event{} // an earlier print of the order: the last one counts
			}
			last[ev.OrderID] = len(evs)
			evs = append(evs, ev)
		}
		s.omu.RUnlock()
		for _, ev := range evs {
			if ev.OrderID == "" {
				continue
			}
			p, err := s.derive(ctx, ev)
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
}

func (s *Store) derive(ctx context.Context, ev order.Event) (qa.Printed, error) {
	js, err := s.Jobs(ctx, printer.JobFilter{Order: ev.OrderID})
	if err != nil {
		return qa.Printed{}, err
	}
	return qa.Derive(ev, js), nil
}

// PrintedOrder implements [qa.Source].
func (s *Store) PrintedOrder(ctx context.Context, id string) (qa.Printed, error) {
	if err := ctx.Err(); err != nil {
		return qa.Printed{}, err
	}
	s.omu.RLock()
	var ev order.Event
	for _, e := range s.journal {
		if e.OrderID == id && e.Action == order.ActPrinted {
			ev = e
		}
	}
	s.omu.RUnlock()
	if ev.Seq == 0 {
		return qa.Printed{}, fmt.Errorf("%w: %s", qa.ErrNotPrinted, id)
	}
	return s.derive(ctx, ev)
}

func cloneInspection(in qa.Inspection) qa.Inspection {
	in.Checks = slices.Clone(in.Checks)
	in.Defects = slices.Clone(in.Defects)
	in.Docs = slices.Clone(in.Docs)
	return in
}

// AddInspection implements [qa.InspectionStore].
func (s *Store) AddInspection(ctx context.Context, in qa.Inspection) (qa.Inspection, error) {
	if err := ctx.Err(); err != nil {
		return qa.Inspection{}, err
	}
	if err := in.Validate(); err != nil {
		return qa.Inspection{}, err
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	in = cloneInspection(in)
	in.Seq = 1
	if n := len(s.inspections); n > 0 {
		in.Seq = s.inspections[n-1].Seq + 1 // after a restore, Seq may have gaps
	}
	if in.ID == "" {
		in.ID = s.freeID("i/", "I", in.Seq)
	}
	if !s.takeID("i/" + in.ID) {
		return qa.Inspection{}, fmt.Errorf("%w: inspection ID %s is taken", qa.ErrInvalid, in.ID)
	}
	s.inspections = append(s.inspections, in)
	return cloneInspection(in), nil
}

// Inspections implements [qa.InspectionStore].
func (s *Store) Inspections(ctx context.Context, f qa.Filter) iter.Seq2[qa.Inspection, error] {
	return func(yield func(qa.Inspection, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(qa.Inspection{}, err)
			return
		}
		s.qmu.RLock()
		var out []qa.Inspection
		for i := range s.inspections {
			if f.Match(&s.inspections[i]) {
				out = append(out, cloneInspection(s.inspections[i]))
			}
		}
		s.qmu.RUnlock()
		for _, in := range out {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// AddLot implements [qa.LotStore].
func (s *Store) AddLot(ctx context.Context, l qa.Lot) (qa.Lot, error) {
	if err := ctx.Err(); err != nil {
		return qa.Lot{}, err
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	l.Seq = 1
	if n := len(s.lots); n > 0 {
		l.Seq = s.lots[n-1].Seq + 1
	}
	if l.ID == "" {
		l.ID = s.freeID("l/", "L", l.Seq)
	}
	if !s.takeID("l/" + l.ID) {
		return qa.Lot{}, fmt.Errorf("%w: lot ID %s is taken", qa.ErrInvalid, l.ID)
	}
	s.lots = append(s.lots, l)
	return l, nil
}

// Lots implements [qa.LotStore].
func (s *Store) Lots(ctx context.Context) iter.Seq2[qa.Lot, error] {
	return func(yield func(qa.Lot, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(qa.Lot{}, err)
			return
		}
		s.qmu.RLock()
		out := slices.Clone(s.lots)
		s.qmu.RUnlock()
		for _, l := range out {
			if !yield(l, nil) {
				return
			}
		}
	}
}
