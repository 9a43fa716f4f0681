// Package serial prints to printers on a serial line (RS-232 or a USB
// serial adapter) through github.com/tarm/serial.
//
// Status is asked over the same line: ~HS for ZPL printers, DLE EOT 1 to 4
// for ESC/POS printers, <ESC>!? for TSPL printers, and the reply is read by
// [printer.ParseHostStatus], [printer.ParseRealTimeReplies] or
// [printer.ParseTSPLStatus]. The line runs 8N1 without flow control.
//
// Print returns when the job is written and drained from the port (on Linux the
// output queue is watched until empty, then tcdrain waits out the UART).
// A printer whose transmit line is not wired answers nothing: with
// [printer.StatusAuto] its first query that gets no answer makes it one-way
// ([printer.OneWay]).
package serial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tarm "github.com/tarm/serial"

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

// bauds are the standard rates Open accepts.
var bauds = [...]int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}

// Options configure a [Printer]. The zero value means defaults.
type Options struct {
	// Baud is the line speed, a standard rate from 1200 to 921600. Default 9600.
	Baud int
	// ReadTimeout bounds the wait for a status reply with nothing ahead of it;
	// bytes sent since the last reply add their time at the line speed. Default 2s.
	ReadTimeout time.Duration
	// WriteTimeout bounds the wait for a job to drain from the port, before the
	// job's own time at the line speed. Default 10s.
	WriteTimeout time.Duration
	// Language selects the status query. Default ZPL.
	Language Language
	// Status says whether the printer is asked for its status; default
	// printer.StatusAuto.
	Status printer.StatusMode
	// MaxJobBytes refuses larger jobs before writing. Default
	// [printer.DefaultMaxJobBytes].
	MaxJobBytes int64
	// Logger receives the one notice that a printer is taken for one-way; nil
	// discards.
	Logger *slog.Logger
}

// BaudError reports a line speed that is not a standard rate.
type BaudError struct{ Baud int }

// Error implements error.
func (e *BaudError) Error() string {
	return fmt.Sprintf("serial: %d baud is not a standard rate %v", e.Baud, bauds)
}

// Validate reports options that cannot work, such as a [*BaudError].
func (o *Options) Validate() error {
	switch {
	case o == nil:
		return nil
	case o.Baud != 0 && !slices.Contains(bauds[:], o.Baud):
		return &BaudError{Baud: o.Baud}
	case o.Language != ZPL && o.Language != ESCPOS && o.Language != TSPL:
		return fmt.Errorf("serial: unknown language %d", o.Language)
	case o.Status < printer.StatusAuto || o.Status > printer.StatusNone:
		return fmt.Errorf("serial: unknown status mode %d", o.Status)
	case o.ReadTimeout < 0 || o.WriteTimeout < 0 || o.MaxJobBytes < 0:
		return errors.New("serial: negative ReadTimeout, WriteTimeout or MaxJobBytes")
	}
	return nil
}

// Error is a failed open, write or status read. It wraps the cause and:
// [printer.ErrOffline], unless the printer merely did not answer a status query
// (then the cause wraps [printer.ErrNoStatus]); [printer.ErrNotSent] when no byte
// of a job was written; [printer.ErrPartial] when the job was cut short after
// some of it was written.
type Error struct {
	Op      string // "open", "write" or "status"
	Port    string
	Err     error
	NotSent bool
	Partial bool
}

