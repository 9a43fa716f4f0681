package memstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/dadanhq/dadan/printer"
)

var _ printer.JobStore = (*Store)(nil)

// jobs is the print-job journal: every job by ID and key, and per printer a heap of
// queued jobs ordered by Seq. The zero value is ready.
type jobs struct {
	mu      sync.Mutex
	byID    map[string]*printer.Job
	byKey   map[printer.JobKey]*printer.Job
	byOrder map[string][]*printer.Job
	queues  map[string]*jobQueue
	seq     int64
	lease   time.Duration // 0 means printer.DefaultLease
}

// jobQueue is one printer's queue. Heap entries go stale when their job leaves
// Queued or gets another Seq; they are skipped when popped.
type jobQueue struct {
	heap    []jobRef
	sending map[*printer.Job]bool // jobs of this printer in Sending
}

type jobRef struct {
	seq int64
	job *printer.Job
}

func (q *jobQueue) push(r jobRef) {
	q.heap = append(q.heap, r)
	i := len(q.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if q.heap[p].seq <= q.heap[i].seq {
			break
		}
		q.heap[p], q.heap[i] = q.heap[i], q.heap[p]
		i = p
	}
}

func (q *jobQueue) pop() jobRef {
	h := q.heap
	r := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[n] = jobRef{}
	h = h[:n]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < n && h[l].seq < h[m].seq {
			m = l
		}
		if l+1 < n && h[l+1].seq < h[m].seq {
			m = l + 1
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	q.heap = h
	return r
}

func (s *jobs) init() {
	if s.byID == nil {
		s.byID = map[string]*printer.Job{}
		s.byKey = map[printer.JobKey]*printer.Job{}
		s.queues = map[string]*jobQueue{}
		s.byOrder = map[string][]*printer.Job{}
	}
}

func (s *jobs) queue(name string) *jobQueue {
	q := s.queues[name]
	if q == nil {
		q = &jobQueue{sending: map[*printer.Job]bool{}}
		s.queues[name] = q
	}
	return q
}

// AddJob implements [printer.JobStore].
func (s *jobs) AddJob(ctx context.Context, j printer.Job) (printer.Job, error) {
	out, err := s.AddJobs(ctx, []printer.Job{j})
	if len(out) == 0 {
		return printer.Job{}, err
	}
	return out[0], err
}

// AddJobs implements [printer.JobStore].
func (s *jobs) AddJobs(ctx context.Context, in []printer.Job) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkJobsLocked(in); err != nil {
		var de *dupError
		if errors.As(err, &de) {
			return de.jobs, err
		}
		return nil, err
	}
	return s.addJobsLocked(in), nil
}

// checkJobsLocked returns the error AddJobs gives for in, if any: the existing
// jobs for taken keys and an error wrapping [printer.ErrDuplicate] are given
// as a *dupError.
func (s *jobs) checkJobsLocked(in []printer.Job) error {
	s.init()
	var dup []printer.Job
	keys := make(map[printer.JobKey]bool, len(in))
	ids := make(map[string]bool, len(in))
	for _, j := range in {
		if old := s.byKey[j.Key]; old != nil {
			dup = append(dup, *old)
		} else if keys[j.Key] {
			return fmt.Errorf("memstore: key %s twice in one batch: %w", j.Key, printer.ErrInvalidJob)
		}
		keys[j.Key] = true
		if j.ID != "" {
			if s.byID[j.ID] != nil || ids[j.ID] {
				return fmt.Errorf("memstore: job ID %q already in use: %w", j.ID, printer.ErrInvalidJob)
			}
			ids[j.ID] = true
		}
	}
	if dup != nil {
		return &dupError{dup}
	}
	return nil
}

// dupError is a taken key: the jobs that hold the keys.
type dupError struct{ jobs []printer.Job }

func (e *dupError) Error() string {
	return fmt.Sprintf("memstore: job %s for %s: %s", e.jobs[0].ID, e.jobs[0].Key, printer.ErrDuplicate)
}

