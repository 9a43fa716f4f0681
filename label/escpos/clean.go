package escpos

import "unicode/utf8"

// appendClean appends s without anything a printer could take as a command: C0
// control bytes, DEL, C1 controls (U+0080-U+009F) and bytes of invalid UTF-8 are
// dropped. Text, barcode and QR data all pass through here before encoding, and
// nothing else from data reaches the output.
func appendClean(dst []byte, s string) []byte {
	run := 0 // start of the pending run of bytes kept as they are
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				dst = append(dst, s[run:i]...)
				run = i + 1
			}
			i++
			continue
		}
		// Most non-ASCII text is CJK: three bytes, lead E1-EC or EE-EF, never C1.
		if c >= 0xE1 && c != 0xED && c <= 0xEF && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r >= 0x80 && r <= 0x9F {
			dst = append(dst, s[run:i]...)
			run = i + n
		}
		i += n
	}
	return append(dst, s[run:]...)
}
