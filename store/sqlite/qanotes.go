package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dadanhq/dadan/qa"
)

// UpdateInspections calls fn with a copy of each inspection of order, in Seq
// order, and keeps the free text fn leaves ([qa.CopyNotes]); the rest of each
// record stays. It returns how many inspections changed. fn runs in the write
// transaction on the writer goroutine: it must not call the store.
func (s *Store) UpdateInspections(ctx context.Context, order string, fn func(in *qa.Inspection)) (int, error) {
	var n int
	err := s.write(ctx, func(w *wconn) error {
		n = 0
		rows, err := w.query(`SELECT seq, body FROM qa_inspections WHERE order_id = ? ORDER BY seq`, order)
		if err != nil {
			return err
		}
		type change struct {
			seq  int64
			body []byte
		}
		var changes []change
		for rows.Next() {
			var seq int64
			var body []byte
			if err := rows.Scan(&seq, &body); err != nil {
				rows.Close()
				return err
			}
			if body, err = s.unseal(adQA, rowN(seq), body); err != nil {
				rows.Close()
				return err
			}
			var in, c qa.Inspection
			if err := json.Unmarshal(body, &in); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite: stored inspection %d: %w", seq, err)
			}
			_ = json.Unmarshal(body, &c) // a copy for fn that shares nothing with in
			fn(&c)
			if qa.CopyNotes(&in, &c) {
				b, err := json.Marshal(in)
				if err != nil {
					rows.Close()
					return err
				}
				changes = append(changes, change{seq, s.seal(adQA, rowN(seq), b)})
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := w.exec(`UPDATE qa_inspections SET body = ? WHERE seq = ?`, c.body, c.seq); err != nil {
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
