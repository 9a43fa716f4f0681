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
	EventPrinted EventKind = "printed" // confirmed by the printer
	// EventSent: a printer that reports no status received the job whole.
	EventSent EventKind = "sent"
	// EventUnconfirmed: the printer received the job whole but did not confirm
	// it; it is not sent again on its own.
	EventUnconfirmed EventKind = "unconfirmed"
	EventRetry       EventKind = "retry"   // a job failed and goes back to the head of its queue
	EventPaused      EventKind = "paused"  // the printer's queue stops on a fault
	EventResumed     EventKind = "resumed" // the printer is ready again
	EventFailed      EventKind = "failed"  // the retry policy gave up on a job
	EventReprint     EventKind = "reprint" // a job is queued again, flagged as a reprint
	// EventCancelled: a queued job was taken out of its queue.
	EventCancelled EventKind = "cancelled"
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

// RenderFunc makes a job's bytes at send time: for a job stored without Data, and
// for a reprint the spooler or a store flagged on its own ([Job.Rerender]), whose
// label must now carry the reprint mark (j.Reprint, j.PrintCount say which).
type RenderFunc func(ctx context.Context, j Job) ([]byte, error)

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

	// Render makes a job's bytes again when it is sent flagged as a reprint the
	// spooler made on its own, so the label carries the mark; with Render set, a
	// done job drops its bytes (the store keeps its hash). Nil: jobs are sent as
	// submitted, and reprints after a crash carry the flag in the store only.
	Render RenderFunc

	// Lease is the store's claim lease ([DefaultLease] when zero); the spooler
	// renews the claim of a job whose send takes longer than a quarter of it.
	Lease time.Duration

	// MaxRun is the most jobs of a printer claimed at once with a [BatchClaimer]
	// store (a run, stored in one write; see BatchClaimer for what a crash costs
	// then); 0 means DefaultMaxRun, 1 claims and stores one job at a time.
	MaxRun int

	// ConfirmTimeout bounds how long the spooler polls a printer that still holds
	// a job (Status.Pending > 0) before it leaves the job unconfirmed; default 30s
	// plus the time the printer needs for the job's bytes.
	ConfirmTimeout time.Duration
}

// Validate reports options that cannot work.
func (o *Options) Validate() error {
	switch {
	case o == nil:
		return nil
	case o.MinBackoff < 0 || o.MaxBackoff < 0 || o.PollInterval < 0 || o.MaxJobBytes < 0 || o.Lease < 0 || o.ConfirmTimeout < 0 || o.MaxRun < 0:
		return fmt.Errorf("%w: negative duration or size in options", ErrInvalidJob)
	case o.MaxBackoff > 0 && o.MinBackoff > o.MaxBackoff:
		return fmt.Errorf("%w: MinBackoff over MaxBackoff", ErrInvalidJob)
	}
	return nil
}

