package review

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// suspicion is what [suspicious] found in a text.
type suspicion struct {
	variant string // "control", "command" or "encoding"
	what    string // "U+001B" or the command text
}

// suspicious looks for what a careful reviewer does not expect in an address:
// C0 and C1 control characters, DEL, bidirectional overrides, invalid UTF-8, and
// printer-command markers (ZPL ^XA, ~JR; any ^ or ~ followed by two letters). It
// works on bytes: the characters it looks for have fixed encodings. One pass
// both looks for them and validates the encoding; a control character or
// command anywhere is reported before bad encoding.
func suspicious(s string) (suspicion, bool) {
	invalid := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			// Most non-ASCII text is three-byte (Han, CJK punctuation): leads
			// E1 and E3 to EC take any two continuation bytes and encode none of
			// the characters looked for (E2 holds the bidi controls, ED the
			// surrogates).
			if c >= 0xe1 && c <= 0xec && c != 0xe2 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
				i += 2
				continue
			}
			switch {
			case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f: // C1
				return suspicion{variant: "control", what: codePoint(rune(s[i+1]))}, true
			case c == 0xe2 && i+2 < len(s) && ((s[i+1] == 0x80 && s[i+2] >= 0xaa && s[i+2] <= 0xae) || (s[i+1] == 0x81 && s[i+2] >= 0xa6 && s[i+2] <= 0xa9)):
				r, _ := utf8.DecodeRuneInString(s[i:])
				return suspicion{variant: "control", what: codePoint(r)}, true
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				invalid = true
				continue
			}
			// The continuation bytes skipped are 0x80 to 0xBF: none starts
			// anything looked for.
			i += size - 1
		case c < 0x20 || c == 0x7f:
			return suspicion{variant: "control", what: codePoint(rune(c))}, true
		case (c == '^' || c == '~') && i+2 < len(s) && isASCIILetter(s[i+1]) && (isASCIILetter(s[i+2]) || isDigit(s[i+2])):
			return suspicion{variant: "command", what: s[i : i+3]}, true
		}
	}
	if invalid {
		return suspicion{variant: "encoding"}, true
	}
	return suspicion{}, false
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }

func codePoint(r rune) string {
	const hex = "0123456789ABCDEF"
	b := []byte("U+0000")
	for i := 5; i >= 2; i-- {
		b[i] = hex[r&0xf]
		r >>= 4
	}
	return string(b)
}

// blank reports whether s is empty or only white space.
func blank(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				return false
			}
			i++
			continue
		}
		if c != 0xc2 && (c < 0xe1 || c > 0xe3) {
			// Non-ASCII white space starts with C2, E1, E2 or E3; any other
			// lead, or a broken encoding, is not white space.
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			return false
		}
		i += size
	}
	return true
}

// containsFold reports whether sub occurs in s, ignoring case (ASCII letters and
// simple Unicode folding of same-length encodings). sub must not be empty.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n > len(s) {
		return false
	}
	if !hasLetters(sub) {
		return strings.Contains(s, sub)
	}
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// hasLetters reports whether s has a letter whose case can differ.
func hasLetters(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) {
			return true
		}
	}
	return false
}

// hasEmoji reports whether s contains a pictographic emoji (the planes and
// blocks emoji live in, and the emoji variation selector).
func hasEmoji(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0xe2 {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0x1f000 && r <= 0x1faff, r >= 0x2600 && r <= 0x27bf, r == 0xfe0f, r >= 0x2b00 && r <= 0x2bff:
			return true
		}
		i += size - 1
	}
	return false
}

// appendCompact appends s without white space and punctuation, ASCII letters
// folded to lower case.
func appendCompact(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			case !isASCIILetter(c) && !isDigit(c):
				continue
			}
			b = append(b, c)
			continue
		}
		if c >= 0xe4 && c <= 0xe9 && i+2 < len(s) {
			// U+4000 to U+9FFF: Han characters, kept without decoding
			b = append(b, s[i:i+3]...)
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if keepRune(r) {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// keepRune reports whether a non-ASCII rune is kept in a compact address: not
// white space, punctuation or a symbol. Han characters, the bulk of an address,
// are answered without the Unicode tables.
func keepRune(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, r >= 0x3400 && r <= 0x4dbf, r >= 0x20000 && r <= 0x3ffff:
		return true
	case r >= 0x3000 && r <= 0x303f: // CJK symbols and punctuation
		return r == 0x3005 || r == 0x3007 // 々 〇
	}
	return !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r)
}

// isSpace is unicode.IsSpace (the White_Space property) without table lookups.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// trimSpace is strings.TrimSpace, without work when s neither starts nor ends
// with white space (names and addresses seldom do).
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !isSpace(first) && !isSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}
