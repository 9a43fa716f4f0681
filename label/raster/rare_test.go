package raster_test

import (
	"bytes"
	"testing"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRareIdeographFallback draws 𠮷 (CJK Extension B), which the primary font lacks:
// with the default fallbacks a rare-ideograph font draws the glyph, without them the
// font's missing-glyph box is all there is.
func TestRareIdeographFallback(t *testing.T) {
	if fontpath.First(fontpath.CJK) == "" || fontpath.First(fontpath.Rare) == "" {
		t.Skip("needs a CJK font and a rare-ideograph font (Debian: fonts-arphic-gbsn00lp, fonts-hanazono)")
	}
	line := label.TextLine{Size: 5, Width: 5, Text: "𠮷"}
	withRare, err := raster.New(nil)
	require.NoError(t, err)
	without, err := raster.New(&raster.Options{Fallback: []string{}})
	require.NoError(t, err)
	a, err := withRare.RasterizeText(line, 203)
	require.NoError(t, err)
	b, err := without.RasterizeText(line, 203)
	require.NoError(t, err)
	ink := func(bm *label.Bitmap) int {
		n := 0
		for _, c := range bm.Bits {
			for ; c != 0; c &= c - 1 {
				n++
			}
		}
		return n
	}
	assert.Positive(t, ink(a))
	assert.False(t, bytes.Equal(a.Bits, b.Bits), "the fallback draws the ideograph, not the missing-glyph box")
}
