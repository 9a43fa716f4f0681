// Package cups sends raw print jobs to a CUPS queue over IPP.
//
// The client is a small IPP 1.1 implementation on net/http: Print-Job with
// document-format application/vnd.cups-raw (CUPS passes the bytes through
// untouched, so ZPL or ESC/POS reach the printer as rendered),
// Get-Job-Attributes to wait until CUPS reports the job completed, and
// Get-Printer-Attributes for [Printer.Status].
//
// A queue is named either by its CUPS name with [Options.Host]
// ("waybill", host "localhost:631") or by a URL
// ("ipp://printsrv:631/printers/waybill"; ipps:// uses TLS).
package cups

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os/user"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dadanhq/dadan/printer"
)

// Options configure a [Printer]. The zero value means defaults.
type Options struct {
	// Host is the CUPS server as host:port when the queue is a bare name.
	// Default "localhost:631".
	Host string
	// User is sent as requesting-user-name. Default: the login name of
	// this process, as lp and cancel send it, or "dadan" when the system
	// has none. CUPS's default policy lets the job's owner cancel it, and
	// cupsd 2.4.2 of Debian 12 (2.4.2-3+deb12u10) crashes on a Cancel-Job
	// whose requesting-user-name is not a user of the CUPS host, so name a
	// real user there when setting it.
	User string
	// JobName is sent as job-name. Default "dadan".
	JobName string
	// MaxJobBytes refuses larger jobs before sending. Default [printer.DefaultMaxJobBytes].
	MaxJobBytes int64
	// NoWait makes Print return once CUPS has accepted the job, without
	// waiting for it to complete.
	NoWait bool
	// PollInterval is how often Print asks for the job's state. Default 100ms.
	PollInterval time.Duration
	// HTTPClient sends the requests. Default: a client of its own.
	HTTPClient *http.Client
	// Logger receives debug records of jobs. Nil discards.
	Logger *slog.Logger
}

// Validate reports whether o is usable.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	if o.MaxJobBytes < 0 {
		return fmt.Errorf("cups: negative MaxJobBytes %d", o.MaxJobBytes)
	}
	if o.PollInterval < 0 {
		return fmt.Errorf("cups: negative PollInterval %v", o.PollInterval)
	}
	return nil
}

// Errors of this package. Transport failures wrap [printer.ErrOffline].
var (
	// ErrJobFailed is wrapped by [*JobError] when CUPS aborted or cancelled a job.
	ErrJobFailed = errors.New("cups: job did not complete")
)

// StatusError is an IPP status code other than success.
type StatusError struct {
	Op      string // the IPP operation
	Code    uint16 // the IPP status code, e.g. 0x0406 client-error-not-found
	Message string // status-message from the server
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("cups: %s: IPP status 0x%04x %s", e.Op, e.Code, e.Message)
}

// Unwrap maps the status to the shared printer errors: an unknown queue is
// [printer.ErrNotPrinter], a queue not accepting jobs or a busy server is
// [printer.ErrOffline].
func (e *StatusError) Unwrap() error {
	switch e.Code {
	case statusNotFound:
		return printer.ErrNotPrinter
	case statusNotAcceptingJobs, statusServiceUnavailable, statusNotPossible:
		return printer.ErrOffline
	}
	return nil
}

// JobState is an IPP job-state.
type JobState int

// Job states (RFC 8011 5.3.7).
const (
	JobPending    JobState = 3
	JobHeld       JobState = 4
	JobProcessing JobState = 5
	JobStopped    JobState = 6
	JobCanceled   JobState = 7
	JobAborted    JobState = 8
	JobCompleted  JobState = 9
)

// String returns the IPP keyword of s.
func (s JobState) String() string {
	switch s {
	case JobPending:
		return "pending"
	case JobHeld:
		return "pending-held"
	case JobProcessing:
		return "processing"
	case JobStopped:
		return "processing-stopped"
	case JobCanceled:
		return "canceled"
	case JobAborted:
		return "aborted"
	case JobCompleted:
		return "completed"
	}
	return fmt.Sprintf("job-state(%d)", int(s))
}

