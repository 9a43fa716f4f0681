package memstore

import (
	"context"
	"sync"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.Sequence = (*Store)(nil)

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
