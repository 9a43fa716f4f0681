// Package tcp is the raw TCP transport (port 9100, "JetDirect") for network label
// and receipt printers. Jobs are written as they are; status queries go over the
// same connection: ~HS for ZPL printers, DLE EOT 1 to 4 for ESC/POS printers.
package tcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/dadanhq/dadan/printer"
)

// Language is the printer language used for status queries.
type Language int

// Languages.
const (
	ZPL Language = iota
	ESCPOS
)

// DefaultPort is the raw printing port used when an address has none.
const DefaultPort = "9100"

// Options configure a connection. The zero value means defaults.
type Options struct {
	Language     Language
	DialTimeout  time.Duration // default 3s
	WriteTimeout time.Duration // per job; default 30s
	ReadTimeout  time.Duration // for a status reply; default 3s
}

// Validate reports options that cannot work.
func (o *Options) Validate() error {
	switch {
	case o == nil:
		return nil
	case o.Language != ZPL && o.Language != ESCPOS:
		return fmt.Errorf("tcp: unknown language %d", o.Language)
	case o.DialTimeout < 0 || o.WriteTimeout < 0 || o.ReadTimeout < 0:
		return errors.New("tcp: negative timeout")
	}
	return nil
}

// Error is a failed dial, write or read. It wraps [printer.ErrOffline] and the
// cause, and [printer.ErrNotSent] when no byte of a job left the host.
type Error struct {
	Op      string // "dial", "write" or "status"
	Addr    string
	Err     error
	NotSent bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("tcp: %s %s: %v", e.Op, e.Addr, e.Err)
}

// Unwrap returns printer.ErrOffline, the cause and, for a job that was not sent,
// printer.ErrNotSent.
func (e *Error) Unwrap() []error {
	errs := []error{printer.ErrOffline, e.Err}
	if e.NotSent {
		errs = append(errs, printer.ErrNotSent)
	}
	return errs
}

// Printer is a connection to a network printer. After a broken connection the next
// Print or Status dials again. Like every [printer.Printer] it is used by one
// goroutine at a time.
type Printer struct {
	addr   string
	opts   Options
	conn   net.Conn
	closed bool
	buf    []byte
	wbuf   []byte
}

var (
	_ printer.Printer        = (*Printer)(nil)
	_ printer.StatusReporter = (*Printer)(nil)
	_ printer.Confirmer      = (*Printer)(nil)
)

// coalesceMax is the largest job PrintConfirm sends in one write with its query.
const coalesceMax = 64 << 10

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
	if err := p.connect(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Addr is the printer's host:port.
func (p *Printer) Addr() string { return p.addr }

func (p *Printer) connect(ctx context.Context) error {
	if p.closed {
		return printer.ErrClosed
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
	return nil
}

func (p *Printer) drop() {
	if p.conn != nil {
		p.conn.Close()
		p.conn = nil
	}
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
func (p *Printer) io(ctx context.Context, d time.Duration, f func(net.Conn) error) error {
	c := p.conn
	c.SetDeadline(deadline(ctx, d))
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	}
	err := f(c)
	if stop != nil && !stop() && err != nil {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// Print writes one job. A job cut short by a broken connection gives an [*Error];
// the connection is dialled again on the next call.
func (p *Printer) Print(ctx context.Context, data []byte) error {
	if err := p.connect(ctx); err != nil {
		return err
	}
	var n int
	err := p.io(ctx, p.opts.WriteTimeout, func(c net.Conn) error {
		var err error
		n, err = c.Write(data)
		return err
	})
	if err != nil {
		p.drop()
		return &Error{Op: "write", Addr: p.addr, Err: err, NotSent: n == 0}
	}
	return nil
}

var (
	zplQuery    = []byte("~HS")
	escposQuery = []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4}
)

// PrintConfirm writes a job and the status query after it; small jobs go in one
// write with the query. Errors are those of [Printer.Print] and [Printer.Status].
func (p *Printer) PrintConfirm(ctx context.Context, data []byte) (printer.Status, error) {
	if len(data) > coalesceMax {
		if err := p.Print(ctx, data); err != nil {
			return printer.Status{}, err
		}
		return p.Status(ctx)
	}
	if err := p.connect(ctx); err != nil {
		return printer.Status{States: printer.Offline}, err
	}
	p.wbuf = append(append(p.wbuf[:0], data...), p.query()...)
	return p.status(ctx, p.wbuf, len(data))
}

func (p *Printer) query() []byte {
	if p.opts.Language == ESCPOS {
		return escposQuery
	}
	return zplQuery
}

// Status asks the printer for its status over the job connection. A reply that is
// not a printer's gives an error wrapping [printer.ErrNotPrinter]; no reply, or a
// broken connection, an [*Error] wrapping [printer.ErrOffline].
func (p *Printer) Status(ctx context.Context) (printer.Status, error) {
	if err := p.connect(ctx); err != nil {
		return printer.Status{States: printer.Offline}, err
	}
	return p.status(ctx, p.query(), 0)
}

// status writes query, whose first jobLen bytes are a job, and reads the reply.
func (p *Printer) status(ctx context.Context, query []byte, jobLen int) (printer.Status, error) {
	var (
		reply   []byte
		replyOK bool
	)
	var written int
	timeout := p.opts.ReadTimeout
	if jobLen > 0 {
		timeout += p.opts.WriteTimeout
	}
	err := p.io(ctx, timeout, func(c net.Conn) error {
		var err error
		if written, err = c.Write(query); err != nil {
			return err
		}
		if jobLen > 0 {
			// The reply gets ReadTimeout from the end of the job.
			c.SetReadDeadline(deadline(ctx, p.opts.ReadTimeout))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
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
			if replyOK = p.complete(reply); replyOK || p.garbage(reply) {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	if cap(reply) > cap(p.buf) {
		p.buf = reply[:0]
	}
	if err != nil && !p.garbage(reply) {
		p.drop()
		st := printer.Status{States: printer.Offline, Raw: bytes.Clone(reply)}
		if written < len(query) {
			return st, &Error{Op: "write", Addr: p.addr, Err: err, NotSent: jobLen > 0 && written == 0}
		}
		if len(reply) == 0 {
			err = fmt.Errorf("no status reply: %w", err)
		}
		return st, &Error{Op: "status", Addr: p.addr, Err: err}
	}
	st, perr := p.parse(reply)
	if perr != nil {
		p.drop() // whatever it is, its stream is out of step now
	}
	return st, perr
}

// complete reports whether reply holds a whole status reply.
func (p *Printer) complete(reply []byte) bool {
	if p.opts.Language == ESCPOS {
		return len(reply) >= 4
	}
	return bytes.Count(reply, []byte{0x03}) >= 3 && bytes.HasSuffix(reply, []byte("\r\n"))
}

// garbage reports whether reply cannot be the start of a status reply.
func (p *Printer) garbage(reply []byte) bool {
	if len(reply) == 0 {
		return false
	}
	if p.opts.Language == ESCPOS {
		for _, b := range reply {
			if b&0x93 != 0x12 {
				return true
			}
		}
		return false
	}
	return reply[0] != 0x02
}

func (p *Printer) parse(reply []byte) (printer.Status, error) {
	if p.opts.Language == ZPL {
		return printer.ParseHostStatus(reply)
	}
	return printer.ParseRealTimeReplies(reply)
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
