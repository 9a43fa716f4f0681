// Package tcp is the raw TCP transport (port 9100, "JetDirect") for network label
// and receipt printers. Jobs are written as they are; status queries go over the
// same connection: ~HS for ZPL printers, DLE EOT 1 to 4 for ESC/POS printers,
// <ESC>!? for TSPL printers.
//
// Print returns only when the printer's TCP stack has acknowledged every byte of
// the job (on Linux, by watching the socket's send queue drain); bytes merely
// taken by the host's kernel do not count. A printer that never answers status
// queries is a one-way printer ([printer.OneWay]): with [printer.StatusAuto] the
// first query that gets no answer makes it so, once.
package tcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/dadanhq/dadan/printer"
)

// Language is the printer language used for status queries.
type Language int

// Languages.
const (
	ZPL Language = iota
	ESCPOS
	TSPL
)

// DefaultPort is the raw printing port used when an address has none.
const DefaultPort = "9100"

// DefaultSpeed is the line speed, in bytes per second, assumed for a printer
// until one is measured: slow enough that a slow printer's status reply, which
// comes after it has read the job, is waited for.
const DefaultSpeed = 1024

// Options configure a connection. The zero value means defaults.
type Options struct {
	Language Language
	// Status says whether the printer is asked for its status; default
	// printer.StatusAuto.
	Status       printer.StatusMode
	DialTimeout  time.Duration // default 3s
	WriteTimeout time.Duration // per job, before the time for its size at Speed; default 30s
	// ReadTimeout bounds the wait for a status reply with nothing ahead of it;
	// bytes sent since the last reply add their time at the line speed. Default 3s.
	ReadTimeout time.Duration
	// Speed is the line speed in bytes per second assumed until one is measured
	// from the printer's replies. Default [DefaultSpeed].
	Speed int
	// Logger receives the one notice that a printer is taken for one-way; nil
	// discards.
	Logger *slog.Logger
}

// Validate reports options that cannot work.
func (o *Options) Validate() error {
	switch {
	case o == nil:
		return nil
	case o.Language != ZPL && o.Language != ESCPOS && o.Language != TSPL:
		return fmt.Errorf("tcp: unknown language %d", o.Language)
	case o.Status < printer.StatusAuto || o.Status > printer.StatusNone:
		return fmt.Errorf("tcp: unknown status mode %d", o.Status)
	case o.DialTimeout < 0 || o.WriteTimeout < 0 || o.ReadTimeout < 0 || o.Speed < 0:
		return errors.New("tcp: negative timeout or speed")
	}
	return nil
}

// Error is a failed dial, write or status exchange. It wraps the cause and:
// [printer.ErrOffline], unless the printer merely did not answer a status query
// (then the cause wraps [printer.ErrNoStatus]); [printer.ErrNotSent] when no byte
// of a job left the host; [printer.ErrPartial] when the connection failed with
// bytes of the job the printer had not acknowledged.
type Error struct {
	Op      string // "dial", "write" or "status"
	Addr    string
	Err     error
	NotSent bool
	Partial bool
}

func (e *Error) Error() string {
	cause := e.Err
	if oe, ok := cause.(*net.OpError); ok && oe.Err != nil {
		cause = oe.Err // its "dial tcp host:port" repeats ours
	}
	s := fmt.Sprintf("tcp: %s %s: %v", e.Op, e.Addr, cause)
	if e.Partial {
		s += " (" + printer.ErrPartial.Error() + ")"
	}
	return s
}

// Unwrap returns the cause and the printer errors the fields say.
func (e *Error) Unwrap() []error {
	errs := []error{e.Err}
	if !errors.Is(e.Err, printer.ErrNoStatus) {
		errs = append(errs, printer.ErrOffline)
	}
	if e.NotSent {
		errs = append(errs, printer.ErrNotSent)
	}
	if e.Partial {
		errs = append(errs, printer.ErrPartial)
	}
	return errs
}

