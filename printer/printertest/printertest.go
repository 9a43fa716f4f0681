// Package printertest emulates a network label or receipt printer for tests: a TCP
// listener on 127.0.0.1 that speaks ZPL (~HS status, ^XA...^XZ labels), ESC/POS
// (DLE EOT n status, jobs ended by a GS V cut) or TSPL (ESC ! ? status, jobs ended
// by PRINT m[,n]; see tspl.go), records every job it receives, and
// injects faults on command: paper out, head open, a connection dropped after N
// bytes, a stall, refused connections, and (see faults.go) no status replies,
// garbage replies, connections closed at once, paper running out as a job arrives
// and a slow line. [Sink] is a plain socket that reads and never answers.
//
// It also holds [TestJobStore], the conformance suite every [printer.JobStore]
// implementation runs.
package printertest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/dadanhq/dadan/printer"
)

// Language is the printer language an emulator speaks.
type Language int

// Languages.
const (
	ZPL Language = iota
	ESCPOS
	TSPL
)

// Options configure an emulator. The zero value is a ZPL printer.
type Options struct {
	Language Language
	// OnJob, when set, is called after each job is recorded, from the goroutine
	// serving the connection (which reads nothing meanwhile). It may call the
	// Printer's methods, to inject a fault at an exact point of a batch.
	OnJob func(Job)
	// CountOnly keeps no jobs, only their numbers (see [Printer.Counts]): for
	// long runs, where keeping every job would take the memory. Held jobs
	// (see [Printer.PaperOutOnNextJob]) need the jobs kept.
	CountOnly bool
	// ReadBuffer, when positive, is the socket receive buffer of accepted
	// connections (SO_RCVBUF), so that a slow printer pushes back on the sender
	// soon: the sender's TCP stack sees its bytes acknowledged only as the printer
	// reads them.
	ReadBuffer int
}

// Job is one job the emulator received.
type Job struct {
	Seq     int    // arrival order, from 1, across all connections
	Conn    int    // connection number, from 1
	Data    []byte // ^XA through ^XZ, everything up to and including the cut, or SIZE ... PRINT
	Printed bool
	Labels  int           // TSPL: the labels its PRINT m[,n] asks for, m x n; 0 otherwise
	Fault   printer.State // the fault that rejected the job when not Printed
	Held    bool          // received during paper out and kept, to print when paper is back
}

// ErrClosed is returned by methods of a closed emulator.
var ErrClosed = errors.New("printertest: closed")

// Printer is an emulated network printer. Its methods are safe for concurrent use.
type Printer struct {
	opts Options
	addr string

	mu         sync.Mutex
	ln         net.Listener
	conns      map[net.Conn]struct{}
	nconn      int
	jobs       []Job
	unhandled  int // chunks holding a format, read but not handled yet
	jobsIn     int // jobs received
	jobsOut    int // of those, printed (held jobs once paper is back)
	faults     printer.State
	dropAfter  int // bytes still to read before dropping; -1: no drop armed
	stallUntil time.Time
	// Reads are handled in the order they arrived, whatever their connection:
	// a printer has one receive buffer. ticket is the next read's number,
	// serving the one being handled; turn wakes the next.
	ticket, serving uint64
	turn            *sync.Cond
	refusing        bool
	queries         int
	closed          bool
	wg              sync.WaitGroup
	faultModes      // faults.go
}

// New starts an emulator listening on 127.0.0.1 on a free port.
func New(opts *Options) (*Printer, error) {
	p := &Printer{conns: map[net.Conn]struct{}{}, dropAfter: -1}
	p.turn = sync.NewCond(&p.mu)
	if opts != nil {
		p.opts = *opts
	}
	if p.opts.Language != ZPL && p.opts.Language != ESCPOS && p.opts.Language != TSPL {
		return nil, fmt.Errorf("printertest: unknown language %d", p.opts.Language)
	}
	ln, err := p.listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("printertest: %w", err)
	}
	p.ln, p.addr = ln, ln.Addr().String()
	p.wg.Add(1)
	go p.serve(ln)
	return p, nil
}

// Addr is the host:port the emulator listens on.
func (p *Printer) Addr() string { return p.addr }

// Jobs returns every job received so far, printed or rejected, in arrival order.
func (p *Printer) Jobs() []Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Job(nil), p.jobs...)
}

// Printed returns the printed jobs in order.
func (p *Printer) Printed() []Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Job
	for _, j := range p.jobs {
		if j.Printed {
			out = append(out, j)
		}
	}
	return out
}

// Counts returns how many jobs the emulator received and how many of them it
// printed.
func (p *Printer) Counts() (received, printed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.jobsIn, p.jobsOut
}

// StatusQueries is the number of status queries answered.
func (p *Printer) StatusQueries() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queries
}

// Connections is the number of connections accepted.
func (p *Printer) Connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nconn
}

// SetFault adds states (PaperOut, HeadOpen, RibbonOut, Paused, Fault,
// PaperNearEnd) to the printer's status. Jobs received while any state but
// PaperNearEnd is set are rejected.
func (p *Printer) SetFault(s printer.State) {
	p.mu.Lock()
	p.faults |= s
	p.mu.Unlock()
}

