package label

import (
	"errors"
	"fmt"
	"sync"
	"unicode"

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

// MustGlyph reports whether a character that no font has must fail rendering
// with a [*GlyphError] rather than print as a visible box: letters (every Han
// ideograph of a name), marks and digits carry the text's meaning; a missing
// symbol or emoji (a 😀 in a buyer's remark) does not, and prints as a box.
// Spaces and controls are never drawn.
func MustGlyph(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N)
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
