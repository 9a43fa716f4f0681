package sqlite

import (
	"context"
	"fmt"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.BlockSequence = (*Store)(nil)

// NextValue implements [shipment.Sequence].
func (s *Store) NextValue(ctx context.Context, name string) (int64, error) {
	var n int64
	err := s.write(ctx, func(w *wconn) error {
		return w.queryRow(`INSERT INTO sequences (name, value) VALUES (?, 1)
			ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, []any{name}, &n)
	})
	return n, err
}

// NextValues implements [shipment.BlockSequence].
func (s *Store) NextValues(ctx context.Context, name string, n int64) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("sqlite: sequence %q: %d values: %w", name, n, shipment.ErrBadBlock)
	}
	var last int64
	err := s.write(ctx, func(w *wconn) error {
		return w.queryRow(`INSERT INTO sequences (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value`, []any{name, n}, &last)
	})
	return last, err
}
