package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Reasons the spooler gives when it flags a job as a reprint on its own.
const (
	ReasonUnknownSendState = "unknown send state after restart"
	ReasonUnconfirmed      = "send not confirmed by the printer"
	ReasonLeaseExpired     = "claim abandoned: lease expired"
)

// DefaultMaxJobBytes is the size limit of one job unless [Options.MaxJobBytes] says
// otherwise.
const DefaultMaxJobBytes = 16 << 20

// EventKind names a spooler event.
type EventKind string

// Event kinds.
const (
	EventQueued  EventKind = "queued"
	EventSending EventKind = "sending"
	EventPrinted EventKind = "printed"
	EventRetry   EventKind = "retry"   // a job failed and goes back to the head of its queue
	EventPaused  EventKind = "paused"  // the printer's queue stops on a fault
	EventResumed EventKind = "resumed" // the printer is ready again
	EventFailed  EventKind = "failed"  // the retry policy gave up on a job
	EventReprint EventKind = "reprint" // a job is queued again, flagged as a reprint
)

// Event reports progress to a UI. Job is a snapshot; for paused and resumed events
// it is the job at the head of the queue.
type Event struct {
	Kind    EventKind
	Time    time.Time
	Printer string
	Job     Job
	Attempt int    // failures of this job so far (retry, failed)
	Status  Status // the printer status that caused a pause, when known
	Err     error  // the cause of retry, paused and failed events
}

// Router picks the printer (route name) for a job.
type Router func(spec JobSpec) (string, error)

// Options configure a [Spooler]. The zero value means defaults.
type Options struct {
	// Routes maps a document kind to a printer name; Router, when set, wins.
	Routes map[DocKind]string
	Router Router

	// Owner names this spooler in the store (a station ID) when several stations
	// share one store; a restarted spooler recovers only its own jobs.
	Owner string

	Clock   func() time.Time // default time.Now
	Logger  *slog.Logger     // nil discards
	OnEvent func(Event)      // called from the spooler's goroutines; must not block
	Usage   UsageRecorder    // told about each confirmed print

	RetryPolicy RetryPolicy   // default DefaultRetryPolicy
	Backoff     Backoff       // default DefaultBackoff
	MinBackoff  time.Duration // default 250ms
	MaxBackoff  time.Duration // default 10s

	// PollInterval is how often an idle printer looks for jobs other stations
	// queued; jobs submitted through this spooler wake it at once, and so do
	// jobs of other stations when the store is a [Notifier]. Default 1s.
	PollInterval time.Duration

	MaxJobBytes int // default DefaultMaxJobBytes
}

// Validate reports options that cannot work.
func (o *Options) Validate() error {
	switch {
	case o == nil:
		return nil
	case o.MinBackoff < 0 || o.MaxBackoff < 0 || o.PollInterval < 0 || o.MaxJobBytes < 0:
		return fmt.Errorf("%w: negative duration or size in options", ErrInvalidJob)
	case o.MaxBackoff > 0 && o.MinBackoff > o.MaxBackoff:
		return fmt.Errorf("%w: MinBackoff over MaxBackoff", ErrInvalidJob)
	}
	return nil
}

// JobSpec is what a host submits.
type JobSpec struct {
	Key         JobKey
	Printer     string // empty: routed by Key.Doc
	Data        []byte
	MediaLength float64 // millimetres
}

// Spooler keeps one FIFO queue per printer over a [JobStore] and sends each queue's
// jobs to its printer, one at a time. Its methods are safe for concurrent use.
type Spooler struct {
	store    JobStore
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	policy   RetryPolicy
	backoff  Backoff
	maxBytes int
	failed   atomic.Int64

	mu      sync.Mutex
	workers map[string]*worker
	running bool
	changed chan struct{} // closed when a worker becomes idle or Run stops
}

type worker struct {
	name string
	dev  Printer
	wake chan struct{}
	// under Spooler.mu
	gen     uint64 // submissions to this printer
	idleGen uint64 // gen when the worker found its queue empty
	idle    bool
	paused  bool
}

