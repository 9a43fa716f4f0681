package printer

import (
	"context"
	"errors"
	"io"
)

// Printer sends print jobs to one device. It never interprets the bytes it sends.
// A Printer is used by one goroutine at a time (the [Spooler] serialises jobs per
// printer); implementations need not be safe for concurrent use.
type Printer interface {
	// Print sends one job's bytes and returns when the transport has accepted them
	// all. Implementations must not retain p.
	Print(ctx context.Context, p []byte) error
	io.Closer
}

// StatusReporter is implemented by printers that can report their status, found by
// type assertion on a [Printer].
type StatusReporter interface {
	Status(ctx context.Context) (Status, error)
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
	// Pending counts formats or labels the printer holds but has not printed yet
	// (ZPL ~HS: formats in the receive buffer plus labels remaining; TSPL: the
	// printing bit). A job is printed when the status after it is Ready with
	// nothing pending.
	Pending int
	Raw     []byte // the printer's reply as received
}

// Ready reports whether no fault or warning state is set. PaperNearEnd is a warning
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
)
