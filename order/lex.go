package order

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"

	"github.com/shopspring/decimal"
	"unicode/utf8"
)

// lexer is a small JSON reader over one record. It validates what it reads and never
// panics; errors say what was expected and where (byte offset within the record).
type lexer struct {
	data []byte
	pos  int
	// scratch holds unescaped string bytes between calls.
	scratch []byte
	// strs and decs, when not nil, intern short strings and money values that repeat
	// across the orders of one stream (sender, regions, SKUs, prices), which saves
	// most of the allocations of a decode.
	strs map[string]string
	// valid is set when the whole record is known to be valid UTF-8, so strings
	// need not be checked one by one.
	valid bool
	decs  map[string]decimal.Decimal
}

// maxIntern bounds the intern tables, so a stream of unique values cannot grow them.
const maxIntern = 4096

// Syntax and type errors. [DecodeError] wraps them with the line, order and field.
var (
	ErrSyntax      = errors.New("order: malformed JSON")
	ErrType        = errors.New("order: wrong JSON type")
	ErrInvalidUTF8 = errors.New("order: invalid UTF-8")
	ErrMoney       = errors.New("order: money is not a decimal")
	ErrTime        = errors.New("order: time is not RFC 3339")
	ErrTooLarge    = errors.New("order: record over the size limit")
	ErrEmpty       = errors.New("order: no orders in input")
)

func (l *lexer) syntax(msg string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrSyntax, msg, l.pos)
}

func (l *lexer) ws() {
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (l *lexer) peek() byte {
	l.ws()
	if l.pos < len(l.data) {
		return l.data[l.pos]
	}
	return 0
}

// more reports whether anything but white space is left.
func (l *lexer) more() bool {
	l.ws()
	return l.pos < len(l.data)
}

func (l *lexer) expect(c byte) error {
	if l.peek() != c {
		return l.syntax("expected " + strconv.QuoteRune(rune(c)))
	}
	l.pos++
	return nil
}

// kind names the JSON type starting with c, for error messages.
func kind(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case 0:
		return "end of input"
	}
	if c == '-' || (c >= '0' && c <= '9') {
		return "number"
	}
	return "invalid value"
}

func (l *lexer) wrongType(want string) error {
	c := l.peek()
	if c == 't' || c == 'f' || c == 'n' {
		save := l.pos
		_, err := l.skip()
		l.pos = save
		if err != nil {
			return err
		}
	}
	if kind(c) == "invalid value" || c == 0 {
		return l.syntax("expected " + want)
	}
	return fmt.Errorf("%w: want %s, got %s", ErrType, want, kind(c))
}

// null consumes a null literal if one is next.
func (l *lexer) null() bool {
	if l.peek() == 'n' && len(l.data)-l.pos >= 4 && string(l.data[l.pos:l.pos+4]) == "null" {
		l.pos += 4
		return true
	}
	return false
}

// rawString returns the bytes of the next string, unescaped. The result is valid only
// until the next call.
func (l *lexer) rawString() ([]byte, error) {
	if l.peek() != '"' {
		return nil, l.wrongType("string")
	}
	l.pos++
	start := l.pos
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case c == '"':
			s := l.data[start:l.pos]
			l.pos++
			if !l.valid && !utf8.Valid(s) {
				return nil, ErrInvalidUTF8
			}
			return s, nil
		case c == '\\':
			return l.escapedString(start)
		case c < 0x20:
			return nil, l.syntax("control character in string")
		}
		l.pos++
	}
	return nil, l.syntax("unterminated string")
}

func (l *lexer) escapedString(start int) ([]byte, error) {
	b := append(l.scratch[:0], l.data[start:l.pos]...)
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case c == '"':
			l.pos++
			l.scratch = b
			if !utf8.Valid(b) {
				return nil, ErrInvalidUTF8
			}
			return b, nil
		case c < 0x20:
			return nil, l.syntax("control character in string")
		case c != '\\':
			b = append(b, c)
			l.pos++
			continue
		}
		l.pos++
		if l.pos >= len(l.data) {
			break
		}
		e := l.data[l.pos]
		l.pos++
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := l.hex4()
			if !ok {
				return nil, l.syntax("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if l.pos+1 < len(l.data) && l.data[l.pos] == '\\' && l.data[l.pos+1] == 'u' {
					l.pos += 2
					if r2, ok = l.hex4(); !ok {
						return nil, l.syntax("bad \\u escape")
					}
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return nil, fmt.Errorf("%w: unpaired surrogate in \\u escape", ErrInvalidUTF8)
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return nil, l.syntax("bad escape")
		}
	}
	return nil, l.syntax("unterminated string")
}

