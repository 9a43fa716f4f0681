package label

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// NextCluster returns the length in bytes of the first user-perceived character
// (grapheme cluster) of s and its advance in ems: 1 for wide (East Asian) characters,
// 1/2 for narrow ones. A cluster keeps a base character together with its combining
// marks, variation selectors, emoji modifiers and ZWJ-joined emoji, and a pair of
// regional indicators. An invalid UTF-8 byte is a narrow cluster of its own. Layout
// measures and wraps text with it; renderers that place glyphs themselves use it to
// match layout's measure.
func NextCluster(s string) (n int, em float64) {
	if s == "" {
		return 0, 0
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return 1, 0.5
	}
	em = runeEm(r)
	n = size
	if isControl(r) {
		// Controls never take marks (a line feed followed by a mark stays two clusters).
		if r == '\r' && n < len(s) && s[n] == '\n' {
			return n + 1, em
		}
		return n, em
	}
	if isRegionalIndicator(r) {
		if r2, s2 := utf8.DecodeRuneInString(s[n:]); isRegionalIndicator(r2) {
			n += s2
		}
		em = 1
	}
	for n < len(s) {
		r2, s2 := utf8.DecodeRuneInString(s[n:])
		switch {
		case r2 == utf8.RuneError && s2 <= 1:
			return n, em
		case isExtend(r2):
			if r2 == 0xFE0F || (r2 >= 0x1F3FB && r2 <= 0x1F3FF) {
				em = 1 // emoji presentation
			}
			n += s2
		case r2 == 0x200D: // zero width joiner: glue the next character
			n += s2
			if n < len(s) {
				r3, s3 := utf8.DecodeRuneInString(s[n:])
				if !(r3 == utf8.RuneError && s3 <= 1) && !isControl(r3) {
					n += s3
				}
			}
		default:
			return n, em
		}
	}
	return n, em
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isExtend reports runes that never start a cluster of their own.
func isExtend(r rune) bool {
	switch {
	case r < 0x300:
		return false
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF: // variation selectors
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji skin tone modifiers
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tag characters
		return true
	case r == 0x200C:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// runeEm is the advance of a cluster's base character in ems.
func runeEm(r rune) float64 {
	if r < 0x1100 {
		return 0.5
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 1
	case width.EastAsianAmbiguous:
		// Punctuation and symbols above U+2000 (“ ” … ① ★) are full width in Chinese
		// fonts; Latin, Greek and Cyrillic letters are not.
		if r >= 0x2000 {
			return 1
		}
	}
	return 0.5
}

// TextEm returns the advance of s in ems (see [NextCluster]).
func TextEm(s string) float64 {
	var w float64
	for len(s) > 0 {
		n, em := NextCluster(s)
		w += em
		s = s[n:]
	}
	return w
}

// noLineStart lists closing punctuation that should not begin a line.
func noLineStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '！', '？', '）', '》', '」', '』', '】', '〉', '”', '’',
		',', '.', ';', ':', '!', '?', ')', ']', '}', '…', '·':
		return true
	}
	return false
}

// Wrap breaks s into lines no wider than maxEm ems and appends them to dst. Lines are
// substrings of s. A newline always breaks and is removed; so are the spaces at a
// break. Wide characters may break anywhere (except before closing punctuation), Latin
// words break at spaces, and a word wider than a line breaks between clusters. No
// cluster is ever split: a line is wider than maxEm only when it holds a single cluster
// wider than maxEm.
func Wrap(dst []string, s string, maxEm float64) []string {
	for {
		nl := -1
		for i := 0; i < len(s); i++ {
			if s[i] == '\n' {
				nl = i
				break
			}
		}
		para := s
		if nl >= 0 {
			para = s[:nl]
			if len(para) > 0 && para[len(para)-1] == '\r' {
				para = para[:len(para)-1]
			}
		}
		dst = wrapPara(dst, para, maxEm)
		if nl < 0 {
			return dst
		}
		s = s[nl+1:]
	}
}

func wrapPara(dst []string, s string, maxEm float64) []string {
	const eps = 1e-9
	if s == "" {
		return append(dst, "")
	}
	for len(s) > 0 {
		var w float64
		i := 0
		brk, brkEnd := -1, -1 // last break: line ends at brk, next starts at brkEnd
		prevWide := false
		for i < len(s) {
			n, em := NextCluster(s[i:])
			c := s[i : i+n]
			if c == " " && i > 0 {
				// A run of spaces is a break opportunity; the spaces go away at a break.
				j := skipSpaces(s, i)
				brk, brkEnd = i, j
				if w+float64(j-i)*0.5 > maxEm+eps {
					i = -1 // break here
					break
				}
				w += float64(j-i) * 0.5
				i = j
				prevWide = false
				continue
			}
			r, _ := utf8.DecodeRuneInString(c)
			wide := em >= 1
			if i > 0 && (wide || prevWide) && !noLineStart(r) {
				brk, brkEnd = i, i
			}
			if w+em > maxEm+eps && i > 0 {
				break
			}
			w += em
			i += n
			prevWide = wide
		}
		if i == -1 || i < len(s) {
			end, next := i, i
			if brk > 0 {
				end, next = brk, brkEnd
			}
			if i == -1 {
				end, next = brk, brkEnd
			}
			// A break inside a run of spaces drops the whole run.
			next = skipSpaces(s, next)
			dst = append(dst, s[:end])
			s = s[next:]
			if s == "" {
				return dst
			}
			continue
		}
		return append(dst, s)
	}
	return dst
}

// skipSpaces returns the index after the run of space clusters at s[i:]; a space
// carrying a combining mark is not a space.
func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		if n, _ := NextCluster(s[i:]); n != 1 {
			break
		}
		i++
	}
	return i
}
