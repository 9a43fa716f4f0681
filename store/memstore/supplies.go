package memstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	supply "github.com/dadanhq/dadan/supplies"
)

var _ supply.Store = (*Store)(nil)

// supplies is the consumables inventory. The zero value is ready.
type supplies struct {
	mu         sync.Mutex
	items      map[string]supply.Item
	onHand     map[string]int64
	movements  []supply.Movement // in journal order
	prints     []supply.PrintUse
	stocktakes map[string]*supply.Stocktake
	seq        int64
}

func (s *supplies) init() {
	if s.items == nil {
		s.items = make(map[string]supply.Item)
		s.onHand = make(map[string]int64)
		s.stocktakes = make(map[string]*supply.Stocktake)
	}
}

func (s *supplies) next(prefix string) string {
	s.seq++
	return prefix + strconv.FormatInt(s.seq, 10)
}

// PutSupply implements [supply.Store].
func (s *supplies) PutSupply(ctx context.Context, it supply.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.items[it.Spec] = it
	return nil
}

// Supply implements [supply.Store].
func (s *supplies) Supply(ctx context.Context, spec string) (supply.Item, error) {
	if err := ctx.Err(); err != nil {
		return supply.Item{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[spec]
	if !ok {
		return supply.Item{}, fmt.Errorf("%w: %q", supply.ErrUnknownItem, spec)
	}
	return it, nil
}

// Supplies implements [supply.Store].
func (s *supplies) Supplies(ctx context.Context) ([]supply.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]supply.Item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b supply.Item) int { return strings.Compare(a.Spec, b.Spec) })
	return out, nil
}

// addMovement journals m; the caller holds the lock.
func (s *supplies) addMovement(m supply.Movement) (supply.Movement, int64, error) {
	s.init()
	if _, ok := s.items[m.Spec]; !ok {
		return m, 0, fmt.Errorf("%w: %q", supply.ErrUnknownItem, m.Spec)
	}
	have := s.onHand[m.Spec]
	if have+m.Qty < 0 {
		return m, have, &supply.StockError{Spec: m.Spec, OnHand: have, Qty: m.Qty}
	}
	m.ID = s.next("SM")
	s.movements = append(s.movements, m)
	s.onHand[m.Spec] = have + m.Qty
	return m, have + m.Qty, nil
}

// AddMovement implements [supply.Store].
func (s *supplies) AddMovement(ctx context.Context, m supply.Movement) (supply.Movement, int64, error) {
	if err := ctx.Err(); err != nil {
		return m, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMovement(m)
}

// OnHand implements [supply.Store].
func (s *supplies) OnHand(ctx context.Context, spec string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.onHand[spec], nil
}

func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

// Movements implements [supply.Store].
func (s *supplies) Movements(ctx context.Context, spec string, from, to time.Time) ([]supply.Movement, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []supply.Movement
	for _, m := range s.movements {
		if (spec == "" || m.Spec == spec) && within(m.At, from, to) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b supply.Movement) int { return a.At.Compare(b.At) })
	return out, nil
}

// AddPrintUse implements [supply.Store].
func (s *supplies) AddPrintUse(ctx context.Context, u supply.PrintUse) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prints = append(s.prints, u)
	return nil
}

// PrintTotals implements [supply.Store].
func (s *supplies) PrintTotals(ctx context.Context, spec string, from, to time.Time) (supply.Totals, error) {
	if err := ctx.Err(); err != nil {
		return supply.Totals{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var t supply.Totals
	for _, u := range s.prints {
		if u.Spec == spec && within(u.At, from, to) {
			t.Docs += u.Docs
			t.Units += u.Units
		}
	}
	return t, nil
}

// AddStocktake implements [supply.Store].
func (s *supplies) AddStocktake(ctx context.Context, st supply.Stocktake) (supply.Stocktake, error) {
	if err := ctx.Err(); err != nil {
		return st, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	st.ID = s.next("ST")
	c := st
	s.stocktakes[st.ID] = &c
	return st, nil
}

// Stocktake implements [supply.Store].
func (s *supplies) Stocktake(ctx context.Context, id string) (supply.Stocktake, error) {
	if err := ctx.Err(); err != nil {
		return supply.Stocktake{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.stocktakes[id]
	if !ok {
		return supply.Stocktake{}, fmt.Errorf("%w: %q", supply.ErrUnknownStocktake, id)
	}
	return *st, nil
}

// PostStocktake implements [supply.Store].
func (s *supplies) PostStocktake(ctx context.Context, id string, m supply.Movement) (supply.Movement, error) {
	if err := ctx.Err(); err != nil {
		return m, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.stocktakes[id]
	switch {
	case !ok:
		return m, fmt.Errorf("%w: %q", supply.ErrUnknownStocktake, id)
	case st.Posted:
		return m, fmt.Errorf("%w: %s in %s", supply.ErrAlreadyPosted, id, st.Movement)
	}
	m, _, err := s.addMovement(m)
	if err != nil {
		return m, err
	}
	st.Posted, st.Movement = true, m.ID
	return m, nil
}
