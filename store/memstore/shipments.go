package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.Store = (*Store)(nil)

// shipments keeps shipments, tracking events and courier problems.
type shipments struct {
	shmu     sync.RWMutex
	ships    map[string]*shipment.Shipment
	events   map[string][]shipment.Event
	eventKey map[string]bool
	problems []*shipment.Problem
	// problemSeq is the number of the last problem ID handed out or loaded.
	problemSeq int64
}

func (s *shipments) initLocked() {
	if s.ships == nil {
		s.ships = make(map[string]*shipment.Shipment)
		s.events = make(map[string][]shipment.Event)
		s.eventKey = make(map[string]bool)
	}
}

// CreateShipment implements [shipment.Store].
func (s *shipments) CreateShipment(ctx context.Context, sh *shipment.Shipment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := sh.Validate(); err != nil {
		return err
	}
	s.shmu.Lock()
	defer s.shmu.Unlock()
	s.initLocked()
	if _, ok := s.ships[sh.TrackingNo]; ok {
		return fmt.Errorf("%w: %s", shipment.ErrExists, sh.TrackingNo)
	}
	s.ships[sh.TrackingNo] = sh.Clone()
	return nil
}

// GetShipment implements [shipment.Store].
func (s *shipments) GetShipment(ctx context.Context, trackingNo string) (*shipment.Shipment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.shmu.RLock()
	defer s.shmu.RUnlock()
	sh, ok := s.ships[trackingNo]
	if !ok {
		return nil, fmt.Errorf("%w: %s", shipment.ErrNotFound, trackingNo)
	}
	return sh.Clone(), nil
}

// UpdateShipment implements [shipment.Store]. fn runs under the store's lock.
func (s *shipments) UpdateShipment(ctx context.Context, trackingNo string, fn func(*shipment.Shipment) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.shmu.Lock()
	defer s.shmu.Unlock()
	return s.updateLocked(trackingNo, fn)
}

func (s *shipments) updateLocked(trackingNo string, fn func(*shipment.Shipment) error) error {
	cur, ok := s.ships[trackingNo]
	if !ok {
		return fmt.Errorf("%w: %s", shipment.ErrNotFound, trackingNo)
	}
	sh := cur.Clone()
	if err := fn(sh); err != nil {
		return err
	}
	sh.TrackingNo = trackingNo // the key cannot change
	if err := sh.Validate(); err != nil {
		return err
	}
	s.ships[trackingNo] = sh
	return nil
}

// ListShipments implements [shipment.Store].
func (s *shipments) ListShipments(ctx context.Context, f shipment.Filter) ([]*shipment.Shipment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.shmu.RLock()
	defer s.shmu.RUnlock()
	var out []*shipment.Shipment
	for no, sh := range s.ships {
		if no > f.After && f.Match(sh) {
			out = append(out, sh)
		}
	}
	slices.SortFunc(out, func(a, b *shipment.Shipment) int { return cmp.Compare(a.TrackingNo, b.TrackingNo) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, nil
}

// AddEvent implements [shipment.Store].
func (s *shipments) AddEvent(ctx context.Context, ev shipment.Event, fn func(*shipment.Shipment) error) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.shmu.Lock()
	defer s.shmu.Unlock()
	s.initLocked()
	if _, ok := s.ships[ev.TrackingNo]; !ok {
		return false, fmt.Errorf("%w: %s", shipment.ErrNotFound, ev.TrackingNo)
	}
	key := ev.Key()
	if s.eventKey[key] {
		return false, nil
	}
	if fn != nil {
		if err := s.updateLocked(ev.TrackingNo, fn); err != nil {
			return false, err
		}
	}
	s.eventKey[key] = true
	evs := append(s.events[ev.TrackingNo], ev)
	slices.SortStableFunc(evs, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	s.events[ev.TrackingNo] = evs
	return true, nil
}

// Events implements [shipment.Store].
func (s *shipments) Events(ctx context.Context, trackingNo string) ([]shipment.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.shmu.RLock()
	defer s.shmu.RUnlock()
	return slices.Clone(s.events[trackingNo]), nil
}

// CreateProblem implements [shipment.ProblemStore]. IDs are P1, P2, ...
func (s *shipments) CreateProblem(ctx context.Context, p *shipment.Problem) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.shmu.Lock()
	defer s.shmu.Unlock()
	s.problemSeq++
	p.ID = "P" + strconv.FormatInt(s.problemSeq, 10)
	s.problems = append(s.problems, p.Clone())
	return nil
}

// UpdateProblem implements [shipment.ProblemStore].
func (s *shipments) UpdateProblem(ctx context.Context, id string, fn func(*shipment.Problem) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.shmu.Lock()
	defer s.shmu.Unlock()
	for i, p := range s.problems {
		if p.ID != id {
			continue
		}
		c := p.Clone()
		if err := fn(c); err != nil {
			return err
		}
		c.ID = id
		s.problems[i] = c
		return nil
	}
	return fmt.Errorf("%w: problem %s", shipment.ErrNotFound, id)
}

// ListProblems implements [shipment.ProblemStore].
func (s *shipments) ListProblems(ctx context.Context, f shipment.ProblemFilter) ([]*shipment.Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.shmu.RLock()
	defer s.shmu.RUnlock()
	var out []*shipment.Problem
	for _, p := range s.problems {
		if f.Match(p) {
			out = append(out, p.Clone())
		}
	}
	return out, nil
}
