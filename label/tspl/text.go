package tspl

import (
	"unicode/utf8"

	"github.com/dadanhq/dadan/label"
)

// Text lines print with the printer font TSS24.BF2 where they can: its cells are
// 24 dots high, 24 wide for GB2312 characters and 12 for ASCII, magnified by a
// whole multiplier. A line whose size no multiplier comes close to (see
// fontScale) is drawn whole by the rasterizer when there is one. Otherwise the
// line is cut into runs: characters of the font go out as TEXT, the few ASCII
// characters that must not appear in a string as bitmaps of glyph.go, and
// characters outside the font as bitmaps from the rasterizer, each run placed
// where the font's cells put it.

// fontCell is the height and wide-character width of TSS24.BF2 in dots.
const fontCell = 24

// maxMul is the largest multiplier every TSPL printer takes.
const maxMul = 8

// fontScale returns the multiplier for text sizeDots high, and whether the font
// fits it: never taller than laid out, and at most a fifth smaller.
func fontScale(sizeDots int) (m int, fits bool) {
	m = min(sizeDots/fontCell, maxMul)
	if m >= 1 && fontCell*m*5 >= sizeDots*4 {
		return m, true
	}
	return min(max((sizeDots+fontCell/2)/fontCell, 1), maxMul), false
}

type runKind uint8

const (
	runFont   runKind = iota // TEXT in the printer font
	runGlyph                 // one character from glyphArt
	runRaster                // characters the rasterizer draws
)

// run is a piece of a text line drawn one way. Font runs hold s.enc[start:end],
// raster runs text[start:end].
type run struct {
	kind       runKind
	start, end int
	em0, em    float64 // offset and advance in ems
	glyph      rune
}

// split cuts text into runs and returns the line's advance in ems. Which
// characters go as TEXT is decided by [label.InGB2312], the printer font's set; a
// line layout found to hold nothing else (cs is [label.CharsetGB2312]) takes a
// quicker path for its ASCII and ideographs. Without a rasterizer a character
// outside the font is an *UnprintableError naming field (a modifier such as a variation selector
// after a character of the font is left out, as [label.MustGlyph] has it).
func (s *scratch) split(text string, cs label.Charset, field string, raster bool) (float64, error) {
	s.enc, s.runs = s.enc[:0], s.runs[:0]
	pos := 0.0
	add := func(k runKind, start, end int, em float64, g rune) {
		if n := len(s.runs); n > 0 && k == s.runs[n-1].kind && (k == runFont || k == runRaster) && s.runs[n-1].end == start {
			s.runs[n-1].end = end
			s.runs[n-1].em += em
			return
		}
		s.runs = append(s.runs, run{kind: k, start: start, end: end, em0: pos, em: em, glyph: g})
	}
	gb := cs == label.CharsetGB2312
	for i := 0; i < len(text); {
		if gb {
			// No marks or selectors in the line: ASCII and ideographs are clusters
			// of their own, half and one em wide (see label.NextCluster).
			if c := text[i]; c < utf8.RuneSelf && plain[c] {
				s.enc = append(s.enc, c)
				add(runFont, len(s.enc)-1, len(s.enc), 0.5, 0)
				pos += 0.5
				i++
				continue
			} else if c >= 0xe4 && c <= 0xe9 && i+2 < len(text) {
				u := rune(c&0x0f)<<12 | rune(text[i+1]&0x3f)<<6 | rune(text[i+2]&0x3f)
				if code := gbCode(u); code != 0 && u >= 0x4e00 && text[i+1]&0xc0 == 0x80 && text[i+2]&0xc0 == 0x80 {
					s.enc = append(s.enc, byte(code>>8), byte(code))
					add(runFont, len(s.enc)-2, len(s.enc), 1, 0)
					pos++
					i += 3
					continue
				}
			}
		}
		n, em := label.NextCluster(text[i:])
		if n <= 0 {
			n = 1
		}
		cl := text[i : i+n]
		c := cl[0]
		r, size := utf8.DecodeRuneInString(cl)
		if size < n && modifiers(cl[size:]) {
			size = n // modifiers the font lacks are left out: the base prints
		}
		if r == '\u00a5' {
			r = '\uffe5' // GB 2312 has only the full-width yen sign, one em as layout measures ¥
		}
		switch {
		case c < utf8.RuneSelf && plain[c] && n == 1:
			s.enc = append(s.enc, c)
			add(runFont, len(s.enc)-1, len(s.enc), em, 0)
		case r < 0x20 || r >= 0x7F && r < 0xA0: // controls print as blanks
			if k := len(s.runs); raster && k > 0 && s.runs[k-1].kind == runRaster && s.runs[k-1].end == i {
				add(runRaster, i, i+n, em, 0)
			} else {
				s.enc = append(s.enc, ' ')
				add(runFont, len(s.enc)-1, len(s.enc), em, 0)
			}
		case r == utf8.RuneError && size <= 1:
			add(runGlyph, 0, 0, em, tofu)
		case size == n && hasGlyph(r):
			add(runGlyph, 0, 0, em, r)
		case size == n && gbCode(r) != 0: // one em: layout counts every GB 2312 character full width
			code := gbCode(r)
			s.enc = append(s.enc, byte(code>>8), byte(code))
			add(runFont, len(s.enc)-2, len(s.enc), em, 0)
		case raster:
			add(runRaster, i, i+n, em, 0)
		default:
			return 0, &UnprintableError{Char: unprintable(cl), Field: field}
		}
		pos += em
		i += n
	}
	return pos, nil
}