// JobSpec is what a host submits.
type JobSpec struct {
	Key         JobKey
	Printer     string  // empty: routed by Key.Doc
	Data        []byte  // nil: rendered at send time by [Options.Render]
	MediaLength float64 // millimetres
	Hash        string  // content hash of the document, kept after the bytes are dropped
	Revision    int     // revision of the order the document was made from
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
	if s.opts.Lease == 0 {
		s.opts.Lease = DefaultLease
	}
	if s.opts.ConfirmTimeout == 0 {
		s.opts.ConfirmTimeout = 30 * time.Second
	}
	if s.opts.MaxRun == 0 {
		s.opts.MaxRun = DefaultMaxRun
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
	js, err := s.SubmitAll(ctx, []JobSpec{spec})
	if len(js) == 0 {
		return Job{}, err
	}
	return js[0], err
}

// SubmitAll queues jobs in one atomic step, in the given order: all of them, or
// none if any key was queued before (the error wraps [ErrDuplicate] and the jobs
// returned are the existing ones). A host queues the documents of one order so.
func (s *Spooler) SubmitAll(ctx context.Context, specs []JobSpec) ([]Job, error) {
	return s.SubmitAllWith(ctx, specs, s.store.AddJobs)
}

// SubmitAllWith is SubmitAll with the store's write made by add, which must
// store the jobs as [JobStore.AddJobs] does on the spooler's store, in the same
// atomic step as what else the caller's store keeps with them (an order's
// waybill number, say). The jobs are announced only when add succeeds.
func (s *Spooler) SubmitAllWith(ctx context.Context, specs []JobSpec, add func(ctx context.Context, jobs []Job) ([]Job, error)) ([]Job, error) {
	now := s.now()
	in := make([]Job, len(specs))
	for i, spec := range specs {
		switch {
		case len(spec.Data) == 0 && s.opts.Render == nil:
			return nil, fmt.Errorf("%w: no data", ErrInvalidJob)
		case len(spec.Data) > s.maxBytes:
			return nil, fmt.Errorf("printer: job of %d bytes, limit %d: %w", len(spec.Data), s.maxBytes, ErrTooLarge)
		case spec.Key.Order == "" || spec.Key.Doc == "":
			return nil, fmt.Errorf("%w: key needs an order and a document kind", ErrInvalidJob)
		case spec.MediaLength < 0:
			return nil, fmt.Errorf("%w: negative media length", ErrInvalidJob)
		}
		name, err := s.route(spec)
		if err != nil {
			return nil, err
		}
		in[i] = Job{Key: spec.Key, Printer: name, Data: spec.Data, MediaLength: spec.MediaLength,
			Hash: spec.Hash, Revision: spec.Revision, Rerender: len(spec.Data) == 0,
			State: Queued, CreatedAt: now, UpdatedAt: now}
	}
	js, err := add(ctx, in)
	if err != nil {
		return js, err
	}
	for _, j := range js {
		s.notify(j.Printer)
		s.emit(Event{Kind: EventQueued, Time: now, Printer: j.Printer, Job: j})
	}
	return js, nil
}

// Reprint queues a printed, sent or unconfirmed job again, at the back of its
// printer's queue, flagged as a reprint with reason, which must not be empty
// ([ErrNoReason]). data, when not nil, replaces the job's bytes: the host
// re-renders the document with a reprint mark or a new tracking number, as its
// number policy says; nil data with a renderer ([Options.Render]) renders it again
// at send time, with the mark. A job in another state gives a [*JobStateError].
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
	from := j.State
	if !from.Done() && from != Unconfirmed {
		return j, &JobStateError{ID: id, Got: j.State, Want: Printed}
	}
	if data != nil {
		if len(data) == 0 {
			return j, fmt.Errorf("%w: no data", ErrInvalidJob)
		}
		j.Data, j.Rerender = data, false
	} else if s.opts.Render != nil {
		j.Rerender = true
	} else if len(j.Data) == 0 {
		return j, fmt.Errorf("%w: job %s kept no bytes to print again", ErrInvalidJob, id)
	}
	j.State, j.Seq, j.Reprint, j.ReprintReason, j.LastError = Queued, 0, true, reason, ""
	j.UpdatedAt = s.now()
	if err := s.store.UpdateJob(ctx, j, from); err != nil {
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

// Replace queues the job with id again, at the back of its queue, with the
// document of spec (Data, MediaLength, Hash and Revision; nil Data is rendered at
// send time by [Options.Render]). It works in every state but Sending: a queued or
// never-sent job simply gets the new document; a job that may have reached the
// printer before (PrintCount > 0: printed, sent, unconfirmed, or failed or
// cancelled after a send) is flagged as a reprint with reason, which must then
// not be empty, and with a renderer its label is made again with the mark.
func (s *Spooler) Replace(ctx context.Context, id string, spec JobSpec, reason string) (Job, error) {
	if len(spec.Data) > s.maxBytes {
		return Job{}, fmt.Errorf("printer: job of %d bytes, limit %d: %w", len(spec.Data), s.maxBytes, ErrTooLarge)
	}
	if len(spec.Data) == 0 && s.opts.Render == nil {
		return Job{}, fmt.Errorf("%w: no data", ErrInvalidJob)
	}
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	from := j.State
	if from == Sending {
		return j, &JobStateError{ID: id, Got: from, Want: Queued}
	}
	if j.PrintCount > 0 || j.Reprint {
		if strings.TrimSpace(reason) == "" {
			return j, ErrNoReason
		}
		j.Flag(reason)
		j.Rerender = s.opts.Render != nil
	} else {
		j.Rerender = len(spec.Data) == 0
	}
	j.Data, j.MediaLength, j.Hash, j.Revision = spec.Data, spec.MediaLength, spec.Hash, spec.Revision
	j.State, j.Seq, j.LastError, j.UpdatedAt = Queued, 0, "", s.now()
	if err := s.store.UpdateJob(ctx, j, from); err != nil {
		return j, err
	}
	if j, err = s.store.Job(ctx, id); err != nil {
		return j, err
	}
	s.notify(j.Printer)
	kind := EventQueued
	if j.Reprint {
		kind = EventReprint
	}
	s.emit(Event{Kind: kind, Time: j.UpdatedAt, Printer: j.Printer, Job: j})
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
	if err := s.store.UpdateJob(ctx, j, Queued); err != nil {
		return err
	}
	s.emit(Event{Kind: EventCancelled, Time: j.UpdatedAt, Printer: j.Printer, Job: j})
	return nil
}

// Failed returns how many jobs failed for good since the spooler was made.
func (s *Spooler) Failed() int64 { return s.failed.Load() }

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
func (s *Spooler) Wait(ctx context.Context) error {
	err, _ := s.wait(ctx, nil)
	return err
}

// wait returns when the queues are empty, ctx is done or stop delivers Run's
// result; stopped says whether it took that result.
func (s *Spooler) wait(ctx context.Context, stop <-chan error) (err error, stopped bool) {
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
			return nil, false
		}
		select {
		case <-ch:
		case err := <-stop:
			if err == nil {
				err = errors.New("printer: spooler stopped")
			}
			return err, true
		case <-ctx.Done():
			return ctx.Err(), false
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
	err, stopped := s.wait(ctx, stop)
	cancel()
	if !stopped {
		if runErr := <-stop; err == nil && runErr != nil && !errors.Is(runErr, context.Canceled) {
			err = runErr
		}
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
			s.flag(&j, ReasonUnknownSendState)
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

// errStillPending: the printer kept reporting the job as held.
var errStillPending = errors.New("printer: still pending")

// answered reports whether the error of an unconfirmed send came with the
// printer's own word about the job: a fault it reported, or a job it kept
// holding. A lost connection or no reply at all says nothing.
func answered(err error) bool {
	var se *StatusError // made by send from a status the printer sent
	return errors.As(err, &se) || errors.Is(err, errStillPending)
}

// aheadClaim is a claim of a printer's next run made while the current one is
// sent ([AheadClaimer]): the outcomes it stores, with their events, and what
// it claimed. jobs and err are set when done is closed.
type aheadClaim struct {
	done   chan struct{}
	stored []Job
	evs    []Event
	seen   uint64
	at     time.Time
	jobs   []Job
	err    error
}

// claimed is the result of a claim made together with the last update.
type claimed struct {
	j    Job
	rest []Job // claimed with j, to send after it (a run, see BatchClaimer)
	err  error
	seen uint64
}

// DefaultMaxRun is how many jobs of a printer the spooler claims at once at most
// with a [BatchClaimer] store, when [Options.MaxRun] is 0. A run also ends after
// 100 ms of sending, so the bound matters only for printers that take more than
// a few jobs in that time (a real label printer's runs stay at one or two jobs):
// there 32 printed a shift on SQLite in 18% less time than 8, and with the next
// run claimed ahead ([AheadClaimer]) 64 in 9% less than 32, 128 and 256 no less
// than 64 (BENCHMARKS.md). The cost is more labels repeated, all flagged, after
// a crash (up to a run per printer, two with an AheadClaimer store: the one
// being sent and the one claimed ahead). MaxRun 1 repeats the fewest.
const DefaultMaxRun = 64

// Runs of jobs claimed at once (with a [BatchClaimer] store): a run grows to
// Options.MaxRun jobs while runs end within runTime, and shrinks when they do
// not; a run that takes longer than runTime ends early, its sent jobs stored and
// the rest returned to the queue, so what a crash makes reprint stays small.
const runTime = 100 * time.Millisecond

// outcome is what one send of a job came to.
type outcome int

const (
	outPrinted     outcome = iota // confirmed by a status after the job
	outSent                       // received whole by a printer without status
	outUnconfirmed                // received whole, not confirmed
	outFailed                     // not received whole (err says whether any byte left)
	outRefused                    // cannot be sent at all (render failed, no data)
)

// work is the loop of one printer: claim the head job, send, confirm, mark.
func (s *Spooler) work(ctx context.Context, w *worker) {
	var (
		failJob  string
		failures int
		paused   bool
		head     Job
		timer    = time.NewTimer(time.Hour)
		pending  []Job // unconfirmed jobs a later ready status may prove printed
		next     *claimed
		// With a BatchClaimer store: the jobs of the run claimed but not sent
		// yet, in queue order; the jobs of the run sent and not stored yet, with
		// their events; when the run was claimed; how many the next claim takes.
		run      []Job
		sent     []Job
		sentEvs  []Event
		runStart time.Time
		runMax   = 1
		// With an AheadClaimer store: the claim of the next run, made as soon
		// as the first job of the current one is sent, so that the printer
		// does not wait for the store between runs.
		ahead *aheadClaim
	)
	bg := context.WithoutCancel(ctx)
	handoff, _ := s.store.(Handoff)
	batch, _ := s.store.(BatchClaimer)
	aheadStore, _ := s.store.(AheadClaimer)
	if batch == nil {
		aheadStore = nil
	}
	// told emits the events of the sent jobs stored and records their usage.
	told := func() {
		for _, ev := range sentEvs {
			s.emit(ev)
			s.recordUsage(bg, w.name, ev.Job)
		}
		sent, sentEvs = sent[:0], sentEvs[:0]
	}
	// store stores the sent jobs of the run without claiming: at once, or one
	// by one if that fails (a job whose update fails is not told).
	store := func() {
		if len(sent) == 0 {
			return
		}
		if err := batch.UpdateJobs(bg, sent, Sending); err != nil {
			evs := sentEvs[:0]
			for i, j := range sent {
				if err := s.store.UpdateJob(bg, j, Sending); err != nil {
					s.log.Error("marking a job done", "printer", w.name, "job", j.ID, "err", err)
					continue
				}
				evs = append(evs, sentEvs[i])
			}
			sentEvs = evs
		}
		told()
	}
	// release returns the jobs of the run not sent to the queue, as they were
	// before the claim: their bytes never left.
	release := func() {
		for _, j := range run {
			j.State, j.UpdatedAt = Queued, s.now()
			j.Attempts--
			if err := s.store.UpdateJob(bg, j, Sending); err != nil {
				s.log.Warn("returning a claimed job to the queue", "printer", w.name, "job", j.ID, "err", err)
			}
		}
		run = run[:0]
	}
	// claimAhead claims the next run while the rest of the current one is
	// sent, storing the outcomes of the jobs sent so far with it.
	claimAhead := func() {
		held := make([]string, len(run))
		for i, r := range run {
			held[i] = r.ID
		}
		s.mu.Lock()
		seen := w.gen
		s.mu.Unlock()
		a := &aheadClaim{done: make(chan struct{}), stored: sent, evs: sentEvs, seen: seen, at: s.now()}
		sent, sentEvs = nil, nil // a owns the backing arrays now
		max := runMax
		go func() {
			defer close(a.done)
			a.jobs, a.err = aheadStore.ClaimAhead(bg, a.stored, held, Sending, w.name, s.opts.Owner, a.at, max)
		}()
		ahead = a
	}
	// joinAhead waits for the claim ahead. Its stored outcomes are told; if
	// it failed they are sent along with the next store. With keep, the run it
	// claimed becomes the next and joinAhead reports true; otherwise that run
	// joins run, to be released.
	joinAhead := func(keep bool) bool {
		if ahead == nil {
			return false
		}
		a := ahead
		ahead = nil
		<-a.done
		switch {
		case a.err == nil || errors.Is(a.err, ErrNoJob):
			for _, ev := range a.evs {
				s.emit(ev)
				s.recordUsage(bg, w.name, ev.Job)
			}
		default:
			s.log.Warn("claiming the next run ahead", "printer", w.name, "err", a.err)
			sent, sentEvs = append(a.stored, sent...), append(a.evs, sentEvs...)
			return false
		}
		if a.err != nil {
			return false
		}
		if keep {
			next = &claimed{j: a.jobs[0], rest: a.jobs[1:], seen: a.seen}
			runStart = a.at
			return true
		}
		run = append(run, a.jobs...)
		return false
	}
	defer func() {
		// Stopped: what was sent is stored, what was claimed and not sent goes back.
		if batch != nil {
			joinAhead(false)
			store()
			if next != nil && next.err == nil {
				run = append(append(run, next.j), next.rest...)
				next = nil
			}
			release()
		}
	}()
	// finish stores a finished send and, with a Handoff or BatchClaimer store,
	// claims the next job (or run) in the same step. It reports whether the
	// update was stored.
	finish := func(j Job) error {
		if batch == nil && (handoff == nil || ctx.Err() != nil) {
			return s.store.UpdateJob(bg, j, Sending)
		}
		s.mu.Lock()
		seen := w.gen
		s.mu.Unlock()
		if batch != nil {
			done := append(sent, j)
			if ctx.Err() != nil {
				return batch.UpdateJobs(bg, done, Sending)
			}
			ns, err := batch.ClaimJobs(bg, done, Sending, w.name, s.opts.Owner, s.now(), runMax)
			if err != nil && !errors.Is(err, ErrNoJob) {
				return err
			}
			next = &claimed{err: err, seen: seen}
			if err == nil {
				next.j, next.rest, runStart = ns[0], ns[1:], s.now()
			}
			return nil
		}
		n, err := handoff.FinishAndClaim(bg, j, Sending, w.name, s.opts.Owner, s.now())
		if err != nil && !errors.Is(err, ErrNoJob) {
			return err
		}
		next = &claimed{j: n, err: err, seen: seen}
		return nil
	}
	timer.Stop()
	defer timer.Stop()
	sr, canStatus := w.dev.(StatusReporter)
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
	// proven promotes the unconfirmed jobs once a status shows the printer ready
	// with nothing left to print: it had them whole, so it printed them.
	proven := func() {
		for _, u := range pending {
			now := s.now()
			u.State, u.PrintedAt, u.UpdatedAt, u.LastError = Printed, now, now, ""
			s.dropData(&u)
			if err := s.store.UpdateJob(bg, u, Unconfirmed); err != nil {
				s.log.Debug("confirming an unconfirmed job", "printer", w.name, "job", u.ID, "err", err)
				continue
			}
			s.log.Info("unconfirmed job proven printed by a later status", "printer", w.name, "job", u.ID)
			s.emit(Event{Kind: EventPrinted, Time: now, Printer: w.name, Job: u})
			s.recordUsage(bg, w.name, u)
		}
		pending = pending[:0]
	}
	for ctx.Err() == nil {
		if paused {
			if !s.waitReady(ctx, w, sr, canStatus, sleep) {
				return
			}
			paused = false
			proven()
			s.setState(w, false, 0, false)
			s.log.Info("printer ready, queue resumed", "printer", w.name)
			s.emit(Event{Kind: EventResumed, Time: s.now(), Printer: w.name, Job: head})
		}
		var (
			j    Job
			err  error
			seen uint64
		)
		switch {
		case len(run) > 0:
			j, run = run[0], run[1:]
		case next != nil:
			j, err, seen = next.j, next.err, next.seen
			run = append(run[:0], next.rest...)
			next = nil
		case batch != nil:
			s.mu.Lock()
			seen = w.gen
			s.mu.Unlock()
			var js []Job
			js, err = batch.ClaimJobs(ctx, nil, Sending, w.name, s.opts.Owner, s.now(), runMax)
			if err == nil {
				j, run, runStart = js[0], append(run[:0], js[1:]...), s.now()
			}
		default:
			s.mu.Lock()
			seen = w.gen
			s.mu.Unlock()
			j, err = s.store.ClaimJob(ctx, w.name, s.opts.Owner, s.now())
		}
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
		if j.Reprint && strings.Contains(j.LastError, ReasonLeaseExpired) {
			s.log.Warn("abandoned job claimed again as a reprint", "printer", w.name, "job", j.ID, "key", j.Key.String())
			s.emit(Event{Kind: EventReprint, Time: j.SentAt, Printer: w.name, Job: j})
		}
		s.emit(Event{Kind: EventSending, Time: j.SentAt, Printer: w.name, Job: j})
		var flush func()
		if batch != nil {
			flush = store
		}
		out, st, err := s.sendRenewing(ctx, w, sr, canStatus, &j, run, ahead, flush)
		now := s.now()
		if batch != nil && out != outPrinted && out != outSent {
			// The run ends here: what was sent is stored, the rest waits
			// behind this job again (with the run claimed ahead).
			joinAhead(false)
			store()
			release()
			runMax = 1
		}
		switch out {
		case outPrinted, outSent:
			state, kind := Printed, EventPrinted
			if out == outSent {
				state, kind = Sent, EventSent
			}
			j.State, j.PrintCount, j.PrintedAt, j.UpdatedAt, j.LastError, j.Rerender = state, j.PrintCount+1, now, now, "", false
			s.dropData(&j)
			ev := Event{Kind: kind, Time: now, Printer: w.name, Job: j, Status: st}
			if batch != nil && len(run) > 0 && ctx.Err() == nil && now.Sub(runStart) < runTime {
				// Stored with the next claim, when the run is sent.
				sent, sentEvs = append(sent, j), append(sentEvs, ev)
				if out == outPrinted {
					proven()
				}
				if aheadStore != nil && ahead == nil {
					claimAhead()
				}
				continue
			}
			if batch != nil {
				if now.Sub(runStart) < runTime {
					runMax = min(2*runMax, s.opts.MaxRun)
				} else {
					runMax = max(runMax/2, 1)
				}
				if len(run) > 0 {
					// The run took too long: the rest goes back to the queue,
					// with the run claimed ahead.
					joinAhead(false)
					release()
				} else if ctx.Err() == nil && joinAhead(true) {
					// The run claimed ahead is the next: this job is stored
					// with the claim after it.
					sent, sentEvs = append(sent, j), append(sentEvs, ev)
					if out == outPrinted {
						proven()
					}
					continue
				}
				joinAhead(false)
				release()
			}
			if uerr := finish(j); uerr != nil {
				s.log.Error("marking a job done", "printer", w.name, "job", j.ID, "err", uerr)
				if batch != nil {
					store() // one by one; this one stays Sending
				}
				continue
			}
			told()
			s.emit(ev)
			s.recordUsage(bg, w.name, j)
			if out == outPrinted {
				proven()
			}
			continue
		case outUnconfirmed:
			j.State, j.PrintCount, j.UpdatedAt, j.Rerender = Unconfirmed, j.PrintCount+1, now, false
			j.LastError = ReasonUnconfirmed
			if err != nil {
				j.LastError += ": " + err.Error()
			}
			if uerr := s.store.UpdateJob(bg, j, Sending); uerr != nil {
				s.log.Error("marking a job unconfirmed", "printer", w.name, "job", j.ID, "err", uerr)
				continue
			}
			if answered(err) {
				// The printer answered: it holds the job (a fault, or still busy).
				// A later status that shows it ready with nothing held proves
				// it printed. Without an answer nothing is known: a person looks.
				pending = append(pending, j)
			}
			s.log.Warn("job received whole but not confirmed; not sent again", "printer", w.name, "job", j.ID, "status", st.States.String(), "err", err)
			s.emit(Event{Kind: EventUnconfirmed, Time: now, Printer: w.name, Job: j, Status: st, Err: err})
			if !st.Ready() && st.States != 0 {
				// A fault right after the job: the printer keeps it; wait for the fault to clear.
				s.emit(Event{Kind: EventPaused, Time: now, Printer: w.name, Job: j, Status: st, Err: &StatusError{Status: st}})
				paused, head = true, j
				s.setState(w, false, 0, true)
			}
			continue
		case outRefused:
			j.State, j.LastError, j.UpdatedAt = Failed, err.Error(), now
			if uerr := s.store.UpdateJob(bg, j, Sending); uerr != nil {
				s.log.Error("marking a job failed", "printer", w.name, "job", j.ID, "err", uerr)
			}
			s.failed.Add(1)
			s.log.Error("job cannot be sent", "printer", w.name, "job", j.ID, "err", err)
			s.emit(Event{Kind: EventFailed, Time: now, Printer: w.name, Job: j, Err: err})
			continue
		}
		// The job failed. Unless no byte left the host, part of it may have printed:
		// the next send is a flagged reprint, with the mark if it can be rendered.
		unknown := !errors.Is(err, ErrNotSent)
		if unknown {
			j.PrintCount++
			s.flag(&j, ReasonUnconfirmed)
		}
		j.LastError, j.UpdatedAt = err.Error(), now
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

// flag marks j as a reprint the spooler made on its own; with a renderer, its
// bytes are made again (with the mark) before the next send.
func (s *Spooler) flag(j *Job, reason string) {
	j.Flag(reason)
	if s.opts.Render != nil {
		j.Rerender = true
	}
}

// dropData forgets a done job's bytes when they can be rendered again.
func (s *Spooler) dropData(j *Job) {
	if s.opts.Render != nil {
		j.Data = nil
	}
}

func (s *Spooler) recordUsage(ctx context.Context, name string, j Job) {
	if s.opts.Usage == nil {
		return
	}
	if err := s.opts.Usage.RecordUsage(ctx, name, 1, j.MediaLength); err != nil {
		s.log.Warn("recording usage", "printer", name, "err", err)
	}
}

// sendRenewing sends j, renewing its claim while the send takes long.
// The claims of run, the jobs claimed with j and not sent yet, and of the run
// claimed ahead are renewed with j's; their jobs get the new times. At the first
// renewal flush, when not nil, stores the outcomes of the jobs sent before j.
func (s *Spooler) sendRenewing(ctx context.Context, w *worker, sr StatusReporter, canStatus bool, j *Job, run []Job, ahead *aheadClaim, flush func()) (outcome, Status, error) {
	// A timer renews, not a goroutine of each send: most sends end long
	// before the first renewal is due, and the printer's next job waits for
	// nothing but the timer's stop. mu makes the stop wait for a renewal
	// under way, so run and ahead are the caller's again when this returns.
	var (
		mu      sync.Mutex
		stopped bool
		t       *time.Timer
	)
	self := []Job{*j} // j's claim, renewed with the times it last got
	renew := func() {
		if flush != nil {
			// The jobs sent before this one, their outcomes not stored yet,
			// are stored now rather than left Sending with an old claim.
			flush()
			flush = nil
		}
		at := s.now()
		// renewAll renews the claims of js, which get the new times.
		renewAll := func(js []Job) {
			for i := range js {
				r := js[i]
				r.SentAt, r.UpdatedAt = at, at
				if err := s.store.UpdateJob(context.WithoutCancel(ctx), r, Sending); err != nil {
					s.log.Warn("renewing a job's claim", "printer", w.name, "job", r.ID, "err", err)
					continue
				}
				js[i] = r
			}
		}
		renewAll(self)
		renewAll(run)
		if ahead == nil {
			return
		}
		select {
		case <-ahead.done: // the run claimed ahead is held too
			renewAll(ahead.jobs)
		default:
		}
	}
	every := s.opts.Lease / 4
	mu.Lock()
	t = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		renew()
		t.Reset(every)
	})
	mu.Unlock()
	out, st, err := s.send(ctx, w, sr, canStatus, j)
	mu.Lock()
	stopped = true
	t.Stop()
	mu.Unlock()
	return out, st, err
}

// send prints j and, where the printer can tell, confirms it with a status query.
func (s *Spooler) send(ctx context.Context, w *worker, sr StatusReporter, canStatus bool, j *Job) (outcome, Status, error) {
	data := j.Data
	if j.Rerender || len(data) == 0 {
		if s.opts.Render == nil {
			if len(data) == 0 {
				return outRefused, Status{}, fmt.Errorf("%w: job %s has no data and the spooler no renderer", ErrInvalidJob, j.ID)
			}
		} else {
			b, err := s.opts.Render(ctx, *j)
			if err != nil {
				return outRefused, Status{}, fmt.Errorf("printer: rendering job %s: %w", j.ID, err)
			}
			if len(b) == 0 || len(b) > s.maxBytes {
				return outRefused, Status{}, fmt.Errorf("printer: rendering job %s gave %d bytes: %w", j.ID, len(b), ErrInvalidJob)
			}
			data = b
		}
	}
	oneWay := func() bool {
		ow, ok := w.dev.(OneWay)
		return !canStatus || ok && ow.OneWay()
	}
	ctx = WithJob(ctx, j)
	var st Status
	if c, ok := w.dev.(Confirmer); ok && !oneWay() {
		var err error
		st, err = c.PrintConfirm(ctx, data)
		switch {
		case errors.Is(err, ErrNoStatus):
			if oneWay() {
				return outSent, st, nil
			}
			return outUnconfirmed, st, err
		case err != nil:
			return outFailed, st, err
		}
	} else {
		if err := w.dev.Print(ctx, data); err != nil {
			return outFailed, Status{}, err
		}
		if oneWay() {
			return outSent, Status{}, nil
		}
		var err error
		if st, err = sr.Status(ctx); err != nil {
			if oneWay() {
				return outSent, st, nil
			}
			return outUnconfirmed, st, err
		}
	}
	// The printer has the job whole. Printed means ready with nothing pending.
	deadline := s.now().Add(s.opts.ConfirmTimeout)
	for delay := 20 * time.Millisecond; ; delay = min(delay*2, 500*time.Millisecond) {
		if !st.Ready() {
			return outUnconfirmed, st, &StatusError{Status: st}
		}
		if st.Pending == 0 {
			return outPrinted, st, nil
		}
		if !s.now().Before(deadline) {
			return outUnconfirmed, st, fmt.Errorf("%w: %d formats after %s", errStillPending, st.Pending, s.opts.ConfirmTimeout)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return outUnconfirmed, st, ctx.Err()
		case <-t.C:
		}
		var err error
		if st, err = sr.Status(ctx); err != nil {
			return outUnconfirmed, st, err
		}
	}
}

// waitReady polls the printer's status with the backoff until it is ready. A
// printer that cannot report its status is retried after one backoff.
func (s *Spooler) waitReady(ctx context.Context, w *worker, sr StatusReporter, canStatus bool, sleep func(time.Duration) bool) bool {
	for i := 0; ; i++ {
		if !sleep(s.backoff(s.opts.MinBackoff, s.opts.MaxBackoff, i)) {
			return false
		}
		if ow, ok := w.dev.(OneWay); !canStatus || ok && ow.OneWay() {
			return true
		}
		st, err := sr.Status(ctx)
		if err == nil && st.Ready() && st.Pending == 0 {
			return true
		}
		if errors.Is(err, ErrNoStatus) {
			if ow, ok := w.dev.(OneWay); ok && ow.OneWay() {
				return true
			}
		}
		if ctx.Err() != nil {
			return false
		}
		s.log.Debug("printer still not ready", "printer", w.name, "status", st.States.String(), "err", err)
	}
}
