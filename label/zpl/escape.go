package zpl

import (
	"math/bits"
	"unicode/utf8"
)

// escapeChar is the ^FH escape character used for every field.
const escapeChar = '_'

const hexDigits = "0123456789ABCDEF"

// mustEscape marks the ASCII bytes escaped in field data.
var mustEscape = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t[0x7F], t['^'], t['~'], t[escapeChar] = true, true, true, true
	return t
}()

// appendField appends one field's data: ^FH_^FD, the data with every byte that
// could end the field or start a command escaped as _XX, then ^FS. It is the only
// place where data enters the output. Escaped are the ZPL prefixes ^ and ~, the
// escape character _, control bytes 0x00-0x1F and 0x7F, and bytes of invalid UTF-8
// (a printer's UTF-8 decoder must never swallow the ^ of ^FS); valid UTF-8 (Chinese
// text under ^CI28) stays raw.
//
// Runs of bytes that need no escape are copied with one append. They are found a
// word at a time while eight bytes are left: ASCII bytes that need no escape up to
// the first byte that may, and pairs of three-byte sequences of the common CJK
// form; anything else is decided byte by byte (or sequence by sequence).
func appendField(dst []byte, prefix, s string) []byte {
	dst = append(dst, "^FH_^FD"...)
	if prefix != "" {
		dst = append(dst, prefix...)
	}
	run := 0 // start of the pending run of bytes copied as they are
	i := 0
	for i < len(s) {
		if i+8 <= len(s) {
			stop := notPlain8(load64(s, i))
			if stop == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(stop) >> 3
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if mustEscape[c] {
				dst = append(dst, s[run:i-1]...)
				dst = append(dst, escapeChar, hexDigits[c>>4], hexDigits[c&0xF])
				run = i
			}
			continue
		}
		// Most non-ASCII text is CJK: runs of three-byte sequences, two at a time
		// while eight bytes are left.
		for i+8 <= len(s) {
			v := load64(s, i)
			if v&cjkPairMask != cjkPairWant || !cjkLead(byte(v)) || !cjkLead(byte(v>>24)) {
				break
			}
			i += 6
		}
		if i+2 < len(s) && cjkLead(s[i]) && (s[i+1]^0x80)|(s[i+2]^0x80) < 0x40 {
			i += 3
			continue
		}
		if c = s[i]; c < utf8.RuneSelf {
			continue
		}
		if n := validRuneLen(s[i:]); n > 0 {
			i += n
			continue
		}
		dst = append(dst, s[run:i]...)
		dst = append(dst, escapeChar, hexDigits[c>>4], hexDigits[c&0xF])
		i++
		run = i
	}
	dst = append(dst, s[run:]...)
	return append(dst, "^FS"...)
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
	// cjkPairMask and cjkPairWant test bytes 1, 2, 4 and 5 of a little-endian word
	// for UTF-8 continuation bytes (10xxxxxx).
	cjkPairMask = 0x0000C0C000C0C000
	cjkPairWant = 0x0000808000808000
)

// load64 returns the eight bytes of s from i as a little-endian word; the compiler
// turns it into one load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// notPlain8 returns a word with the high bit set in the lowest byte of v that is
// not ASCII or is escaped (and maybe in higher bytes too): control bytes, ^ _ ~ and
// DEL (0x5E 0x5F 0x7E 0x7F, the bytes that become 0x7F when OR-ed with 0x21). The
// "has a byte below n" bit trick it uses is exact for the lowest byte: a borrow
// only starts at a byte that is itself flagged.
func notPlain8(v uint64) uint64 {
	w := (v | 0x21*lowBits) ^ 0x7F*lowBits // zero bytes where v has ^ _ ~ DEL
	return (v | (v-0x20*lowBits)&^v | (w-lowBits)&^w) & highBits
}

// cjkLead reports whether c leads a three-byte UTF-8 sequence that is valid for any
// two continuation bytes: E1-EC and EE-EF (E0 and ED restrict the second byte).
func cjkLead(c byte) bool { return c-0xE1 <= 0xEF-0xE1 && c != 0xED }

// validRuneLen returns the length of the valid multi-byte UTF-8 sequence s starts
// with, or 0; it accepts exactly what utf8.DecodeRuneInString accepts.
func validRuneLen(s string) int {
	c := s[0]
	lo, hi := byte(0x80), byte(0xBF) // range of the second byte
	var n int
	switch {
	case c >= 0xC2 && c <= 0xDF:
		n = 2
	case c == 0xE0:
		n, lo = 3, 0xA0
	case c == 0xED:
		n, hi = 3, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		n = 3
	case c == 0xF0:
		n, lo = 4, 0x90
	case c == 0xF4:
		n, hi = 4, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		n = 4
	default:
		return 0
	}
	if len(s) < n || s[1] < lo || s[1] > hi {
		return 0
	}
	for k := 2; k < n; k++ {
		if s[k] < 0x80 || s[k] > 0xBF {
			return 0
		}
	}
	return n
}
