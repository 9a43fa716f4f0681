package zpl

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// paint draws the ^GB boxes and ^GF graphics of cmds the way a printer does: black
// ink, or with ^FR the field reversed against what is already printed. Text and
// barcode fields are not drawn.
func paint(t *testing.T, cmds []command) [][]bool {
	t.Helper()
	var pw, ll, x, y int
	var dots [][]bool
	reverse := false
	ink := func(px, py int) {
		if py < 0 || py >= ll || px < 0 || px >= pw {
			return
		}
		if reverse {
			dots[py][px] = !dots[py][px]
		} else {
			dots[py][px] = true
		}
	}
	for _, c := range cmds {
		p := strings.Split(c.Params, ",")
		switch c.Name {
		case "^PW":
			pw, _ = strconv.Atoi(c.Params)
		case "^LL":
			ll, _ = strconv.Atoi(c.Params)
			dots = make([][]bool, ll)
			for i := range dots {
				dots[i] = make([]bool, pw)
			}
		case "^FO":
			x, _ = strconv.Atoi(p[0])
			y, _ = strconv.Atoi(p[1])
		case "^FR":
			reverse = true
		case "^FS":
			reverse = false
		case "^GB":
			w, _ := strconv.Atoi(p[0])
			h, _ := strconv.Atoi(p[1])
			th, _ := strconv.Atoi(p[2])
			for yy := 0; yy < h; yy++ {
				for xx := 0; xx < w; xx++ {
					if xx < th || yy < th || xx >= w-th || yy >= h-th {
						ink(x+xx, y+yy)
					}
				}
			}
		case "^GF":
			raw, bpr, err := graphic(c.Params)
			require.NoError(t, err)
			for yy := 0; yy < len(raw)/bpr; yy++ {
				for xx := 0; xx < bpr*8; xx++ {
					if raw[yy*bpr+xx/8]&(0x80>>(xx%8)) != 0 {
						ink(x+xx, y+yy)
					}
				}
			}
			reverse = false // ^GF ends its field
		}
	}
	return dots
}

// The white-on-black 收 and 寄 badges of the waybill print white glyphs inside their
// black boxes when text goes as graphics: the glyph's pixels are white, the rest of
// the box black. Sent without ^FR over the black box, the badge was a solid block.
func TestReverseBadgesInGraphicsMode(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp): %v", err)
	}
	for _, c := range []Compression{CompressZ64, CompressACS, CompressHex} {
		r, err := New(&Options{TextMode: TextGraphics, Rasterizer: rz, Compression: c})
		require.NoError(t, err)
		doc := labeltest.Layout(t, "waybill-76x130", labeltest.Data(labeltest.SampleOrders(t)[0]))
		out, err := r.AppendDocument(nil, doc)
		require.NoError(t, err)
		cmds, err := decode(out)
		require.NoError(t, err)
		dots := paint(t, cmds)
		badges := 0
		for _, op := range doc.Pages[0].Ops {
			tl, ok := op.(label.TextLine)
			if !ok || !tl.Reverse {
				continue
			}
			badges++
			u := tl
			u.Reverse = false
			glyph, err := rz.RasterizeText(u, 203)
			require.NoError(t, err)
			x0, y0 := r.dots(tl.X), r.dots(tl.Y)
			white, black, glyphInk, wrong := 0, 0, 0, 0
			for yy := 0; yy < glyph.Height; yy++ {
				for xx := 0; xx < glyph.Width; xx++ {
					on := glyph.Bits[yy*glyph.Stride+xx/8]&(0x80>>(xx%8)) != 0
					printed := dots[y0+yy][x0+xx]
					if printed {
						black++
					} else {
						white++
					}
					if on {
						glyphInk++
					}
					if on == printed { // a glyph pixel must be white, any other black
						wrong++
					}
				}
			}
			assert.Positive(t, glyphInk, "%q has a glyph", tl.Text)
			assert.Equal(t, glyphInk, white, "%q: the glyph's pixels print white", tl.Text)
			assert.Zero(t, wrong, "%q", tl.Text)
			assert.Greater(t, black, white, "%q: the box is black around the glyph", tl.Text)
		}
		assert.Equal(t, 2, badges, "收 and 寄")
	}
}
