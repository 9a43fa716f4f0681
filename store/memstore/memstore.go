// Package memstore is the in-memory implementation of every store interface in dadan.
// It is both the reference implementation and a test double; it is safe for
// concurrent use. Its state is lost when the process exits.
package memstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

// Store holds all data in memory. The zero value is not ready: use [New].
// Each part lives in its own file and has its own lock.
type Store struct {
	orders
	jobs
	devices
	supplies
	sequences
	shipments
	qaRecords
}

// New returns an empty store.
func New() *Store { return &Store{} }

// AddJobsUpdating updates the orders as UpdateOrder does and adds the jobs as
// AddJobs does, in one atomic step: if a fn returns an error or a job's key is
// taken, nothing changes. The fns run under the store's locks, so they must not
// call the store. See [github.com/dadanhq/dadan.OrderJobStore].
func (s *Store) AddJobsUpdating(ctx context.Context, in []printer.Job, updates []order.Update) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.omu.Lock()
	defer s.omu.Unlock()
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	changed := make(map[string]*order.Order, len(updates))
	var evs []order.Event
	for _, u := range updates {
		cur := changed[u.ID]
		if cur == nil {
			cur = s.orders.byID[u.ID]
		}
		if cur == nil {
			return nil, fmt.Errorf("%w: %s", order.ErrNotFound, u.ID)
		}
		o := cur.Clone()
		e, err := u.Apply(o)
		if err != nil {
			return nil, err
		}
		o.ID = u.ID // the key cannot change
		changed[u.ID] = o
		evs = append(evs, e...)
	}
	if len(in) > 0 {
		if err := s.checkJobsLocked(in); err != nil {
			var de *dupError
			if errors.As(err, &de) {
				return de.jobs, err
			}
			return nil, err
		}
	}
	for id, o := range changed {
		s.orders.byID[id] = o
	}
	for _, ev := range evs {
		s.appendLocked(ev)
	}
	if len(in) == 0 {
		return nil, nil
	}
	return s.addJobsLocked(in), nil
}
