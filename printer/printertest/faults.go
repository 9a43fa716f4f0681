package printertest

import (
	"bytes"
	"context"
	"net"
	"syscall"
	"time"

	"github.com/dadanhq/dadan/printer"
)

// faultModes is the state of the fault modes of this file, guarded by Printer.mu.
type faultModes struct {
	noStatus      bool   // queries are read and never answered
	garbage       []byte // the answer to every query, when set
	closeOnAccept bool
	speed         int           // bytes per second the printer reads; 0: as fast as it can
	paperOutFor   time.Duration // armed by PaperOutOnNextJob; 0: not armed
	paperOutArmed bool
	paperBack     *time.Timer
	held          []int // indexes in jobs of formats held during paper out
	received      int   // status queries received, answered or not
	consumed      int64 // bytes read from all connections
}

func (m *faultModes) clearModes() {
	m.noStatus, m.garbage, m.closeOnAccept, m.speed = false, nil, false, 0
	m.paperOutArmed = false
}

// listen listens on addr with the receive buffer of Options.ReadBuffer, which
// accepted connections inherit.
func (p *Printer) listen(addr string) (net.Listener, error) {
	var lc net.ListenConfig
	if n := p.opts.ReadBuffer; n > 0 {
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = setReadBuffer(fd, n)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	return lc.Listen(context.Background(), "tcp", addr)
}

// NoStatus makes the printer a one-way device: it still reads and prints jobs, and
// it reads status queries (counted by [Printer.QueriesReceived]) but never answers
// them. [Printer.Clear] ends it.
func (p *Printer) NoStatus() {
	p.mu.Lock()
	p.noStatus = true
	p.mu.Unlock()
}

// AnswerGarbage makes the printer answer every status query with reply instead of
// a status, as a device that is no printer of the language would. [Printer.Clear]
// ends it.
func (p *Printer) AnswerGarbage(reply []byte) {
	p.mu.Lock()
	p.garbage = bytes.Clone(reply)
	p.mu.Unlock()
}

// CloseOnAccept makes the printer accept connections and close each at once,
// reading nothing. [Printer.Clear] ends it.
func (p *Printer) CloseOnAccept() {
	p.mu.Lock()
	p.closeOnAccept = true
	p.mu.Unlock()
}

// LimitSpeed makes the printer read at most bytesPerSecond (0: no limit), like a
// printer that takes data only as fast as it can handle it. With a small
// [Options.ReadBuffer] the sender feels the limit through TCP flow control.
// Replies to status queries come after the bytes before them are read.
// [Printer.Clear] ends it.
func (p *Printer) LimitSpeed(bytesPerSecond int) {
	p.mu.Lock()
	p.speed = max(bytesPerSecond, 0)
	p.mu.Unlock()
}

// PaperOutOnNextJob makes the paper run out as the next job arrives: that job and
// every job received during the next d are held (Job.Held, counted in the formats
// of the ~HS reply and in Status().Pending) while the status says paper out; after
// d the paper is back, the held jobs print in order and the printer is ready.
// This is what a Zebra does with formats received while out of paper.
func (p *Printer) PaperOutOnNextJob(d time.Duration) {
	p.mu.Lock()
	p.paperOutArmed, p.paperOutFor = true, d
	p.mu.Unlock()
}

// paperOutNow runs out of paper when armed to; called with p.mu held as a job
// completes.
func (p *Printer) paperOutNow() {
	if !p.paperOutArmed {
		return
	}
	p.paperOutArmed = false
	p.faults |= printer.PaperOut
	p.paperBack = time.AfterFunc(p.paperOutFor, p.paperIsBack)
}

// holding reports whether jobs received now are held rather than rejected.
func (p *Printer) holding() bool {
	return p.paperBack != nil && p.faults&^(printer.PaperOut|printer.PaperNearEnd) == 0
}

func (p *Printer) paperIsBack() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults &^= printer.PaperOut
	for _, i := range p.held {
		p.jobs[i].Held, p.jobs[i].Printed = false, true
		p.jobsOut++
	}
	p.held, p.paperBack = nil, nil
}

// Pending is the number of jobs held and not printed yet.
func (p *Printer) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.held)
}

// QueriesReceived is the number of status queries received, answered or not.
func (p *Printer) QueriesReceived() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.received
}

// Consumed is the number of bytes the printer has read, from all connections.
func (p *Printer) Consumed() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.consumed
}

// readSize is how much the next read may take: a limited speed reads in slices
// of a twentieth of a second.
func (p *Printer) readSize(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.speed > 0 {
		return max(1, min(n, p.speed/20))
	}
	return n
}

// throttle waits as long as reading n bytes takes at the limited speed.
func (p *Printer) throttle(n int) {
	p.mu.Lock()
	speed, closed := p.speed, p.closed
	p.mu.Unlock()
	if speed > 0 && !closed {
		time.Sleep(time.Duration(n) * time.Second / time.Duration(speed))
	}
}