// Printer is a connection to a network printer. After a broken connection the next
// Print or Status dials again. Like every [printer.Printer] it is used by one
// goroutine at a time; OneWay may be called from any goroutine.
type Printer struct {
	addr   string
	opts   Options
	log    *slog.Logger
	conn   net.Conn
	closed bool
	buf    []byte
	wbuf   []byte
	after  *reply // the reply to the query sent behind the last job, for the next Status

	probed bool        // StatusAuto: the first query was answered, or got no answer
	oneWay atomic.Bool // the printer reports no status

	// Bytes written on this connection since the last status reply, and when the
	// first of them was written: a reply after them measures the line speed.
	backlog      int
	backlogSince time.Time
	speed        float64 // slowest measured line speed in bytes per second; 0: none yet
}

var (
	_ printer.Printer        = (*Printer)(nil)
	_ printer.StatusReporter = (*Printer)(nil)
	_ printer.Confirmer      = (*Printer)(nil)
	_ printer.OneWay         = (*Printer)(nil)
)

// Dial connects to the printer at addr ("host" or "host:port"). An unreachable
// printer gives an [*Error] wrapping [printer.ErrOffline].
func Dial(ctx context.Context, addr string, opts *Options) (*Printer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := &Printer{addr: addr, buf: make([]byte, 512)}
	if opts != nil {
		p.opts = *opts
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		p.addr = net.JoinHostPort(addr, DefaultPort)
	}
	if p.opts.DialTimeout == 0 {
		p.opts.DialTimeout = 3 * time.Second
	}
	if p.opts.WriteTimeout == 0 {
		p.opts.WriteTimeout = 30 * time.Second
	}
	if p.opts.ReadTimeout == 0 {
		p.opts.ReadTimeout = 3 * time.Second
	}
	if p.opts.Speed == 0 {
		p.opts.Speed = DefaultSpeed
	}
	p.log = p.opts.Logger
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.oneWay.Store(p.opts.Status == printer.StatusNone)
	if err := p.connect(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Addr is the printer's host:port.
func (p *Printer) Addr() string { return p.addr }

// OneWay reports whether the printer reports no status: Options.Status is
// printer.StatusNone, or it is printer.StatusAuto and the first status query got
// no answer.
func (p *Printer) OneWay() bool { return p.oneWay.Load() }

// connect dials unless connected; a connection the printer closed or reset
// while idle is dialled again before anything is written on it.
func (p *Printer) connect(ctx context.Context) error {
	if p.closed {
		return fmt.Errorf("tcp: %s: %w (%w)", p.addr, printer.ErrClosed, printer.ErrNotSent)
	}
	if p.conn != nil && !alive(p.conn) {
		p.drop()
	}
	if p.conn != nil {
		return nil
	}
	d := net.Dialer{Timeout: p.opts.DialTimeout}
	c, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return &Error{Op: "dial", Addr: p.addr, Err: err, NotSent: true}
	}
	p.conn = c
	p.backlog = 0
	return nil
}

// drop closes the connection without losing what the printer received: a
// socket closed with unread bytes (a late status reply) sends a reset, and a
// reset makes the printer's TCP stack discard what its firmware has not read
// yet, a whole job perhaps. So the host half-closes, reads and discards until
// the printer closes its side (or a while has passed), and only then closes.
func (p *Printer) drop() {
	if p.conn != nil {
		c := p.conn
		p.conn = nil
		if tc, ok := c.(*net.TCPConn); ok && tc.CloseWrite() == nil {
			go func() {
				_ = tc.SetReadDeadline(time.Now().Add(lingerDrain))
				_, _ = io.Copy(io.Discard, tc)
				tc.Close()
			}()
		} else {
			c.Close()
		}
	}
	p.backlog = 0
}

// lingerDrain is how long a dropped connection is read after the host's half
// close, for the printer to take in what it was sent.
const lingerDrain = 30 * time.Second

// abort resets the connection, discarding what the host has not delivered, so
// that a job cut short does not trickle out after the error was reported.
func (p *Printer) abort() {
	if tc, ok := p.conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	p.drop()
}

// deadline is now+d, or ctx's deadline when sooner.
func deadline(ctx context.Context, d time.Duration) time.Time {
	t := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(t) {
		return dl
	}
	return t
}

// io runs f on the connection with a deadline, aborting it when ctx is done.
func (p *Printer) io(ctx context.Context, dl time.Time, f func(net.Conn) error) error {
	c := p.conn
	c.SetDeadline(dl)
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	}
	err := f(c)
	if stop != nil && !stop() && err != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// transfer is how long n bytes take at the line speed, twice over for margin.
func (p *Printer) transfer(n int) time.Duration {
	speed := p.speed
	if speed == 0 {
		speed = float64(p.opts.Speed)
	}
	return time.Duration(2 * float64(n) / speed * float64(time.Second))
}

// Print writes one job and waits until the printer has acknowledged all of it.
// Unless the printer is one-way, the status query goes right behind the job and
// Print waits for the reply too (its acknowledgement comes with it, with no
// delayed-ACK wait); the next [Printer.Status] returns that reply instead of
// asking again. The wait for the acknowledgement is bounded by WriteTimeout plus
// the job's time at the line speed, the wait for the reply as in Status; a
// reply that does not come does not fail a job that was acknowledged. A job cut
// short gives an [*Error] wrapping [printer.ErrPartial] (or [printer.ErrNotSent]
// when no byte left); the connection is reset then and dialled again on the next
// call. With printer.StatusAuto the first call asks for the status before
// sending the job (see [Printer.OneWay]); a device whose answer is not a
// printer's gets no job: the error wraps [printer.ErrNotPrinter] and
// [printer.ErrNotSent]. Every error of Print wraps exactly one of
// [printer.ErrNotSent] and [printer.ErrPartial].
func (p *Printer) Print(ctx context.Context, data []byte) error {
	p.after = nil
	if err := p.connect(ctx); err != nil {
		return err
	}
	if err := p.probe(ctx); err != nil {
		return err
	}
	if err := p.connect(ctx); err != nil { // a probe that got no answer hangs up
		return err
	}
	var query []byte
	if !p.oneWay.Load() {
		query = p.query()
	}
	return p.send(ctx, data, query)
}

// reply is a status reply, or its failure, kept for the next Status call.
type reply struct {
	st  printer.Status
	err error
}

// send writes data and then query, reads the reply to the query into p.after,
// and waits until both are acknowledged.
func (p *Printer) send(ctx context.Context, data, query []byte) error {
	start := time.Now()
	dl := deadline(ctx, p.opts.WriteTimeout+p.transfer(len(data)))
	var n int
	var r *rawReply
	err := p.io(ctx, dl, func(c net.Conn) error {
		var err error
		if len(query) > 0 && len(data) <= coalesceMax {
			p.wbuf = append(append(p.wbuf[:0], data...), query...)
			n, err = c.Write(p.wbuf)
		} else {
			n, err = c.Write(data)
			if err == nil && len(query) > 0 {
				_, err = c.Write(query)
			}
		}
		if err != nil {
			return err
		}
		if len(query) > 0 {
			// The reply carries the acknowledgement of all before it.
			r = p.readReply(ctx, len(data)+len(query))
		}
		return waitAcked(ctx, c, dl)
	})
	if err != nil {
		p.abort()
		return &Error{Op: "write", Addr: p.addr, Err: err, NotSent: n == 0, Partial: n > 0}
	}
	p.backlogNext(start, len(data))
	if r != nil {
		st, err := p.finishStatus(ctx, r)
		p.after = &reply{st, err}
	}
	return nil
}

// backlogNext counts n bytes written from start into the backlog.
func (p *Printer) backlogNext(start time.Time, n int) {
	if p.backlog == 0 {
		p.backlogSince = start
	}
	p.backlog += n
}

// coalesceMax is the largest job written in one write with its status query.
const coalesceMax = 64 << 10

// probe asks for the status once, with printer.StatusAuto, before the first job.
// No answer makes the printer one-way; a broken connection is an error saying the
// job was not sent.
func (p *Printer) probe(ctx context.Context) error {
	if p.opts.Status != printer.StatusAuto || p.probed {
		return nil
	}
	_, err := p.status(ctx)
	switch {
	case err == nil, errors.Is(err, printer.ErrNoStatus):
		return nil
	case errors.Is(err, printer.ErrNotPrinter):
		return fmt.Errorf("tcp: %s: status query before the job: %w (%w)", p.addr, err, printer.ErrNotSent)
	}
	var te *Error
	if errors.As(err, &te) {
		te.NotSent = true
		return te
	}
	return fmt.Errorf("%w (%w)", err, printer.ErrNotSent)
}

var (
	zplQuery    = []byte("~HS")
	escposQuery = []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4}
	tsplQuery   = []byte{0x1b, '!', '?'}
)

