package order

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// DecodeError reports an order that could not be decoded. The decoder that returned
// it goes on with the next order.
type DecodeError struct {
	Line    int    // 1-based line where the order starts; 0 if unknown
	OrderID string // the order's id, if it could be read
	Field   string // JSON path of the bad member, e.g. "items[2].unit_price"
	Err     error  // one of ErrSyntax, ErrType, ErrMoney, ErrTime, ErrInvalidUTF8, ErrTooLarge, or a detail error
}

func (e *DecodeError) Error() string {
	var b bytes.Buffer
	b.WriteString("order")
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.OrderID != "" {
		fmt.Fprintf(&b, ": order %s", e.OrderID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

func recordError(err error, line int, id string, data []byte) error {
	de := &DecodeError{Line: line, OrderID: id, Err: err}
	var fe *fieldError
	if errors.As(err, &fe) {
		de.Field, de.Err = fe.field, fe.err
	}
	if de.OrderID == "" {
		de.OrderID = sniffID(data)
	}
	return de
}

// sniffID finds a top-level "id" string in a record that failed to decode, so the
// error can name the order.
func sniffID(data []byte) string {
	l := lexer{data: data}
	if l.peek() != '{' {
		return ""
	}
	l.pos++
	for {
		key, err := l.rawString()
		if err != nil {
			return ""
		}
		isID := string(key) == "id"
		if l.expect(':') != nil {
			return ""
		}
		if isID {
			id, err := l.rawString()
			if err != nil || len(id) > 128 {
				return ""
			}
			return string(id)
		}
		if _, err := l.skip(); err != nil {
			return ""
		}
		if l.peek() != ',' {
			return ""
		}
		l.pos++
	}
}

// DefaultMaxRecord is the largest order record a [Decoder] accepts by default.
const DefaultMaxRecord = 4 << 20

// Decoder reads orders from JSON Lines (one object per line) or from a JSON array,
// whichever the input starts with, one order at a time: memory stays flat however
// large the input is.
type Decoder struct {
	r         *bufio.Reader
	MaxRecord int // records over this many bytes are refused with ErrTooLarge; 0 means DefaultMaxRecord

	line     int // lines consumed so far
	started  bool
	array    bool
	done     bool
	count    int // records seen, good or bad
	lastLine int
	buf      []byte
	lex      lexer
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10), lex: lexer{
		strs: make(map[string]string),
		decs: make(map[string]decimal.Decimal),
	}}
}

func (d *Decoder) max() int {
	if d.MaxRecord > 0 {
		return d.MaxRecord
	}
	return DefaultMaxRecord
}

// Decode reads the next order into o. It returns io.EOF after the last order, a
// [*DecodeError] for an order that could not be decoded (call Decode again to go
// on), ErrEmpty wrapped in a *DecodeError for input without any order, or another
// error when reading fails or an array is malformed beyond recovery.
func (d *Decoder) Decode(o *Order) error {
	if d.done {
		return io.EOF
	}
	if !d.started {
		d.started = true
		if err := d.start(); err != nil {
			return err
		}
	}
	var rec []byte
	var line int
	var err error
	if d.array {
		rec, line, err = d.nextElement()
	} else {
		rec, line, err = d.nextLine()
	}
	if err == io.EOF {
		d.done = true
		if d.count == 0 {
			return &DecodeError{Line: max(d.line, 1), Err: ErrEmpty}
		}
		return io.EOF
	}
	if err != nil {
		var de *DecodeError
		if errors.As(err, &de) {
			d.count++
		}
		return err
	}
	d.count++
	d.lastLine = line
	d.lex.data, d.lex.pos, d.lex.valid = rec, 0, utf8.Valid(rec)
	err = d.lex.order(o)
	if err == nil && d.lex.more() {
		err = d.lex.syntax("data after the order object")
	}
	if err != nil {
		return recordError(err, line, o.ID, rec)
	}
	return nil
}

// Line returns the line where the last order read starts (1-based).
func (d *Decoder) Line() int { return d.lastLine }

// All yields every order with its error; a *DecodeError leaves the sequence going.
// Each order yielded is newly allocated.
func (d *Decoder) All() iter.Seq2[*Order, error] {
	return func(yield func(*Order, error) bool) {
		for {
			o := new(Order)
			err := d.Decode(o)
			if err == io.EOF {
				return
			}
			var de *DecodeError
			if err != nil && !errors.As(err, &de) {
				yield(nil, err)
				return
			}
			if err != nil {
				o = nil
			}
			if !yield(o, err) {
				return
			}
		}
	}
}

// start finds out whether the input is an array.
func (d *Decoder) start() error {
	for {
		c, err := d.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				d.done = true
				return &DecodeError{Line: max(d.line+1, 1), Err: ErrEmpty}
			}
			return err
		}
		switch c {
		case '\n':
			d.line++
		case ' ', '\t', '\r':
		case 0xEF: // UTF-8 byte order mark
			if b, _ := d.r.Peek(2); len(b) == 2 && b[0] == 0xBB && b[1] == 0xBF {
				_, _ = d.r.Discard(2)
				continue
			}
			return d.r.UnreadByte()
		case '[':
			d.array = true
			return nil
		default:
			return d.r.UnreadByte()
		}
	}
}

