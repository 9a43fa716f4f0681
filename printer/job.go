package printer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DocKind is the kind of document a job prints; the spooler routes by it.
type DocKind string

// Document kinds.
const (
	Waybill      DocKind = "waybill"
	PackingList  DocKind = "packing_list"
	ProductLabel DocKind = "product_label"
)

// JobState is where a job is in its life: queued → sending → printed (the printer
// confirmed it), sent (a printer without a back channel received it whole) or
// unconfirmed (the printer received it whole but has not confirmed it), or failed
// or cancelled. A done job goes back to queued when it is reprinted.
type JobState string

// Job states.
const (
	Queued  JobState = "queued"
	Sending JobState = "sending" // journaled before the bytes leave; unknown after a crash
	Printed JobState = "printed" // confirmed by the printer's status after the job
	// Sent is a job a printer that reports no status received whole: done, but
	// only as far as the transport can tell.
	Sent JobState = "sent"
	// Unconfirmed is a job the printer received whole without confirming that it
	// printed (no status answer, or a fault right after it). It is never sent again
	// on its own: a later status that proves it printed moves it to Printed, or a
	// person reprints it with a reason.
	Unconfirmed JobState = "unconfirmed"
	Failed      JobState = "failed"
	Cancelled   JobState = "cancelled"
)

// Done reports whether the job needs nothing more: printed or sent.
func (s JobState) Done() bool { return s == Printed || s == Sent }

// DefaultLease is how long a job may stay Sending before a store treats its claim
// as abandoned (the station died) and lets any station claim it again, flagged as a
// reprint. A spooler renews the lease of a long send (see [JobStore.ClaimJob]).
const DefaultLease = 2 * time.Minute

// JobKey is a job's idempotency key: one key is printed once, unless reprinted on
// purpose. A store keeps at most one job per key.
type JobKey struct {
	Order    string  // order ID
	Doc      DocKind // document kind
	Template string  // template name
	Version  string  // template version
	Copy     int     // copy number, from 1
}

// String returns "order/doc/template@version#copy".
func (k JobKey) String() string {
	return k.Order + "/" + string(k.Doc) + "/" + k.Template + "@" + k.Version + "#" + strconv.Itoa(k.Copy)
}

// Job is one document sent to one printer, as the [JobStore] journals it.
type Job struct {
	ID          string
	Key         JobKey
	Printer     string  // route name of the printer
	Data        []byte  // the bytes sent to the printer; read-only once stored
	MediaLength float64 // media the document uses, in millimetres (for usage counters)

	State      JobState
	Seq        int64  // FIFO order within a printer's queue, assigned by the store
	Owner      string // the spooler that claimed the job last (see [Options.Owner])
	Attempts   int    // times the job was claimed for sending
	PrintCount int    // confirmed prints plus sends whose outcome is unknown

	Reprint       bool   // the job is sent again; the host may mark the label
	ReprintReason string // why: an operator's reason or the spooler's
	// Rerender asks for the job's bytes to be made again before the next send,
	// through [Options.Render]: a reprint the spooler or a store flagged on its own
	// must carry the reprint mark on the label, which Data made before lacks.
	Rerender bool

	Hash     string // content hash of the document (for tracing a defect to a template)
	Revision int    // revision of the order the document was made from

	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time // last claim for sending
	PrintedAt time.Time // last confirmed print
	LastError string
}

// JobFilter selects jobs for [JobStore.Jobs]. Zero fields select everything.
type JobFilter struct {
	Printer  string
	Order    string // jobs of one order (Key.Order)
	States   []JobState
	Owner    string
	AfterSeq int64 // only jobs with Seq > AfterSeq (paging)
	Limit    int   // at most this many, lowest Seq first; 0 means no limit
}

// Match reports whether j passes the filter (Limit aside). Stores may use it.
func (f JobFilter) Match(j *Job) bool {
	if f.Printer != "" && j.Printer != f.Printer || f.Owner != "" && j.Owner != f.Owner ||
		f.Order != "" && j.Key.Order != f.Order || j.Seq <= f.AfterSeq {
		return false
	}
	if len(f.States) == 0 {
		return true
	}
	for _, s := range f.States {
		if j.State == s {
			return true
		}
	}
	return false
}