// PrintConfirm is [Printer.Print] followed by [Printer.Status], with their
// errors: a job that was received whole but whose status could not be read gives
// the Status error (for a one-way printer, one wrapping [printer.ErrNoStatus]).
// It is one exchange: the job, the query behind it and the reply.
func (p *Printer) PrintConfirm(ctx context.Context, data []byte) (printer.Status, error) {
	if err := p.Print(ctx, data); err != nil {
		return printer.Status{}, err
	}
	return p.Status(ctx)
}

func (p *Printer) query() []byte {
	switch p.opts.Language {
	case ESCPOS:
		return escposQuery
	case TSPL:
		return tsplQuery
	}
	return zplQuery
}

// Status asks the printer for its status over the job connection; right after
// [Printer.Print] it returns the reply to the query sent behind the job. The
// wait is ReadTimeout plus the time at the line speed of the bytes sent since
// the last reply (the printer answers after reading them). No answer in that
// time gives an [*Error] wrapping [printer.ErrNoStatus] (and, the first time
// with printer.StatusAuto, makes the printer one-way); a one-way printer is not
// asked and gives that error at once. A reply that is not a printer's gives an
// error wrapping [printer.ErrNotPrinter]; a broken connection an [*Error]
// wrapping [printer.ErrOffline].
func (p *Printer) Status(ctx context.Context) (printer.Status, error) {
	if p.closed {
		return printer.Status{States: printer.Unknown}, printer.ErrClosed
	}
	if r := p.after; r != nil {
		p.after = nil
		return r.st, r.err
	}
	if p.oneWay.Load() {
		return printer.Status{States: printer.Unknown}, &Error{Op: "status", Addr: p.addr,
			Err: fmt.Errorf("one-way printer, not asked: %w", printer.ErrNoStatus)}
	}
	if err := p.connect(ctx); err != nil {
		return printer.Status{States: printer.Offline}, err
	}
	return p.status(ctx)
}

