package zpl

import "unicode/utf8"

// escapeChar is the ^FH escape character used for every field.
const escapeChar = '_'

const hexDigits = "0123456789ABCDEF"

// appendField appends one field's data: ^FH_^FD, the data with every byte that
// could end the field or start a command escaped as _XX, then ^FS. It is the only
// place where data enters the output. Escaped are the ZPL prefixes ^ and ~, the
// escape character _, control bytes 0x00-0x1F and 0x7F, and bytes of invalid UTF-8;
// valid UTF-8 (Chinese text under ^CI28) stays raw.
func appendField(dst []byte, prefix, s string) []byte {
	dst = append(dst, "^FH_^FD"...)
	dst = append(dst, prefix...)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F || c == '^' || c == '~' || c == escapeChar {
				dst = append(dst, escapeChar, hexDigits[c>>4], hexDigits[c&0xF])
			} else {
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, escapeChar, hexDigits[c>>4], hexDigits[c&0xF])
			i++
			continue
		}
		dst = append(dst, s[i:i+n]...)
		i += n
	}
	return append(dst, "^FS"...)
}