// New returns a spooler for the named printers over store. The spooler does not
// close the printers.
func New(store JobStore, printers map[string]Printer, opts *Options) (*Spooler, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidJob)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &Spooler{store: store, opts: o, workers: map[string]*worker{}, changed: make(chan struct{})}
	s.log = o.Logger
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.now = o.Clock
	if s.now == nil {
		s.now = time.Now
	}
	s.policy = o.RetryPolicy
	if s.policy == nil {
		s.policy = DefaultRetryPolicy
	}
	s.backoff = o.Backoff
	if s.backoff == nil {
		s.backoff = DefaultBackoff
	}
	if s.opts.MinBackoff == 0 {
		s.opts.MinBackoff = 250 * time.Millisecond
	}
	if s.opts.MaxBackoff == 0 {
		s.opts.MaxBackoff = max(10*time.Second, s.opts.MinBackoff)
	}
	if s.opts.PollInterval == 0 {
		s.opts.PollInterval = time.Second
	}
	s.maxBytes = o.MaxJobBytes
	if s.maxBytes == 0 {
		s.maxBytes = DefaultMaxJobBytes
	}
	for name, p := range printers {
		if p == nil {
			return nil, fmt.Errorf("%w: printer %q is nil", ErrInvalidJob, name)
		}
		s.workers[name] = &worker{name: name, dev: p, wake: make(chan struct{}, 1)}
	}
	return s, nil
}

func (s *Spooler) route(spec JobSpec) (string, error) {
	name := spec.Printer
	if name == "" {
		var err error
		switch {
		case s.opts.Router != nil:
			name, err = s.opts.Router(spec)
		default:
			name = s.opts.Routes[spec.Key.Doc]
		}
		if err != nil {
			return "", err
		}
	}
	if _, ok := s.workers[name]; !ok || name == "" {
		return "", fmt.Errorf("%w: %q routes to %q", ErrNoRoute, spec.Key.Doc, name)
	}
	return name, nil
}

// Submit queues a job at the back of its printer's queue. A key queued before
// returns the existing job and an error wrapping [ErrDuplicate]; nothing is printed
// twice. Data over the size limit is refused with an error wrapping [ErrTooLarge]
// before anything is stored.
func (s *Spooler) Submit(ctx context.Context, spec JobSpec) (Job, error) {
	switch {
	case len(spec.Data) == 0:
		return Job{}, fmt.Errorf("%w: no data", ErrInvalidJob)
	case len(spec.Data) > s.maxBytes:
		return Job{}, fmt.Errorf("printer: job of %d bytes, limit %d: %w", len(spec.Data), s.maxBytes, ErrTooLarge)
	case spec.Key.Order == "" || spec.Key.Doc == "":
		return Job{}, fmt.Errorf("%w: key needs an order and a document kind", ErrInvalidJob)
	case spec.MediaLength < 0:
		return Job{}, fmt.Errorf("%w: negative media length", ErrInvalidJob)
	}
	name, err := s.route(spec)
	if err != nil {
		return Job{}, err
	}
	now := s.now()
	j, err := s.store.AddJob(ctx, Job{
		Key: spec.Key, Printer: name, Data: spec.Data, MediaLength: spec.MediaLength,
		State: Queued, CreatedAt: now, UpdatedAt: now,
	})
	if err != nil {
		return j, err
	}
	s.notify(name)
	s.emit(Event{Kind: EventQueued, Time: now, Printer: name, Job: j})
	return j, nil
}

// Reprint queues a printed job again, at the back of its printer's queue, flagged
// as a reprint with reason, which must not be empty ([ErrNoReason]). data, when not
// nil, replaces the job's bytes: the host re-renders the document with a reprint
// mark or a new tracking number, as its number policy says. A job that is not
// printed gives a [*JobStateError].
func (s *Spooler) Reprint(ctx context.Context, id, reason string, data []byte) (Job, error) {
	if strings.TrimSpace(reason) == "" {
		return Job{}, ErrNoReason
	}
	if len(data) > s.maxBytes {
		return Job{}, fmt.Errorf("printer: job of %d bytes, limit %d: %w", len(data), s.maxBytes, ErrTooLarge)
	}
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if j.State != Printed {
		return j, &JobStateError{ID: id, Got: j.State, Want: Printed}
	}
	if data != nil {
		if len(data) == 0 {
			return j, fmt.Errorf("%w: no data", ErrInvalidJob)
		}
		j.Data = data
	}
	j.State, j.Seq, j.Reprint, j.ReprintReason, j.LastError = Queued, 0, true, reason, ""
	j.UpdatedAt = s.now()
	if err := s.store.UpdateJob(ctx, j, Printed); err != nil {
		return j, err
	}
	if j, err = s.store.Job(ctx, id); err != nil {
		return j, err
	}
	s.notify(j.Printer)
	s.emit(Event{Kind: EventReprint, Time: j.UpdatedAt, Printer: j.Printer, Job: j})
	return j, nil
}