// nextLine returns the next non-blank line.
func (d *Decoder) nextLine() ([]byte, int, error) {
	for {
		d.line++
		line := d.line
		rec, err := d.readLine()
		if err == errLineTooLong {
			return nil, line, recordError(fmt.Errorf("%w: more than %d bytes", ErrTooLarge, d.max()), line, "", rec)
		}
		if err != nil && (err != io.EOF || len(rec) == 0) {
			if err == io.EOF {
				d.line--
			}
			return nil, line, err
		}
		if len(bytes.TrimSpace(rec)) > 0 {
			return rec, line, nil
		}
		if err == io.EOF {
			return nil, line, io.EOF
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads up to and without the newline. For an over-long line it discards
// the rest and returns errLineTooLong with the first bytes (to name the order).
func (d *Decoder) readLine() ([]byte, error) {
	s, err := d.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		line := trimEOL(s)
		if len(line) > d.max() {
			return line, errLineTooLong
		}
		return line, err
	}
	d.buf = append(d.buf[:0], s...)
	for {
		s, err = d.r.ReadSlice('\n')
		if len(trimEOL(d.buf))+len(trimEOL(s)) > d.max() {
			for err == bufio.ErrBufferFull {
				_, err = d.r.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return d.buf, errLineTooLong
		}
		d.buf = append(d.buf, s...)
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(d.buf) > 0 {
				err = nil
			}
			return trimEOL(d.buf), err
		}
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// afterArray checks that only white space follows the closing bracket: a second
// array or object there would otherwise be dropped without a word.
func (d *Decoder) afterArray() error {
	for {
		c, err := d.r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case '\n':
			d.line++
		case ' ', '\t', '\r':
		default:
			return fmt.Errorf("order: line %d: %w: data after the array", d.line+1, ErrSyntax)
		}
	}
}

// nextElement returns the next object of a top-level array, scanning for its end
// by nesting depth outside strings.
func (d *Decoder) nextElement() ([]byte, int, error) {
	sep := d.count > 0
	for {
		c, err := d.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return nil, d.line + 1, fmt.Errorf("order: line %d: %w: unterminated array", d.line+1, ErrSyntax)
			}
			return nil, 0, err
		}
		switch {
		case c == '\n':
			d.line++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			continue
		case c == ']':
			d.done = true
			if err := d.afterArray(); err != nil {
				return nil, d.line + 1, err
			}
			return nil, 0, io.EOF
		case c == ',' && sep:
			sep = false
			continue
		case c == '{' && !sep:
		default:
			d.done = true
			return nil, d.line + 1, fmt.Errorf("order: line %d: %w: unexpected %q in array", d.line+1, ErrSyntax, c)
		}
		line := d.line + 1
		d.buf = append(d.buf[:0], c)
		depth, inStr, esc, over := 1, false, false, false
		for depth > 0 {
			c, err = d.r.ReadByte()
			if err != nil {
				d.done = true
				if err == io.EOF {
					return nil, line, fmt.Errorf("order: line %d: %w: unterminated object", line, ErrSyntax)
				}
				return nil, line, err
			}
			if c == '\n' {
				d.line++
			}
			if !over {
				if len(d.buf) >= d.max() {
					over = true
				} else {
					d.buf = append(d.buf, c)
				}
			}
			switch {
			case esc:
				esc = false
			case inStr && c == '\\':
				esc = true
			case c == '"':
				inStr = !inStr
			case inStr:
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
			}
		}
		if over {
			return nil, line, recordError(fmt.Errorf("%w: more than %d bytes", ErrTooLarge, d.max()), line, "", d.buf)
		}
		return d.buf, line, nil
	}
}