// Error implements error.
func (e *Error) Error() string {
	s := fmt.Sprintf("serial: %s %s: %v", e.Op, e.Port, e.Err)
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

// Printer is an open serial port. Print and Status may be called from
// several goroutines; they take turns on the line.
type Printer struct {
	name string
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	port   *tarm.Port
	ctl    *os.File // a second, non-blocking descriptor of the port, to write jobs and watch the output queue; nil where there is none
	dirty  bool     // a status reply may still be on its way: drain before asking again
	closed bool

	probed  bool        // StatusAuto: the first query was answered, or got no answer
	oneWay  atomic.Bool // the printer reports no status
	backlog int         // bytes written since the last status reply
}

var (
	_ printer.Printer        = (*Printer)(nil)
	_ printer.StatusReporter = (*Printer)(nil)
	_ printer.OneWay         = (*Printer)(nil)
)

// poll is the port's read timeout: reads return after it so that ctx and
// ReadTimeout are looked at (the termios timer counts tenths of a second).
const poll = 100 * time.Millisecond

// Open opens the serial port name (such as /dev/ttyUSB0). A bad baud rate is
// a [*BaudError] before anything is opened; a port that cannot be opened an
// [*Error] wrapping [printer.ErrOffline].
func Open(ctx context.Context, name string, opts *Options) (*Printer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := &Printer{name: name}
	if opts != nil {
		p.opts = *opts
	}
	if p.opts.Baud == 0 {
		p.opts.Baud = 9600
	}
	if p.opts.ReadTimeout == 0 {
		p.opts.ReadTimeout = 2 * time.Second
	}
	if p.opts.WriteTimeout == 0 {
		p.opts.WriteTimeout = 10 * time.Second
	}
	if p.opts.MaxJobBytes == 0 {
		p.opts.MaxJobBytes = printer.DefaultMaxJobBytes
	}
	p.log = p.opts.Logger
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.oneWay.Store(p.opts.Status == printer.StatusNone)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	port, err := tarm.OpenPort(&tarm.Config{Name: name, Baud: p.opts.Baud, ReadTimeout: poll})
	if err != nil {
		return nil, &Error{Op: "open", Port: name, Err: err}
	}
	p.port = port
	p.ctl = openControl(name)
	return p, nil
}

// OneWay reports whether the printer reports no status: Options.Status is
// printer.StatusNone, or it is printer.StatusAuto and the first status query got
// no answer.
func (p *Printer) OneWay() bool { return p.oneWay.Load() }

// chunk bounds each write so that ctx is looked at between writes; at 9600
// baud 1 KiB takes about a second.
const chunk = 1 << 10

// transfer is how long n bytes take at the line speed (10 bits a byte), twice
// over for margin.
func (p *Printer) transfer(n int) time.Duration {
	return time.Duration(2 * float64(n) * 10 / float64(p.opts.Baud) * float64(time.Second))
}

// Print writes b to the line and waits until the port has sent it all. Where the
// port has a second, non-blocking descriptor (Linux) the write and the wait
// honour ctx throughout; elsewhere ctx is looked at between chunks of 1 KiB. The wait is bounded by WriteTimeout plus the job's time at
// the line speed. A job cut short after some of it was written gives an error
// wrapping [printer.ErrPartial], and what the port had not sent yet is
// discarded. With printer.StatusAuto the first call asks for the status first
// (see [Printer.OneWay]). Every error of Print wraps exactly one of
// [printer.ErrNotSent] and [printer.ErrPartial].
func (p *Printer) Print(ctx context.Context, b []byte) error {
	if int64(len(b)) > p.opts.MaxJobBytes {
		return fmt.Errorf("serial: job of %d bytes, limit %d: %w (%w)", len(b), p.opts.MaxJobBytes, printer.ErrTooLarge, printer.ErrNotSent)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("serial: %s: %w (%w)", p.name, printer.ErrClosed, printer.ErrNotSent)
	}
	if p.opts.Status == printer.StatusAuto && !p.probed {
		if _, err := p.status(ctx); err != nil && !errors.Is(err, printer.ErrNoStatus) {
			if errors.Is(err, printer.ErrNotPrinter) {
				return fmt.Errorf("serial: %s: status query before the job: %w (%w)", p.name, err, printer.ErrNotSent)
			}
			return fmt.Errorf("%w (%w)", err, printer.ErrNotSent)
		}
	}
	dl := time.Now().Add(p.opts.WriteTimeout + p.transfer(len(b)))
	written := 0
	fail := func(err error) error {
		if written == 0 {
			return &Error{Op: "write", Port: p.name, Err: err, NotSent: true}
		}
		discard(p.ctl)
		p.backlog += written
		return &Error{Op: "write", Port: p.name, Err: err, Partial: true}
	}
	if p.ctl != nil && p.ctl.SetWriteDeadline(dl) == nil {
		stop := context.AfterFunc(ctx, func() { p.ctl.SetWriteDeadline(time.Unix(1, 0)) })
		n, err := p.ctl.Write(b)
		written = n
		if !stop() && err != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		if err != nil {
			return fail(err)
		}
	}
	for written < len(b) {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if time.Now().After(dl) {
			return fail(fmt.Errorf("%d of %d bytes written in time: %w", written, len(b), os.ErrDeadlineExceeded))
		}
		n, err := p.port.Write(b[written:min(len(b), written+chunk)])
		written += n
		if err != nil {
			return fail(err)
		}
	}
	if err := waitDrained(ctx, p.ctl, dl); err != nil {
		return fail(err)
	}
	p.backlog += len(b)
	return nil
}

var (
	zplQuery    = []byte("~HS")
	escposQuery = []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4}
	tsplQuery   = []byte{0x1b, '!', '?'}
)