func (l *lexer) hex4() (rune, bool) {
	if len(l.data)-l.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range l.data[l.pos : l.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	l.pos += 4
	return r, true
}

// str reads a string value; null reads as "".
func (l *lexer) str() (string, error) {
	if l.null() {
		return "", nil
	}
	b, err := l.rawString()
	if err != nil {
		return "", err
	}
	if l.strs == nil || len(b) > 48 {
		return string(b), nil
	}
	if s, ok := l.strs[string(b)]; ok {
		return s, nil
	}
	s := string(b)
	if len(l.strs) < maxIntern {
		l.strs[s] = s
	}
	return s, nil
}

// number returns the bytes of the next number literal.
func (l *lexer) number() ([]byte, error) {
	c := l.peek()
	if c != '-' && (c < '0' || c > '9') {
		return nil, l.wrongType("number")
	}
	start := l.pos
	if l.data[l.pos] == '-' {
		l.pos++
	}
	digits := func() int {
		n := 0
		for l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '9' {
			l.pos++
			n++
		}
		return n
	}
	intStart := l.pos
	if digits() == 0 {
		return nil, l.syntax("bad number")
	}
	if l.data[intStart] == '0' && l.pos-intStart > 1 {
		return nil, l.syntax("leading zero in number")
	}
	if l.pos < len(l.data) && l.data[l.pos] == '.' {
		l.pos++
		if digits() == 0 {
			return nil, l.syntax("bad number")
		}
	}
	if l.pos < len(l.data) && (l.data[l.pos] == 'e' || l.data[l.pos] == 'E') {
		l.pos++
		if l.pos < len(l.data) && (l.data[l.pos] == '+' || l.data[l.pos] == '-') {
			l.pos++
		}
		if digits() == 0 {
			return nil, l.syntax("bad number")
		}
	}
	return l.data[start:l.pos], nil
}

// integer reads a JSON integer that fits in an int.
func (l *lexer) integer() (int, error) {
	if l.null() {
		return 0, nil
	}
	b, err := l.number()
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, fmt.Errorf("%w: want integer, got %s", ErrType, b)
	}
	return n, nil
}

// skip consumes one value of any type, validating it, and returns its raw bytes.
func (l *lexer) skip() ([]byte, error) {
	return l.skipDepth(0)
}

const maxDepth = 64

func (l *lexer) skipDepth(depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, l.syntax("nesting too deep")
	}
	c := l.peek()
	start := l.pos
	switch {
	case c == '"':
		if _, err := l.rawString(); err != nil {
			return nil, err
		}
	case c == '{':
		l.pos++
		if l.peek() == '}' {
			l.pos++
			break
		}
		for {
			if _, err := l.rawString(); err != nil {
				return nil, err
			}
			if err := l.expect(':'); err != nil {
				return nil, err
			}
			if _, err := l.skipDepth(depth + 1); err != nil {
				return nil, err
			}
			if l.peek() == ',' {
				l.pos++
				continue
			}
			if err := l.expect('}'); err != nil {
				return nil, err
			}
			break
		}
	case c == '[':
		l.pos++
		if l.peek() == ']' {
			l.pos++
			break
		}
		for {
			if _, err := l.skipDepth(depth + 1); err != nil {
				return nil, err
			}
			if l.peek() == ',' {
				l.pos++
				continue
			}
			if err := l.expect(']'); err != nil {
				return nil, err
			}
			break
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(l.data)-l.pos >= len(lit) && string(l.data[l.pos:l.pos+len(lit)]) == lit {
				l.pos += len(lit)
				return l.data[start:l.pos], nil
			}
		}
		return nil, l.syntax("bad literal")
	default:
		if _, err := l.number(); err != nil {
			return nil, err
		}
	}
	return l.data[start:l.pos], nil
}

// object reads an object, calling member for each key with the lexer positioned at
// the value. member must consume the value. null reads as an empty object.
func (l *lexer) object(member func(key []byte) error) error {
	if l.null() {
		return nil
	}
	if l.peek() != '{' {
		return l.wrongType("object")
	}
	l.pos++
	if l.peek() == '}' {
		l.pos++
		return nil
	}
	for {
		key, err := l.rawString()
		if err != nil {
			return err
		}
		if err := l.expect(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		switch l.peek() {
		case ',':
			l.pos++
		case '}':
			l.pos++
			return nil
		default:
			return l.syntax("expected ',' or '}'")
		}
	}
}

// array reads an array, calling elem for each element. null reads as empty.
func (l *lexer) array(elem func(i int) error) error {
	if l.null() {
		return nil
	}
	if l.peek() != '[' {
		return l.wrongType("array")
	}
	l.pos++
	if l.peek() == ']' {
		l.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		switch l.peek() {
		case ',':
			l.pos++
		case ']':
			l.pos++
			return nil
		default:
			return l.syntax("expected ',' or ']'")
		}
	}
}
