package zpl

import "unicode/utf8"

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
func appendField(dst []byte, prefix, s string) []byte {
	dst = append(dst, "^FH_^FD"...)
	dst = append(dst, prefix...)
	run := 0 // start of the pending run of bytes copied as they are
	i := 0
	for i < len(s) {
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
		// Most non-ASCII text is CJK: runs of three-byte sequences, lead E1-EC or EE-EF.
		for c-0xE1 <= 0xEF-0xE1 && c != 0xED && i+2 < len(s) && (s[i+1]^0x80)|(s[i+2]^0x80) < 0x40 {
			i += 3
			if i >= len(s) {
				break
			}
			c = s[i]
		}
		if i >= len(s) || c < utf8.RuneSelf {
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
