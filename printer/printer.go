package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Printer sends print jobs to one device. It never interprets the bytes it sends.
// A Printer is used by one goroutine at a time (the [Spooler] serialises jobs per
// printer); implementations need not be safe for concurrent use.
type Printer interface {
	// Print sends one job's bytes. It returns nil only when the printer received
	// the whole job, as far as the transport can tell: on TCP every byte was
	// acknowledged by the printer's TCP stack (not merely taken by the host's
	// kernel), on a serial line every byte was written and drained from the port.
	// The wait is bounded by a timeout that grows with the job's size and the line
	// speed. A job of which no byte left the host gives an error wrapping
	// [ErrNotSent]; a connection that failed with bytes the printer did not
	// acknowledge, one wrapping [ErrPartial]. Implementations must not retain p.
	Print(ctx context.Context, p []byte) error
	io.Closer
}

// StatusReporter is implemented by printers that can report their status, found by
// type assertion on a [Printer]. A printer that does not answer in time gives an
// error wrapping [ErrNoStatus]; so does a printer that is [OneWay], at once and
// without asking.
type StatusReporter interface {
	Status(ctx context.Context) (Status, error)
}

// OneWay is implemented by transports that may talk to a printer that sends
// nothing back, found by type assertion on a [Printer]. OneWay reports true when
// the printer reports no status: it was configured so ([StatusNone]), or, with
// [StatusAuto], its first status query got no answer. For a one-way printer a nil
// error from Print is all there is to know about a job; Status fails at once with
// [ErrNoStatus]. The answer can change from false to true after a Print or Status
// call, never back.
type OneWay interface {
	OneWay() bool
}

// PrinterFunc adapts a function to a [Printer] whose Close does nothing.
type PrinterFunc func(ctx context.Context, p []byte) error

// Print calls f(ctx, p).
func (f PrinterFunc) Print(ctx context.Context, p []byte) error { return f(ctx, p) }

// Close does nothing.
func (f PrinterFunc) Close() error { return nil }

// State is a printer condition. A Status holds a set of them.
type State uint16

// States a printer can report. Ready is the absence of every other state.
const (
	PaperOut State = 1 << iota
	PaperNearEnd
	HeadOpen // print head or cover open
	RibbonOut
	Paused
	Offline
	Unknown // the printer answered something we could not read, or nothing
)

// Status is what a printer reported.
type Status struct {
	States State
	// Pending is the number of formats or labels the printer holds and has not
	// printed yet: for ZPL the formats in the receive buffer plus the labels
	// remaining in the batch, for TSPL 1 while the printer is printing, for
	// ESC/POS always 0. A job the printer holds prints when the fault clears, so
	// it must not be sent again; a job is printed when, after it, the status is
	// Ready with Pending 0.
	Pending int
	Raw     []byte // the printer's reply as received
}

// Busy reports whether the printer holds formats or labels it has not printed
// ([Status.Pending] > 0). A busy printer may be Ready: busy is not a fault.
func (s Status) Busy() bool { return s.Pending > 0 }

// Ready reports whether no fault or warning state is set: the printer can print.
// It says nothing of jobs still held ([Status.Busy]). PaperNearEnd is a warning
// that still prints, so it does not make a printer unready.
func (s Status) Ready() bool { return s.States&^PaperNearEnd == 0 }

// Has reports whether st is set.
func (s Status) Has(st State) bool { return s.States&st != 0 }

// Errors shared by all transports. Transports wrap them with detail (%w).
var (
	ErrOffline     = errors.New("printer: offline")
	ErrTooLarge    = errors.New("printer: job over the size limit")
	ErrNotPrinter  = errors.New("printer: device is not a printer")
	ErrClosed      = errors.New("printer: closed")
	ErrUnsupported = errors.New("printer: not supported by this transport")
	// ErrPartial: the connection failed while bytes of the job were not
	// acknowledged by the printer. The printer cannot have the job whole; sending
	// it again is a reprint of whatever part did arrive.
	ErrPartial = errors.New("printer: job not received whole")
	// ErrNoStatus: the printer did not answer a status query in time, or it is
	// [OneWay] and is not asked. The connection itself may be fine.
	ErrNoStatus = errors.New("printer: no status reply")
)

// StatusMode says whether a transport asks the printer for its status. The zero
// value is [StatusAuto].
type StatusMode int

// Status modes.
const (
	// StatusAuto asks once, before the first job or status call; a printer that
	// does not answer that query is treated as one-way from then on.
	StatusAuto StatusMode = iota
	// StatusQuery always asks: a printer that does not answer gives [ErrNoStatus]
	// each time and is never taken for one-way.
	StatusQuery
	// StatusNone never asks: the printer is one-way and no query byte is sent.
	StatusNone
)

// String is "auto", "query" or "none".
func (m StatusMode) String() string {
	switch m {
	case StatusAuto:
		return "auto"
	case StatusQuery:
		return "query"
	case StatusNone:
		return "none"
	}
	return fmt.Sprintf("StatusMode(%d)", int(m))
}

// ParseStatusMode reads "auto", "query" or "none" (the empty string is auto).
func ParseStatusMode(s string) (StatusMode, error) {
	switch s {
	case "", "auto":
		return StatusAuto, nil
	case "query":
		return StatusQuery, nil
	case "none":
		return StatusNone, nil
	}
	return 0, fmt.Errorf("printer: status mode %q (want auto, query or none)", s)
}
