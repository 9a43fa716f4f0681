package label

import (
	"errors"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// ErrNoGlyph means a character of a text line is in none of the fonts a renderer
// can use. Renderers return it as a [*GlyphError].
var ErrNoGlyph = errors.New("label: no font has the character")

// GlyphError is a character that would print as a box or a blank: no font the
// renderer has (the printer's resident font, the fallback fonts) draws it. Field
// is the data field of its text line (see [TextLine]), Order the document's order
// ([Document.Order]); either is "" when not known. It wraps [ErrNoGlyph].
type GlyphError struct {
	Rune  rune
	Field string
	Order string
	Font  string // the font or fonts tried, for the message
}

func (e *GlyphError) Error() string {
	s := fmt.Sprintf("label: no font has %q (%U)", e.Rune, e.Rune)
	if e.Field != "" {
		s += " in field " + e.Field
	}
	if e.Order != "" {
		s += " of order " + e.Order
	}
	if e.Font != "" {
		s += " (tried " + e.Font + ")"
	}
	return s
}

// Unwrap returns [ErrNoGlyph].
func (e *GlyphError) Unwrap() error { return ErrNoGlyph }

// WithOrder sets the order of every [*GlyphError] in err's chain that has none, and
// returns err. Renderers call it with [Document.Order].
func WithOrder(err error, order string) error {
	var ge *GlyphError
	if order != "" && errors.As(err, &ge) && ge.Order == "" {
		ge.Order = order
	}
	return err
}

// MustGlyph reports whether a character must be drawn by a font: rendering a line
// that holds one no font has fails with a [*GlyphError], never a box or a blank.
// Every character must, letters, digits, marks, symbols and emoji alike (a 😀 in a
// buyer's remark is part of what the buyer wrote), except those that only modify
// another character and draw nothing themselves, which are left out when no font
// has them: the variation selectors (U+FE00-FE0F, U+E0100-E01EF), the zero width
// joiner and non-joiner (U+200D, U+200C), the emoji skin-tone modifiers
// (U+1F3FB-1F3FF) and the tag characters (U+E0020-E007F). Spaces, controls and
// the other format characters (which layout removes from fields) draw nothing
// and need no glyph either.
func MustGlyph(r rune) bool {
	switch {
	case r < 0x20 || r >= 0x7f && r < 0xa0: // controls
		return false
	case r < 0x7f:
		return r != ' '
	case r >= 0x4e00 && r <= 0x9fff: // CJK ideographs, the common case
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF, // variation selectors
		r == 0x200C, r == 0x200D, // joiners
		r >= 0x1F3FB && r <= 0x1F3FF, // skin-tone modifiers
		r >= 0xE0020 && r <= 0xE007F: // tags
		return false
	}
	return !unicode.In(r, unicode.Zs, unicode.Cf, unicode.Cc)
}

// gb2312 is the set of BMP characters of GB 2312, one bit each, built on first use
// from the GBK decoder: rows A1-A9 (symbols) and B0-F7 (ideographs).
var gb2312 = sync.OnceValue(func() *[0x10000 / 64]uint64 {
	var set [0x10000 / 64]uint64
	dec := simplifiedchinese.GBK.NewDecoder()
	var src [2]byte
	var dst [8]byte
	for hi := 0xa1; hi <= 0xf7; hi++ {
		if hi >= 0xaa && hi <= 0xaf {
			continue
		}
		for lo := 0xa1; lo <= 0xfe; lo++ {
			if !gb2312Cell(hi, lo) {
				continue // a GBK addition (€ at A2E3, ⅰ-ⅹ, vertical forms) or empty
			}
			src[0], src[1] = byte(hi), byte(lo)
			dec.Reset()
			n, _, err := dec.Transform(dst[:], src[:], true)
			if err != nil {
				continue
			}
			r := []rune(string(dst[:n]))
			if len(r) != 1 || r[0] == 0xfffd || r[0] >= 0xe000 && r[0] <= 0xf8ff || r[0] > 0xffff {
				continue
			}
			set[r[0]>>6] |= 1 << (r[0] & 63)
		}
	}
	return &set
})

// gb2312Cell reports whether GB 2312 itself assigns the code hi, lo in its rows of
// symbols (A1-A9); GBK fills some of their empty cells, which GB 2312 fonts lack.
func gb2312Cell(hi, lo int) bool {
	in := func(a, b int) bool { return lo >= a && lo <= b }
	switch hi {
	case 0xa2:
		return in(0xb1, 0xe2) || in(0xe5, 0xee) || in(0xf1, 0xfc)
	case 0xa4:
		return in(0xa1, 0xf3)
	case 0xa5:
		return in(0xa1, 0xf6)
	case 0xa6:
		return in(0xa1, 0xb8) || in(0xc1, 0xd8)
	case 0xa7:
		return in(0xa1, 0xc1) || in(0xd1, 0xf1)
	case 0xa8:
		return in(0xa1, 0xba) || in(0xc5, 0xe9)
	case 0xa9:
		return in(0xa4, 0xef)
	case 0xd7:
		return in(0xa1, 0xf9)
	}
	return true
}

// InGB2312 reports whether r is printable ASCII or a character of GB 2312, the
// character set the resident fonts of common Chinese label and receipt printers
// cover. Renderers of printer languages (label/zpl, label/escpos, label/tspl) send
// other characters as images: 喆 堃 垚 珺 玥 赟 (GBK) and 𠮷 (Extension B) are
// outside it. The full-width yen sign ￥ is in it, the narrow ¥ is not.
func InGB2312(r rune) bool {
	if r < 0x80 {
		return r >= 0x20 && r != 0x7f
	}
	if r > 0xffff {
		return false
	}
	return gb2312()[r>>6]&(1<<(r&63)) != 0
}

// GB2312Bits returns the non-ASCII characters of [InGB2312] as a bit set over the
// BMP: r is in it when bit r&63 of word r>>6 is set. It is for renderers that test
// every character of every line; callers must not change it.
func GB2312Bits() *[1024]uint64 { return gb2312() }

// charsetOf classifies s for TextLine.Charset.
func charsetOf(s string) Charset {
	gb := gb2312()
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return CharsetBeyond
			}
			i++
			continue
		}
		if c&0xf0 == 0xe0 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			u := uint16(c&0x0f)<<12 | uint16(s[i+1]&0x3f)<<6 | uint16(s[i+2]&0x3f)
			if gb[u>>6]&(1<<(u&63)) == 0 {
				return CharsetBeyond
			}
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || !InGB2312(r) {
			return CharsetBeyond
		}
		i += n
	}
	return CharsetGB2312
}
