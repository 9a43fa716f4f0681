package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
)

// Fault is a printer error that stops printing and is none of the other states:
// a mechanical or cutter error, an unrecoverable error, an over-temperature head.
const Fault State = Unknown << 1

// ErrNotReady is wrapped by [*StatusError]: the printer answered, but not ready.
var ErrNotReady = errors.New("printer: not ready")

var stateNames = []struct {
	s    State
	name string
}{
	{PaperOut, "paper out"},
	{PaperNearEnd, "paper near end"},
	{HeadOpen, "head open"},
	{RibbonOut, "ribbon out"},
	{Paused, "paused"},
	{Offline, "offline"},
	{Unknown, "unknown"},
	{Fault, "fault"},
}

// String names the states in s, joined by "|"; the empty set is "ready".
func (s State) String() string {
	if s == 0 {
		return "ready"
	}
	var b strings.Builder
	for _, n := range stateNames {
		if s&n.s != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n.name)
			s &^= n.s
		}
	}
	if s != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		fmt.Fprintf(&b, "0x%x", uint16(s))
	}
	return b.String()
}

// StatusError reports a printer that answered a status query but is not ready. It
// wraps [ErrNotReady].
type StatusError struct {
	Status Status
}

func (e *StatusError) Error() string {
	return "printer: not ready: " + e.Status.States.String()
}

// Unwrap returns [ErrNotReady].
func (e *StatusError) Unwrap() error { return ErrNotReady }

// ReplyError reports a status reply that no printer of the language would send. It
// wraps [ErrNotPrinter].
type ReplyError struct {
	Language string // "ZPL", "ESC/POS" or "TSPL"
	Reply    []byte // the reply as received
	Reason   string
}

func (e *ReplyError) Error() string {
	r := e.Reply
	if len(r) > 32 {
		r = r[:32]
	}
	return fmt.Sprintf("printer: bad %s status reply: %s: %q", e.Language, e.Reason, r)
}

// Unwrap returns [ErrNotPrinter].
func (e *ReplyError) Unwrap() error { return ErrNotPrinter }

// ZPL framing bytes of a ~HS reply.
const (
	stx = 0x02
	etx = 0x03
)

// hostStatusFields is the least number of fields each ~HS string has.
var hostStatusFields = [3]int{12, 11, 2}

// ParseHostStatus reads the reply of a Zebra printer to ~HS: three strings, each
// <STX>fields<ETX><CR><LF>, with comma-separated decimal fields. String 1 field 2 is
// paper out, field 3 pause, field 5 the number of formats in the receive buffer,
// field 12 over temperature; string 2 field 3 is head up, field 4 ribbon out and
// field 9 the labels remaining in the batch being printed. Status.Pending is the
// formats plus the labels remaining. The final CR LF may be missing; extra fields are allowed.
// Anything else is a [*ReplyError]. Status.Raw holds a copy of reply.
func ParseHostStatus(reply []byte) (Status, error) {
	bad := func(format string, a ...any) (Status, error) {
		return Status{States: Unknown, Raw: bytes.Clone(reply)},
			&ReplyError{Language: "ZPL", Reply: bytes.Clone(reply), Reason: fmt.Sprintf(format, a...)}
	}
	var fields [3][][]byte
	rest := reply
	for i := range 3 {
		if len(rest) == 0 {
			return bad("%d of 3 strings", i)
		}
		if rest[0] != stx {
			return bad("string %d does not start with STX", i+1)
		}
		end := bytes.IndexByte(rest, etx)
		if end < 0 {
			return bad("string %d has no ETX", i+1)
		}
		f := bytes.Split(rest[1:end], []byte{','})
		if len(f) < hostStatusFields[i] {
			return bad("string %d has %d fields, want %d", i+1, len(f), hostStatusFields[i])
		}
		for j, v := range f {
			if !digits(v) {
				return bad("string %d field %d is not a number", i+1, j+1)
			}
		}
		fields[i] = f
		rest = rest[end+1:]
		switch {
		case bytes.HasPrefix(rest, []byte("\r\n")):
			rest = rest[2:]
		case i == 2 && bytes.Equal(rest, []byte("\r")):
			rest = rest[1:]
		}
	}
	if len(rest) != 0 {
		return bad("%d bytes after string 3", len(rest))
	}
	var st State
	flag := func(f []byte, s State) {
		if len(bytes.TrimLeft(f, "0")) > 0 {
			st |= s
		}
	}
	flag(fields[0][1], PaperOut)
	flag(fields[0][2], Paused)
	flag(fields[0][11], Fault)
	flag(fields[1][2], HeadOpen)
	flag(fields[1][3], RibbonOut)
	pending := count(fields[0][4]) + count(fields[1][8])
	return Status{States: st, Pending: pending, Raw: bytes.Clone(reply)}, nil
}

// maxCount bounds a decimal count field, so that a sum of two cannot overflow.
const maxCount = 1 << 30

// count reads a field of digits, saturating at maxCount.
func count(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
		if n >= maxCount {
			return maxCount
		}
	}
	return n
}

func digits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ESC/POS real-time status: bits 1 and 4 are fixed on, bits 0 and 7 fixed off.
const (
	rtFixedMask = 0x93
	rtFixed     = 0x12
)