// status writes the query and reads the reply.
func (p *Printer) status(ctx context.Context) (printer.Status, error) {
	query := p.query()
	var r *rawReply
	err := p.io(ctx, deadline(ctx, p.opts.WriteTimeout), func(c net.Conn) error {
		if _, err := c.Write(query); err != nil {
			return err
		}
		r = p.readReply(ctx, len(query))
		return nil
	})
	if err != nil {
		p.drop()
		return printer.Status{States: printer.Offline}, &Error{Op: "status", Addr: p.addr, Err: err}
	}
	return p.finishStatus(ctx, r)
}

// rawReply is what came back for a query: the bytes, the read error, how long
// the wait was and whether ctx's deadline cut it short.
type rawReply struct {
	reply []byte
	err   error
	wait  time.Duration
	cut   bool
}

// readReply reads the reply to a query already written, with ahead bytes
// written since the backlog was last counted (the query and a job before it).
// It runs inside [Printer.io], which aborts it when ctx is done.
func (p *Printer) readReply(ctx context.Context, ahead int) *rawReply {
	var (
		reply []byte
		wait  = p.opts.ReadTimeout + p.transfer(p.backlog+ahead)
		full  = time.Now().Add(wait)
		dl    = deadline(ctx, wait)
	)
	c := p.conn
	c.SetReadDeadline(dl)
	err := func() error {
		reply = p.buf[:0]
		for {
			if len(reply) == cap(reply) {
				if cap(reply) >= 4096 {
					return nil // too long for a status: let the parser say so
				}
				reply = append(reply, 0)[:len(reply)]
			}
			n, err := c.Read(reply[len(reply):cap(reply)])
			reply = reply[:len(reply)+n]
			if p.complete(reply) || p.garbage(reply) {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}()
	if cap(reply) > cap(p.buf) {
		p.buf = reply[:0]
	}
	return &rawReply{reply: reply, err: err, wait: wait, cut: dl.Before(full)}
}

// finishStatus makes a status of a raw reply: no reply is a miss, a broken
// connection is dropped, garbage is a parse error.
func (p *Printer) finishStatus(ctx context.Context, r *rawReply) (printer.Status, error) {
	reply, err, wait := r.reply, r.err, r.wait
	if err != nil && !p.garbage(reply) {
		p.drop() // a late reply must not be read as the answer to the next query
		st := printer.Status{States: printer.Offline, Raw: bytes.Clone(reply)}
		var ne net.Error
		switch {
		case len(reply) == 0 && errors.As(err, &ne) && ne.Timeout() && r.cut:
			// The context's deadline cut the wait short: that says nothing of the printer.
			err = fmt.Errorf("%w (%w)", context.DeadlineExceeded, err)
		case len(reply) == 0 && errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil:
			st.States = printer.Unknown
			p.missed(wait)
			return st, &Error{Op: "status", Addr: p.addr, Err: fmt.Errorf("no reply in %v: %w", wait.Round(time.Millisecond), printer.ErrNoStatus)}
		case ctx.Err() != nil:
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		case len(reply) == 0:
			err = fmt.Errorf("connection lost before the status reply: %w", err)
		}
		return st, &Error{Op: "status", Addr: p.addr, Err: err}
	}
	st, perr := p.parse(reply)
	if perr != nil {
		p.drop() // whatever it is, its stream is out of step now
		return st, perr
	}
	p.probed = true
	p.measure()
	return st, nil
}

// missed notes a query that got no answer: with printer.StatusAuto the first
// makes the printer one-way, and says so once.
func (p *Printer) missed(wait time.Duration) {
	if p.opts.Status != printer.StatusAuto || p.probed {
		return
	}
	p.probed = true
	p.oneWay.Store(true)
	p.log.Warn("printer did not answer its status query: treating it as one-way; jobs are sent without confirmation (status=none says so from the start)",
		"addr", p.addr, "waited", wait)
}

// minSample is the least backlog that measures the line speed: less is mostly
// latency.
const minSample = 4 << 10

// measure takes the line speed from a reply after a backlog. The printer read
// the backlog between its first byte and the reply, so the rate is a lower
// bound; the slowest seen is kept.
func (p *Printer) measure() {
	if p.backlog >= minSample {
		if el := time.Since(p.backlogSince).Seconds(); el > 0 {
			if s := float64(p.backlog) / el; p.speed == 0 || s < p.speed {
				p.speed = s
			}
		}
	}
	p.backlog = 0
}

// complete reports whether reply holds a whole status reply.
func (p *Printer) complete(reply []byte) bool {
	switch p.opts.Language {
	case ESCPOS:
		return len(reply) >= 4
	case TSPL:
		return len(reply) >= 1
	}
	return bytes.Count(reply, []byte{0x03}) >= 3 && bytes.HasSuffix(reply, []byte("\r\n"))
}

// garbage reports whether reply cannot be the start of a status reply.
func (p *Printer) garbage(reply []byte) bool {
	if len(reply) == 0 {
		return false
	}
	switch p.opts.Language {
	case ESCPOS:
		for _, b := range reply {
			if b&0x93 != 0x12 {
				return true
			}
		}
		return len(reply) > 4
	case TSPL:
		return len(reply) > 1
	}
	return reply[0] != 0x02
}

func (p *Printer) parse(reply []byte) (printer.Status, error) {
	switch p.opts.Language {
	case ESCPOS:
		return printer.ParseRealTimeReplies(reply)
	case TSPL:
		return printer.ParseTSPLStatus(reply)
	}
	return printer.ParseHostStatus(reply)
}

// Close closes the connection; the Printer cannot be used after.
func (p *Printer) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	if p.conn == nil {
		return nil
	}
	err := p.conn.Close()
	p.conn = nil
	return err
}