// PaperOut makes the printer report paper out and reject jobs.
func (p *Printer) PaperOut() { p.SetFault(printer.PaperOut) }

// HeadOpen makes the printer report its head (cover) open and reject jobs.
func (p *Printer) HeadOpen() { p.SetFault(printer.HeadOpen) }

// DropAfter closes the connection that reads the next n bytes right after reading
// them; bytes after them in the same read are lost, and a job cut short is not
// printed.
func (p *Printer) DropAfter(n int) {
	p.mu.Lock()
	p.dropAfter = max(n, 0)
	p.mu.Unlock()
}

// Stall makes the printer read nothing more for d: data already read is handled
// after the stall, so replies come late.
func (p *Printer) Stall(d time.Duration) {
	p.mu.Lock()
	p.stallUntil = time.Now().Add(d)
	p.mu.Unlock()
}

// Refuse takes the printer off the network: it stops listening (dials are refused)
// and closes every open connection, until [Printer.Clear].
func (p *Printer) Refuse() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.refusing {
		return
	}
	p.refusing = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
}

// Clear ends every fault: the status is ready, no drop or stall is armed, the
// modes of faults.go end (jobs already held still print when their paper comes
// back) and a refusing printer listens again on the same address.
func (p *Printer) Clear() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.faults, p.dropAfter, p.stallUntil = 0, -1, time.Time{}
	p.clearModes()
	if p.refusing {
		ln, err := p.listen(p.addr)
		if err != nil {
			return fmt.Errorf("printertest: listening again: %w", err)
		}
		p.ln, p.refusing = ln, false
		p.wg.Add(1)
		go p.serve(ln)
	}
	return nil
}

// Status is the status the printer reports now.
func (p *Printer) Status() printer.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return printer.Status{States: p.faults, Pending: len(p.held)}
}