// JobStore is the spooler's durable journal. Every method is one atomic step (one
// transaction in an SQL store), and implementations are safe for concurrent use by
// many spoolers, in one process or on many stations sharing a database. Jobs going
// in are copied; Data of jobs coming out must not be modified.
type JobStore interface {
	// AddJob stores j as a new queued job and returns it with ID (when empty), Seq
	// and State set; Seq is higher than every Seq assigned before. If a job with
	// j.Key exists, AddJob stores nothing and returns that job and an error wrapping
	// [ErrDuplicate].
	AddJob(ctx context.Context, j Job) (Job, error)

	// AddJobs stores jobs as new queued jobs in one atomic step, in the given order
	// (ascending Seq), and returns them as AddJob does. If the key of any of them
	// is taken, it stores none and returns the existing jobs (for the taken keys)
	// and an error wrapping [ErrDuplicate]: the documents of one order are queued
	// all at once, by one station.
	AddJobs(ctx context.Context, jobs []Job) ([]Job, error)

	// ClaimJob atomically takes the queued job of printerName with the lowest Seq,
	// sets State to Sending, Owner to owner, SentAt and UpdatedAt to now, adds one
	// to Attempts, and returns it. While another job of the printer is Sending it
	// claims nothing, so across all stations a printer gets one job at a time, in
	// Seq order. With nothing to claim it returns [ErrNoJob].
	//
	// A Sending job whose SentAt is more than the store's lease ([DefaultLease]
	// unless the store is configured otherwise) before now was abandoned by a
	// station that died: ClaimJob claims it again (before any queued job), with
	// Owner set to owner, PrintCount and Attempts up by one, Reprint and Rerender
	// set and [ReasonLeaseExpired] added to ReprintReason. A spooler renews its
	// lease during a long send by updating the job from Sending to Sending with a
	// new SentAt.
	ClaimJob(ctx context.Context, printerName, owner string, now time.Time) (Job, error)

	// UpdateJob replaces the stored job with j.ID if its stored State is from, and
	// returns a [*JobStateError] otherwise ([ErrNoJob] if there is none). ID, Key
	// and CreatedAt do not change. A zero j.Seq gets a new Seq, higher than all
	// others: the job goes to the back of its queue.
	UpdateJob(ctx context.Context, j Job, from JobState) error

	// Job returns the job with id, or [ErrNoJob].
	Job(ctx context.Context, id string) (Job, error)

	// Jobs returns the jobs that match f, lowest Seq first.
	Jobs(ctx context.Context, f JobFilter) ([]Job, error)
}

// UsageRecorder counts what a printer used; the spooler calls it after each
// confirmed print. The device ledger implements it.
type UsageRecorder interface {
	RecordUsage(ctx context.Context, device string, docs int, mediaMM float64) error
}

// Job and queue errors.
var (
	ErrDuplicate  = errors.New("printer: job key already queued")
	ErrNoJob      = errors.New("printer: no such job")
	ErrJobState   = errors.New("printer: job in another state")
	ErrNoReason   = errors.New("printer: a reprint needs a reason")
	ErrNoRoute    = errors.New("printer: no printer for the document kind")
	ErrInvalidJob = errors.New("printer: invalid job")
	ErrJobFailed  = errors.New("printer: job failed")
	ErrRunning    = errors.New("printer: spooler already running")
	ErrNotSent    = errors.New("printer: job not sent") // wrapped by transports when no byte left the host
)

// JobStateError reports a job that is not in the state an operation needs. It
// wraps [ErrJobState].
type JobStateError struct {
	ID   string
	Got  JobState
	Want JobState
}

func (e *JobStateError) Error() string {
	return fmt.Sprintf("printer: job %s is %s, not %s", e.ID, e.Got, e.Want)
}

// Unwrap returns [ErrJobState].
func (e *JobStateError) Unwrap() error { return ErrJobState }

// Flag marks j as a reprint for reason, appending reason to an earlier one.
func (j *Job) Flag(reason string) {
	switch {
	case !j.Reprint:
		j.Reprint, j.ReprintReason = true, reason
	case !strings.Contains(j.ReprintReason, reason):
		j.ReprintReason += "; " + reason
	}
}

