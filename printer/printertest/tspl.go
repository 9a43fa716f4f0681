package printertest

import (
	"bytes"
	"strconv"

	"github.com/dadanhq/dadan/printer"
)

// TSPL emulation. A TSPL printer reads one command per line, ended by LF (CR LF
// in practice). A job is every line from its first command (SIZE, normally)
// through PRINT m[,n], which prints m sets of n copies; BITMAP is followed on its
// line by width x height bytes of binary data, which the emulator skips rather
// than reads as commands. The status query ESC ! ? is answered wherever it
// appears, inside a job or its bitmap data too, as printers act on immediate
// commands on receipt, with one byte (TSPL2 manual):
//
//	bit 0  head opened       HeadOpen
//	bit 1  paper jam         -
//	bit 2  out of paper      PaperOut
//	bit 3  out of ribbon     RibbonOut
//	bit 4  pause             Paused
//	bit 5  printing          -
//	bit 6  cover opened      -
//	bit 7  other error       Fault
//
// 0x00 is ready; PaperNearEnd has no bit.

// tsplState is the per-connection TSPL parser state.
type tsplState struct {
	line   []byte // the command line read so far
	bitmap int    // BITMAP data bytes still to come
	labels int    // labels asked for by the PRINT that ends the job
}

const esc = 0x1b

// tspl handles TSPL: ESC ! ? anywhere is answered; SIZE ... PRINT is a job.
func (cs *conn) tspl(data []byte) {
	buf := data
	if len(cs.carry) > 0 {
		buf = append(cs.carry, data...)
		cs.carry = nil
	}
	t := &cs.t
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		if c == esc {
			if i+2 >= len(buf) && bytes.HasPrefix([]byte("\x1b!?"), buf[i:]) {
				cs.carry = append([]byte(nil), buf[i:]...) // maybe a query split across reads
				return
			}
			if i+2 < len(buf) && buf[i+1] == '!' && buf[i+2] == '?' {
				cs.reply([]byte{cs.p.tsplStatus()})
				i += 2
				continue
			}
		}
		if t.bitmap > 0 {
			cs.job = append(cs.job, c)
			t.bitmap--
			continue
		}
		if !cs.inJob {
			if c == '\r' || c == '\n' || c == ' ' {
				continue // blank lines between jobs
			}
			cs.inJob, cs.job = true, make([]byte, 0, 256)
		}
		cs.job = append(cs.job, c)
		if c != '\n' {
			t.line = append(t.line, c)
			if c == ',' && hasPrefixFold(t.line, "BITMAP ") {
				if n, ok := bitmapSize(t.line); ok {
					t.bitmap = n
				}
			}
			continue
		}
		line := bytes.TrimRight(t.line, "\r")
		t.line = t.line[:0]
		if hasPrefixFold(line, "PRINT") && (len(line) == 5 || line[5] == ' ') {
			t.labels = printCount(line[5:])
			cs.finish()
		}
	}
}

// hasPrefixFold reports whether b starts with the upper-case prefix, in any case.
func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if upper(b[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// bitmapSize returns the data length of a BITMAP header that has just received
// its fifth comma: BITMAP x,y,width,height,mode, — width in bytes.
func bitmapSize(line []byte) (int, bool) {
	f := bytes.Split(bytes.TrimSpace(line[len("BITMAP "):]), []byte(","))
	if len(f) != 6 || len(f[5]) != 0 {
		return 0, false
	}
	w, err1 := strconv.Atoi(string(bytes.TrimSpace(f[2])))
	h, err2 := strconv.Atoi(string(bytes.TrimSpace(f[3])))
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 || w*h > 1<<26 {
		return 0, false
	}
	return w * h, true
}

// maxCount bounds m and n of PRINT m,n; printers take far fewer.
const maxCount = 1 << 20

// printCount returns m x n for the parameters of PRINT m[,n], 0 when malformed.
func printCount(params []byte) int {
	f := bytes.Split(bytes.TrimSpace(params), []byte(","))
	n := 1
	if len(f) == 0 || len(f) > 2 {
		return 0
	}
	m, err := strconv.Atoi(string(bytes.TrimSpace(f[0])))
	if err != nil || m < 0 || m > maxCount {
		return 0
	}
	if len(f) == 2 {
		if n, err = strconv.Atoi(string(bytes.TrimSpace(f[1]))); err != nil || n < 0 || n > maxCount {
			return 0
		}
	}
	return m * n
}

// tsplStatus is the answer to ESC ! ?.
func (p *Printer) tsplStatus() byte {
	p.mu.Lock()
	f := p.faults
	p.mu.Unlock()
	var b byte
	if f&printer.HeadOpen != 0 {
		b |= 0x01
	}
	if f&printer.PaperOut != 0 {
		b |= 0x04
	}
	if f&printer.RibbonOut != 0 {
		b |= 0x08
	}
	if f&printer.Paused != 0 {
		b |= 0x10
	}
	if f&printer.Fault != 0 {
		b |= 0x80
	}
	return b
}

// LabelsPrinted is the number of labels the printed TSPL jobs asked for.
func (p *Printer) LabelsPrinted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, j := range p.jobs {
		if j.Printed {
			n += j.Labels
		}
	}
	return n
}
