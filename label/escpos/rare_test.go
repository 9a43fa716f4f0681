package escpos

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// rareNames are names with characters outside GB 2312, the printer font's set.
var rareNames = []string{"王喆", "李堃", "张垚", "刘珺", "陈玥", "赵赟", "𠮷田", "𪚥"}

// On a packing list, a name with a character outside the printer font prints as a
// raster image drawn with the fallback fonts; no text row carries it. Without a
// rasterizer it is an error naming the character, the field and the order.
func TestRareNamesOnReceipt(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-hanazono fonts-droid-fallback): %v", err)
	}
	tpl, err := label.Standard("packing-80mm")
	require.NoError(t, err)
	withImages, err := New(&Options{TextRasterizer: rz})
	require.NoError(t, err)
	plain, err := New(nil)
	require.NoError(t, err)
	for _, name := range rareNames {
		d := labeltest.Data(labeltest.SampleOrders(t)[0])
		d.Fields["recipient.name"] = name
		doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
		require.NoError(t, err)
		out, err := withImages.AppendDocument(nil, doc)
		require.NoError(t, err, name)
		evs, err := decodeStream(out)
		require.NoError(t, err)
		all, err := simplifiedchinese.GB18030.NewDecoder().String(strings.Join(texts(evs), "\n"))
		require.NoError(t, err)
		rare := []rune(name)[0]
		if name != "𠮷田" && name != "𪚥" {
			rare = []rune(name)[1]
		}
		assert.NotContains(t, all, string(rare), name)
		assert.NotContains(t, all, "?", name)
		assert.Positive(t, countCmd(evs, "GS v 0"), "%s prints as an image", name)
		ink := 0
		for _, ev := range evs {
			for _, b := range ev.Bits {
				for ; b != 0; b &= b - 1 {
					ink++
				}
			}
		}
		assert.Greater(t, ink, 50, name)

		_, err = plain.AppendDocument(nil, doc)
		var ge *label.GlyphError
		require.ErrorAs(t, err, &ge, name)
		assert.Equal(t, rare, ge.Rune)
		assert.Equal(t, "recipient.name", ge.Field)
		assert.Equal(t, d.Fields["order.id"], ge.Order)
		assert.ErrorIs(t, err, ErrUnprintable)
	}
}
