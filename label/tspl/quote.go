package tspl

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/label"
)

// This file is the one place where data from a document enters TSPL strings.
//
// A TSPL string runs from a double quote to the next one, and a command ends at a
// line break, so data must never hold a quote, CR or LF. The firmware of the
// printers this package drives differs on the rest: TSC documents \["] for a quote
// inside a string but clones do not all follow, ESC ! and ~! are immediate
// commands that some printers act on anywhere in the stream, and a printer that
// reads GBK takes any byte after a lead byte as its trail, quote or not. So only
// bytes no printer can misread are sent inside strings:
//
//   - printable ASCII but the quote, the backslash (which starts \[...] escapes)
//     and the tilde (which starts ~! commands);
//   - GB2312 characters as two bytes in A1-FE, always in pairs.
//
// Everything else in a text line is drawn as a bitmap (see text.go), and barcode
// and QR data holding anything else is drawn from its modules.

// plain marks the ASCII bytes sent as they are inside a string.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = true
	}
	t['"'], t['\\'], t['~'] = false, false, false
	return t
}()

// appendString appends s as a quoted TSPL string. s is meant to hold only plain
// ASCII and GB2312 pairs (the callers send nothing else); as a last guard any
// other byte, and a high byte without its partner, is sent as '?', so no data can
// close the string or swallow its closing quote.
func appendString[T string | []byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case plain[c]:
			dst = append(dst, c)
		case gbByte(c) && i+1 < len(s) && gbByte(s[i+1]):
			dst = append(dst, c, s[i+1])
			i++
		default:
			dst = append(dst, '?')
		}
	}
	return append(dst, '"')
}

// gbByte reports whether c is a byte of an EUC-CN (GB2312) pair.
func gbByte(c byte) bool { return c >= 0xA1 && c <= 0xFE }

// plainString reports whether s can be sent in a string as it is: plain ASCII
// only. Barcode and QR data that is not plain is drawn from its modules.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			return false
		}
	}
	return true
}

// barcodeString reports whether Code 128 data can be sent as it is: plain ASCII
// without '!', which introduces control codes in the manual Code 128 modes of
// some firmware.
func barcodeString(s string) bool {
	return plainString(s) && strings.IndexByte(s, '!') < 0
}

// gbTable maps the runes of GB 2312 ([label.InGB2312], the printer font's set)
// to their EUC-CN code, 0 for any other rune.
var gbTable = sync.OnceValue(func() *[0x10000]uint16 {
	t := new([0x10000]uint16)
	enc := simplifiedchinese.GBK.NewEncoder()
	var buf [4]byte
	for r := rune(0xA0); r <= 0xFFFF; r++ {
		if !label.InGB2312(r) {
			continue
		}
		out, err := enc.Bytes(buf[:utf8.EncodeRune(buf[:], r)])
		if err != nil || len(out) != 2 || !gbByte(out[0]) || !gbByte(out[1]) {
			continue
		}
		t[r] = uint16(out[0])<<8 | uint16(out[1])
	}
	return t
})

// gbCode returns the GB2312 code of r, or 0 when the printer font lacks r.
func gbCode(r rune) uint16 {
	if r < 0xA0 || r > 0xFFFF {
		return 0
	}
	return gbTable()[r]
}