// Close stops the emulator and waits for its goroutines.
func (p *Printer) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	if p.paperBack != nil {
		p.paperBack.Stop()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

func (p *Printer) serve(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.closed || p.refusing {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.nconn++
		id := p.nconn
		if p.closeOnAccept {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.handle(c, id)
	}
}

// conn is the per-connection parser state.
type conn struct {
	p     *Printer
	c     net.Conn
	id    int
	carry []byte // an incomplete command at the end of the last read
	job   []byte
	inJob bool
	t     tsplState
}

func (p *Printer) handle(c net.Conn, id int) {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
		c.Close()
	}()
	cs := &conn{p: p, c: c, id: id}
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf[:p.readSize(len(buf))])
		if n > 0 {
			// A format read but not handled yet (the printer stalls) is in the
			// receive buffer: ~HS counts it, as a Zebra does.
			format := p.opts.Language == ZPL && hasFormatStart(buf[:n])
			p.mu.Lock()
			ticket := p.ticket
			p.ticket++
			if format {
				p.unhandled++
			}
			p.mu.Unlock()
			p.waitStall()
			p.mu.Lock()
			for p.serving != ticket {
				p.turn.Wait()
			}
			if format {
				p.unhandled--
			}
			p.mu.Unlock()
			p.throttle(n)
			p.mu.Lock()
			p.consumed += int64(n)
			drop := false
			if p.dropAfter >= 0 {
				if n >= p.dropAfter {
					n, drop, p.dropAfter = p.dropAfter, true, -1
				} else {
					p.dropAfter -= n
				}
			}
			p.mu.Unlock()
			switch p.opts.Language {
			case ZPL:
				cs.zpl(buf[:n])
			case ESCPOS:
				cs.escpos(buf[:n])
			case TSPL:
				cs.tspl(buf[:n])
			}
			p.mu.Lock()
			p.serving++
			p.turn.Broadcast()
			p.mu.Unlock()
			if drop {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Printer) waitStall() {
	for {
		p.mu.Lock()
		d := time.Until(p.stallUntil)
		closed := p.closed
		p.mu.Unlock()
		if closed || d <= 0 {
			return
		}
		time.Sleep(min(d, 10*time.Millisecond))
	}
}

// finish records a complete job.
func (cs *conn) finish() {
	p := cs.p
	p.mu.Lock()
	p.paperOutNow()
	p.jobsIn++
	j := Job{Seq: p.jobsIn, Conn: cs.id, Data: cs.job, Printed: p.faults&^printer.PaperNearEnd == 0, Labels: cs.t.labels}
	switch {
	case !j.Printed && p.holding() && !p.opts.CountOnly:
		j.Held = true
		p.held = append(p.held, len(p.jobs))
	case !j.Printed:
		j.Fault = p.faults
	default:
		p.jobsOut++
	}
	if !p.opts.CountOnly {
		p.jobs = append(p.jobs, j)
	}
	p.mu.Unlock()
	cs.job, cs.inJob, cs.t.labels = nil, false, 0
	if p.opts.OnJob != nil {
		p.opts.OnJob(j)
	}
}

// add appends b to the job being received, unless the printer keeps no jobs.
func (cs *conn) add(b []byte) {
	if !cs.p.opts.CountOnly {
		cs.job = append(cs.job, b...)
	}
}

func (cs *conn) reply(b []byte) {
	p := cs.p
	p.mu.Lock()
	p.received++
	if p.noStatus {
		p.mu.Unlock()
		return
	}
	if p.garbage != nil {
		b = p.garbage
	}
	p.queries++
	p.mu.Unlock()
	cs.c.Write(b) // a client that went away gets nothing
}

// hasFormatStart reports whether b holds ^XA, in either case.
func hasFormatStart(b []byte) bool {
	for {
		k := bytes.IndexByte(b, '^')
		if k < 0 || k+2 >= len(b) {
			return false
		}
		if upper(b[k+1]) == 'X' && upper(b[k+2]) == 'A' {
			return true
		}
		b = b[k+1:]
	}
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// zpl handles ZPL: ~HS anywhere is answered; ^XA...^XZ is a label.
func (cs *conn) zpl(data []byte) {
	buf := data
	if len(cs.carry) > 0 {
		buf = append(cs.carry, data...)
		cs.carry = nil
	}
	i := 0
	for i < len(buf) {
		k := bytes.IndexAny(buf[i:], "^~")
		if k < 0 {
			if cs.inJob {
				cs.add(buf[i:])
			}
			return
		}
		k += i
		if cs.inJob {
			cs.add(buf[i:k])
		}
		if k+2 >= len(buf) {
			cs.carry = append([]byte(nil), buf[k:]...)
			return
		}
		c, a, b := buf[k], upper(buf[k+1]), upper(buf[k+2])
		switch {
		case c == '~' && a == 'H' && b == 'S':
			cs.reply(cs.p.hostStatus())
		case c == '^' && a == 'X' && b == 'A':
			if !cs.inJob {
				cs.inJob, cs.job = true, make([]byte, 0, 64)
			}
			cs.add(buf[k : k+3])
		case c == '^' && a == 'X' && b == 'Z':
			if cs.inJob {
				cs.add(buf[k : k+3])
				cs.finish()
			}
		default:
			if cs.inJob {
				cs.add(buf[k : k+1])
			}
			i = k + 1
			continue
		}
		i = k + 3
	}
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *Printer) hostStatus() []byte {
	p.mu.Lock()
	f, held := p.faults, len(p.held)+p.unhandled
	p.mu.Unlock()
	return fmt.Appendf(nil, "\x02030,%d,%d,1218,%03d,0,0,0,000,0,0,%d\x03\r\n\x02001,0,%d,%d,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n",
		bit(f&printer.PaperOut != 0), bit(f&printer.Paused != 0), held, bit(f&printer.Fault != 0),
		bit(f&printer.HeadOpen != 0), bit(f&printer.RibbonOut != 0))
}

// ESC/POS command bytes.
const (
	dle = 0x10
	eot = 0x04
	gs  = 0x1d
)

// escpos handles ESC/POS: DLE EOT n is answered with one byte; a job ends at GS V.
func (cs *conn) escpos(data []byte) {
	buf := data
	if len(cs.carry) > 0 {
		buf = append(cs.carry, data...)
		cs.carry = nil
	}
	i := 0
	for i < len(buf) {
		k := bytes.IndexAny(buf[i:], "\x10\x1d")
		if k < 0 {
			cs.add(buf[i:])
			return
		}
		k += i
		cs.add(buf[i:k])
		if k+2 >= len(buf) {
			cs.carry = append([]byte(nil), buf[k:]...)
			return
		}
		switch {
		case buf[k] == dle && buf[k+1] == eot:
			if n := buf[k+2]; n >= 1 && n <= 4 {
				cs.reply([]byte{cs.p.realTimeStatus(n)})
				i = k + 3
				continue
			}
		case buf[k] == gs && buf[k+1] == 'V':
			m := buf[k+2]
			end := k + 3
			if m == 65 || m == 66 || m >= 97 && m <= 104 {
				if k+3 >= len(buf) {
					cs.carry = append([]byte(nil), buf[k:]...)
					return
				}
				end++
			}
			cs.add(buf[k:end])
			cs.finish()
			i = end
			continue
		}
		cs.add(buf[k : k+1])
		i = k + 1
	}
}

func (p *Printer) realTimeStatus(n byte) byte {
	p.mu.Lock()
	f := p.faults
	p.mu.Unlock()
	b := byte(0x12)
	switch n {
	case 1:
		if f&^printer.PaperNearEnd != 0 {
			b |= 0x08
		}
	case 2:
		if f&printer.HeadOpen != 0 {
			b |= 0x04
		}
		if f&printer.PaperOut != 0 {
			b |= 0x20
		}
		if f&(printer.Fault|printer.RibbonOut|printer.Paused) != 0 {
			b |= 0x40
		}
	case 3:
		if f&printer.Fault != 0 {
			b |= 0x40
		}
	case 4:
		if f&printer.PaperNearEnd != 0 {
			b |= 0x0c
		}
		if f&printer.PaperOut != 0 {
			b |= 0x60
		}
	}
	return b
}