// modifiers reports whether s holds only characters that modify another and draw
// nothing themselves (variation selectors, joiners, skin tones, tags: see
// [label.MustGlyph]).
func modifiers(s string) bool {
	for _, r := range s {
		if label.MustGlyph(r) {
			return false
		}
	}
	return true
}

// unprintable returns the first character of a cluster the font cannot print,
// modifiers aside: the mark on a letter, say.
func unprintable(cl string) rune {
	for _, r := range cl {
		if !(r < utf8.RuneSelf && plain[r]) && gbCode(r) == 0 && label.MustGlyph(r) {
			return r
		}
	}
	r, _ := utf8.DecodeRuneInString(cl)
	return r
}

func (r *Renderer) appendText(s *scratch, dst []byte, t *label.TextLine, pg *page) ([]byte, error) {
	if !validRotation(t.Rotation) {
		return dst, ErrRotation
	}
	sizeDots := max(r.dots(t.Size), 1)
	widthDots := max(r.dots(t.Width), 0)
	ox, oy := r.pos(t.X, t.Y)
	m, fits := fontScale(sizeDots)
	rz := r.opts.Rasterizer
	if !fits && rz != nil {
		bm, err := r.rasterize(label.TextLine{Size: t.Size, Width: t.Width, Bold: t.Bold, Text: t.Text, Field: t.Field})
		if err != nil {
			return dst, err
		}
		dst = r.appendReverse(dst, t, ox, oy, max(widthDots, bm.Width), max(sizeDots, bm.Height), "ERASE")
		x0, y0, _, _ := frame(ox, oy, t.Rotation, 0, 0, bm.Width, bm.Height)
		dst = appendBitmap(dst, x0, y0, rotate(bm, t.Rotation), r.opts.InvertBitmaps)
		return r.appendReverse(dst, t, ox, oy, max(widthDots, bm.Width), max(sizeDots, bm.Height), "REVERSE"), nil
	}
	ems, err := s.split(t.Text, t.Charset, t.Field, rz != nil)
	if err != nil {
		return dst, err
	}
	cell := fontCell * m
	printed := int(ems*float64(cell) + 0.5)
	if printed > widthDots || cell > sizeDots {
		// The font prints this line larger than laid out: it must still be on the
		// label, as laid out before calibration.
		x0, y0, x1, y1 := frame(r.dots(t.X), r.dots(t.Y), t.Rotation, 0, 0, printed, cell)
		if x0 < 0 || y0 < 0 || x1 > pg.w || y1 > pg.h {
			return dst, ErrTextWidth
		}
	}
	bw, bh := max(widthDots, printed), max(sizeDots, cell)
	dst = r.appendReverse(dst, t, ox, oy, bw, bh, "ERASE")
	for _, rn := range s.runs {
		off := int(rn.em0*float64(cell) + 0.5)
		switch rn.kind {
		case runFont:
			x, y := along(ox, oy, t.Rotation, off)
			enc := s.enc[rn.start:rn.end]
			dst = appendTEXT(dst, x, y, t.Rotation, m, enc)
			if t.Bold { // the font has no bold: a second strike one dot to the right
				dst = appendTEXT(dst, x+1, y, t.Rotation, m, enc)
			}
		case runGlyph:
			bm := glyph(rn.glyph, m)
			if t.Bold {
				bm = bold(bm)
			}
			x, y := along(ox, oy, t.Rotation, off)
			x0, y0, _, _ := frame(x, y, t.Rotation, 0, 0, bm.Width, bm.Height)
			dst = appendBitmap(dst, x0, y0, rotate(bm, t.Rotation), r.opts.InvertBitmaps)
		case runRaster:
			k := float64(r.dpmm)
			bm, err := r.rasterize(label.TextLine{Size: float64(cell) / k, Width: rn.em * float64(cell) / k,
				Bold: t.Bold, Text: t.Text[rn.start:rn.end], Field: t.Field})
			if err != nil {
				return dst, err
			}
			x, y := along(ox, oy, t.Rotation, off)
			x0, y0, _, _ := frame(x, y, t.Rotation, 0, 0, bm.Width, bm.Height)
			dst = appendBitmap(dst, x0, y0, rotate(bm, t.Rotation), r.opts.InvertBitmaps)
		}
	}
	return r.appendReverse(dst, t, ox, oy, bw, bh, "REVERSE"), nil
}

// appendReverse appends cmd (ERASE or REVERSE) over the w x h frame of a reverse
// line: erased first, drawn black, then reversed, a reverse line is white on black
// whatever was under it.
func (r *Renderer) appendReverse(dst []byte, t *label.TextLine, ox, oy, w, h int, cmd string) []byte {
	if !t.Reverse {
		return dst
	}
	x0, y0, x1, y1 := frame(ox, oy, t.Rotation, 0, 0, w, h)
	return appendRect(dst, cmd, x0, y0, x1, y1)
}

// rasterize draws t, unrotated and not reversed, with the rasterizer.
func (r *Renderer) rasterize(t label.TextLine) (*label.Bitmap, error) {
	bm, err := r.opts.Rasterizer.RasterizeText(t, r.dpi)
	if err != nil {
		return nil, err
	}
	if !validBitmap(bm) {
		return nil, ErrBitmap
	}
	return bm, nil
}

// appendTEXT appends one TEXT command in the printer font; enc holds plain ASCII
// and GB2312 pairs only.
func appendTEXT(dst []byte, x, y int, rot label.Rotation, m int, enc []byte) []byte {
	dst = append(dst, "TEXT "...)
	dst = appendInts(dst, max(x, 0), max(y, 0))
	dst = append(dst, `,"`+font+`",`...)
	dst = appendInts(dst, int(rot), m, m)
	dst = append(dst, ',')
	dst = appendString(dst, enc)
	return append(dst, crlf...)
}
