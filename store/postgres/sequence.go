package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.BlockSequence = (*Store)(nil)

// NextValue implements [shipment.Sequence]. The row lock of the upsert orders
// concurrent callers; a value whose transaction rolls back is not handed out.
func (s *Store) NextValue(ctx context.Context, name string) (int64, error) {
	var n int64
	err := s.tx(ctx, "next value", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO sequences (name, value) VALUES ($1, 1)
			ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value`, name).Scan(&n)
	})
	return n, err
}

// NextValues implements [shipment.BlockSequence], as NextValue does one value.
func (s *Store) NextValues(ctx context.Context, name string, n int64) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("postgres: sequence %q: %d values: %w", name, n, shipment.ErrBadBlock)
	}
	var last int64
	err := s.tx(ctx, "next values", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO sequences (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = sequences.value + excluded.value RETURNING value`, name, n).Scan(&last)
	})
	return last, err
}