// JobError reports a job that did not complete, or that was cancelled because
// the queue stopped while it waited.
type JobError struct {
	ID      int
	State   JobState
	Reasons []string // job-state-reasons
	Err     error    // ErrJobFailed, printer.ErrOffline for a stopped queue, or ctx's error
	// NotSent is set when the job was cancelled while still pending, so
	// no byte of it reached the printer.
	NotSent bool
	// Printer is the queue's status when it was found stopped (paper out,
	// paused); zero otherwise.
	Printer printer.Status
}

// Error implements error.
func (e *JobError) Error() string {
	s := fmt.Sprintf("%v: job %d %s", e.Err, e.ID, e.State)
	if r := slices.DeleteFunc(slices.Clone(e.Reasons), func(r string) bool { return r == "none" }); len(r) > 0 {
		s += " (" + strings.Join(r, ", ") + ")"
	}
	if e.Printer.States != 0 {
		s += ": the queue stopped, printer " + e.Printer.States.String()
	}
	return s
}

// Unwrap returns the cause and, when NotSent is set, [printer.ErrNotSent].
func (e *JobError) Unwrap() []error {
	if e.NotSent {
		return []error{e.Err, printer.ErrNotSent}
	}
	return []error{e.Err}
}

// Printer is one CUPS queue. Print and Status may be called from several
// goroutines.
type Printer struct {
	endpoint   string // http(s) URL of the queue
	printerURI string // ipp(s) URI sent in requests
	opts       Options
	client     *http.Client
	log        *slog.Logger
	reqID      atomic.Uint32
	mu         sync.Mutex
	closed     bool
}

var (
	_ printer.Printer        = (*Printer)(nil)
	_ printer.StatusReporter = (*Printer)(nil)
)

