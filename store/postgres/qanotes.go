package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dadanhq/dadan/qa"
	"github.com/jackc/pgx/v5"
)

// UpdateInspections calls fn with a copy of each inspection of order, in Seq
// order, and keeps the free text fn leaves ([qa.CopyNotes]); the rest of each
// record stays. It returns how many inspections changed. fn may be called more
// than once per inspection (a transaction retried) and must not call the
// store.
func (s *Store) UpdateInspections(ctx context.Context, order string, fn func(in *qa.Inspection)) (int, error) {
	if !storable(order) {
		return 0, nil
	}
	var n int
	err := s.tx(ctx, "update inspections", func(tx pgx.Tx) error {
		n = 0
		rows, err := tx.Query(ctx, `SELECT seq, body FROM qa_inspections WHERE order_id = $1 ORDER BY seq FOR UPDATE`, order)
		if err != nil {
			return err
		}
		type change struct {
			seq  int64
			body []byte
		}
		var changes []change
		var seq int64
		var body []byte
		_, err = pgx.ForEachRow(rows, []any{&seq, &body}, func() error {
			body, err := s.unseal(adQA, rowN(seq), body)
			if err != nil {
				return err
			}
			var in, c qa.Inspection
			if err := json.Unmarshal(body, &in); err != nil {
				return fmt.Errorf("postgres: stored inspection %d: %w", seq, err)
			}
			_ = json.Unmarshal(body, &c) // a copy for fn that shares nothing with in
			fn(&c)
			if qa.CopyNotes(&in, &c) {
				b, err := json.Marshal(in)
				if err != nil {
					return err
				}
				changes = append(changes, change{seq, s.seal(adQA, rowN(seq), b)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := tx.Exec(ctx, `UPDATE qa_inspections SET body = $2 WHERE seq = $1`, c.seq, c.body); err != nil {
				return err
			}
		}
		n = len(changes)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