// Requeue puts a failed or cancelled job back at the end of its queue, for when the
// cause is fixed. data, when not nil, replaces the job's bytes. A failed job whose
// sends may have reached the printer was already flagged as a reprint and stays so.
func (s *Spooler) Requeue(ctx context.Context, id string, data []byte) (Job, error) {
	if len(data) > s.maxBytes {
		return Job{}, fmt.Errorf("printer: job of %d bytes, limit %d: %w", len(data), s.maxBytes, ErrTooLarge)
	}
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	from := j.State
	if from != Failed && from != Cancelled {
		return j, &JobStateError{ID: id, Got: j.State, Want: Failed}
	}
	if data != nil {
		if len(data) == 0 {
			return j, fmt.Errorf("%w: no data", ErrInvalidJob)
		}
		j.Data = data
	}
	j.State, j.Seq = Queued, 0
	j.UpdatedAt = s.now()
	if err := s.store.UpdateJob(ctx, j, from); err != nil {
		return j, err
	}
	if j, err = s.store.Job(ctx, id); err != nil {
		return j, err
	}
	s.notify(j.Printer)
	s.emit(Event{Kind: EventQueued, Time: j.UpdatedAt, Printer: j.Printer, Job: j})
	return j, nil
}

// Cancel takes a queued job out of its queue.
func (s *Spooler) Cancel(ctx context.Context, id string) error {
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return err
	}
	if j.State != Queued {
		return &JobStateError{ID: id, Got: j.State, Want: Queued}
	}
	j.State, j.UpdatedAt = Cancelled, s.now()
	return s.store.UpdateJob(ctx, j, Queued)
}

// Job returns the stored job with id.
func (s *Spooler) Job(ctx context.Context, id string) (Job, error) { return s.store.Job(ctx, id) }

// Paused reports whether the named printer's queue is paused on a fault.
func (s *Spooler) Paused(printerName string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.workers[printerName]
	return w != nil && w.paused
}