// Open returns the queue named by queue, a CUPS queue name or an
// ipp://, ipps://, http:// or https:// URL, after checking that the server
// knows it. An unreachable server gives an error wrapping
// [printer.ErrOffline], an unknown queue one wrapping [printer.ErrNotPrinter].
func Open(ctx context.Context, queue string, opts *Options) (*Printer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := &Printer{}
	if opts != nil {
		p.opts = *opts
	}
	o := &p.opts
	if o.Host == "" {
		o.Host = "localhost:631"
	}
	if o.User == "" {
		o.User = defaultUser()
	}
	if o.JobName == "" {
		o.JobName = "dadan"
	}
	if o.MaxJobBytes == 0 {
		o.MaxJobBytes = printer.DefaultMaxJobBytes
	}
	if o.PollInterval == 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	p.client = o.HTTPClient
	if p.client == nil {
		p.client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	p.log = o.Logger
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if err := p.resolve(queue); err != nil {
		return nil, err
	}
	if _, _, err := p.printerAttributes(ctx, "printer-state"); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Printer) resolve(queue string) error {
	if queue == "" {
		return fmt.Errorf("cups: empty queue name: %w", printer.ErrNotPrinter)
	}
	if !strings.Contains(queue, "://") {
		if strings.ContainsAny(queue, "/?#") {
			return fmt.Errorf("cups: bad queue name %q: %w", queue, printer.ErrNotPrinter)
		}
		p.endpoint = "http://" + p.opts.Host + "/printers/" + url.PathEscape(queue)
		p.printerURI = "ipp://" + p.opts.Host + "/printers/" + url.PathEscape(queue)
		return nil
	}
	u, err := url.Parse(queue)
	if err != nil {
		return fmt.Errorf("cups: bad queue URL %q: %w", queue, err)
	}
	web := *u
	switch u.Scheme {
	case "ipp", "http":
		web.Scheme = "http"
		u.Scheme = "ipp"
	case "ipps", "https":
		web.Scheme = "https"
		u.Scheme = "ipps"
	default:
		return fmt.Errorf("cups: URL scheme %q is not IPP: %w", u.Scheme, printer.ErrNotPrinter)
	}
	if web.Port() == "" {
		web.Host += ":631"
		u.Host += ":631"
	}
	p.endpoint, p.printerURI = web.String(), u.String()
	return nil
}

// URI returns the printer-uri the requests name.
func (p *Printer) URI() string { return p.printerURI }

func (p *Printer) newRequest(op uint16) *message {
	m := &message{major: 1, minor: 1, code: op, requestID: p.reqID.Add(1)}
	m.addString(tagOperation, "attributes-charset", tagCharset, "utf-8")
	m.addString(tagOperation, "attributes-natural-language", tagLanguage, "en")
	m.addString(tagOperation, "printer-uri", tagURI, p.printerURI)
	return m
}

// do sends req with doc appended and returns the decoded response and its raw bytes.
func (p *Printer) do(ctx context.Context, opName string, req *message, doc []byte) (*message, []byte, error) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return nil, nil, printer.ErrClosed
	}
	body := req.appendEncoded(make([]byte, 0, 256+len(doc)))
	body = append(body, doc...)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, p.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("cups: %s: %w", opName, err)
	}
	hr.Header.Set("Content-Type", "application/ipp")
	resp, err := p.client.Do(hr)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, fmt.Errorf("cups: %s: %w", opName, ctxErr)
		}
		return nil, nil, fmt.Errorf("cups: %s %s: %w: %w", opName, p.endpoint, printer.ErrOffline, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil, fmt.Errorf("cups: %s %s: HTTP 404: %w", opName, p.endpoint, printer.ErrNotPrinter)
	case resp.StatusCode != http.StatusOK:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, nil, fmt.Errorf("cups: %s %s: HTTP %s: %w", opName, p.endpoint, resp.Status, printer.ErrOffline)
	}
	m, raw, err := readMessage(resp.Body, 1<<20)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, fmt.Errorf("cups: %s: %w", opName, ctxErr)
		}
		return nil, nil, fmt.Errorf("cups: %s: %w", opName, err)
	}
	if m.code > statusOKMax {
		msg := strings.Join(m.strings(tagOperation, "status-message"), " ")
		return nil, nil, &StatusError{Op: opName, Code: m.code, Message: msg}
	}
	return m, raw, nil
}

// Print submits p as one raw job and, unless [Options.NoWait] is set, waits
// until CUPS reports it completed. A job that CUPS aborts or cancels gives a
// [*JobError] wrapping [ErrJobFailed]. If the queue is stopped while the job
// waits, or ctx ends first, Print cancels the job in CUPS (so that a retry
// does not print it twice) and returns a [*JobError] wrapping
// [printer.ErrOffline] or ctx's error, and [printer.ErrNotSent] when the job
// was cancelled before CUPS began sending it. A job CUPS refused, or a server
// that could not be reached, gives an error wrapping [printer.ErrNotSent].
func (p *Printer) Print(ctx context.Context, b []byte) error {
	id, err := p.Submit(ctx, b)
	if err != nil {
		return err
	}
	if p.opts.NoWait {
		return nil
	}
	_, err = p.Wait(ctx, id)
	return err
}

