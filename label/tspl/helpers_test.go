package tspl

import (
	"errors"
	"flag"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	labeltest.Golden(t, name, got, *update)
}

// boxRasterizer draws each cluster of a line as an outlined box in its cell, so
// golden files do not depend on the fonts of the machine.
type boxRasterizer struct{ calls atomic.Int64 }

func (f *boxRasterizer) RasterizeText(t label.TextLine, dpi int) (*label.Bitmap, error) {
	f.calls.Add(1)
	if t.Rotation != label.Rotate0 || t.Reverse {
		return nil, errors.New("box rasterizer: rotated or reversed line")
	}
	k := float64(dpi) / 25.4
	w := int(math.Ceil(math.Max(t.Width, label.TextEm(t.Text)*t.Size) * k))
	h := int(math.Ceil(t.Size * k))
	bm := newBitmap(max(w, 1), max(h, 1))
	pen := 0.0
	for s := t.Text; s != ""; {
		n, em := label.NextCluster(s)
		s = s[n:]
		x0, x1 := int(pen*k)+1, int((pen+em*t.Size)*k)-2
		for x := x0; x <= x1 && x < bm.Width; x++ {
			set(bm, x, 1)
			set(bm, x, bm.Height-2)
		}
		for y := 1; y < bm.Height-1; y++ {
			if x0 < bm.Width {
				set(bm, x0, y)
			}
			if x1 >= 0 && x1 < bm.Width {
				set(bm, x1, y)
			}
		}
		pen += em * t.Size
	}
	return bm, nil
}

// inFont reports whether r prints with TSS24.BF2 as layout measures it: printable
// ASCII but " \ ~, or a GB2312 character (which layout counts one em). It asks
// the GBK encoder, not the renderer's table.
func inFont(r rune) bool {
	if r < 0x80 {
		return r >= 0x20 && r < 0x7F && !strings.ContainsRune(`"\~`, r)
	}
	return gb2312(r)
}

func gb2312(r rune) bool {
	if r >= 0xE000 && r <= 0xF8FF {
		return false
	}
	b, err := simplifiedchinese.GBK.NewEncoder().String(string(r))
	if err != nil || len(b) != 2 || b[0] < 0xA1 || b[0] > 0xF7 || b[0] >= 0xAA && b[0] <= 0xAF || b[1] < 0xA1 {
		return false
	}
	code := uint16(b[0])<<8 | uint16(b[1])
	for _, gbkOnly := range [][2]uint16{ // GBK's additions in the GB2312 symbol rows
		{0xA2A1, 0xA2B0}, {0xA2E3, 0xA2E4}, {0xA2EF, 0xA2F0}, {0xA2FD, 0xA2FE},
		{0xA6B9, 0xA6C0}, {0xA6D9, 0xA6FE}, {0xA8BB, 0xA8C4}, {0xA8EA, 0xA8FE},
	} {
		if code >= gbkOnly[0] && code <= gbkOnly[1] {
			return false
		}
	}
	return true
}

// expectedTexts models what TEXT commands the renderer must send for doc at dpmm
// dots per mm: for each line the font prints, its runs of font characters, twice
// when bold; controls are blanks.
func expectedTexts(doc *label.Document, dpmm int, raster bool) []string {
	var out []string
	for _, p := range doc.Pages {
		for _, op := range p.Ops {
			t, ok := op.(label.TextLine)
			if !ok {
				continue
			}
			size := max(int(t.Size*float64(dpmm)+0.5), 1)
			m := min(size/24, 8)
			if raster && !(m >= 1 && 24*m*5 >= size*4) {
				continue // drawn whole by the rasterizer
			}
			var runs []string
			var cur strings.Builder
			flush := func() {
				if cur.Len() > 0 {
					runs = append(runs, cur.String())
					cur.Reset()
				}
			}
			prev := ""
			for s := t.Text; s != ""; {
				n, _ := label.NextCluster(s)
				cl := s[:n]
				s = s[n:]
				var rs []rune
				for _, r := range cl {
					if r == '\u00a5' {
						r = '\uffe5' // the font has the full-width sign only
					}
					if len(rs) == 0 || !unicode.Is(unicode.Variation_Selector, r) {
						rs = append(rs, r) // a selector the font lacks is left out
					}
				}
				valid := utf8.ValidString(cl)
				switch {
				case valid && len(rs) == 1 && inFont(rs[0]):
					cur.WriteRune(rs[0])
					prev = "font"
				case valid && (rs[0] < 0x20 || rs[0] >= 0x7F && rs[0] < 0xA0):
					if !(raster && prev == "raster") {
						cur.WriteByte(' ')
						prev = "font"
					}
				case valid && len(rs) == 1 && strings.ContainsRune("\"\\~", rs[0]):
					flush()
					prev = "glyph"
				default:
					flush()
					prev = "raster"
					if !valid {
						prev = "glyph"
					}
				}
			}
			flush()
			for _, r := range runs {
				out = append(out, r)
				if t.Bold {
					out = append(out, r)
				}
			}
		}
	}
	return out
}
