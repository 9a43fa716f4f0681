package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.BlockSequence = (*Store)(nil)

// sequences are named counters.
type sequences struct {
	smu sync.Mutex
	seq map[string]int64
}

// NextValue implements [shipment.Sequence].
func (s *sequences) NextValue(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.seq == nil {
		s.seq = make(map[string]int64)
	}
	s.seq[name]++
	return s.seq[name], nil
}

// NextValues implements [shipment.BlockSequence].
func (s *sequences) NextValues(ctx context.Context, name string, n int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, fmt.Errorf("memstore: sequence %q: %d values: %w", name, n, shipment.ErrBadBlock)
	}
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.seq == nil {
		s.seq = make(map[string]int64)
	}
	s.seq[name] += n
	return s.seq[name], nil
}
