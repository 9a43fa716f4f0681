package raster_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
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
	_, err = without.RasterizeText(line, 203)
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge, "without a font for it, 𠮷 is an error, not a box")
	assert.Equal(t, '𠮷', ge.Rune)
	assert.Positive(t, ink(a))
}

// rareNames are names with characters outside GB 2312: GBK (喆 堃 垚 珺 玥 赟),
// Extension B (𠮷) and Extension B's 𪚥.
var rareNames = []string{"王喆", "李堃", "张垚", "刘珺", "陈玥", "赵赟", "𠮷田", "𪚥"}

// Every character of the rare names is drawn by a font of the fallback chain (the
// chain never draws a missing-glyph box: a character no font has, an emoji here,
// is an error).
func TestRareNamesDrawn(t *testing.T) {
	if fontpath.First(fontpath.CJK) == "" || fontpath.First(fontpath.Rare) == "" {
		t.Skip("needs a CJK font and the rare-ideograph fonts (Debian: fonts-arphic-gbsn00lp, fonts-hanazono, fonts-droid-fallback)")
	}
	r, err := raster.New(nil)
	require.NoError(t, err)
	_, err = r.RasterizeText(label.TextLine{Size: 5, Width: 5, Text: "\U0001F9FF", Field: "order.remark"}, 203)
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge, "a symbol no font has is an error, not a box")
	assert.Equal(t, '\U0001F9FF', ge.Rune)
	assert.Equal(t, "order.remark", ge.Field)
	for _, name := range rareNames {
		for _, c := range name {
			bm, err := r.RasterizeText(label.TextLine{Size: 5, Width: 5, Text: string(c)}, 203)
			require.NoError(t, err, "%q", c)
			assert.Greater(t, ink(bm), 20, "%q has ink", c)
		}
	}
}

// A letter no font has fails with a GlyphError naming the character, the field
// and the order.
func TestMissingGlyphIsAnError(t *testing.T) {
	if fontpath.First(fontpath.CJK) == "" {
		t.Skip("needs a CJK font (Debian: fonts-arphic-gbsn00lp)")
	}
	r, err := raster.New(&raster.Options{Fallback: []string{}})
	require.NoError(t, err)
	doc := &label.Document{Order: "TB2026111100007", Pages: []label.Page{{Width: 40, Height: 10, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 4, Width: 8, Text: "王喆", Field: "recipient.name"},
	}}}}
	err = r.Render(context.Background(), io.Discard, doc)
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, '喆', ge.Rune)
	assert.Equal(t, "recipient.name", ge.Field)
	assert.Equal(t, "TB2026111100007", ge.Order)
	assert.ErrorIs(t, err, label.ErrNoGlyph)
	assert.Contains(t, err.Error(), "喆")
}

func ink(bm *label.Bitmap) int {
	n := 0
	for _, c := range bm.Bits {
		for ; c != 0; c &= c - 1 {
			n++
		}
	}
	return n
}

// Fallback fonts load when a character first needs them; one that cannot be read
// then is named in the GlyphError for the character only it could have had.
func TestLazyFallback(t *testing.T) {
	primary := fontpath.First(fontpath.CJK)
	if primary == "" {
		t.Skip("needs a CJK font (Debian: fonts-arphic-gbsn00lp)")
	}
	bad := filepath.Join(t.TempDir(), "broken.ttf")
	require.NoError(t, os.WriteFile(bad, []byte("not a font"), 0o644))
	r, err := raster.New(&raster.Options{Font: primary, Fallback: []string{bad}})
	require.NoError(t, err, "a fallback is only read when needed")
	_, err = r.RasterizeText(label.TextLine{Size: 5, Width: 10, Text: "张三"}, 203)
	require.NoError(t, err)
	_, err = r.RasterizeText(label.TextLine{Size: 5, Width: 10, Text: "王喆", Field: "recipient.name"}, 203)
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge)
	assert.Contains(t, ge.Font, "broken.ttf (unreadable")

	_, err = raster.New(&raster.Options{Font: primary, Fallback: []string{filepath.Join(t.TempDir(), "missing.ttf")}})
	var fe *raster.FontError
	require.ErrorAs(t, err, &fe, "a missing fallback is an error at once")
}

// A CJK collection (.ttc, Noto CJK here) serves as a fallback: its Simplified
// Chinese face draws what the primary font lacks.
func TestCollectionFallback(t *testing.T) {
	primary := fontpath.First(fontpath.CJK)
	coll := fontpath.First(fontpath.Collections)
	if primary == "" || coll == "" {
		t.Skip("needs a CJK font and a CJK collection (Debian: fonts-arphic-gbsn00lp, fonts-noto-cjk)")
	}
	r, err := raster.New(&raster.Options{Font: primary, Fallback: []string{coll}})
	require.NoError(t, err)
	for _, c := range "喆堃垚珺玥赟" {
		bm, err := r.RasterizeText(label.TextLine{Size: 5, Width: 5, Text: string(c)}, 203)
		require.NoError(t, err, "%q from %s", c, coll)
		assert.Greater(t, ink(bm), 20, "%q", c)
	}
}

// Renderers made fresh load their fallback fonts from many goroutines at once and
// all draw the same image.
func TestLazyFallbackConcurrent(t *testing.T) {
	if fontpath.First(fontpath.CJK) == "" || fontpath.First(fontpath.Rare) == "" {
		t.Skip("needs a CJK font and the rare-ideograph fonts (Debian: fonts-arphic-gbsn00lp, fonts-hanazono)")
	}
	r, err := raster.New(nil)
	require.NoError(t, err)
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 10, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 4, Width: 16, Text: "王喆 𠮷田 陈玥"},
	}}}}
	out := make([][]byte, 6)
	done := make(chan int)
	for i := range out {
		go func() {
			var b bytes.Buffer
			if err := r.Render(context.Background(), &b, doc); err == nil {
				out[i] = b.Bytes()
			}
			done <- i
		}()
	}
	for range out {
		<-done
	}
	for i := range out {
		require.NotEmpty(t, out[i])
		assert.Equal(t, out[0], out[i])
	}
}
