package memstore

import (
	"context"

	"github.com/dadanhq/dadan/qa"
)

// UpdateInspections calls fn with a copy of each inspection of order, in Seq
// order, and keeps the free text fn leaves ([qa.CopyNotes]); the rest of each
// record stays. It returns how many inspections changed. fn must not call the
// store.
func (s *Store) UpdateInspections(ctx context.Context, order string, fn func(in *qa.Inspection)) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	n := 0
	for i := range s.inspections {
		if s.inspections[i].Order != order {
			continue
		}
		c := cloneInspection(s.inspections[i])
		fn(&c)
		in := cloneInspection(s.inspections[i])
		if qa.CopyNotes(&in, &c) {
			s.inspections[i] = in
			n++
		}
	}
	return n, nil
}