// Submit sends b as a raw job and returns its CUPS job-id without waiting.
func (p *Printer) Submit(ctx context.Context, b []byte) (int, error) {
	if int64(len(b)) > p.opts.MaxJobBytes {
		return 0, fmt.Errorf("cups: job of %d bytes, limit %d: %w", len(b), p.opts.MaxJobBytes, printer.ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	req := p.newRequest(opPrintJob)
	req.addString(tagOperation, "requesting-user-name", tagName, p.opts.User)
	req.addString(tagOperation, "job-name", tagName, p.opts.JobName)
	req.addString(tagOperation, "document-format", tagMimeType, "application/vnd.cups-raw")
	resp, _, err := p.do(ctx, "Print-Job", req, b)
	if err != nil {
		var (
			se *StatusError
			oe *net.OpError
		)
		if errors.As(err, &se) || (errors.As(err, &oe) && oe.Op == "dial") || errors.Is(err, printer.ErrClosed) {
			// Refused or never connected: CUPS holds no job, nothing can print.
			err = fmt.Errorf("%w (%w)", err, printer.ErrNotSent)
		}
		return 0, err
	}
	id, ok := resp.int(tagJob, "job-id")
	if !ok {
		return 0, fmt.Errorf("cups: Print-Job: %w: no job-id in the response", errMalformed)
	}
	p.log.DebugContext(ctx, "cups job submitted", "printer", p.printerURI, "job", id, "bytes", len(b))
	return id, nil
}

// Wait polls job id until it reaches a final state and returns that state.
// See [Printer.Print] for the errors.
func (p *Printer) Wait(ctx context.Context, id int) (JobState, error) {
	t := time.NewTicker(p.opts.PollInterval)
	defer t.Stop()
	for {
		j, err := p.Job(ctx, id)
		switch {
		case err != nil && ctx.Err() == nil:
			return j.State, err
		case err != nil:
		case j.State == JobCompleted:
			return j.State, nil
		case j.State == JobCanceled || j.State == JobAborted:
			return j.State, &JobError{ID: id, State: j.State, Reasons: j.Reasons, Err: ErrJobFailed}
		}
		cause := ctx.Err()
		var st printer.Status
		if cause == nil && p.queueStopped(ctx, j) {
			cause = printer.ErrOffline
			st, _ = p.Status(ctx)
			st.Raw = nil
		}
		if cause != nil {
			return p.abandon(id, cause, st)
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

// abandon cancels job id, with a context of its own as the caller's may
// have ended, and returns the [*JobError] for cause. A failure to cancel
// leaves the job to CUPS.
func (p *Printer) abandon(id int, cause error, st printer.Status) (JobState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	j, err := p.Job(ctx, id)
	if err == nil {
		err = p.Cancel(ctx, id)
	}
	if err != nil {
		p.log.Warn("cups: cancelling an unfinished job failed", "printer", p.printerURI, "job", id, "err", err)
	}
	return j.State, &JobError{ID: id, State: j.State, Reasons: j.Reasons, Err: cause, Printer: st,
		// A job that never began processing has sent no byte to the printer.
		NotSent: err == nil && j.State == JobPending && !j.Processed}
}

// queueStopped reports whether job j waits on a stopped queue. CUPS leaves
// job-state-reasons at "none" for a job queued on a disabled queue, so a
// pending job needs a look at the printer too.
func (p *Printer) queueStopped(ctx context.Context, j JobInfo) bool {
	if slices.Contains(j.Reasons, "printer-stopped") {
		return true
	}
	if j.State != JobPending && j.State != JobStopped {
		return false
	}
	resp, _, err := p.printerAttributes(ctx, "printer-state")
	if err != nil {
		return false // the next poll reports it
	}
	state, _ := resp.int(tagPrinter, "printer-state")
	return state == 5
}

// Cancel cancels job id.
func (p *Printer) Cancel(ctx context.Context, id int) error {
	req := p.newRequest(opCancelJob)
	req.addInt(tagOperation, "job-id", tagInteger, int32(id))
	req.addString(tagOperation, "requesting-user-name", tagName, p.opts.User)
	_, _, err := p.do(ctx, "Cancel-Job", req, nil)
	return err
}

// JobInfo is what CUPS reports about a job.
type JobInfo struct {
	ID      int
	State   JobState
	Reasons []string // job-state-reasons
	// Processed is set once CUPS began sending the job to the printer
	// (time-at-processing has a value), even if it went back to pending.
	Processed bool
}

// Job returns the state of job id.
func (p *Printer) Job(ctx context.Context, id int) (JobInfo, error) {
	req := p.newRequest(opGetJobAttributes)
	req.addInt(tagOperation, "job-id", tagInteger, int32(id))
	req.addString(tagOperation, "requesting-user-name", tagName, p.opts.User)
	req.addString(tagOperation, "requested-attributes", tagKeyword, "job-state", "job-state-reasons", "time-at-processing")
	resp, _, err := p.do(ctx, "Get-Job-Attributes", req, nil)
	if err != nil {
		return JobInfo{ID: id}, err
	}
	st, ok := resp.int(tagJob, "job-state")
	if !ok {
		return JobInfo{ID: id}, fmt.Errorf("cups: Get-Job-Attributes: %w: no job-state", errMalformed)
	}
	at, ok := resp.int(tagJob, "time-at-processing")
	return JobInfo{ID: id, State: JobState(st), Reasons: resp.strings(tagJob, "job-state-reasons"), Processed: ok && at > 0}, nil
}

func (p *Printer) printerAttributes(ctx context.Context, names ...string) (*message, []byte, error) {
	req := p.newRequest(opGetPrinterAttributes)
	req.addString(tagOperation, "requesting-user-name", tagName, p.opts.User)
	req.addString(tagOperation, "requested-attributes", tagKeyword, names...)
	return p.do(ctx, "Get-Printer-Attributes", req, nil)
}

// Status reads printer-state, printer-state-reasons,
// printer-is-accepting-jobs and queued-job-count (Status.Pending: the jobs CUPS
// holds for the printer, pending or printing). Status.Raw holds the IPP
// response. See [StatusFromAttributes] for the mapping.
func (p *Printer) Status(ctx context.Context) (printer.Status, error) {
	resp, raw, err := p.printerAttributes(ctx, "printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "queued-job-count")
	if err != nil {
		return printer.Status{States: printer.Unknown}, err
	}
	state, ok := resp.int(tagPrinter, "printer-state")
	if !ok {
		return printer.Status{States: printer.Unknown, Raw: raw}, nil
	}
	accepting, ok := resp.bool(tagPrinter, "printer-is-accepting-jobs")
	if !ok {
		accepting = true
	}
	st := StatusFromAttributes(state, resp.strings(tagPrinter, "printer-state-reasons"), accepting)
	if n, ok := resp.int(tagPrinter, "queued-job-count"); ok && n > 0 {
		st.Pending = n
	}
	st.Raw = raw
	return st, nil
}

// StatusFromAttributes maps IPP printer attributes to a [printer.Status]:
// printer-state 5 (stopped) and the reason "paused" give Paused, as does a
// queue not accepting jobs; media-empty and media-needed give PaperOut,
// media-low PaperNearEnd, cover-open, door-open and interlock-open HeadOpen,
// marker-supply-empty RibbonOut, offline, shutdown and connecting-to-device
// Offline. Reasons ending in -report are informational and ignored; unknown
// reasons are ignored; a printer-state other than 3, 4 or 5 gives Unknown.
func StatusFromAttributes(state int, reasons []string, accepting bool) printer.Status {
	var s printer.State
	switch state {
	case 3, 4:
	case 5:
		s |= printer.Paused
	default:
		s |= printer.Unknown
	}
	if !accepting {
		s |= printer.Paused
	}
	for _, r := range reasons {
		if strings.HasSuffix(r, "-report") {
			continue
		}
		r = strings.TrimSuffix(strings.TrimSuffix(r, "-error"), "-warning")
		switch r {
		case "media-empty", "media-needed":
			s |= printer.PaperOut
		case "media-low":
			s |= printer.PaperNearEnd
		case "cover-open", "door-open", "interlock-open":
			s |= printer.HeadOpen
		case "marker-supply-empty":
			s |= printer.RibbonOut
		case "paused", "moving-to-paused":
			s |= printer.Paused
		case "offline", "shutdown", "connecting-to-device":
			s |= printer.Offline
		}
	}
	return printer.Status{States: s}
}

// Close releases idle connections; later calls give [printer.ErrClosed].
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.opts.HTTPClient == nil {
		p.client.CloseIdleConnections()
	}
	return nil
}

// defaultUser is the login name of this process, or "dadan".
func defaultUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" && !strings.ContainsAny(u.Username, "\\/ ") {
		return u.Username
	}
	return "dadan"
}