func (s *Spooler) notify(name string) {
	s.mu.Lock()
	w := s.workers[name]
	if w == nil {
		s.mu.Unlock()
		return
	}
	w.gen++
	s.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// wake makes the named printer's worker look for a job now, if it is idle: a
// store's [Notifier] said another station queued one.
func (s *Spooler) wake(name string) {
	s.mu.Lock()
	w := s.workers[name]
	s.mu.Unlock()
	if w == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (s *Spooler) emit(e Event) {
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(e)
	}
}

// broadcast wakes Wait; the caller holds s.mu.
func (s *Spooler) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Run sends queued jobs until ctx is done, then returns ctx's error. It first
// requeues, flagged as reprints, the jobs this spooler's owner left in Sending (a
// crash). Only one Run may be active at a time ([ErrRunning]).
func (s *Spooler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running = true
	for _, w := range s.workers {
		w.idle, w.paused = false, false
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		s.broadcast()
		s.mu.Unlock()
	}()
	if err := s.recoverJobs(ctx); err != nil {
		return err
	}
	if n, ok := s.store.(Notifier); ok {
		ch, err := n.Notify(ctx)
		if err != nil {
			s.log.Warn("job notifications unavailable; idle printers poll", "err", err)
		} else {
			go func() {
				for name := range ch {
					s.wake(name)
				}
			}()
		}
	}
	var wg sync.WaitGroup
	for _, w := range s.workers {
		wg.Go(func() { s.work(ctx, w) })
	}
	wg.Wait()
	return ctx.Err()
}

// Wait blocks until every printer's queue is empty while [Spooler.Run] runs
// elsewhere, or until ctx is done. A queue paused on a fault is not empty.
func (s *Spooler) Wait(ctx context.Context) error { return s.wait(ctx, nil) }

func (s *Spooler) wait(ctx context.Context, stop <-chan error) error {
	for {
		s.mu.Lock()
		done := s.running
		for _, w := range s.workers {
			if !w.idle || w.idleGen != w.gen {
				done = false
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case err := <-stop:
			if err == nil {
				err = errors.New("printer: spooler stopped")
			}
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Drain runs the spooler until every queue is empty, then returns; for command-line
// use. It returns an error wrapping [ErrJobFailed] if a job failed meanwhile.
func (s *Spooler) Drain(ctx context.Context) error {
	before := s.failed.Load()
	rctx, cancel := context.WithCancel(ctx)
	stop := make(chan error, 1)
	go func() { stop <- s.Run(rctx) }()
	err := s.wait(ctx, stop)
	cancel()
	if runErr := <-stop; err == nil && runErr != nil && !errors.Is(runErr, context.Canceled) {
		err = runErr
	}
	if err != nil {
		return err
	}
	if n := s.failed.Load() - before; n > 0 {
		return fmt.Errorf("printer: %d jobs failed: %w", n, ErrJobFailed)
	}
	return nil
}

func (s *Spooler) recoverJobs(ctx context.Context) error {
	for name := range s.workers {
		js, err := s.store.Jobs(ctx, JobFilter{Printer: name, States: []JobState{Sending}, Owner: s.opts.Owner})
		if err != nil {
			return fmt.Errorf("printer: recovering %s: %w", name, err)
		}
		for _, j := range js {
			j.State = Queued
			j.PrintCount++
			j.LastError = ReasonUnknownSendState
			j.UpdatedAt = s.now()
			flag(&j, ReasonUnknownSendState)
			if err := s.store.UpdateJob(ctx, j, Sending); err != nil {
				if errors.Is(err, ErrJobState) {
					continue
				}
				return fmt.Errorf("printer: recovering job %s: %w", j.ID, err)
			}
			s.log.Warn("job in unknown send state requeued as a reprint", "printer", name, "job", j.ID, "key", j.Key.String())
			s.emit(Event{Kind: EventReprint, Time: j.UpdatedAt, Printer: name, Job: j})
		}
	}
	return nil
}

func flag(j *Job, reason string) { j.Flag(reason) }

func (s *Spooler) setState(w *worker, idle bool, seen uint64, paused bool) {
	s.mu.Lock()
	w.paused = paused
	if idle != w.idle || idle && seen != w.idleGen {
		w.idle, w.idleGen = idle, seen
		if idle {
			s.broadcast()
		}
	}
	s.mu.Unlock()
}

// work is the loop of one printer: claim the head job, send, confirm, mark.
func (s *Spooler) work(ctx context.Context, w *worker) {
	var (
		failJob  string
		failures int
		paused   bool
		head     Job
		timer    = time.NewTimer(time.Hour)
	)
	timer.Stop()
	defer timer.Stop()
	sleep := func(d time.Duration) bool {
		timer.Reset(d)
		select {
		case <-timer.C:
			return true
		case <-ctx.Done():
			timer.Stop()
			return false
		}
	}
	sr, canStatus := w.dev.(StatusReporter)
	for ctx.Err() == nil {
		if paused {
			if !s.waitReady(ctx, w, sr, canStatus, sleep) {
				return
			}
			paused = false
			s.setState(w, false, 0, false)
			s.log.Info("printer ready, queue resumed", "printer", w.name)
			s.emit(Event{Kind: EventResumed, Time: s.now(), Printer: w.name, Job: head})
		}
		s.mu.Lock()
		seen := w.gen
		s.mu.Unlock()
		j, err := s.store.ClaimJob(ctx, w.name, s.opts.Owner, s.now())
		if errors.Is(err, ErrNoJob) {
			s.setState(w, true, seen, false)
			timer.Reset(s.opts.PollInterval)
			select {
			case <-w.wake:
				timer.Stop()
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				return
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("claiming a job", "printer", w.name, "err", err)
			if !sleep(s.opts.MinBackoff) {
				return
			}
			continue
		}
		s.setState(w, false, 0, false)
		if j.ID != failJob {
			failJob, failures = j.ID, 0
		}
		s.emit(Event{Kind: EventSending, Time: j.SentAt, Printer: w.name, Job: j})
		st, err := s.send(ctx, w, sr, canStatus, &j)
		bg := context.WithoutCancel(ctx)
		if err == nil {
			now := s.now()
			j.State, j.PrintCount, j.PrintedAt, j.UpdatedAt, j.LastError = Printed, j.PrintCount+1, now, now, ""
			if uerr := s.store.UpdateJob(bg, j, Sending); uerr != nil {
				s.log.Error("marking a job printed", "printer", w.name, "job", j.ID, "err", uerr)
				continue
			}
			s.emit(Event{Kind: EventPrinted, Time: now, Printer: w.name, Job: j})
			if s.opts.Usage != nil {
				if uerr := s.opts.Usage.RecordUsage(bg, w.name, 1, j.MediaLength); uerr != nil {
					s.log.Warn("recording usage", "printer", w.name, "err", uerr)
				}
			}
			continue
		}
		// The job failed. Unless no byte left the host, it may have printed.
		unknown := !errors.Is(err, ErrNotSent)
		if unknown {
			j.PrintCount++
			flag(&j, ReasonUnconfirmed)
		}
		j.LastError, j.UpdatedAt = err.Error(), s.now()
		if ctx.Err() != nil {
			j.State = Queued
			if uerr := s.store.UpdateJob(bg, j, Sending); uerr != nil {
				s.log.Error("requeueing a job", "printer", w.name, "job", j.ID, "err", uerr)
			}
			return
		}
		failures++
		retry, perr := s.policy(ctx, failures, err)
		if !retry {
			if perr == nil {
				perr = err
			}
			final := &RetryError{Attempts: failures, Err: perr}
			j.State, j.LastError = Failed, final.Error()
			if uerr := s.store.UpdateJob(bg, j, Sending); uerr != nil {
				s.log.Error("marking a job failed", "printer", w.name, "job", j.ID, "err", uerr)
			}
			s.failed.Add(1)
			s.log.Error("job failed", "printer", w.name, "job", j.ID, "err", final)
			s.emit(Event{Kind: EventFailed, Time: j.UpdatedAt, Printer: w.name, Job: j, Attempt: failures, Err: final})
			continue
		}
		j.State = Queued
		if uerr := s.store.UpdateJob(bg, j, Sending); uerr != nil {
			s.log.Error("requeueing a job", "printer", w.name, "job", j.ID, "err", uerr)
		}
		s.log.Warn("printer fault, queue paused", "printer", w.name, "job", j.ID, "attempt", failures, "err", err)
		s.emit(Event{Kind: EventRetry, Time: j.UpdatedAt, Printer: w.name, Job: j, Attempt: failures, Status: st, Err: err})
		if unknown {
			s.emit(Event{Kind: EventReprint, Time: j.UpdatedAt, Printer: w.name, Job: j, Err: err})
		}
		s.emit(Event{Kind: EventPaused, Time: j.UpdatedAt, Printer: w.name, Job: j, Status: st, Err: err})
		paused, head = true, j
		s.setState(w, false, 0, true)
	}
}

// send prints j and, where the printer can tell, confirms it with a status query.
func (s *Spooler) send(ctx context.Context, w *worker, sr StatusReporter, canStatus bool, j *Job) (Status, error) {
	if c, ok := w.dev.(Confirmer); ok {
		st, err := c.PrintConfirm(ctx, j.Data)
		if err == nil && !st.Ready() {
			err = &StatusError{Status: st}
		}
		return st, err
	}
	if err := w.dev.Print(ctx, j.Data); err != nil {
		return Status{}, err
	}
	if !canStatus {
		return Status{}, nil
	}
	st, err := sr.Status(ctx)
	if err != nil {
		return st, err
	}
	if !st.Ready() {
		return st, &StatusError{Status: st}
	}
	return st, nil
}

// waitReady polls the printer's status with the backoff until it is ready. A
// printer that cannot report its status is retried after one backoff.
func (s *Spooler) waitReady(ctx context.Context, w *worker, sr StatusReporter, canStatus bool, sleep func(time.Duration) bool) bool {
	for i := 0; ; i++ {
		if !sleep(s.backoff(s.opts.MinBackoff, s.opts.MaxBackoff, i)) {
			return false
		}
		if !canStatus {
			return true
		}
		st, err := sr.Status(ctx)
		if err == nil && st.Ready() {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		s.log.Debug("printer still not ready", "printer", w.name, "status", st.States.String(), "err", err)
	}
}