func (e *dupError) Unwrap() error { return printer.ErrDuplicate }

// addJobsLocked stores in, which checkJobsLocked passed.
func (s *jobs) addJobsLocked(in []printer.Job) []printer.Job {
	out := make([]printer.Job, len(in))
	for i, j := range in {
		s.seq++
		if j.ID == "" {
			j.ID = "J" + strconv.FormatInt(s.seq, 10)
			for s.byID[j.ID] != nil { // taken by a caller-chosen ID
				s.seq++
				j.ID = "J" + strconv.FormatInt(s.seq, 10)
			}
		}
		j.Seq, j.State = s.seq, printer.Queued
		j.Data = bytes.Clone(j.Data)
		p := &j
		s.byID[j.ID], s.byKey[j.Key] = p, p
		s.byOrder[j.Key.Order] = append(s.byOrder[j.Key.Order], p)
		s.queue(j.Printer).push(jobRef{seq: j.Seq, job: p})
		out[i] = j
	}
	return out
}

var _ printer.Handoff = (*Store)(nil)

// FinishAndClaim implements [printer.Handoff].
func (s *jobs) FinishAndClaim(ctx context.Context, done printer.Job, from printer.JobState, printerName, owner string, now time.Time) (printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return printer.Job{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.updateLocked(done, from); err != nil {
		return printer.Job{}, err
	}
	return s.claimLocked(printerName, owner, now)
}

var _ printer.BatchClaimer = (*Store)(nil)

// ClaimJobs implements [printer.BatchClaimer].
func (s *jobs) ClaimJobs(ctx context.Context, done []printer.Job, from printer.JobState, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.updateAllLocked(done, from); err != nil {
		return nil, err
	}
	q := s.queues[printerName]
	busy := q != nil && len(q.sending) > 0
	first, err := s.claimLocked(printerName, owner, now)
	if err != nil {
		return nil, err
	}
	out := []printer.Job{first}
	for !busy && len(out) < max {
		j, ok := s.popQueued(q, printerName, owner, now)
		if !ok {
			break
		}
		out = append(out, j)
	}
	return out, nil
}

var _ printer.AheadClaimer = (*Store)(nil)

// ClaimAhead implements [printer.AheadClaimer].
func (s *jobs) ClaimAhead(ctx context.Context, done []printer.Job, held []string, from printer.JobState, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.updateAllLocked(done, from); err != nil {
		return nil, err
	}
	q := s.queues[printerName]
	if q == nil {
		return nil, printer.ErrNoJob
	}
	for j := range q.sending {
		if j.Owner != owner || !slices.Contains(held, j.ID) {
			return nil, printer.ErrNoJob
		}
	}
	var out []printer.Job
	for len(out) == 0 || len(out) < max {
		j, ok := s.popQueued(q, printerName, owner, now)
		if !ok {
			break
		}
		out = append(out, j)
	}
	if len(out) == 0 {
		return nil, printer.ErrNoJob
	}
	return out, nil
}

// UpdateJobs implements [printer.BatchClaimer].
func (s *jobs) UpdateJobs(ctx context.Context, js []printer.Job, from printer.JobState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateAllLocked(js, from)
}

// updateAllLocked updates every job of js from state from, or none.
func (s *jobs) updateAllLocked(js []printer.Job, from printer.JobState) error {
	for i, j := range js {
		p := s.byID[j.ID]
		switch {
		case p == nil:
			return fmt.Errorf("memstore: job %q: %w", j.ID, printer.ErrNoJob)
		case p.State != from:
			return &printer.JobStateError{ID: j.ID, Got: p.State, Want: from}
		}
		for _, k := range js[:i] {
			if k.ID == j.ID {
				return fmt.Errorf("memstore: job %q twice in one update: %w", j.ID, printer.ErrInvalidJob)
			}
		}
	}
	for _, j := range js {
		if err := s.updateLocked(j, from); err != nil {
			return err // checked above; cannot happen
		}
	}
	return nil
}

// ClaimJob implements [printer.JobStore].
func (s *jobs) ClaimJob(ctx context.Context, printerName, owner string, now time.Time) (printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return printer.Job{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claimLocked(printerName, owner, now)
}

func (s *jobs) claimLocked(printerName, owner string, now time.Time) (printer.Job, error) {
	q := s.queues[printerName]
	if q == nil {
		return printer.Job{}, printer.ErrNoJob
	}
	if len(q.sending) > 0 {
		lease := s.lease
		if lease == 0 {
			lease = printer.DefaultLease
		}
		// The first expired claim in queue order: a run claimed together
		// expires together.
		var first *printer.Job
		for j := range q.sending {
			if j.LeaseExpired(lease, now) && (first == nil || j.Seq < first.Seq) {
				first = j
			}
		}
		if first != nil {
			first.Reclaim(owner, now)
			return *first, nil
		}
		return printer.Job{}, printer.ErrNoJob
	}
	if j, ok := s.popQueued(q, printerName, owner, now); ok {
		return j, nil
	}
	return printer.Job{}, printer.ErrNoJob
}

// popQueued claims the head queued job of q, if there is one.
func (s *jobs) popQueued(q *jobQueue, printerName, owner string, now time.Time) (printer.Job, bool) {
	for len(q.heap) > 0 {
		r := q.pop()
		j := r.job
		if j.State != printer.Queued || j.Seq != r.seq || j.Printer != printerName {
			continue
		}
		j.State, j.Owner, j.SentAt, j.UpdatedAt = printer.Sending, owner, now, now
		j.Attempts++
		q.sending[j] = true
		return *j, true
	}
	return printer.Job{}, false
}

// UpdateJob implements [printer.JobStore].
func (s *jobs) UpdateJob(ctx context.Context, j printer.Job, from printer.JobState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateLocked(j, from)
}

func (s *jobs) updateLocked(j printer.Job, from printer.JobState) error {
	p := s.byID[j.ID]
	if p == nil {
		return fmt.Errorf("memstore: job %q: %w", j.ID, printer.ErrNoJob)
	}
	if p.State != from {
		return &printer.JobStateError{ID: j.ID, Got: p.State, Want: from}
	}
	old := *p
	j.Key, j.CreatedAt = old.Key, old.CreatedAt
	if len(j.Data) != len(old.Data) || len(j.Data) > 0 && &j.Data[0] != &old.Data[0] {
		j.Data = bytes.Clone(j.Data)
	}
	if j.Seq == 0 {
		s.seq++
		j.Seq = s.seq
	}
	if old.State == printer.Sending {
		delete(s.queue(old.Printer).sending, p)
	}
	if j.State == printer.Sending {
		s.queue(j.Printer).sending[p] = true
	}
	*p = j
	if j.State == printer.Queued && (old.State != printer.Queued || old.Seq != j.Seq || old.Printer != j.Printer) {
		s.queue(j.Printer).push(jobRef{seq: j.Seq, job: p})
	}
	return nil
}

// Job implements [printer.JobStore].
func (s *jobs) Job(ctx context.Context, id string) (printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return printer.Job{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.byID[id]
	if p == nil {
		return printer.Job{}, fmt.Errorf("memstore: job %q: %w", id, printer.ErrNoJob)
	}
	return *p, nil
}

// Jobs implements [printer.JobStore].
func (s *jobs) Jobs(ctx context.Context, f printer.JobFilter) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var out []printer.Job
	if f.Order != "" {
		for _, p := range s.byOrder[f.Order] {
			if f.Match(p) {
				out = append(out, *p)
			}
		}
	} else {
		for _, p := range s.byID {
			if f.Match(p) {
				out = append(out, *p)
			}
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b printer.Job) int { return cmp.Compare(a.Seq, b.Seq) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}
