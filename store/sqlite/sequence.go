package sqlite

import (
	"context"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.Sequence = (*Store)(nil)

// NextValue implements [shipment.Sequence].
func (s *Store) NextValue(ctx context.Context, name string) (int64, error) {
	var n int64
	err := s.write(ctx, func(w *wconn) error {
		return w.queryRow(`INSERT INTO sequences (name, value) VALUES (?, 1)
			ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, []any{name}, &n)
	})
	return n, err
}