// Status asks the printer for its status. The wait is ReadTimeout plus the time
// at the line speed of the bytes written since the last reply. No reply in that
// time gives Unknown and an [*Error] wrapping [printer.ErrNoStatus] (and, the
// first time with printer.StatusAuto, makes the printer one-way); a one-way
// printer is not asked and gives that error at once. A reply no printer would
// send gives a [*printer.ReplyError] (wrapping [printer.ErrNotPrinter]).
func (p *Printer) Status(ctx context.Context) (printer.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return printer.Status{States: printer.Unknown}, fmt.Errorf("serial: %s: %w", p.name, printer.ErrClosed)
	}
	if p.oneWay.Load() {
		return printer.Status{States: printer.Unknown}, &Error{Op: "status", Port: p.name,
			Err: fmt.Errorf("one-way printer, not asked: %w", printer.ErrNoStatus)}
	}
	return p.status(ctx)
}

func (p *Printer) status(ctx context.Context) (printer.Status, error) {
	if p.dirty {
		p.drain()
	}
	query := zplQuery
	switch p.opts.Language {
	case ESCPOS:
		query = escposQuery
	case TSPL:
		query = tsplQuery
	}
	if _, err := p.port.Write(query); err != nil {
		return printer.Status{States: printer.Offline}, &Error{Op: "status", Port: p.name, Err: err}
	}
	p.dirty = true
	wait := p.opts.ReadTimeout + p.transfer(p.backlog+len(query))
	deadline := time.Now().Add(wait)
	var reply []byte
	buf := make([]byte, 256)
	for !p.complete(reply) {
		if err := ctx.Err(); err != nil {
			return printer.Status{States: printer.Unknown, Raw: reply}, err
		}
		if time.Now().After(deadline) || len(reply) > 4096 {
			if len(reply) == 0 {
				p.missed(wait)
				return printer.Status{States: printer.Unknown}, &Error{Op: "status", Port: p.name,
					Err: fmt.Errorf("no reply in %v: %w", wait.Round(time.Millisecond), printer.ErrNoStatus)}
			}
			break // let the parser say what is wrong
		}
		n, err := p.port.Read(buf)
		reply = append(reply, buf[:n]...)
		if err != nil && !errors.Is(err, io.EOF) { // EOF: nothing within poll
			return printer.Status{States: printer.Offline, Raw: reply}, &Error{Op: "status", Port: p.name, Err: err}
		}
	}
	st, err := p.parse(reply)
	if err == nil {
		p.dirty, p.probed, p.backlog = false, true, 0
	}
	return st, err
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
		"port", p.name, "waited", wait)
}

// drain discards what the printer sent since the last complete reply.
func (p *Printer) drain() {
	buf := make([]byte, 256)
	for {
		n, err := p.port.Read(buf)
		if n == 0 || err != nil {
			return
		}
	}
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

func (p *Printer) parse(reply []byte) (printer.Status, error) {
	switch p.opts.Language {
	case ESCPOS:
		return printer.ParseRealTimeReplies(reply)
	case TSPL:
		return printer.ParseTSPLStatus(reply)
	}
	return printer.ParseHostStatus(reply)
}

// Close closes the port.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.ctl != nil {
		p.ctl.Close()
	}
	return p.port.Close()
}
