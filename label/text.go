package label

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// NextCluster returns the length in bytes of the first user-perceived character
// (grapheme cluster) of s and its advance in ems: 1 for wide, full-width and
// ambiguous characters of the East Asian Width property (× and · included, as CJK
// fonts draw them), 1/2 for narrow ones. A cluster keeps a base character together with its combining
// marks, variation selectors, emoji modifiers and ZWJ-joined emoji, and a pair of
// regional indicators. An invalid UTF-8 byte is a narrow cluster of its own. This is
// the cell measure of printer-resident fonts, by which layout measures and wraps
// text unless [LayoutOptions.Measure] gives the renderer's own fonts; renderers that
// place printer-font glyphs themselves use it to match layout's measure.
func NextCluster(s string) (n int, em float64) {
	if s == "" {
		return 0, 0
	}
	// Fast paths: printable ASCII and CJK ideographs not followed by a mark, joiner
	// or selector (which start with a byte >= 0x80; the next character is checked).
	if c := s[0]; c < utf8.RuneSelf {
		if c >= 0x20 && c != 0x7f && (len(s) == 1 || s[1] < utf8.RuneSelf) {
			return 1, 0.5
		}
	} else if len(s) >= 3 && c >= 0xe4 && c <= 0xe9 && s[1]&0xc0 == 0x80 && s[2]&0xc0 == 0x80 {
		// A valid three-byte sequence led by E4-E9 is U+4000-U+9FFF; from U+4E00 on
		// these are CJK ideographs.
		if r := rune(c&0x0f)<<12 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f); r >= 0x4e00 {
			if len(s) == 3 || s[3] < utf8.RuneSelf || (s[3] >= 0xe4 && s[3] <= 0xe9) {
				// Next: ASCII, or U+4000-U+9FFF (no marks there), or an invalid
				// sequence, which is a cluster of its own.
				return 3, 1
			}
			if r2, _ := utf8.DecodeRuneInString(s[3:]); !isExtend(r2) && r2 != 0x200D {
				return 3, 1
			}
		}
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
	case r >= 0x3400 && r <= 0x9fff, r >= 0xff00 && r <= 0xffef: // CJK ideographs, full width forms
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
	if r < 0xa1 {
		return 0.5
	}
	if r == 0xa5 {
		// ¥ is narrow in Unicode, but GBK has only the full-width ￥, which receipt
		// printers print in its place.
		return 1
	}
	if r >= 0x4e00 && r <= 0x9fff || r >= 0xff01 && r <= 0xff60 { // CJK ideographs, full width forms
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 1
	case width.EastAsianAmbiguous:
		// Chinese fonts and printer fonts draw ambiguous characters full width: × ·
		// ° § ± and the Greek, Cyrillic and accented Latin letters of GB2312 as well
		// as “ ” … ① ★. Counting them narrow made lines print wider than measured.
		return 1
	}
	return 0.5
}

// TextEm returns the advance of s in ems (see [NextCluster]).
func TextEm(s string) float64 {
	var w float64
	for len(s) > 0 {
		// NextCluster's fast paths, inline: printable ASCII before ASCII, and
		// ideographs before ASCII or another ideograph.
		if c := s[0]; c >= 0x20 && c < 0x7f {
			if len(s) == 1 || s[1] < utf8.RuneSelf {
				w += 0.5
				s = s[1:]
				continue
			}
		} else if c >= 0xe4 && c <= 0xe9 && len(s) >= 3 && s[1]&0xc0 == 0x80 && s[2]&0xc0 == 0x80 &&
			(c > 0xe4 || s[1] >= 0xb8) && (len(s) == 3 || s[3] < utf8.RuneSelf || (s[3] >= 0xe4 && s[3] <= 0xe9)) {
			w++
			s = s[3:]
			continue
		}
		n, em := NextCluster(s)
		w += em
		s = s[n:]
	}
	return w
}

// mayStartLine reports whether the cluster c may begin a line (see noLineStart).
// CJK ideographs (three bytes led by E4-E9) and ASCII letters and digits may.
func mayStartLine(c string) bool {
	if len(c) == 3 && c[0] >= 0xe4 && c[0] <= 0xe9 {
		return true
	}
	if len(c) == 1 {
		return !noLineStart(rune(c[0]))
	}
	r, _ := utf8.DecodeRuneInString(c)
	return !noLineStart(r)
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
	return wrap(dst, nil, s, maxEm, nil)
}

// wrap is Wrap by the measure m (nil: the cell measure) that also appends the
// width in ems of every line to *ems when ems is not nil; each equals m.Text of
// the line.
func wrap(dst []string, ems *[]float64, s string, maxEm float64, m *Measure) []string {
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
		dst = wrapPara(dst, ems, para, maxEm, m)
		if nl < 0 {
			return dst
		}
		s = s[nl+1:]
	}
}

func wrapPara(dst []string, ems *[]float64, s string, maxEm float64, m *Measure) []string {
	const eps = 1e-9
	sp := m.space()
	if s == "" {
		if ems != nil {
			*ems = append(*ems, 0)
		}
		return append(dst, "")
	}
	for len(s) > 0 {
		var w, wBrk float64
		i := 0
		brk, brkEnd := -1, -1 // last break: line ends at brk, next starts at brkEnd
		prevWide := false
		for i < len(s) {
			var n int
			var em, cellEm float64 // cellEm: wide characters may break anywhere
			if c0 := s[i]; c0 > 0x20 && c0 < 0x7f && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
				n, em, cellEm = 1, 0.5, 0.5 // NextCluster's ASCII fast path, inline
				if m != nil {
					em = m.Rune(rune(c0))
				}
			} else {
				n, cellEm = NextCluster(s[i:])
				em = cellEm
				if m != nil {
					em = m.Text(s[i : i+n])
				}
			}
			c := s[i : i+n]
			if c == " " && i > 0 {
				// A run of spaces is a break opportunity; the spaces go away at a break.
				j := skipSpaces(s, i)
				brk, brkEnd, wBrk = i, j, w
				if w+float64(j-i)*sp > maxEm+eps {
					i = -1 // break here
					break
				}
				w += float64(j-i) * sp
				i = j
				prevWide = false
				continue
			}
			wide := cellEm >= 1
			if i > 0 && (wide || prevWide) && mayStartLine(c) {
				brk, brkEnd, wBrk = i, i, w
			}
			if w+em > maxEm+eps && i > 0 {
				break
			}
			w += em
			i += n
			prevWide = wide
		}
		if i == -1 || i < len(s) {
			end, next, lw := i, i, w
			if brk > 0 || i == -1 {
				end, next, lw = brk, brkEnd, wBrk
			}
			// A break inside a run of spaces drops the whole run.
			next = skipSpaces(s, next)
			dst = append(dst, s[:end])
			if ems != nil {
				*ems = append(*ems, lw)
			}
			s = s[next:]
			if s == "" {
				return dst
			}
			continue
		}
		if ems != nil {
			*ems = append(*ems, w)
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