// ParseRealTimeStatus reads the byte an ESC/POS printer answers to DLE EOT n:
// n=1 printer status (bit 3 offline), n=2 offline cause (bit 2 cover open, bit 5
// paper-end stop, bit 6 error), n=3 error cause (bit 2 mechanical, bit 3 autocutter,
// bit 5 unrecoverable, bit 6 auto-recoverable), n=4 roll paper sensor (bits 2-3 near
// end, bits 5-6 paper end). A byte whose fixed bits are wrong is a [*ReplyError]; an
// n outside 1..4 is an error wrapping [ErrUnsupported]. Status.Raw is []byte{b}.
func ParseRealTimeStatus(n, b byte) (Status, error) {
	raw := []byte{b}
	if n < 1 || n > 4 {
		return Status{States: Unknown, Raw: raw}, fmt.Errorf("printer: DLE EOT %d: n must be 1 to 4: %w", n, ErrUnsupported)
	}
	if b&rtFixedMask != rtFixed {
		return Status{States: Unknown, Raw: raw}, &ReplyError{Language: "ESC/POS", Reply: raw,
			Reason: fmt.Sprintf("DLE EOT %d: fixed bits of 0x%02x are wrong", n, b)}
	}
	var st State
	switch n {
	case 1:
		if b&0x08 != 0 {
			st |= Offline
		}
	case 2:
		if b&0x04 != 0 {
			st |= HeadOpen
		}
		if b&0x20 != 0 {
			st |= PaperOut
		}
		if b&0x40 != 0 {
			st |= Fault
		}
	case 3:
		if b&0x6c != 0 {
			st |= Fault
		}
	case 4:
		if b&0x0c != 0 {
			st |= PaperNearEnd
		}
		if b&0x60 != 0 {
			st |= PaperOut
		}
	}
	return Status{States: st, Raw: raw}, nil
}

// Confirmer is implemented by printers that can send a job and ask for the status
// after it in one exchange, found by type assertion like [StatusReporter]. The
// [Spooler] prefers it to Print followed by Status. An error wrapping [ErrNotSent]
// or [ErrPartial] is Print's: the printer does not have the job whole. Any other
// error is the status's: the job was received whole, what became of it is not
// known ([ErrNoStatus] for a printer that did not answer or is [OneWay]).
// Implementations must not retain p.
type Confirmer interface {
	PrintConfirm(ctx context.Context, p []byte) (Status, error)
}

// ParseRealTimeReplies reads the four bytes an ESC/POS printer sends back for the
// queries DLE EOT 1, 2, 3 and 4 sent in that order, and merges their states.
func ParseRealTimeReplies(reply []byte) (Status, error) {
	raw := bytes.Clone(reply)
	if len(reply) != 4 {
		return Status{States: Unknown, Raw: raw},
			&ReplyError{Language: "ESC/POS", Reply: raw, Reason: fmt.Sprintf("%d bytes for 4 queries", len(reply))}
	}
	var st Status
	for i, b := range reply {
		s, err := ParseRealTimeStatus(byte(i+1), b)
		if err != nil {
			s.Raw = raw
			return s, err
		}
		st.States |= s.States
	}
	st.Raw = raw
	return st, nil
}

// TSPL status bits of the byte answered to <ESC>!?.
const (
	tsplHeadOpen  = 1 << 0
	tsplPaperJam  = 1 << 1
	tsplPaperOut  = 1 << 2
	tsplRibbonOut = 1 << 3
	tsplPause     = 1 << 4
	tsplPrinting  = 1 << 5
	tsplCoverOpen = 1 << 6
	tsplOther     = 1 << 7
)

// ParseTSPLStatus reads the one byte a TSPL printer (TSC, Xprinter, Gprinter label
// printers) answers to <ESC>!? (0x1B 0x21 0x3F): bit 0 head opened, bit 1 paper
// jam, bit 2 out of paper, bit 3 out of ribbon, bit 4 pause, bit 5 printing, bit 6
// cover opened, bit 7 other error. Head and cover open are HeadOpen, a jam and
// other errors Fault; printing is no fault but makes Status.Pending 1. A reply
// that is not exactly one byte is a [*ReplyError]. Status.Raw holds a copy of reply.
func ParseTSPLStatus(reply []byte) (Status, error) {
	raw := bytes.Clone(reply)
	if len(reply) != 1 {
		return Status{States: Unknown, Raw: raw},
			&ReplyError{Language: "TSPL", Reply: raw, Reason: fmt.Sprintf("%d bytes, want 1", len(reply))}
	}
	b := reply[0]
	var st Status
	st.Raw = raw
	if b&(tsplHeadOpen|tsplCoverOpen) != 0 {
		st.States |= HeadOpen
	}
	if b&(tsplPaperJam|tsplOther) != 0 {
		st.States |= Fault
	}
	if b&tsplPaperOut != 0 {
		st.States |= PaperOut
	}
	if b&tsplRibbonOut != 0 {
		st.States |= RibbonOut
	}
	if b&tsplPause != 0 {
		st.States |= Paused
	}
	if b&tsplPrinting != 0 {
		st.Pending = 1
	}
	return st, nil
}
