// Package serial prints to printers on a serial line (RS-232 or a USB
// serial adapter) through github.com/tarm/serial.
//
// Status is asked over the same line: ~HS for ZPL printers, DLE EOT 1 to 4
// for ESC/POS printers, and the reply is read by [printer.ParseHostStatus]
// or [printer.ParseRealTimeStatus]. The line runs 8N1 without flow control.
package serial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
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
)

// bauds are the standard rates Open accepts.
var bauds = [...]int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}

// Options configure a [Printer]. The zero value means defaults.
type Options struct {
	// Baud is the line speed, a standard rate from 1200 to 921600. Default 9600.
	Baud int
	// ReadTimeout bounds the wait for a status reply. Default 2s.
	ReadTimeout time.Duration
	// Language selects the status query. Default ZPL.
	Language Language
	// MaxJobBytes refuses larger jobs before writing. Default
	// [printer.DefaultMaxJobBytes].
	MaxJobBytes int64
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
	case o.Language != ZPL && o.Language != ESCPOS:
		return fmt.Errorf("serial: unknown language %d", o.Language)
	case o.ReadTimeout < 0 || o.MaxJobBytes < 0:
		return errors.New("serial: negative ReadTimeout or MaxJobBytes")
	}
	return nil
}

// Error is a failed open, write or status read. It wraps [printer.ErrOffline]
// and the cause, and [printer.ErrNotSent] when no byte of a job was written.
type Error struct {
	Op      string // "open", "write" or "status"
	Port    string
	Err     error
	NotSent bool
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("serial: %s %s: %v", e.Op, e.Port, e.Err) }

// Unwrap returns printer.ErrOffline, the cause and, for a job that was not
// written, printer.ErrNotSent.
func (e *Error) Unwrap() []error {
	errs := []error{printer.ErrOffline, e.Err}
	if e.NotSent {
		errs = append(errs, printer.ErrNotSent)
	}
	return errs
}

// Printer is an open serial port. Print and Status may be called from
// several goroutines; they take turns on the line.
type Printer struct {
	name string
	opts Options

	mu     sync.Mutex
	port   *tarm.Port
	dirty  bool // a status reply may still be on its way: drain before asking again
	closed bool
}

var (
	_ printer.Printer        = (*Printer)(nil)
	_ printer.StatusReporter = (*Printer)(nil)
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
	if p.opts.MaxJobBytes == 0 {
		p.opts.MaxJobBytes = printer.DefaultMaxJobBytes
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	port, err := tarm.OpenPort(&tarm.Config{Name: name, Baud: p.opts.Baud, ReadTimeout: poll})
	if err != nil {
		return nil, &Error{Op: "open", Port: name, Err: err}
	}
	p.port = port
	return p, nil
}

// chunk bounds each write so that ctx is looked at between writes; at 9600
// baud 1 KiB takes about a second.
const chunk = 1 << 10

// Print writes b to the line. A write cannot be interrupted once started, so
// ctx is honoured between chunks of 1 KiB.
func (p *Printer) Print(ctx context.Context, b []byte) error {
	if int64(len(b)) > p.opts.MaxJobBytes {
		return fmt.Errorf("serial: job of %d bytes, limit %d: %w", len(b), p.opts.MaxJobBytes, printer.ErrTooLarge)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("serial: %s: %w (%w)", p.name, printer.ErrClosed, printer.ErrNotSent)
	}
	written := 0
	for written < len(b) {
		if err := ctx.Err(); err != nil {
			if written == 0 {
				return fmt.Errorf("%w (%w)", err, printer.ErrNotSent)
			}
			return err
		}
		n, err := p.port.Write(b[written:min(len(b), written+chunk)])
		written += n
		if err != nil {
			return &Error{Op: "write", Port: p.name, Err: err, NotSent: written == 0}
		}
	}
	return nil
}

var (
	zplQuery    = []byte("~HS")
	escposQuery = []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4}
)

// Status asks the printer for its status. No reply within ReadTimeout gives
// Offline and an [*Error] wrapping [printer.ErrOffline]; a reply no printer
// would send gives a [*printer.ReplyError] (wrapping [printer.ErrNotPrinter]).
func (p *Printer) Status(ctx context.Context) (printer.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return printer.Status{States: printer.Unknown}, fmt.Errorf("serial: %s: %w", p.name, printer.ErrClosed)
	}
	if p.dirty {
		p.drain()
	}
	query := zplQuery
	if p.opts.Language == ESCPOS {
		query = escposQuery
	}
	if _, err := p.port.Write(query); err != nil {
		return printer.Status{States: printer.Offline}, &Error{Op: "status", Port: p.name, Err: err}
	}
	p.dirty = true
	deadline := time.Now().Add(p.opts.ReadTimeout)
	var reply []byte
	buf := make([]byte, 256)
	for !p.complete(reply) {
		if err := ctx.Err(); err != nil {
			return printer.Status{States: printer.Unknown, Raw: reply}, err
		}
		if time.Now().After(deadline) || len(reply) > 4096 {
			if len(reply) == 0 {
				return printer.Status{States: printer.Offline}, &Error{Op: "status", Port: p.name, Err: fmt.Errorf("no reply in %v", p.opts.ReadTimeout)}
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
		p.dirty = false
	}
	return st, err
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
	if p.opts.Language == ESCPOS {
		return len(reply) >= 4
	}
	return bytes.Count(reply, []byte{0x03}) >= 3 && bytes.HasSuffix(reply, []byte("\r\n"))
}

func (p *Printer) parse(reply []byte) (printer.Status, error) {
	if p.opts.Language == ZPL {
		return printer.ParseHostStatus(reply)
	}
	return printer.ParseRealTimeReplies(reply)
}

// Close closes the port.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	return p.port.Close()
}
