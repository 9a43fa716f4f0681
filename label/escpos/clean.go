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
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r >= 0x80 && r <= 0x9F {
			dst = append(dst, s[run:i]...)
			run = i + n
		}
		i += n
	}
	return append(dst, s[run:]...)
}
