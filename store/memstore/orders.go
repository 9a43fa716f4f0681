package memstore

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/dadanhq/dadan/order"
)

var (
	_ order.Store      = (*Store)(nil)
	_ order.HeadReader = (*Store)(nil)
)

// orders keeps orders and the journal.
type orders struct {
	omu     sync.RWMutex
	byID    map[string]*order.Order
	journal []order.Event
}

// CreateOrder implements [order.Store].
func (s *orders) CreateOrder(ctx context.Context, o *order.Order, evs ...order.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.omu.Lock()
	defer s.omu.Unlock()
	if s.byID == nil {
		s.byID = make(map[string]*order.Order)
	}
	if _, ok := s.byID[o.ID]; ok {
		return fmt.Errorf("%w: %s", order.ErrExists, o.ID)
	}
	s.byID[o.ID] = o.Clone()
	for _, ev := range evs {
		s.appendLocked(ev)
	}
	return nil
}

// HasOrder reports whether an order with id is stored.
func (s *orders) HasOrder(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.omu.RLock()
	defer s.omu.RUnlock()
	_, ok := s.byID[id]
	return ok, nil
}

// HasOrders reports for each of ids whether an order with that id is stored;
// it implements [review.SeenMany].
func (s *orders) HasOrders(ctx context.Context, ids []string) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]bool, len(ids))
	s.omu.RLock()
	defer s.omu.RUnlock()
	for i, id := range ids {
		_, out[i] = s.byID[id]
	}
	return out, nil
}

// GetOrder implements [order.Store].
func (s *orders) GetOrder(ctx context.Context, id string) (*order.Order, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.omu.RLock()
	defer s.omu.RUnlock()
	o, ok := s.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", order.ErrNotFound, id)
	}
	return o.Clone(), nil
}

// UpdateOrder implements [order.Store]. fn runs under the store's lock, so it must
// not call the store.
func (s *orders) UpdateOrder(ctx context.Context, id string, fn func(*order.Order) ([]order.Event, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.omu.Lock()
	defer s.omu.Unlock()
	cur, ok := s.byID[id]
	if !ok {
		return fmt.Errorf("%w: %s", order.ErrNotFound, id)
	}
	o := cur.Clone()
	evs, err := fn(o)
	if err != nil {
		return err
	}
	o.ID = id // the key cannot change
	s.byID[id] = o
	for _, ev := range evs {
		s.appendLocked(ev)
	}
	return nil
}

func (s *orders) appendLocked(ev order.Event) {
	order.Seal(&ev, s.headLocked())
	s.journal = append(s.journal, ev)
}

func (s *orders) headLocked() order.Head {
	if len(s.journal) == 0 {
		return order.Head{}
	}
	last := &s.journal[len(s.journal)-1]
	return order.Head{Seq: last.Seq, Hash: last.Hash}
}

// JournalHead implements [order.HeadReader].
func (s *orders) JournalHead(ctx context.Context) (order.Head, error) {
	if err := ctx.Err(); err != nil {
		return order.Head{}, err
	}
	s.omu.RLock()
	defer s.omu.RUnlock()
	return s.headLocked(), nil
}

// ListOrders implements [order.Store]. It sorts the matching ids at the call and
// copies each order only when it is yielded (if it is still in one of the
// statuses), so a long listing costs a key per order, not a copy.
func (s *orders) ListOrders(ctx context.Context, statuses ...order.Status) iter.Seq2[*order.Order, error] {
	return func(yield func(*order.Order, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		type key struct {
			paid time.Time
			id   string
		}
		s.omu.RLock()
		keys := make([]key, 0, len(s.byID))
		for _, o := range s.byID {
			if len(statuses) == 0 || slices.Contains(statuses, o.Status) {
				keys = append(keys, key{o.PaidAt, o.ID})
			}
		}
		s.omu.RUnlock()
		slices.SortFunc(keys, func(a, b key) int {
			if c := a.paid.Compare(b.paid); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		for _, k := range keys {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			s.omu.RLock()
			o := s.byID[k.id]
			if o != nil && (len(statuses) == 0 || slices.Contains(statuses, o.Status)) {
				o = o.Clone()
			} else {
				o = nil
			}
			s.omu.RUnlock()
			if o != nil && !yield(o, nil) {
				return
			}
		}
	}
}

// Journal implements [order.Store].
func (s *orders) Journal(ctx context.Context, after uint64) iter.Seq2[order.Event, error] {
	return func(yield func(order.Event, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(order.Event{}, err)
			return
		}
		s.omu.RLock()
		var evs []order.Event
		if after < uint64(len(s.journal)) {
			evs = slices.Clone(s.journal[after:])
		}
		s.omu.RUnlock()
		for _, ev := range evs {
			if !yield(ev, nil) {
				return
			}
		}
	}
}