// Reclaim applies to j, a Sending job whose lease expired, what [JobStore.ClaimJob]
// does when it claims it again for owner at now. Stores call it.
func (j *Job) Reclaim(owner string, now time.Time) {
	j.Flag(ReasonLeaseExpired)
	j.Rerender = true
	j.PrintCount++
	j.Attempts++
	j.Owner, j.SentAt, j.UpdatedAt = owner, now, now
	j.LastError = ReasonLeaseExpired
}

// LeaseExpired reports whether j is Sending and its claim is older than lease at now.
func (j *Job) LeaseExpired(lease time.Duration, now time.Time) bool {
	return j.State == Sending && now.Sub(j.SentAt) > lease
}

// BatchClaimer is implemented by job stores that can claim a run of jobs of a
// printer in one step, and store the outcome of the run in the step that claims
// the next, so the spooler writes once per run instead of once per job. The
// spooler still sends the jobs one at a time, in queue order, and renews their
// claims while it sends. The price is what a crash costs: the jobs of a run not
// yet stored as done when the station stopped are Sending, so they come back as
// flagged reprints (as a job claimed alone does when the station stops between
// its claim and its send, or between its send and its mark). The spooler keeps
// runs short (a fraction of a second) and finds the interface by type assertion.
type BatchClaimer interface {
	// ClaimJobs claims up to max jobs at the head of the printer's queue for owner
	// at now, as ClaimJob claims one, in one atomic step, and returns them in
	// queue order; max below 1 means 1. A printer with a job Sending gets none
	// (an error wrapping [ErrNoJob]) unless that job's lease expired: then that
	// job alone is claimed again, as ClaimJob does. It first does UpdateJob(j,
	// from) for each job of done, in the same step, as [Handoff.FinishAndClaim]
	// does for one: if an update fails nothing changes and its error is returned;
	// with nothing to claim the updates stand and the error wraps ErrNoJob.
	ClaimJobs(ctx context.Context, done []Job, from JobState, printerName, owner string, now time.Time, max int) ([]Job, error)
	// UpdateJobs does UpdateJob(j, from) for each job, in one atomic step: all of
	// them, or none and the first error.
	UpdateJobs(ctx context.Context, jobs []Job, from JobState) error
}

// AheadClaimer is implemented by [BatchClaimer] stores that let a printer's
// worker claim its next run while it still sends the current one, so the printer
// does not wait for the store between runs. The spooler finds it by type
// assertion.
type AheadClaimer interface {
	// ClaimAhead is ClaimJobs for an owner that holds the jobs in held (Sending,
	// claimed by owner): they do not keep it from claiming the printer's next
	// queued jobs, up to max, in queue order. Any other job of the printer that is
	// Sending (another owner's, or one of owner's not in held) does, as does
	// nothing queued: then the updates of done stand and the error wraps
	// ErrNoJob. It never claims an expired job again (ClaimJobs does that). If
	// an update of done fails nothing changes and its error is returned.
	ClaimAhead(ctx context.Context, done []Job, held []string, from JobState, printerName, owner string, now time.Time, max int) ([]Job, error)
}

// Notifier is implemented by job stores that tell spoolers at once when a job is
// queued for a printer by any station (PostgreSQL's LISTEN/NOTIFY), so idle
// printers need not poll. The spooler finds it by type assertion on its JobStore.
type Notifier interface {
	// Notify returns a channel that receives a printer name each time a job of
	// that printer is queued or requeued, by this process or another; it is closed
	// when ctx is done. A slow receiver may miss names (the spooler still polls,
	// less often).
	Notify(ctx context.Context) (<-chan string, error)
}

// Handoff is implemented by job stores that can store a finished send and claim
// the next job of the printer in one atomic step, so the spooler writes once per
// job instead of twice. The spooler finds it by type assertion.
type Handoff interface {
	// FinishAndClaim does UpdateJob(done, from) and then ClaimJob(printerName,
	// owner, now) in one atomic step. If the update fails nothing changes and
	// its error is returned; with nothing to claim the update stands and the
	// error wraps [ErrNoJob].
	FinishAndClaim(ctx context.Context, done Job, from JobState, printerName, owner string, now time.Time) (Job, error)
}
